"""Prose the demo corpus and the offline writer use: each correct sentence verifies, its altered twin is flagged."""

import pytest

from drafter.models import Fact, fact_id
from drafter.verify import extract_figures, verify_markdown


def fact(metric, label, measure, value, unit, dimension="", status="", period="2024"):
    kind = "target" if measure.startswith("target") else "computed"
    return Fact(id=fact_id(metric, measure, period, dimension), metric=metric, label=label, measure=measure,
                value=value, unit=unit, period=period, dimension=dimension, kind=kind, status=status)


DY, TM, JD, APP = "channel=抖音", "channel=天猫", "channel=京东", "channel=自营APP"
FACTS = [
    fact("gmv", "GMV", "value", 23_290_000, "元"), fact("gmv", "GMV", "yoy", 16.1, "%"),
    fact("gmv", "GMV", "target_yoy", 15.0, "%"), fact("gmv", "GMV", "target", 23_070_000, "元"),
    fact("gmv", "GMV", "value", 4_034_000, "元", DY), fact("gmv", "GMV", "yoy", 98.7, "%", DY),
    fact("gmv", "GMV", "share", 17.32, "%", DY), fact("gmv", "GMV", "share_pp", 7.21, "pp", DY),
    fact("gmv", "GMV", "target_share", 20.0, "%", DY),
    fact("gmv", "GMV", "value", 8_040_000, "元", TM), fact("gmv", "GMV", "yoy", -0.9, "%", TM),
    fact("gmv", "GMV", "share", 34.5, "%", TM), fact("gmv", "GMV", "share_pp", -5.9, "pp", TM),
    fact("gmv", "GMV", "value", 5_371_000, "元", JD), fact("gmv", "GMV", "yoy", 8.0, "%", JD),
    fact("gmv", "GMV", "share", 23.1, "%", JD),
    fact("gmv", "GMV", "yoy", -8.4, "%", "category=家电"),
    fact("orders", "订单量", "value", 68_300, "单"), fact("orders", "订单量", "yoy", 16.8, "%"),
    fact("conversion_rate", "转化率", "value", 3.2, "%"), fact("conversion_rate", "转化率", "value", 5.3, "%", APP),
    fact("refund_rate", "退款率", "value", 6.8, "%"), fact("refund_rate", "退款率", "value", 5.4, "%", APP),
    fact("new_buyer_repurchase_30d", "新客30天复购率", "value", 8.9, "%"),
    fact("new_buyer_repurchase_30d", "新客30天复购率", "yoy_pp", -2.2, "pp"),
    fact("promo_gmv_share", "大促GMV占比", "value", 25.9, "%"),
    fact("promo_gmv_share", "大促GMV占比", "yoy_pp", 0.3, "pp"),
    fact("member_share", "会员占比", "value", 25.5, "%"),
    fact("ship_hours", "平均发货时长", "value", 27.0, "小时"), fact("ship_hours", "平均发货时长", "yoy", -14.3, "%"),
    fact("repurchase_rate", "复购率", "value", 25.0, "%"), fact("repurchase_rate", "复购率", "yoy_pp", -3.3, "pp"),
    fact("repurchase_rate", "复购率", "target", 26.0, "%"),
    fact("marketing_spend", "营销投放", "value", 1_593_000, "元", TM),
    fact("marketing_spend", "营销投放", "value", 1_339_000, "元", JD),
    fact("marketing_roi", "营销ROI", "value", 4.76, "倍"), fact("marketing_roi", "营销ROI", "value", 5.20, "倍", TM),
]

# (correct sentence, altered twin, the text flagged in the twin, its verdict)
CASES = [
    # the figure after 至 is the level reached, even where 同比 names the change
    ("退款率同比上升至6.8%。", "退款率同比上升至7.8%。", "7.8%", "mismatch"),
    ("订单量同比增长16.8%至6.83万单。", "订单量同比增长16.8%至7.83万单。", "7.83万单", "mismatch"),
    # 由X增长至Y: X is the year before's value
    ("GMV由2006万元增长至2329万元。", "GMV由2106万元增长至2329万元。", "2106万元", "mismatch"),
    # a target stated with a bound word is that target exactly: 低于27.0%的目标 is not 26.0%
    ("复购率为25.0%，低于26.0%的目标。", "复购率为25.0%，低于27.0%的目标。", "27.0%", "mismatch"),
    # 上一年度 is a period word, not a figure (一年); for a year, a comparison with it stays 同比
    ("与上一年度相比，GMV增长16.1%。", "与上一年度相比，GMV增长18.1%。", "18.1%", "mismatch"),
    # X的占比目标 is a share target; X的差距 is the gap to a target, a shortfall
    ("GMV同比增长16.1%，超额完成15.0%的增长目标。", "GMV同比增长16.1%，超额完成16.0%的增长目标。", "16.0%",
     "mismatch"),
    # 比目标X高/低Y: Y is the gap to the target
    ("复购率为25.0%，比目标值26.0%低1.0个百分点。", "复购率为25.0%，比目标值26.0%低1.5个百分点。", "1.5个百分点",
     "mismatch"),
    ("GMV同比增长16.1%，比目标15.0%高1.1个百分点。", "GMV同比增长16.1%，比目标15.0%低1.1个百分点。", "1.1个百分点",
     "claim_error"),
    ("复购率为25.0%，与26.0%的目标仍有1.0个百分点的差距。", "复购率为25.0%，与26.0%的目标仍有2.0个百分点的差距。",
     "2.0个百分点", "mismatch"),
    ("复购率为25.0%，未达到26.0%的目标。", "复购率为25.0%，未达到28.0%的目标。", "28.0%", "mismatch"),
    # 上年计划: the plan made last year, whose target is for this period
    ("复购率为25.0%，低于上年计划的26.0%。", "复购率为25.0%，低于上年计划的28.0%。", "28.0%", "mismatch"),
    # a bare level right after a target is that target's level, not this year's actual
    ("GMV目标同比增长15.0%，达到2307万元。", "GMV目标同比增长15.0%，达到2329万元。", "2329万元", "mismatch"),
    ("自营APP转化率为5.3%，自营APP退款率为5.4%。", "自营APP转化率为3.2%。", "3.2%", "mismatch"),
    ("新客30天复购率为8.9%，同比下降2.2个百分点。", "新客30天复购率为9.8%。", "9.8%", "mismatch"),
    ("大促GMV占比为25.9%，同比提升0.3个百分点。", "大促GMV占比为25.9%，同比下降0.3个百分点。", "0.3个百分点",
     "claim_error"),
    ("买家中会员占比为25.5%。", "买家中会员占比为27.5%。", "27.5%", "mismatch"),
    ("抖音渠道GMV为403.4万元，同比增长98.7%，占比为17.3%，较上年提升7.2个百分点。",
     "抖音渠道GMV为403.4万元，同比增长98.7%，占比为17.3%，较上年提升7.2%。", "7.2%", "mismatch"),
    ("天猫渠道GMV为804万元，同比下降0.9%，占比34.5%，下降5.9个百分点。",
     "天猫渠道GMV为804万元，同比下降0.9%，占比34.5%，上升5.9个百分点。", "5.9个百分点", "claim_error"),
    ("年度计划设定的GMV同比增长目标为15.0%，实际增速超额完成目标，高出1.1个百分点。",
     "年度计划设定的GMV同比增长目标为15.0%，实际增速超额完成目标，高出2.1个百分点。", "2.1个百分点", "mismatch"),
    ("GMV目标同比增长15.0%。", "GMV目标同比增长16.1%。", "16.1%", "mismatch"),
    ("年初计划提出GMV同比增长15.0%的目标，实际增速较目标高1.1个百分点，超额完成年度规模目标。",
     "年初计划提出GMV同比增长15.0%的目标，实际增速较目标低1.1个百分点。", "1.1个百分点", "claim_error"),
    ("抖音渠道GMV占比目标为20.0%，实际未达成目标，差2.7个百分点。",
     "抖音渠道GMV占比目标为20.0%，实际超额完成目标。", "超额完成目标", "claim_error"),
    ("对照年度计划中复购率达到26.0%的目标，实际值较目标低1.0个百分点，未达成目标。",
     "对照年度计划中复购率达到28.0%的目标。", "28.0%", "mismatch"),
    ("平均发货时长为27小时，同比缩短14.3%。", "平均发货时长为27小时，同比延长14.3%。", "14.3%", "claim_error"),
    ("复购率降至25.0%。", "复购率降至26.0%。", "26.0%", "mismatch"),
    ("天猫、京东营销投放分别为159.3万元、133.9万元。", "天猫、京东营销投放分别为133.9万元、159.3万元。",
     "133.9万元", "mismatch"),
    ("天猫营销投放159.3万元，营销ROI为5.20倍。", "天猫营销投放159.3万元，营销ROI为4.76倍。", "4.76倍", "mismatch"),
    # 复购率 after 家电品类GMV: the facts have no 复购率 by category, so the total is a guess, not a confident mismatch
    ("家电品类GMV同比下降8.4%，复购率为25.0%。", "家电品类GMV同比下降8.4%，复购率为28.0%。", "28.0%", "unsupported"),
    ("订单量提升16.8%至6.83万单。", "订单量提升16.8%至6.83亿单。", "6.83亿单", "mismatch"),
    ("天猫仍是第一大渠道，GMV为804万元。", "京东仍是第一大渠道，GMV为537.1万元。", "第一大", "claim_error"),
]

TABLE = """| 目标项 | 计划目标 | 实际结果 | 达成情况 |
| --- | --- | --- | --- |
| GMV同比增速 | 15.0% | 16.1% | 超额完成，高出1.1个百分点 |
| 复购率 | 26.0% | 25.0% | 未达成，差1.0个百分点 |
| 抖音渠道GMV占比 | 20.0% | 17.3% | 未达成，差2.7个百分点 |
"""


def found(text):
    return [(f.text, f.verdict) for f in verify_markdown(text, FACTS, period="2024")]


def assert_twin(good, bad, flagged, verdict, facts=FACTS, period="2024", plan=None):
    """The correct sentence verifies throughout; in its altered twin, `flagged` gets `verdict`."""
    def check(text):
        return [(f.text, f.verdict) for f in verify_markdown(text, facts, period=period, plan=plan)]

    ok = check(good)
    assert ok and all(v == "verified" for _, v in ok), ok
    assert (flagged, verdict) in check(bad)


@pytest.mark.parametrize(("good", "bad", "flagged", "verdict"), CASES)
def test_correct_sentence_verifies_and_its_twin_is_flagged(good, bad, flagged, verdict):
    assert_twin(good, bad, flagged, verdict)


def test_target_table_verifies_and_a_wrong_cell_is_flagged():
    ok = found(TABLE)
    assert len(ok) >= 12 and all(v == "verified" for _, v in ok), ok
    assert ("3.7个百分点", "mismatch") in found(TABLE.replace("差2.7", "差3.7"))
    assert ("25.0%", "mismatch") in found(TABLE.replace("| 26.0% |", "| 25.0% |"))


def test_number_inside_a_metric_name_is_not_a_figure():
    assert [f.text for f in extract_figures("新客30天复购率为8.9%") if f.claim] == ["30天", "8.9%"]
    assert [t for t, _ in found("新客30天复购率为8.9%。")] == ["8.9%"]


def test_a_change_and_the_level_reached_are_not_a_range():
    figs = [f for f in extract_figures("订单量提升16.8%至6.83万单") if f.claim]
    assert [f.text for f in figs] == ["16.8%", "6.83万单"]


def test_money_that_starts_like_a_year_is_a_figure():
    assert [(f.text, f.claim) for f in extract_figures("全年营销投放2006.5万元，2024.5发布")] == [
        ("2006.5万元", True), ("2024.5", False)]


def test_chinese_numerals_use_cn2an():
    values = {f.text: f.base for f in extract_figures("一千二百八十万元、一百十一人、零点五%、三点五万人、十余万单")}
    assert values["一千二百八十万元"] == 12_800_000
    assert values["一百十一人"] == 111
    assert values["三点五万人"] == 35_000


NEW, OLD = "buyer=新客", "buyer=老客"
DRIVER_FACTS = FACTS + [
    fact("gmv", "GMV", "value", 10_950_000, "元", NEW), fact("gmv", "GMV", "yoy", 30.2, "%", NEW),
    fact("gmv", "GMV", "share", 47.0, "%", NEW), fact("gmv", "GMV", "share_pp", 5.3, "pp", NEW),
    fact("gmv", "GMV", "contribution", 62.0, "%", NEW),
    fact("gmv", "GMV", "value", 12_340_000, "元", OLD), fact("gmv", "GMV", "yoy", 6.1, "%", OLD),
    fact("gmv", "GMV", "share", 43.0, "%", OLD), fact("gmv", "GMV", "share_pp", -5.3, "pp", OLD),
    fact("gmv", "GMV", "contribution", 38.0, "%", OLD),
    fact("visitors", "访客数", "driver", 80.1, "%"), fact("conversion_rate", "转化率", "driver", -5.2, "%"),
    fact("aov", "客单价", "driver", 25.1, "%"), fact("visitors", "访客数", "driver", 120.0, "%", DY),
]

DRIVER_CASES = [
    ("新客贡献了GMV增量的62.0%。", "新客贡献了GMV增量的72.0%。", "72.0%", "mismatch"),
    ("老客GMV为1,234万元，占比43.0%。", "老客GMV为1,234万元，占比47.0%。", "47.0%", "mismatch"),
    ("GMV增长中，访客数增长贡献了80.1%，转化率变化贡献了-5.2%，客单价变化贡献了25.1%。",
     "GMV增长中，访客数增长贡献了25.1%，转化率变化贡献了-5.2%，客单价变化贡献了80.1%。", "25.1%", "mismatch"),
    ("转化率变化贡献了GMV变化的-5.2%。", "转化率变化贡献了GMV变化的5.2%。", "5.2%", "mismatch"),
    ("回头客GMV同比增长6.1%，老买家贡献了增量的38.0%。", "回头客GMV同比增长16.1%。", "16.1%", "mismatch"),
    ("新买家GMV占比47.0%，较上年提升5.3个百分点。", "新买家GMV占比47.0%，较上年下降5.3个百分点。", "5.3个百分点",
     "claim_error"),
    ("新用户GMV为1,095万元，同比增长30.2%。", "老用户GMV为1,095万元。", "1,095万元", "mismatch"),
    # 贡献 before an amount: the amount is a value, not a share of the change
    ("新客贡献GMV1,095万元。", "新客贡献GMV1,195万元。", "1,195万元", "mismatch"),
    ("抖音渠道访客数增长贡献了GMV增量的120.0%。", "抖音渠道访客数增长贡献了GMV增量的80.1%。", "80.1%", "mismatch"),
]


@pytest.mark.parametrize(("good", "bad", "flagged", "verdict"), DRIVER_CASES)
def test_buyer_types_and_gmv_drivers(good, bad, flagged, verdict):
    assert_twin(good, bad, flagged, verdict, DRIVER_FACTS, period="2024")


def test_new_buyer_count_is_still_a_metric_next_to_buyer_type_facts():
    texts = [(f.text, f.verdict) for f in verify_markdown("新客3.82万人，新客30天复购率为8.9%。", DRIVER_FACTS + [
        fact("new_buyers", "新客数", "value", 38_200, "人")], period="2024")]
    assert texts == [("3.82万人", "verified"), ("8.9%", "verified")]


def test_a_quarter_report_states_its_years_targets():
    facts = [Fact(id=fact_id("gmv", "yoy", "2024Q3"), metric="gmv", label="GMV", measure="yoy", value=23.5, unit="%",
                  period="2024Q3"),
             Fact(id=fact_id("gmv", "target_yoy", "2024"), metric="gmv", label="GMV", measure="target_yoy", value=25.0,
                  unit="%", period="2024", kind="target")]
    verdicts = lambda text: [(f.text, f.verdict) for f in verify_markdown(text, facts, [], period="2024Q3")]  # noqa: E731
    assert verdicts("年度计划的GMV同比增速目标为25.0%，本季度同比增长23.5%。") == [("25.0%", "verified"),
                                                                                 ("23.5%", "verified")]
    assert ("26.0%", "mismatch") in verdicts("年度计划的GMV同比增速目标为26.0%。")
    # a quarter's own growth is never checked against the year's target
    assert ("25.0%", "mismatch") in verdicts("本季度GMV同比增长25.0%。")


# A 2025 plan drafted from 2024's facts: its own targets are facts of 2025.
PLAN_FACTS = FACTS + [fact("gmv", "GMV", "target_yoy", 20.0, "%", period="2025"),
                      fact("repurchase_rate", "复购率", "target", 27.0, "%", period="2025"),
                      fact("refund_rate", "退款率", "target", 6.5, "%", period="2025"),
                      fact("marketing_roi", "营销ROI", "target", 5.0, "倍", period="2025"),
                      fact("gmv", "GMV", "target", 27_950_000, "元", period="2025")]
PLAN_CASES = [
    # a target with no year in a plan is the plan's own, not the target of the year its facts describe
    ("GMV目标同比增长20.0%。", "GMV目标同比增长15.0%。", "15.0%", "mismatch"),
    # 明年: the year the plan is for; later targets in the sentence follow it
    ("明年复购率目标为27.0%，退款率目标为6.5%，营销ROI目标5.0倍。",
     "明年复购率目标为27.0%，退款率目标为6.5%，营销ROI目标4.76倍。", "4.76倍", "mismatch"),
    # a growth right after a target level is that target's growth
    ("明年GMV目标为2795万元，同比增长20.0%。", "明年GMV目标为2795万元，同比增长15.0%。", "15.0%", "mismatch"),
    # after an actual, the sentence reviews the facts' own year and its target
    ("复购率为25.0%，未达到26.0%的目标。", "复购率为25.0%，未达到27.0%的目标。", "27.0%", "mismatch"),
    ("2024年复购率目标为26.0%，2025年复购率目标为27.0%。", "2024年复购率目标为27.0%。", "27.0%", "mismatch"),
]


@pytest.mark.parametrize(("good", "bad", "flagged", "verdict"), PLAN_CASES)
def test_a_plan_states_its_own_targets(good, bad, flagged, verdict):
    assert_twin(good, bad, flagged, verdict, PLAN_FACTS, period="2024", plan="2025")


def test_next_year_in_a_summary_has_no_fact_to_match():
    # a summary of 2024 has no 2025 targets: 明年's target is unsupported, not a mismatch with 2024's 15.0%
    assert found("明年GMV目标同比增长20.0%。") == [("20.0%", "unsupported")]


def test_a_figure_restated_in_brackets_is_the_same_claim():
    facts = [fact("gmv", "GMV", "contribution", 68.7, "%", DY, period="2025"),
             fact("gmv", "GMV", "share", 27.0, "%", DY, period="2025"),
             fact("gmv", "GMV", "yoy", 23.2, "%", period="2025"),
             fact("gmv", "GMV", "target_yoy", 25.0, "%", period="2025")]

    def check(text):
        return [(f.text, f.verdict) for f in verify_markdown(text, facts, period="2025")]

    assert check("抖音贡献了全年GMV增量的近七成（68.7%）。") == [("七成", "verified"), ("68.7%", "verified")]
    assert ("78.7%", "mismatch") in check("抖音贡献了全年GMV增量的近七成（78.7%）。")


# A quarter's review: 2025Q3 against 2025Q2 (环比) and 2024Q3 (同比).
Q3 = "2025Q3"
QUARTER_FACTS = [fact("gmv", "GMV", "value", 6_308_000, "元", period=Q3),
                 fact("gmv", "GMV", "pop", -16.0, "%", period=Q3),
                 fact("gmv", "GMV", "yoy", 23.5, "%", period=Q3),
                 fact("gmv", "GMV", "value", 7_510_000, "元", period="2025Q2"),
                 fact("gmv", "GMV", "value", 5_106_000, "元", period="2024Q3"),
                 fact("refund_rate", "退款率", "value", 8.2, "%", period=Q3),
                 fact("refund_rate", "退款率", "yoy_pp", 1.1, "pp", period=Q3),
                 fact("gmv", "GMV", "value", 2_109_000, "元", "month=7月", period=Q3)]
QUARTER_CASES = [
    # a first clause naming the quarter before makes the change 环比
    ("与上季度相比，GMV下降16.0%。", "与上季度相比，GMV下降23.5%。", "23.5%", "mismatch"),
    ("与二季度相比，GMV下降16.0%。", "与二季度相比，GMV下降23.5%。", "23.5%", "mismatch"),
    ("与去年同期相比，GMV增长23.5%。", "与去年同期相比，GMV增长16.0%。", "16.0%", "mismatch"),
    # a quarter named with or without its year is that quarter
    ("2024年第三季度GMV为510.6万元，2025年第二季度为751万元。", "2024年第三季度GMV为630.8万元。", "630.8万元",
     "mismatch"),
    # a bare quarter opening the sentence is context: the months after it are this quarter's
    ("季节因素明显：第二季度含618大促，第三季度为淡季，7月GMV为210.9万元。",
     "季节因素明显：第二季度含618大促，第三季度为淡季，7月GMV为220.9万元。", "220.9万元", "mismatch"),
    # after 至, the level reached
    ("退款率同比上升1.1个百分点至8.2%。", "退款率同比上升1.1个百分点至9.2%。", "9.2%", "mismatch"),
]


@pytest.mark.parametrize(("good", "bad", "flagged", "verdict"), QUARTER_CASES)
def test_a_quarter_compared_with_the_quarter_before_and_a_year_ago(good, bad, flagged, verdict):
    assert_twin(good, bad, flagged, verdict, QUARTER_FACTS, period="2025Q3")
