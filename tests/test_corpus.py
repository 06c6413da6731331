"""Corpus stage: decoding, cleaning, inference, chunking (no store needed)."""

from __future__ import annotations

import re

import pytest

from drafter.corpus import chunk_document, load_document
from drafter.corpus.chunk import CHUNK_MAX, chunk_sections, sections
from drafter.corpus.classify import infer_kind, infer_period
from drafter.corpus.clean import clean_text
from drafter.corpus.text import decode_bytes, repair_conversions
from drafter.errors import UserError

SUMMARY_MD = """# 2024年度运营总结

## 一、运营成果概览

全年GMV达到3.2亿元，同比增长18.5%，完成年度目标的96%。订单量突破210万单，客单价152元。

## 二、核心业务板块分析

### (一) 渠道

抖音渠道GMV同比增长62%，占比提升至28%，成为第二大渠道；天猫渠道GMV基本持平，占比下降至41%。
小程序商城依托私域社群引流，全年GMV突破3600万元。

### (二) 用户

全年复购率为31.2%，较上年提升2.4个百分点；私域社群用户突破12万人，社群用户的复购率比非社群用户高出9个百分点。

## 三、问题与反思

大促期间退款率偏高，双11当周退款率达到14%，主要原因是预售商品发货延迟。
"""

WEB_COPY = """某某公司2024年度运营总结报告_第1页
某某公司2024年度运营总结报告_第2页
某某公司2024年度运营总结报告_第3页
已阅读3页,还剩2页未读, 继续免费阅读

下载本文档

版权说明:本文档由用户提供并上传,收益归属内容提供方,若内容存在侵权,请进行举报或认领

文档简介

某某公司2024年度运营总结报告一、年度业绩回顾全年销售额同比增长20%，其中直播渠道贡献最大。二、用户运营会员复购率提升至35%，私域社群新增3万人。

温馨提示

  • 1. 本站所有资源如无特殊说明,都需要本地电脑安装阅读器。
  • 2. 本站仅提供信息存储空间,不对内容负责。

最新文档

- 某某行业分析报告
- 某某岗位说明书

评论

0/150

提交评论
"""

BOILERPLATE = ["_第1页", "已阅读", "继续免费阅读", "下载本文档", "版权说明", "文档简介", "温馨提示", "本站",
               "最新文档", "岗位说明书", "提交评论", "0/150"]

SLIDES = (
    "汇报人:张三日期:2025-10-08季度运营工作汇报目录CONTENTS01业绩回顾02问题分析03下季度计划"
    "01业绩回顾本季度GMV环比增长12%，直播间转化率达到4.1%，高于上季度。0102会员复购率稳定在30%左右。"
    "02问题分析物流时效不稳定，部分地区超过72小时签收。客服响应时长偏长，高峰期超过3分钟。"
    "03下季度计划加强私域运营，计划新增社群用户2万人；优化大促备货节奏，降低缺货率。"
)


def test_decode_utf8_gbk_big5_and_bom():
    text = "2025年运营计划：私域复购率目标35%。"
    assert decode_bytes(text.encode("utf-8")) == text
    assert decode_bytes(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
    assert decode_bytes(text.encode("gbk")) == text
    trad = "2025年第三季度工作匯報：會員複購率提升，物流時效縮短，客戶滿意度維持穩定。"
    # Big5 bytes also decode as (nonsense) GB18030; the decoder must pick Big5.
    assert decode_bytes(trad.encode("big5")) == trad


def test_repair_pinyin_artefacts_keeps_real_parentheses():
    fixed, n = repair_conversions("電子商務(wù)運營總結(jié)：GMV(商品交易總額)增長，渠道(如抖音)擴張")
    assert fixed == "電子商務運營總結：GMV(商品交易總額)增長，渠道(如抖音)擴張"
    assert n == 2


def test_clean_removes_web_boilerplate_and_counts_it():
    text, removed, hints = clean_text(WEB_COPY)
    for marker in BOILERPLATE:
        assert marker not in text, marker
    assert removed["page_titles"] == 3
    assert removed["read_more"] == 1 and removed["download_notice"] == 1 and removed["copyright_notice"] == 1
    assert removed["site_notice"] == 3 and removed["related_docs"] == 3 and removed["comment_box"] == 3
    assert hints["title"] == "某某公司2024年度运营总结报告"
    assert "会员复购率提升至35%" in text
    # The run-together body is split at its headings.
    assert re.search(r"(?m)^一、年度业绩回顾", text) and re.search(r"(?m)^二、用户运营", text)


def test_web_copy_in_traditional_with_artefacts(tmp_path):
    text = "2024年度運營總結\n一、業務(wù)概況\n電子商務(wù)收入穩(wěn)步增長，會員復(fù)購率提升。\n"
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    doc = load_document(tmp_path / "t.txt")
    assert doc.removed["pinyin_artefacts"] == 4
    assert "電子商務收入穩步增長" in doc.text
    chunks = chunk_document(doc)
    assert chunks[0].text.endswith("电子商务收入稳步增长，会员复购率提升。")
    assert chunks[0].heading == "一、业务概况"


def test_normalises_full_width_digits_and_punctuation():
    text, _, _ = clean_text("ＧＭＶ同比增长１２．５％,客单价（元）提升:抖音渠道表现最好")
    assert text == "GMV同比增长12.5%，客单价(元)提升：抖音渠道表现最好"


def test_slides_split_at_toc_titles_and_cover_removed():
    text, removed, hints = clean_text(SLIDES)
    assert hints["title"] == "季度运营工作汇报" and hints["date"] == "2025-10-08"
    assert removed["slide_cover"] == 1 and removed["table_of_contents"] == 1
    assert removed["slide_numbers"] == 1  # the decorative 0102
    assert "张三" not in text and "0102" not in text
    paths = [p for p, _ in sections(text)]
    assert ("01 业绩回顾",) in paths and ("02 问题分析",) in paths and ("03 下季度计划",) in paths


@pytest.mark.parametrize(
    ("title", "text", "kind", "period"),
    [
        ("2024年度运营总结", "", "summary", "2024"),
        ("2025年运营计划", "", "plan", "2025"),
        ("2025年第三季度工作汇报", "", "review", "2025Q3"),
        ("2025 Q2 运营复盘", "", "review", "2025Q2"),
        ("2025年上半年运营总结", "", "review", "2025H1"),
        ("2025年7月运营月报", "", "review", "2025-07"),
        ("置业顾问2025年度工作总结及2026年工作计划", "", "summary", "2025"),
        ("运营资料", "2023年度电商运营总结\n一、概览", "summary", "2023"),
        ("会议纪要", "讨论了仓库选址。", "other", ""),
    ],
)
def test_infer_kind_and_period(title, text, kind, period):
    got = infer_kind(title, text)
    assert got == kind
    assert infer_period(title, text, got) == period


def test_plan_presented_late_in_year_is_for_next_year():
    assert infer_period("电商年度运营计划方案", "正文", "plan", "2025-11-08") == "2026"
    assert infer_period("电商年度运营总结", "正文", "summary", "2025-11-08") == "2025"


def test_chunks_carry_heading_paths_and_stay_bounded(tmp_path):
    long_body = "".join(f"第{i}项措施：优化抖音直播间的选品与排班，提升转化率和客单价。" for i in range(40))
    md = SUMMARY_MD + "\n## 四、下阶段规划\n\n### (一) 私域\n\n" + long_body + "\n"
    path = tmp_path / "2024年度运营总结.md"
    path.write_text(md, encoding="utf-8")
    doc = load_document(path)
    assert (doc.kind, doc.period, doc.title) == ("summary", "2024", "2024年度运营总结")
    chunks = chunk_document(doc)
    headings = [c.heading for c in chunks]
    assert "二、核心业务板块分析" in headings and "三、问题与反思" in headings
    assert not any("2024年度运营总结" in h for h in headings)  # the title is cited separately
    assert all(len(c.text) <= CHUNK_MAX + 60 for c in chunks)
    user = next(c for c in chunks if "31.2%" in c.text)
    assert "二、核心业务板块分析" in user.heading
    plan = [c for c in chunks if c.heading.endswith("(一) 私域")]
    assert len(plan) >= 3
    # Consecutive pieces of one long section share a sentence (the overlap).
    first_sentences = [re.split(r"(?<=。)", c.text)[0] for c in plan[1:]]
    assert all(s in prev.text for s, prev in zip(first_sentences, plan, strict=False))
    assert len({c.id for c in chunks}) == len(chunks)


def test_small_sections_are_packed_not_one_chunk_each():
    md = "\n".join(f"{i}. 指标{i}：同比提升{i}个百分点，主要来自私域复购。" for i in range(1, 11))
    chunks = chunk_sections("一、核心指标\n" + md)
    assert 1 <= len(chunks) <= 2
    assert chunks[0][0].startswith("一、核心指标")


def test_gbk_txt_big5_with_artefacts_docx_pdf_html(tmp_path):
    plan = "2025年运营计划\n一、目标\nGMV目标4亿元，复购率目标33%。\n"
    (tmp_path / "plan.txt").write_bytes(plan.encode("gbk"))
    doc = load_document(tmp_path / "plan.txt")
    assert (doc.kind, doc.period, doc.title) == ("plan", "2025", "2025年运营计划")

    big5 = "2025年第三季度工作匯報\n一、業績綜述\n本季度電子商務收入增長，會員複購率提升至三成。\n"
    (tmp_path / "q3.txt").write_bytes(big5.encode("big5"))
    doc = load_document(tmp_path / "q3.txt")
    assert (doc.kind, doc.period, doc.title) == ("review", "2025Q3", "2025年第三季度工作汇报")
    assert "會員" in doc.text  # the original script is kept for quoting
    chunk = chunk_document(doc)[0]
    assert "电子商务收入增长，会员复购率" in chunk.text  # indexed as Simplified
    assert doc.removed["traditional_converted"] > 5

    import docx

    d = docx.Document()
    d.add_heading("2023年度运营总结", 0)
    d.add_heading("一、渠道表现", 1)
    d.add_paragraph("抖音渠道GMV同比增长45%，天猫渠道保持稳定。")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "渠道", "GMV"
    table.cell(1, 0).text, table.cell(1, 1).text = "抖音", "1.2亿"
    d.save(tmp_path / "y2023.docx")
    doc = load_document(tmp_path / "y2023.docx")
    assert (doc.kind, doc.period) == ("summary", "2023")
    assert "抖音 | 1.2亿" in doc.text
    assert any(c.heading.endswith("一、渠道表现") for c in chunk_document(doc))

    html = ("<html><head><title>2024年双11复盘</title><script>var x='下载';</script></head><body>"
            "<nav>首页 | 登录</nav><h1>2024年双11复盘</h1><h2>一、成交</h2><p>大促期间GMV同比增长21%。</p>"
            "<p>私域社群贡献了18%的成交额，复购率高于日常。</p><footer>版权所有</footer></body></html>")
    (tmp_path / "d11.html").write_text(html, encoding="utf-8")
    doc = load_document(tmp_path / "d11.html")
    assert (doc.kind, doc.period) == ("review", "2024")
    assert "首页" not in doc.text and "var x" not in doc.text and "版权所有" not in doc.text


def test_text_pdf(tmp_path):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "h1.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 12)
    lines = ("2025年上半年运营复盘", "一、业绩", "上半年GMV同比增长15%，复购率为29%。")
    for y, line in zip((800, 780, 760), lines, strict=True):
        c.drawString(50, y, line)
    c.drawString(290, 30, "1")
    c.save()
    doc = load_document(path)
    assert (doc.kind, doc.period, doc.title) == ("review", "2025H1", "2025年上半年运营复盘")
    assert "复购率为29%" in doc.text


def test_bad_files_raise_user_errors_naming_the_file(tmp_path):
    (tmp_path / "broken.docx").write_bytes(b"not a zip")
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "empty.md").write_text("  \n", encoding="utf-8")
    (tmp_path / "data.xlsx").write_bytes(b"PK")
    for name, hint in [("broken.docx", "save it again"), ("old.doc", ".docx"), ("empty.md", "no text"),
                       ("data.xlsx", "unsupported")]:
        with pytest.raises(UserError) as err:
            load_document(tmp_path / name)
        assert name in str(err.value) and hint in str(err.value)
