"""verify_markdown: each phrasing the writer uses verifies; each altered figure or word is flagged."""

import pytest

from drafter.errors import UserError
from drafter.models import Chunk, Fact, fact_id
from drafter.verify import format_findings, load_facts_csv, summarize, verify_markdown


def fact(metric, label, measure, value, unit, period="2025", dimension="", aliases=(), status=""):
    kind = "target" if measure in ("target", "target_yoy") else "computed"
    return Fact(id=fact_id(metric, measure, period, dimension), metric=metric, label=label, measure=measure,
                value=value, unit=unit, period=period, dimension=dimension, aliases=list(aliases), kind=kind,
                status=status)


FACTS = [
    fact("gmv", "GMV", "value", 1_862_000_000, "元", aliases=["成交额", "交易额"]),
    fact("gmv", "GMV", "yoy", 26.06, "%"),
    fact("gmv", "GMV", "value", 1_477_000_000, "元", period="2024"),
    fact("repurchase_rate", "复购率", "value", 28.7, "%", aliases=["回购率"]),
    fact("repurchase_rate", "复购率", "yoy_pp", 1.3, "pp"),
    fact("repurchase_rate", "复购率", "target", 30, "%"),
    fact("repurchase_rate", "复购率", "gap", -1.3, "pp", status="missed"),
    fact("gmv", "GMV", "value", 520_000_000, "元", dimension="channel=抖音"),
    fact("gmv", "GMV", "share", 27.9, "%", dimension="channel=抖音"),
    fact("gmv", "GMV", "yoy", 64.3, "%", dimension="channel=抖音"),
    fact("gmv", "GMV", "contribution", 58.2, "%", dimension="channel=抖音"),
    fact("gmv", "GMV", "value", 810_000_000, "元", dimension="channel=天猫"),
    fact("gmv", "GMV", "share", 43.5, "%", dimension="channel=天猫"),
    fact("gmv", "GMV", "yoy", 12.1, "%", dimension="channel=天猫"),
    fact("gmv", "GMV", "yoy", -8.4, "%", dimension="category=家电"),
    fact("aov", "客单价", "value", 236.5, "元"),
    fact("buyers", "买家数", "value", 783_000, "人"),
    fact("orders", "订单量", "value", 8_026_000, "单"),
    fact("marketing_roi", "营销ROI", "value", 4.2, "倍"),
]

GOOD = [
    "全年GMV达到18.62亿元，同比增长26.1%，较2024年的14.77亿元明显提升。",
    "复购率为28.7%，同比提升1.3个百分点，较年度目标30%仍差1.3个百分点，未达成目标。",
    "抖音渠道GMV为5.2亿元，占比27.9%，同比增长64.3%，贡献了全年增量的58.2%。",
    "家电品类GMV同比下降8.4%。",
    "客单价（按订单）为236.5元，买家数为78.3万人，订单量802.6万单，营销ROI为4.2倍。",
    "购买用户数78.3万人，订单数802.6万单，成交额约18.6亿元，回购率28.7%。",
    "去年GMV为14.77亿元，今年突破18亿元。",
    "天猫渠道GMV占比最高，达43.5%。",
    "全年GMV達到18.62億元，同比增長26.1%。",
]


def verdicts(text, facts=FACTS, **kw):
    return [(f.text, f.verdict) for f in verify_markdown(text, facts, **kw)]


@pytest.mark.parametrize("text", GOOD)
def test_writer_phrasings_verify_clean(text):
    found = verdicts(text)
    assert found and all(v == "verified" for _, v in found), found


@pytest.mark.parametrize(
    ("text", "flagged", "verdict"),
    [
        ("复购率为28.9%。", "28.9%", "mismatch"),
        ("全年GMV达到18.92亿元。", "18.92亿元", "mismatch"),
        ("全年GMV达到18.62万元。", "18.62万元", "mismatch"),  # scale swap
        ("复购率同比提升1.3%。", "1.3%", "mismatch"),  # % for 个百分点
        ("GMV同比下降26.1%。", "26.1%", "claim_error"),
        ("家电品类GMV同比增长8.4%。", "8.4%", "claim_error"),
        ("2024年GMV为18.62亿元。", "18.62亿元", "mismatch"),  # wrong period
        ("抖音渠道GMV为8.1亿元。", "8.1亿元", "mismatch"),
        ("订单量为78.3万单。", "78.3万单", "mismatch"),  # swapped metric
        ("复购率为28.7%，超额完成目标。", "超额完成目标", "claim_error"),
        ("复购率较目标30%高出1.3个百分点。", "1.3个百分点", "claim_error"),
        ("抖音渠道GMV占比最高。", "最高", "claim_error"),
        ("抖音渠道GMV为5.2亿元，贡献了全年增量的48.2%。", "48.2%", "mismatch"),
    ],
)
def test_altered_figures_and_words_are_flagged(text, flagged, verdict):
    found = dict(verdicts(text))
    assert found.get(flagged) == verdict, found


def test_figure_without_metric_is_unsupported():
    assert verdicts("本年新开门店35家，覆盖12个城市。") == [("35家", "unsupported"), ("12个", "unsupported")]


def test_positions_and_linter_lines():
    md = "# 一、概览\n<!-- drafter:section id=overview hash=abc -->\n\n1. 复购率为28.9%。\n"
    findings = verify_markdown(md, FACTS)
    assert [(f.line, f.col, f.verdict, f.expected) for f in findings] == [(4, 8, "mismatch", "28.7%")]
    assert format_findings(findings, "report.md") == ["report.md:4:8: mismatch: 复购率 28.9% — facts say 28.7%"]
    assert summarize(findings) == {"verified": 0, "mismatch": 1, "unsupported": 0, "claim_error": 0, "total": 1}


def test_table_cells_use_row_label_and_column_header():
    md = (
        "| 指标 | 2025年 | 2024年 | 同比 |\n|---|---|---|---|\n"
        "| GMV | 18.62亿元 | 14.77亿元 | +26.1% |\n"
        "| 复购率 | 28.7% | 27.4% | +1.3个百分点 |\n"
        "\n| 渠道 | GMV（亿元） | 占比 |\n| --- | --- | --- |\n| 抖音 | 5.2 | 27.9% |\n| 天猫 | 8.1 | 40.0% |\n"
    )
    found = [(f.line, f.text, f.verdict) for f in verify_markdown(md, FACTS)]
    assert found == [
        (3, "18.62亿元", "verified"), (3, "14.77亿元", "verified"), (3, "+26.1%", "verified"),
        (4, "28.7%", "verified"), (4, "27.4%", "verified"), (4, "+1.3个百分点", "verified"),
        (8, "5.2", "verified"), (8, "27.9%", "verified"), (9, "8.1", "verified"), (9, "40.0%", "mismatch"),
    ]


def test_quoted_excerpt_is_verified_by_its_source():
    chunk = Chunk(id="plan-2025#3", doc_id="plan-2025", text="2025年计划新增直播间12个，私域用户目标50万人。")
    found = verify_markdown("> 去年的计划提出“私域用户目标50万人”。\n", FACTS, sources=[chunk])
    assert [(f.text, f.verdict, f.source) for f in found] == [("50万人", "verified", "plan-2025#3")]
    assert verdicts("> 私域用户目标60万人。", sources=[chunk]) == [("60万人", "unsupported")]


def test_period_argument_selects_the_report_period():
    assert verdicts("GMV为14.77亿元。", period="2024") == [("14.77亿元", "verified")]
    assert verdicts("GMV为14.77亿元。") == [("14.77亿元", "mismatch")]


HAND_MADE = """metric,label,measure,value,unit,period,dimension,aliases
买家数,,value,356万,,,,
买家数,,yoy,18,%,,,
买家数,,target_yoy,20,%,,,
GMV,,value,9.2,亿元,,,成交额|交易额
GMV,,yoy,25,%,,,
GMV,,target_yoy,20,%,,,
客单价,,value,258,元,,,
客单价,,target,270,元,,,
"""
PARAGRAPH = ("全年买家数356万、同比增长18%（略低于目标2个百分点），GMV 9.2亿、同比提升25%（超额完成），"
             "客单价258元（距目标还差12元）。")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_hand_made_kpi_sheet_verifies_hand_written_paragraph(tmp_path, encoding):
    path = tmp_path / "kpi.csv"
    path.write_bytes(HAND_MADE.encode(encoding))
    facts = load_facts_csv(path)
    found = verdicts(PARAGRAPH, facts)
    assert [t for t, _ in found] == ["356万", "18%", "低于目标", "2个百分点", "9.2亿", "25%", "超额完成", "258元",
                                     "距目标还差", "12元"]
    assert all(v == "verified" for _, v in found), found


@pytest.mark.parametrize(
    ("old", "new", "flagged"),
    [
        ("356万", "365万", "365万"), ("增长18%", "增长15%", "15%"), ("2个百分点", "3个百分点", "3个百分点"),
        ("略低于", "略高于", "高于目标"), ("9.2亿", "9.6亿", "9.6亿"), ("提升25%", "提升21%", "21%"),
        ("超额完成", "未完成目标", "未完成目标"), ("258元", "268元", "268元"), ("还差12元", "还差15元", "15元"),
        ("提升25%", "下降25%", "25%"),
    ],
)
def test_hand_made_sheet_flags_each_alteration(tmp_path, old, new, flagged):
    path = tmp_path / "kpi.csv"
    path.write_text(HAND_MADE, encoding="utf-8")
    found = dict(verdicts(PARAGRAPH.replace(old, new, 1), load_facts_csv(path)))
    assert found[flagged] in ("mismatch", "claim_error"), found


def test_load_facts_csv_names_row_and_column(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("metric,measure,value,unit\n复购率,value,28.7,%\n复购率,yoy,高,%\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"bad.csv: row 3, column value"):
        load_facts_csv(path)
    path.write_text("metric,measure,value\n复购率,growth,1\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"row 2, column measure"):
        load_facts_csv(path)


def test_load_facts_csv_reads_full_table(tmp_path):
    path = tmp_path / "facts.csv"
    path.write_text(
        "metric,label,measure,value,unit,period,dimension,aliases\n"
        "gmv,GMV,value,1862000000,元,2025,,成交额|交易额\ngmv,GMV,share,27.9,%,2025,channel=抖音,\n",
        encoding="utf-8-sig",
    )
    facts = load_facts_csv(path)
    assert [f.id for f in facts] == ["gmv.2025", "gmv.share.2025[channel=抖音]"]
    assert facts[0].aliases == ["成交额", "交易额"] and facts[0].label == "GMV"


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "big5", "utf-16"])
def test_a_report_is_read_in_the_encodings_the_corpus_reads(tmp_path, encoding):
    from drafter.draft.basis import read_text

    text = "# 2025年度運營總結\n\n全年GMV達到2869萬元，同比增長23.2%，復購率為22.0%。\n"
    path = tmp_path / "report.md"
    path.write_bytes(text.encode(encoding))
    assert read_text(path) == text
