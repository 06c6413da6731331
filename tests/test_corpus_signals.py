"""The cleaner's general signals: breadcrumbs whatever their last word, counters in any wording, "more" links,
membership offers, bare file names, and collection markers that open a document (its title) instead of
being chrome. Generated variants, plus tests/web_copies_more: copies of site kinds written before these
signals were generalised (invented report text, one label per line: B chrome, C content, - blank)."""

from __future__ import annotations

import itertools
import json
import random
import re
import unicodedata
from pathlib import Path

import pytest

from drafter.corpus import load_document
from drafter.corpus.chrome import find_chrome
from drafter.corpus.classify import clean_title
from drafter.corpus.text import to_simplified

COPIES = Path(__file__).parent / "web_copies_more"
EXPECTED = json.loads((COPIES / "expected.json").read_text(encoding="utf-8"))
PROSE = ["2024年店铺全年成交额3860万元，同比增长18.4%，其中奶粉品类占比41%。",
         "全年新增会员2.3万人，会员复购率达到36%，较上年提升4个百分点。",
         "天猫旗舰店贡献2140万元，京东自营贡献980万元，抖音小店贡献740万元。"]


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", to_simplified(text))).translate(
        str.maketrans("，；：（）", ",;:()"))


def _chrome(lines: list[str]) -> list[str]:
    return [line for line, reason in zip(lines, find_chrome(lines), strict=True) if reason]


def _page(head: list[str], tail: list[str] = ()) -> list[str]:
    return [*head, "2024年母婴店铺年度运营总结", "一、全年经营概况", *PROSE, *tail]


@pytest.mark.parametrize("path", sorted(COPIES.glob("*.txt")), ids=lambda p: p.stem)
def test_new_site_kinds_keep_every_report_line_and_their_title(path):
    doc = load_document(path)
    kept = _norm(doc.text)
    pairs = list(zip(path.with_suffix(".labels").read_text(encoding="utf-8").split("\n"),
                     path.read_text(encoding="utf-8").split("\n"), strict=True))
    assert [line for label, line in pairs if label == "C" and _norm(line) not in kept] == []
    expected = EXPECTED[path.stem]
    assert _norm(doc.title) in {_norm(t) for t in expected["title"]}
    assert doc.kind == expected["kind"] and doc.period in expected["period"]


def test_most_chrome_of_the_new_site_kinds_goes():
    gone = total = 0
    for path in COPIES.glob("*.txt"):
        kept = _norm(load_document(path).text)
        labels = path.with_suffix(".labels").read_text(encoding="utf-8").split("\n")
        chrome = [_norm(line) for label, line in zip(labels, path.read_text(encoding="utf-8").split("\n"),
                                                     strict=True) if label == "B"]
        gone += sum(line not in kept for line in chrome)
        total += len(chrome)
    assert gone >= 0.9 * total, (gone, total)


SECTIONS = ["办公文档", "总结汇报", "年终总结", "工作计划", "企业管理", "运营管理", "经验分享", "季度汇报", "电商运营"]
LAST = ["正文", "详情", "文章", "运营管理", "述职报告", "阅读"]


@pytest.mark.parametrize("separator", [" > ", " » ", " → ", "›", " -> ", " / ", " | "])
def test_a_breadcrumb_goes_whatever_its_separator_and_last_word(separator):
    rng = random.Random(separator)
    for last in LAST:
        site = rng.choice(["文库", "学习网", "首页", "资料库"])
        crumb = separator.join([site, *rng.sample(SECTIONS, 2), last])
        assert _chrome(_page([crumb])) == [crumb]


def test_a_funnel_or_a_table_row_with_the_same_separators_stays():
    lines = _page([], ["链路：曝光 > 点击 > 加购 > 支付，支付转化率提升到3.2%。", "天猫 | 王丽 | 日常运营与活动",
                       "京东 | 赵强 | 自营对接", "运营部", "2025年1月8日"])
    lines.insert(4, "曝光 > 点击 > 加购 > 支付")  # a funnel inside the report
    assert _chrome(lines) == []


COUNTERS = ["{n}人已围观", "阅读 {n}", "浏览量 {n}", "下载次数：{n}", "👍 {n}", "❤ {n}", "人气({n})", "已有{n}人浏览",
            "点赞 {n}", "阅 {n}", "评论({n})", "⬇ {n}"]
NUMBERS = ["35", "1.2w", "3.4k", "1,234", "892"]


def test_counters_in_any_wording_go_alone_or_joined_with_a_date():
    for pattern, number in itertools.product(COUNTERS, NUMBERS):
        alone = pattern.format(n=number)
        joined = f"2025-03-02  |  {alone}  |  收藏"
        assert _chrome(_page([alone, joined])) == [alone, joined], alone


def test_a_report_line_with_counter_words_and_figures_stays():
    lines = _page([], ["全年文章阅读量126万，点赞3.1万，下载次数同比增长35%。", "公众号浏览量 12万，同比增长20%",
                       "👍 好评率达到98%，较上年提升2个百分点。"])
    assert _chrome(lines) == []


def test_more_links_and_membership_offers_go_but_a_reports_members_stay():
    chrome = ["查看更多运营工作总结>>", "更多>>", "展开全文↓", "点击查看更多 客服工作总结 相关内容",
              "喜欢该文的人也喜欢  更多>>",
              "限时特惠：VIP年卡仅需88元，立省50%", "会员免费下载，非会员5元/篇", "开通会员，免广告下载全部文档",
              "加入VIP，海量课件免费下载"]
    report = ["争取更多资源投入抖音直播，更多新客来自短视频。", "会员日限时特惠带动GMV增长20%。",
              "开通付费会员的用户达到1.2万人，会员复购率提升到41%。", "二、会员与回购"]
    lines = _page(chrome[:4], [*report, *chrome[4:]])
    assert _chrome(lines) == chrome


def test_a_bare_file_name_goes_but_a_report_naming_its_attachment_stays():
    names = ["2024年母婴店铺年度运营总结.docx", "母婴电商年度工作计划.pdf", "季度汇报.pptx 18页"]
    lines = _page(names[:1], ["附件：2024年各渠道明细.xlsx", *names[1:]])
    assert _chrome(lines) == names


MARKERS = ["第一篇:", "第一篇：", "篇一：", "篇1:", "范文1：", "第1篇 ", "例文一、"]


@pytest.mark.parametrize("marker", MARKERS)
def test_a_collection_marker_opens_a_document_and_names_its_title(marker, tmp_path):
    title = "2025年1月天猫店铺运营工作总结"
    page = ["写作吧 > 工作总结 > 运营工作总结", "电商运营月度工作总结(通用3篇)", "1238人已围观",
            f"{marker}{title}", *PROSE, f"{marker.replace('一', '二').replace('1', '2')}2025年1月京东店铺运营工作总结",
            PROSE[0]]
    path = tmp_path / "copy.txt"
    path.write_text("\n".join(page), encoding="utf-8")
    doc = load_document(path)
    assert doc.title == title and doc.kind == "summary" and doc.period == "2025-01"
    assert _norm(f"{marker}{title}") in _norm(doc.text) and "通用3篇" not in doc.text
    assert clean_title(f"{marker}{title}") == title


def test_a_marker_before_its_own_repeated_title_is_the_header_that_goes(tmp_path):
    path = tmp_path / "copy.txt"
    path.write_text("\n".join(["部门运营计划书范文(17篇)", "篇一：2025年社群运营工作计划", "2025年社群运营工作计划",
                               *PROSE, "部门运营计划书篇二"]), encoding="utf-8")
    doc = load_document(path)
    assert doc.title == "2025年社群运营工作计划" and doc.text.count("2025年社群运营工作计划") == 1
    assert "篇一" not in doc.text and "篇二" not in doc.text and "17篇" not in doc.text
