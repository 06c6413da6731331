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
    assert readings["19.9%"] == {"metric": "星河营销费用", "measure": "share", "period": "2024Q3", "dimension": ""}
    assert readings["32.6%"]["period"] == "2025Q3"
    derived = readings["12.7个百分点"]
    assert derived["measure"] == "share_pp" and derived["operation"] == "a - b"
    assert derived["facts"] == ["星河营销费用.share.2025Q3", "星河营销费用.share.2024Q3"]


def test_a_figure_of_no_named_metric_is_unsupported_with_its_reading():
    [finding] = verify_markdown("本季增长约9%。\n", FACTS)
    assert finding.verdict == "unsupported"
    assert set(finding.reading) >= {"metric", "measure", "period", "dimension"}
