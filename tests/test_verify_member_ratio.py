"""A ratio the facts state only in total (人均消费 = GMV / 买家数) is computed for a member from the member's own
numerator and denominator, as the total's formula says — and only on a complete reading."""

import pytest

from drafter.models import Fact, fact_id
from drafter.verify import verify_markdown


def fact(metric, label, value, unit, dimension="", formula="", aliases=()):
    return Fact(id=fact_id(metric, "value", "2025", dimension), metric=metric, label=label, value=value, unit=unit,
                period="2025", dimension=dimension, formula=formula, aliases=list(aliases))


FACTS = [
    fact("gmv", "GMV", 3_000e4, "元"), fact("buyers", "买家数", 100_000, "人"), fact("orders", "订单量", 120_000, "单"),
    fact("aov_buyer", "人均消费金额（按买家）", 300.0, "元", formula="gmv / buyers", aliases=("人均消费",)),
    fact("aov", "客单价（按订单）", 250.0, "元", formula="gmv / orders"),
    fact("returning_buyers", "老客数", 40_000, "人"), fact("new_buyers", "新客数", 60_000, "人"),
    fact("gmv", "GMV", 1_800e4, "元", "buyer=老客"), fact("gmv", "GMV", 1_200e4, "元", "buyer=新客"),
    fact("gmv", "GMV", 900e4, "元", "channel=京东"), fact("buyers", "买家数", 25_000, "人", "channel=京东"),
    fact("orders", "订单量", 30_000, "单", "channel=京东"),
    fact("gmv", "GMV", 600e4, "元", "category=家电"),  # no buyers by category: nothing to divide by
    # a share whose formula is a plain ratio: the formula does not give the fact's own value (a fraction, not %)
    fact("member_share", "会员占比", 40.0, "%", formula="members / buyers"), fact("members", "会员数", 40_000, "人"),
    fact("members", "会员数", 10_000, "人", "channel=京东"),
]
# (sentence template, the value the member's own facts give)
RIGHT = [
    ("老客人均消费{x}元，明显高于新客。", 1_800e4 / 40_000),
    ("新客人均消费约{x}元。", 1_200e4 / 60_000),
    ("京东渠道人均消费为{x}元。", 900e4 / 25_000),
    ("京东渠道客单价为{x}元。", 900e4 / 30_000),
]
QUALIFIERS = ("上半年", "日均", "直播间", "剔除大促后", "预计", "12月单月")


def found(sentence):
    return verify_markdown(sentence, FACTS, period="2025")


@pytest.mark.parametrize("template, value", RIGHT)
def test_a_members_ratio_verifies_and_names_its_facts(template, value):
    (f,) = found(template.format(x=f"{value:.0f}"))
    assert f.verdict == "verified", f.message
    assert f.reading["operation"] == "a / b" and len(f.reading["facts"]) == 2


@pytest.mark.parametrize("template, value", RIGHT)
@pytest.mark.parametrize("factor", [0.9, 1.12, 300.0 / 250.0])
def test_a_perturbed_ratio_is_a_mismatch(template, value, factor):
    (f,) = found(template.format(x=f"{value * factor:.0f}"))
    assert f.verdict == "mismatch", f.message


@pytest.mark.parametrize("template, value", RIGHT)
def test_an_inserted_qualifier_withholds_the_verdict(template, value):
    sentence = template.format(x=f"{value:.0f}")
    at = min(sentence.index(w) for w in ("人均", "客单价") if w in sentence)
    for word in QUALIFIERS:
        (f,) = found(sentence[:at] + word + sentence[at:])
        assert f.verdict == "unsupported", (word, f.verdict, f.message)


def test_without_the_members_own_denominator_or_a_formula_that_gives_the_total_nothing_is_derived():
    (f,) = found("家电品类人均消费为500元。")
    assert f.verdict == "unsupported"
    (f,) = found("京东渠道会员占比为40.0%。")  # 10000 / 25000 would be 0.4, not the 40.0% a share states
    assert f.verdict == "unsupported"
