"""A sentence naming no metric but an amount word after a per-unit word (平均每天成交, 每单平均金额) speaks of the
period's money total per day or per order: judged on a complete reading only."""

import pytest

from drafter.models import Fact, fact_id
from drafter.verify import verify_markdown


def fact(metric, label, value, unit, dimension=""):
    return Fact(id=fact_id(metric, "value", "2025", dimension), metric=metric, label=label, value=value, unit=unit,
                period="2025", dimension=dimension)


FACTS = [fact("gmv", "GMV", 3_650e4, "元"), fact("orders", "订单量", 146_000, "单"),
         fact("gmv", "GMV", 1_000e4, "元", "channel=天猫"), fact("orders", "订单量", 32_000, "单", "channel=天猫")]
RIGHT = [  # (template, value in 元, where a qualifier goes)
    ("全年平均每天成交{x}万元。", 3_650e4 / 365, "平均"),
    ("日均成交约{x}万元。", 3_650e4 / 365, "日均"),
    ("每单平均金额为{x}元。", 3_650e4 / 146_000, "每单"),
    ("天猫渠道每单平均金额为{x}元。", 1_000e4 / 32_000, "每单"),
]
QUALIFIERS = ("直播间", "新品", "剔除大促后", "预计", "上半年", "会员")


def written(template, value):
    return template.format(x=f"{value / 1e4:.1f}" if "万元" in template else f"{value:.1f}")


def found(sentence):
    return verify_markdown(sentence, FACTS, period="2025")


@pytest.mark.parametrize("template, value, at", RIGHT)
def test_the_amount_per_unit_verifies_and_names_its_operation(template, value, at):
    (f,) = found(written(template, value))
    assert f.verdict == "verified" and f.reading["metric"] == "gmv" and f.reading["operation"], f.message


@pytest.mark.parametrize("template, value, at", RIGHT)
@pytest.mark.parametrize("factor", [0.85, 1.12])
def test_a_perturbed_amount_is_a_mismatch(template, value, at, factor):
    (f,) = found(written(template, value * factor))
    assert f.verdict == "mismatch", f.message


@pytest.mark.parametrize("template, value, at", RIGHT)
def test_an_inserted_qualifier_withholds_the_verdict(template, value, at):
    sentence = written(template, value)
    for word in QUALIFIERS:
        changed = sentence.replace(at, word + at, 1)
        (f,) = found(changed)
        assert f.verdict == "unsupported", (changed, f.verdict, f.message)


def test_a_word_between_the_unit_and_the_amount_keeps_it_unread():
    (f,) = found("平均每天新增成交10.0万元。")  # 新增: not the amount itself
    assert f.verdict == "unsupported"
