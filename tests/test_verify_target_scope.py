"""A target's own scope words are read like any other qualifier: a target stated for a sub-period, or compared
with a figure of another plan or a forecast, is not the target the facts hold, so it must not verify."""

import pytest

from drafter.models import Fact, fact_id
from drafter.verify import verify_markdown


def fact(metric, label, measure, value, unit, period="2025", dimension=""):
    kind = "target" if measure.startswith("target") else "computed"
    return Fact(id=fact_id(metric, measure, period, dimension), metric=metric, label=label, measure=measure,
                value=value, unit=unit, period=period, dimension=dimension, kind=kind)


FACTS = [
    fact("gmv", "GMV", "value", 3_000e4, "元"), fact("gmv", "GMV", "value", 2_500e4, "元", "2024"),
    fact("gmv", "GMV", "yoy", 20.0, "%"), fact("gmv", "GMV", "yoy", 12.0, "%", "2024"),
    fact("gmv", "GMV", "target_yoy", 24.0, "%"), fact("gmv", "GMV", "target", 3_100e4, "元"),
    fact("refund_rate", "退款率", "value", 6.4, "%"), fact("refund_rate", "退款率", "target", 6.0, "%"),
    fact("repurchase_rate", "复购率", "value", 31.5, "%"), fact("repurchase_rate", "复购率", "target", 33.0, "%"),
    fact("aov", "客单价", "value", 212.0, "元"), fact("aov", "客单价", "target", 205.0, "元"),
]
# a quarter's report: its facts hold the quarter's actuals and the year's targets
QUARTER = [fact("refund_rate", "退款率", "value", 6.9, "%", "2025Q3"),
           fact("refund_rate", "退款率", "target", 6.0, "%"),
           fact("gmv", "GMV", "yoy", 18.0, "%", "2025Q3"), fact("gmv", "GMV", "target_yoy", 24.0, "%")]

# written for these facts, each fully verified as written; the figure that reads a target, a gap or an attainment
TARGET_SENTENCES = [
    ("退款率为6.4%，超出6.0%的控制目标。", "6.0%"),
    ("复购率31.5%，距33.0%的目标还差1.5个百分点。", "33.0%"),
    ("复购率31.5%，距33.0%的目标还差1.5个百分点。", "1.5个百分点"),
    ("GMV同比增长20.0%，未达到24.0%的增长目标。", "24.0%"),
    ("客单价212元，高于205元的目标。", "205元"),
    ("GMV目标完成率为96.8%。", "96.8%"),
]
SUB_PERIODS = ("上半年", "下半年", "一季度", "第三季度", "前三季度", "12月", "單月", "下半年度")
# a plan or a forecast of another figure than the fact's: 预算退款率…高于…控制目标 compares a budget with the line
OTHER_PLANS = ("预算", "预计", "預計", "计划")
FORECASTS = ("预计", "預計", "预估")
_METRICS = ("退款率", "复购率", "GMV", "客单价")


def _at(sentence, figure):
    return [f for f in verify_markdown(sentence, FACTS, period="2025") if f.text == figure]


def _variants(sentence, words):
    """Each word at the sentence's start (a topic) and right before its first metric name."""
    first = min(sentence.index(m) for m in _METRICS if m in sentence)
    for word in words:
        yield word + "，" + sentence
        yield sentence[:first] + word + sentence[first:]


@pytest.mark.parametrize("sentence, figure", TARGET_SENTENCES)
def test_each_target_sentence_verifies_as_written(sentence, figure):
    found = verify_markdown(sentence, FACTS, period="2025")
    assert found and all(f.verdict == "verified" for f in found), [(f.text, f.verdict, f.message) for f in found]


@pytest.mark.parametrize("sentence, figure", TARGET_SENTENCES)
def test_a_sub_period_word_before_a_target_withholds_the_verdict(sentence, figure):
    for changed in _variants(sentence, SUB_PERIODS):
        (after,) = _at(changed, figure)
        # withheld: the word left unread, or read as a period the facts do not state (一季度GMV目标完成率)
        assert after.verdict == "unsupported", (changed, after.verdict, after.message)


@pytest.mark.parametrize("sentence, figure", TARGET_SENTENCES)
def test_another_plan_or_a_forecast_before_a_target_withholds_the_verdict(sentence, figure):
    # before an actual's metric, a plan word makes that figure a plan's; before an attainment, a forecast
    # makes it a forecast of the result (计划GMV目标完成率 names the target itself: not inserted)
    words = OTHER_PLANS if "，" in sentence and sentence.index(figure) > sentence.index("，") else FORECASTS
    first = min(sentence.index(m) for m in _METRICS if m in sentence)
    for word in words:
        changed = sentence[:first] + word + sentence[first:]
        (after,) = _at(changed, figure)
        assert after.verdict == "unsupported" and after.reading["unread"], (changed, after.verdict, after.message)


@pytest.mark.parametrize("sentence", [
    "上半年退款率为6.8%，超出全年6.0%的控制目标。",
    "一季度GMV同比增长15.0%，低于年度24.0%的增长目标。",
    "第三季度复购率为30.0%，低于2025年33.0%的目标。",
])
def test_a_target_phrase_naming_its_own_year_verifies_whatever_period_the_actual_has(sentence):
    target = [f for f in verify_markdown(sentence, FACTS, period="2025") if f.reading.get("measure", "")
              .startswith("target")]
    assert [f.verdict for f in target] == ["verified"], [(f.text, f.verdict, f.message) for f in target]


def test_a_quarters_report_compares_its_own_quarter_with_the_years_target():
    found = verify_markdown("三季度退款率为6.9%，超出6.0%的控制目标。", QUARTER, period="2025Q3")
    assert [f.verdict for f in found] == ["verified", "verified"], [(f.text, f.message) for f in found]
    other = verify_markdown("上半年退款率为6.9%，超出6.0%的控制目标。", QUARTER, period="2025Q3")
    assert [f.verdict for f in other] == ["unsupported", "unsupported"]
    assert other[1].reading["unread"] == ["上半年"]


def test_a_control_line_is_a_target_never_the_actual():
    found = verify_markdown("退款率6.4%，比6.0%的控制线高出0.4个百分点。", FACTS, period="2025")
    assert all(f.verdict in ("verified", "unsupported") for f in found), [(f.text, f.message) for f in found]
    assert found[1].verdict == "verified" and found[1].reading["measure"] == "target"


def test_two_lines_for_one_target_leave_open_which_the_facts_hold():
    # a revised target, or a budget set against a control line: neither figure is confidently the facts' target
    for sentence in ("复购率目标从30.0%上调至33.0%。", "预算退款率为6.4%，超出6.0%的控制目标，高出0.4个百分点。"):
        found = verify_markdown(sentence, FACTS, period="2025")
        assert all(f.verdict == "unsupported" and f.reading["unread"] for f in found), \
            [(f.text, f.verdict, f.message) for f in found]


def test_a_plan_a_target_took_still_scopes_a_change_read_on_the_actuals():
    plain = verify_markdown("GMV增速从上年的12.0%提高至20.0%，提高8.0个百分点。", FACTS, period="2025")
    assert [f.verdict for f in plain] == ["verified"] * 3, [(f.text, f.message) for f in plain]
    planned = verify_markdown("预算GMV增速从上年的12.0%调整至20.0%，提高8.0个百分点。", FACTS, period="2025")
    change = [f for f in planned if f.text == "8.0个百分点"]
    assert [f.verdict for f in change] == ["unsupported"] and "预算" in change[0].reading["unread"]
    # a period or a base of the figure's own clause ends the plan's reach: the actual is read and verifies
    after = verify_markdown("GMV增长目标为24.0%，全年同比增长20.0%。", FACTS, period="2025")
    assert [f.verdict for f in after] == ["verified", "verified"], [(f.text, f.message) for f in after]
    # without it the second figure may restate the target or give the actual: never a confident verdict on either
    loose = verify_markdown("GMV增长目标为24.0%，同比增长20.0%。", FACTS, period="2025")
    assert "mismatch" not in [f.verdict for f in loose]
