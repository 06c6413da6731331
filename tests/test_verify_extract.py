"""extract_figures: values, units, base values, bounds and non-claims."""

import pytest

from drafter.verify import extract_figures


def one(text):
    figs = [f for f in extract_figures(text) if f.claim]
    assert len(figs) == 1, [(f.text, f.kind) for f in extract_figures(text)]
    return figs[0]


@pytest.mark.parametrize(
    ("text", "written", "value", "unit", "base", "base_unit"),
    [
        ("GMV为18.6亿元", "18.6亿元", 18.6, "亿元", 1.86e9, "元"),
        ("复购率为28.7%", "28.7%", 28.7, "%", 28.7, "%"),
        ("提升1.3个百分点", "1.3个百分点", 1.3, "个百分点", 1.3, "pp"),
        ("买家数为78.3万人", "78.3万人", 78.3, "万人", 783000, "人"),
        ("订单量802.6万单", "802.6万单", 802.6, "万单", 8026000, "单"),
        ("营销ROI为4.2倍", "4.2倍", 4.2, "倍", 4.2, "倍"),
        ("客单价为236.5元", "236.5元", 236.5, "元", 236.5, "元"),
        ("共1,862,345,678元", "1,862,345,678元", 1862345678, "元", 1862345678, "元"),
        ("规模达一千二百八十万", "一千二百八十万", 1280, "万", 12800000, ""),
        ("占比百分之三十五", "百分之三十五", 35, "%", 35, "%"),
        ("约三成", "三成", 30, "成", 30, "%"),
        ("平均48小时发货", "48小时", 48, "小时", 48, "小时"),
        ("耗时2分15秒", "2分15秒", 135, "分15秒", 135, "秒"),
        ("规模三点五万", "三点五万", 3.5, "万", 35000, ""),
        ("全年买家數356萬", "356萬", 356, "萬", 3560000, ""),
        ("提升２．４個百分點", "２．４個百分點", 2.4, "個百分點", 2.4, "pp"),
        ("投入产出比1:3.5", "1:3.5", 3.5, ":", 3.5, "倍"),
        ("亏损157亿", "157亿", -157, "亿", -1.57e10, ""),
        ("同比下降负0.4%", "负0.4%", -0.4, "%", -0.4, "%"),
    ],
)
def test_forms(text, written, value, unit, base, base_unit):
    fig = one(text)
    assert (fig.text, fig.unit, fig.base_unit) == (written, unit, base_unit)
    assert fig.value == pytest.approx(value)
    assert fig.base == pytest.approx(base)
    assert text[fig.start:fig.end] == written


def test_interval_from_written_precision():
    fig = one("GMV为18.6亿元")
    assert fig.low <= 1.862e9 <= fig.high
    assert not fig.low <= 1.866e9 <= fig.high
    pct = one("复购率28.7%")
    assert pct.low <= 28.66 <= pct.high and not pct.low <= 28.76 <= pct.high


@pytest.mark.parametrize(
    ("text", "bound", "inside", "outside"),
    [
        ("约18.6亿元", "~", 1.80e9, 1.70e9),
        ("突破18亿元", ">=", 25e8, 17e8),
        ("超过30%", ">=", 31.0, 29.0),
        ("近2个百分点", "<=", 1.9, 2.6),
        ("不到5天", "<=", 4.6, 4.0),
        ("30%以上", ">=", 45.0, 29.0),
    ],
)
def test_approximation_bounds(text, bound, inside, outside):
    fig = one(text)
    assert fig.bound == bound
    assert fig.low <= inside <= fig.high
    assert not fig.low <= outside <= fig.high


def test_doubling_is_a_multiple():
    fig = one("GMV翻一番")
    assert (fig.base, fig.base_unit, fig.kind) == (2, "倍", "multiple")


@pytest.mark.parametrize(
    "text",
    ["2025年全年", "2025-06-18大促", "11月11日当天", "Q3旺季", "第三季度", "618大促期间", "双11当天", "Top10商品",
     "推荐算法3.0上线", "三大渠道", "一是加强运营"],
)
def test_non_claims(text):
    assert [f.text for f in extract_figures(text) if f.claim] == []


def test_year_is_not_a_figure_but_amount_is():
    figs = extract_figures("较2024年的14.77亿元明显提升")
    assert [(f.text, f.claim) for f in figs] == [("2024", False), ("14.77亿元", True)]


def test_range_gives_unit_to_first_end():
    figs = extract_figures("预计增长20%-30%")
    assert [f.base for f in figs] == [20, 30] and figs[0].base_unit == "%"
    assert figs[0].range_with == 1


def test_chinese_numerals_and_scales():
    values = {f.text: f.base for f in extract_figures("四亿五千六百四十二万零一十五，十余万，4.78万亿，三万五")}
    assert values == {"四亿五千六百四十二万零一十五": 456420015, "十余万": 100000, "4.78万亿": 4.78e12,
                      "三万五": 35000}


def test_words_with_numeral_characters_are_not_numbers():
    assert extract_figures("一切顺利，我家在四川，这个岛屿远离大陆") == []


def test_time_words_in_chinese_numerals_are_not_figures():
    # 上一年度, 近一年来, 三年内 say when, not how much; a duration stated as such stays a figure
    for text in ("与上一年度相比", "下一年度的重点", "近一年来", "三年内完成"):
        assert not [f for f in extract_figures(text) if f.claim], text
    assert [(f.text, f.claim) for f in extract_figures("用户平均生命周期为一年")] == [("一年", True)]
    assert [(f.text, f.claim) for f in extract_figures("1年内复购")] == [("1年", True)]
