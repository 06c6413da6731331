"""A month's and a week's report: other periods named in a sentence or a table header, promotion days, the
month to date. Each correct sentence verifies; its wrong twin (every figure 12% off) is caught."""

import re

import pytest

from drafter.models import Fact, fact_id
from drafter.verify import verify_markdown


def fact(metric, measure, value, unit, period, dimension=""):
    kind = "target" if measure.startswith("target") else "computed"
    return Fact(id=fact_id(metric, measure, period, dimension), metric=metric, label=metric.upper(), measure=measure,
                value=value, unit=unit, period=period, dimension=dimension, kind=kind)


MONTH = [
    fact("gmv", "value", 434.2e4, "元", "2025-11"), fact("gmv", "value", 293.1e4, "元", "2025-10"),
    fact("gmv", "value", 360.2e4, "元", "2024-11"),
    fact("orders", "value", 14_012, "单", "2025-11"), fact("orders", "value", 9522, "单", "2025-10"),
    fact("gmv", "target", 450e4, "元", "2025-11"), fact("gmv", "attainment", 96.48, "%", "2025-11"),
] + [fact("gmv", measure, value, unit, period, dim)
     for dim in ("day=11月11日", "promo=双11")
     for measure, value, unit, period in (("value", 450720.47, "元", "2025-11"), ("share", 10.38, "%", "2025-11"),
                                          ("value", 381750.38, "元", "2024-11"))] + [
    fact("gmv", "yoy", 18.07, "%", "2025-11", "promo=双11"),
    fact("gmv", "value", 61_900, "元", "2025-11", "day=11月20日")]
WEEK = [
    fact("gmv", "value", 51.23e4, "元", "2025-W47"), fact("gmv", "value", 122.4e4, "元", "2025-W46"),
    fact("gmv", "value", 40.24e4, "元", "2024-W47"),
    fact("gmv", "target", 450e4, "元", "2025-11"), fact("gmv", "mtd", 3837362.81, "元", "2025-11"),
    fact("gmv", "mtd_attainment", 85.27, "%", "2025-11"),
    fact("gmv", "value", 7.82e4, "元", "2025-W47", "day=11月21日"),
    fact("gmv", "share", 15.3, "%", "2025-W47", "day=11月21日"),
]
TABLE = """| 指标 | 2025年11月 | 2025年10月 |
| --- | --- | --- |
| GMV | 434.2万元 | 293.1万元 |
| 订单量 | 1.4万单 | 9522单 |
"""
CASES = [
    (MONTH, "2025-11", "2025年10月GMV为293.1万元，2024年11月GMV为360.2万元。"),
    (MONTH, "2025-11", TABLE),
    (MONTH, "2025-11", "从每日走势看，2025年11月单日GMV峰值出现在11月11日（双11），当日GMV为45.07万元，"
                       "占2025年11月GMV的10.4%。"),
    (MONTH, "2025-11", "双11当天（11月11日）GMV为45.07万元，占2025年11月GMV的10.4%，较上年双11同比上升18.1%。"),
    (MONTH, "2025-11", "按目标表中2025年11月的GMV目标450万元计算，2025年11月GMV目标完成率为96.5%。"),
    (WEEK, "2025-W47", "2025年第46周GMV为122.4万元，2024年第47周GMV为40.24万元。"),
    (WEEK, "2025-W47", "2025年11月月初至今（11月1日—11月23日）累计GMV为383.7万元，按目标表中2025年11月的GMV目标"
                       "450万元计算，月度目标完成率为85.3%。"),
    (WEEK, "2025-W47", "从每日走势看，2025年第47周单日GMV峰值出现在11月21日，当日GMV为7.82万元，"
                       "占2025年第47周GMV的15.3%。"),
]
_FIGURE = re.compile(r"(?<![\d年第月])(\d+(?:\.\d+)?)(?=万元|元|万单|单|%)")


def twelve_percent_off(text):
    """Every claim figure 12% higher, written with the same decimals (dates, years and week numbers kept)."""
    def bump(m):
        decimals = len(m[1].split(".")[1]) if "." in m[1] else 0
        return f"{float(m[1]) * 1.12:.{decimals}f}"
    return _FIGURE.sub(bump, text)


@pytest.mark.parametrize(("facts", "period", "text"), CASES)
def test_other_periods_promotion_days_and_month_to_date_verify(facts, period, text):
    found = verify_markdown(text, facts, period=period)
    assert found and [f.verdict for f in found if f.value is not None] == ["verified"] * len(
        [f for f in found if f.value is not None]), [(f.text, f.verdict, f.message) for f in found]


@pytest.mark.parametrize(("facts", "period", "text"), CASES)
def test_each_figure_twelve_percent_off_is_caught(facts, period, text):
    wrong = twelve_percent_off(text)
    assert wrong != text
    found = [f for f in verify_markdown(wrong, facts, period=period) if f.value is not None]
    assert found and all(f.verdict == "mismatch" for f in found), [(f.text, f.verdict) for f in found]


@pytest.mark.parametrize(("facts", "text"), [
    # the named month is not in the facts: not this month's figure
    ([f for f in MONTH if f.period != "2025-10"], "2025年10月GMV为293.1万元。"),
    # no promotion or day facts: a promotion day's name stays unread
    ([f for f in MONTH if not f.dimension], "双11当天GMV为45.07万元。"),
    # 每日 as an aggregation of the figure still is one
    (MONTH, "11月每日GMV约为434.2万元。"),
    # a span of days that is not the month from its first day is not the month to date
    (WEEK, "月初至今（11月5日—11月23日）累计GMV为383.7万元。"),
])
def test_what_the_facts_cannot_back_is_not_verified(facts, text):
    period = facts[0].period
    found = [f for f in verify_markdown(text, facts, period=period) if f.value is not None]
    assert found and all(f.verdict != "verified" for f in found), [(f.text, f.verdict) for f in found]
