"""The shapes other writers use about quarterly results: correct sentences raise no alarm, wrong ones are caught.

Facts of a made-up company (星河商城) for 2025Q3, the same quarter a year earlier and the quarter before."""

import pytest

from drafter.models import Fact, fact_id
from drafter.verify import verify_markdown

FLAGS = ("mismatch", "claim_error")


def fact(metric, measure, value, unit, period="2025Q3", aliases=()):
    return Fact(id=fact_id(metric, measure, period), metric=metric, label=metric, measure=measure, value=value,
                unit=unit, period=period, aliases=list(aliases))


YI = 100_000_000
FACTS = [
    fact("星河收入", "value", 123.46 * YI, "元", aliases=["星河营收"]),
    fact("星河收入", "value", 108.2 * YI, "元", "2024Q3"), fact("星河收入", "value", 117.9 * YI, "元", "2025Q2"),
    fact("星河收入", "yoy", 14.1, "%"), fact("星河收入", "pop", 4.7, "%"),
    fact("星河经营利润", "value", -8.2 * YI, "元"), fact("星河经营利润", "value", 5.6 * YI, "元", "2024Q3"),
    fact("星河经营利润", "value", -3.1 * YI, "元", "2025Q2"),
    fact("星河经营亏损", "value", 8.2 * YI, "元"),
    fact("星河营销费用", "value", 40.3 * YI, "元"), fact("星河营销费用", "value", 21.5 * YI, "元", "2024Q3"),
    fact("星河营销费用", "yoy", 87.4, "%"), fact("星河营销费用", "share", 32.6, "%"),
    fact("星河营销费用", "share", 19.9, "%", "2024Q3"),
    fact("星河毛利率", "value", 41.35, "%"), fact("星河毛利率", "value", 38.9, "%", "2024Q3"),
    fact("星河月活跃用户", "value", 2.86 * YI, "人", aliases=["星河月活"]),
    fact("星河月活跃用户", "value", 2.51 * YI, "人", "2024Q3"),
    fact("星河新业务亏损", "value", 6.1 * YI, "元"), fact("星河新业务亏损", "value", 4.8 * YI, "元", "2024Q3"),
    fact("星河新业务亏损", "value", 7.4 * YI, "元", "2025Q2"), fact("星河新业务亏损", "yoy", 27.1, "%"),
]

CORRECT = [
    # base, then current
    "星河收入由去年同期的108.2亿元增至123.46亿元。",
    "星河营收从上季的117.9亿元升至约123亿元，环比增长4.7%。",
    "星河收入较2024年同期的108.2亿元提升至123.46亿元。",
    "去年同期星河收入为108.2亿元，本季增至123.46亿元。",
    "星河月活跃用户由去年同期的2.51亿增至2.86亿。",
    "星河毛利率由去年同期的38.9%升至41.4%。",
    # written precision and bounds
    "星河收入123亿元，同比增长14.1%。",
    "星河收入环比增长近5%。",
    "星河收入同比增长逾14%。",
    "星河收入超过120亿元。",
    "星河月活达2.86亿，同比增长约14%。",
    # period words
    "星河收入按年增长14.1%。",
    "星河收入按季增长4.7%。",
    "星河收入123.46亿元，按季上升4.7%。",
    # losses
    "星河经营亏损8.2亿元，而去年同期为经营利润5.6亿元。",
    "星河经营利润由去年同期的5.6亿元转为亏损8.2亿元。",
    "星河经营利润由上季的亏损3.1亿元扩大至亏损8.2亿元。",
    "星河新业务亏损较上季的7.4亿元收窄至6.1亿元。",
    "星河新业务亏损同比扩大27.1%至6.1亿元。",
    # shares vs growth
    "星河营销费用占收入的比例由19.9%升至32.6%，提高12.7个百分点。",
    "星河营销费用40.3亿元，同比增长87.4%，占收入的32.6%。",
    # multiples
    "星河营销费用由去年同期的21.5亿元增至40.3亿元，接近翻倍。",
    "星河毛利率同比提升2.45个百分点至41.35%。",
    # Traditional
    "星河收入按年增長14.1%至123.46億元。",
    "星河經營虧損8.2億元，去年同期則錄得經營利潤5.6億元。",
    "星河營銷費用由去年同期的21.5億元增至40.3億元，按年增長87.4%。",
    "星河收入按季增長4.7%，按年增長14.1%。",
    # as coverage of results phrases them
    "三季度星河收入123.46亿元，环比增长4.7%。",
    "星河月活跃用户2.86亿，较去年同期增加3500万。",
    "星河营销费用占收入比重为32.6%，去年同期为19.9%。",
    "星河营销费用同比增长87.4%，远高于收入14.1%的增幅。",
    "星河毛利率达41.4%，较去年同期的38.9%上升2.5个百分点。",
    "星河收入123.46亿元，上一季度为117.9亿元。",
    "本季度星河经营亏损扩大至8.2亿元。",
    "星河经营利润为负8.2亿元。",
    "星河经营利润-8.2亿元，去年同期为5.6亿元。",
    "星河收入较去年同期增加约15亿元。",
    "星河营销费用接近收入的三分之一。",
    "星河营销费用同比增加18.8亿元。",
    "星河新业务亏损环比收窄1.3亿元。",
    "星河收入同比增长一成多。",
    "星河收入123.46亿元，较市场预期的120亿元高出3%。",
    "星河新業務虧損6.1億元，按年擴大27.1%。",
    "星河新业务亏损6.1亿元，去年同期亏损4.8亿元，上季度亏损7.4亿元。",
    "星河月活跃用户同比增长约14%，至2.86亿。",
    "星河收入为123.46亿元（去年同期：108.2亿元）。",
    "星河收入123.46亿元，而去年同期仅为108.2亿元。",
    "星河营销费用40.3亿元，几乎是去年同期21.5亿元的两倍。",
    "星河营销费用是去年同期的近两倍。",
    "星河营销费用占收入比重达32.6%，去年同期为19.9%，同比上升12.7个百分点。",
    "星河营收同比增幅达14.1%，环比增幅为4.7%。",
    "星河营收约为人民币123.5亿元。",
    "星河新业务亏损由上季度的7.4亿元收窄至6.1亿元，环比减少1.3亿元。",
    "星河经营利润由盈转亏，去年同期盈利5.6亿元，本季亏损8.2亿元。",
    # a loss and a profit both named: 减少13.8亿元 is less profit, or (wrongly) less loss; not for us to decide
    "星河经营亏损8.2亿元，上年同期为盈利5.6亿元，同比减少13.8亿元。",
    # Hong Kong wording, Traditional
    "星河收入按年上升14.1%，按季增加4.7%。",
    "星河營銷費用佔收入比例由19.9%升至32.6%，上升12.7個百分點。",
    "星河毛利率按年上升2.45個百分點至41.35%。",
    "星河月活躍用戶按年增長約14%至2.86億。",
    "星河經營利潤由去年同期的5.6億元轉為虧損8.2億元。",
    "星河新業務虧損按季收窄至6.1億元。",
    "星河收入較去年同期的108.2億元增長14.1%。",
    "星河營收逾123億元。",
    "星河营销费用较去年同期增长近九成。",
    "星河经营利润由盈转亏，录得亏损8.2亿元。",
    "星河经营亏损同比由盈转亏，本季亏损8.2亿元。",
]

WRONG = [
    "星河收入123.46亿元，同比下降14.1%。",
    "星河收入由去年同期的108.2亿元增至132.46亿元。",
    "星河毛利率由去年同期的38.9%降至41.35%。",
    "星河营销费用占收入比重为32.6%，同比上升12.7%。",
    "星河经营亏损8.2亿元，较去年同期的5.6亿元亏损有所收窄。",
    "星河新业务亏损6.1亿元，同比收窄27.1%。",
    "星河月活跃用户达2860万。",
    "星河收入按季增长14.1%。",
    "星河收入123亿美元。",
    "星河营销费用由去年同期的21.5亿元增至40.3亿元，翻了一倍多。",
    "星河營銷費用按年下跌87.4%。",
    "星河收入由上季的117.9亿元降至123.46亿元。",
    "星河新业务亏损由上季的7.4亿元扩大至6.1亿元。",
    "星河新业务亏损由上季的7.4亿元升至6.1亿元。",
    "星河营销费用同比增加28.8亿元。",
    "星河新业务亏损环比扩大1.3亿元。",
    "星河新业务亏损6.1亿元，去年同期亏损5.8亿元。",
    "星河月活跃用户2.86亿，较去年同期减少3500万。",
    "星河營收123.46億元，按季增長14.1%。",
    "星河营销费用是去年同期的近三倍。",
    "星河营销费用占收入比重达32.6%，去年同期为19.9%，同比上升22.7个百分点。",
    "星河经营利润由盈转亏，去年同期盈利5.6亿元，本季亏损9.2亿元。",
    "星河收入123.46亿元，而去年同期仅为118.2亿元。",
    "星河月活跃用户同比减少3500万。",
    "星河營銷費用佔收入比例由19.9%升至32.6%，上升17.2個百分點。",
    "星河經營利潤由去年同期的6.5億元轉為虧損8.2億元。",
    "星河新業務虧損按季擴大至6.1億元。",
    "星河營收逾133億元。",
    "星河营销费用较去年同期增长近七成。",
    "星河经营利润扭亏为盈。",
    "星河经营利润较上季由盈转亏。",
]


def flags(sentence):
    return [f for f in verify_markdown(sentence + "\n", FACTS) if f.verdict in FLAGS]


@pytest.mark.parametrize("sentence", CORRECT)
def test_correct_sentence_raises_no_alarm(sentence):
    assert flags(sentence) == [], [f.message for f in flags(sentence)]


@pytest.mark.parametrize("sentence", WRONG)
def test_wrong_sentence_is_caught(sentence):
    assert flags(sentence), [f.message for f in verify_markdown(sentence + "\n", FACTS)]


def test_every_finding_carries_its_reading():
    findings = verify_markdown("星河营销费用占收入的比例由19.9%升至32.6%，提高12.7个百分点。\n", FACTS)
    readings = {f.text: f.reading for f in findings}
    assert readings["19.9%"] == {"metric": "星河营销费用", "measure": "share", "period": "2024Q3", "dimension": "",
                                 "unread": []}
    assert readings["32.6%"]["period"] == "2025Q3"
    derived = readings["12.7个百分点"]
    assert derived["measure"] == "share_pp" and derived["operation"] == "a - b"
    assert derived["facts"] == ["星河营销费用.share.2025Q3", "星河营销费用.share.2024Q3"]


def test_a_figure_of_no_named_metric_is_unsupported_with_its_reading():
    [finding] = verify_markdown("本季增长约9%。\n", FACTS)
    assert finding.verdict == "unsupported"
    assert set(finding.reading) >= {"metric", "measure", "period", "dimension"}


# An annual summary of another made-up shop (青禾), 2025 against 2024 and the year's targets.
def annual(metric, measure, value, unit, period="2025", dimension=""):
    kind = "target" if measure.startswith("target") else "computed"
    return Fact(id=fact_id(metric, measure, period, dimension), metric=metric, label=metric, measure=measure,
                value=value, unit=unit, period=period, dimension=dimension, kind=kind)


DY, NOV = "channel=抖音", "month=11月"
ANNUAL = [
    annual("GMV", "value", 23_290_000, "元"), annual("GMV", "value", 19_800_000, "元", "2024"),
    annual("GMV", "yoy", 17.6, "%"), annual("GMV", "target_yoy", 20.0, "%"),
    annual("GMV", "target", 24_000_000, "元"),
    annual("买家数", "value", 52_000, "人"), annual("买家数", "yoy", 12.0, "%"),
    annual("买家数", "target_yoy", 15.0, "%"),
    annual("复购率", "value", 27.4, "%"), annual("复购率", "value", 25.9, "%", "2024"),
    annual("复购率", "target", 28.0, "%"),
    annual("营销费用", "value", 5_320_000, "元"), annual("营销费用", "value", 4_200_000, "元", "2024"),
    annual("GMV", "value", 15_530_000, "元", dimension=DY), annual("GMV", "share", 66.7, "%", dimension=DY),
    annual("GMV", "value", 3_523_000, "元", dimension=NOV), annual("GMV", "share", 15.1, "%", dimension=NOV),
]

ANNUAL_CORRECT = [
    # targets told as a story
    "年初确定了“买家数增长15%、GMV增长20%、复购率达到28%”的年度目标。",
    "年初設定了「買家數增長15%、GMV增長20%」的年度目標。",
    "公司计划2025年GMV增长20%。",
    "全年GMV考核目标为2400万元。",
    "力争复购率达到28%。",
    "GMV达2329万元，但未完成2400万元的目标。",
    "复购率27.4%，尚未达成28%的目标。",
    # derived figures
    "GMV净增约349万元。",
    "抖音渠道GMV约占全年的三分之二。",
    "抖音GMV占比近七成。",
    "抖音GMV占比过半。",
    "营销费用532万元，每投入1元营销费用带来约4.38元GMV。",
    "GMV是去年的1.18倍。",
    "营销费用增速高于GMV增速9.1个百分点。",
    "GMV增速比营销费用增速低9.1个百分点。",
    # claims against a named base; a month opening the sentence
    "复购率为27.4%，较2024年的25.9%有所提升。",
    "复购率较去年的25.9%明显提高。",
    "11月GMV为352.3万元，占全年的15.1%。",
    "11月，GMV达352.3万元，占全年的15.1%。",
]

ANNUAL_WRONG = [
    "年初确定了“买家数增长15%、GMV增长25%、复购率达到28%”的年度目标。",
    "GMV净增约449万元。",
    "营销费用增速高于GMV增速12.1个百分点。",
    "复购率为27.4%，较2024年的25.9%有所下降。",
    "复购率27.4%，已经达成28%的目标。",
    "11月GMV为352.3万元，占全年的25.1%。",
    "每投入1元营销费用带来约5.38元GMV。",
    "GMV是去年的1.38倍。",
    "抖音GMV占比近九成。",
]


def annual_flags(sentence):
    return [f for f in verify_markdown(sentence + "\n", ANNUAL) if f.verdict in FLAGS]


@pytest.mark.parametrize("sentence", ANNUAL_CORRECT)
def test_annual_correct_sentence_raises_no_alarm(sentence):
    assert annual_flags(sentence) == [], [f.message for f in annual_flags(sentence)]


@pytest.mark.parametrize("sentence", ANNUAL_WRONG)
def test_annual_wrong_sentence_is_caught(sentence):
    assert annual_flags(sentence), [f.message for f in verify_markdown(sentence + "\n", ANNUAL)]


def test_a_derived_figure_names_its_facts_and_operation():
    [finding] = verify_markdown("每投入1元营销费用带来约4.38元GMV。\n", ANNUAL)
    assert finding.verdict == "verified"
    assert finding.reading["operation"] == "a / b"
    assert finding.reading["facts"] == ["GMV.2025", "营销费用.2025"]


def test_a_plan_to_meet_a_target_is_not_a_claim_that_it_was_met():
    assert annual_flags("力争完成28%的复购率目标。") == []


# The same year with its third quarter and next year's targets: a quarter opening a sentence, and guidance.
YEAR_AND_QUARTER = ANNUAL + [
    annual("GMV", "value", 6_120_000, "元", "2025Q3"), annual("GMV", "pop", 12.5, "%", "2025Q3"),
    annual("GMV", "target", 25_000_000, "元", "2026"), annual("GMV", "target_yoy", 18.0, "%", "2026"),
]


@pytest.mark.parametrize(("sentence", "wrong"), [
    ("三季度，GMV达612万元，环比增长12.5%。", "三季度，GMV达712万元，环比增长12.5%。"),
    ("第三季度GMV为612万元，环比增长12.5%。", "第三季度GMV为612万元，环比增长15.5%。"),
    ("预计2026年GMV增长18%，达到2500万元。", "预计2026年GMV增长28%，达到2500万元。"),
    ("公司给出的2026年GMV指引为2400万元至2600万元。", "公司给出的2026年GMV指引为2600万元至2800万元。"),
    ("明年GMV计划达到2500万元。", "明年GMV计划达到2600万元。"),
])
def test_a_quarter_opening_a_sentence_and_guidance_for_next_year(sentence, wrong):
    def flagged(text):
        return [f for f in verify_markdown(text + "\n", YEAR_AND_QUARTER, period="2025") if f.verdict in FLAGS]

    assert flagged(sentence) == []
    assert flagged(wrong)


def test_a_quarter_the_facts_lack_is_no_ground_for_a_mismatch():
    [finding] = verify_markdown("一季度，GMV达512万元。\n", YEAR_AND_QUARTER, period="2025")
    assert finding.verdict == "unsupported"


# A third made-up company (远帆), with a segment, a signed cash flow and a named multiple.
YUANFAN = [
    fact("远帆总营收", "value", 512.3 * YI, "元", aliases=["远帆营收"]),
    fact("远帆总营收", "value", 468.0 * YI, "元", "2024Q3"),
    fact("远帆总营收", "value", 530.1 * YI, "元", "2025Q2"), fact("远帆总营收", "yoy", 9.5, "%"),
    fact("远帆云业务收入", "value", 88.6 * YI, "元", aliases=["云业务收入"]),
    fact("远帆云业务收入", "value", 70.2 * YI, "元", "2024Q3"), fact("远帆云业务收入", "yoy", 26.2, "%"),
    fact("远帆云业务收入", "share", 17.3, "%"), fact("远帆云业务收入", "share", 15.0, "%", "2024Q3"),
    fact("远帆净利润", "value", 63.4 * YI, "元", aliases=["远帆净利"]),
    fact("远帆净利润", "value", 71.5 * YI, "元", "2024Q3"),
    fact("远帆经营现金流", "value", -12.6 * YI, "元"), fact("远帆经营现金流", "value", 25.1 * YI, "元", "2024Q3"),
    fact("远帆毛利率", "value", 38.2, "%"), fact("远帆毛利率", "value", 36.9, "%", "2024Q3"),
    fact("远帆年度活跃买家", "value", 9.02 * YI, "人"), fact("远帆年度活跃买家", "value", 8.86 * YI, "人", "2024Q3"),
]


@pytest.mark.parametrize(("sentence", "wrong"), [
    ("远帆营收同比增长9.5%至512.3亿元，环比则下降3.4%。", "远帆营收同比增长9.5%至512.3亿元，环比则下降4.4%。"),
    ("远帆云业务收入88.6亿元，占总营收的比重由去年同期的15.0%提升至17.3%。",
     "远帆云业务收入88.6亿元，占总营收的比重由去年同期的13.0%提升至17.3%。"),
    ("远帆经营现金流由去年同期的净流入25.1亿元转为净流出12.6亿元。",
     "远帆经营现金流由去年同期的净流入25.1亿元转为净流出16.2亿元。"),
    ("远帆营收约为云业务收入的5.8倍。", "远帆营收约为云业务收入的6.8倍。"),
    ("远帆净利润较去年同期减少8.1亿元。", "远帆净利润较去年同期增加8.1亿元。"),
    ("远帆年度活跃买家达9.02亿，较去年同期净增1600万。", "远帆年度活跃买家达9.02亿，较去年同期净增2600万。"),
    ("远帆毛利率为38.2%，同比提升1.3个百分点。", "远帆毛利率为38.2%，同比下降1.3个百分点。"),
])
def test_another_company_in_coverage_shapes(sentence, wrong):
    def flagged(text):
        return [f for f in verify_markdown(text + "\n", YUANFAN) if f.verdict in FLAGS]

    assert flagged(sentence) == []
    assert flagged(wrong)


@pytest.mark.parametrize("sentence", [
    "云业务收入增速（26.2%）远高于整体营收增速（9.5%），高出16.7个百分点。",  # 整体营收增速 is no fact here
    "远帆净利率约为12.4%。",  # 净利率 is not 净利
    "远帆三季度总营收512.3亿元，同比增长9.5%，略低于市场预期的520亿元。",
])
def test_what_the_facts_cannot_decide_is_never_called_wrong(sentence):
    findings = verify_markdown(sentence + "\n", YUANFAN)
    assert [f for f in findings if f.verdict in FLAGS] == []
