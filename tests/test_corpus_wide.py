"""Web copies from site families beyond the first set: document libraries, a public account, a blog, a
government site, a forum, an HTML page, Traditional script and a GBK-encoded copy (tests/web_copies_wide,
invented report text, site chrome as such sites show it). An .html copy's labels give its visible lines."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from drafter.corpus import load_document
from drafter.corpus.chrome import find_chrome
from drafter.corpus.classify import infer_period
from drafter.corpus.text import decode_bytes, to_simplified

COPIES = Path(__file__).parent / "web_copies_wide"
EXPECTED = json.loads((COPIES / "expected.json").read_text(encoding="utf-8"))


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", to_simplified(text))).translate(
        str.maketrans("，；：（）", ",;:()"))


def _labelled(path: Path) -> list[tuple[str, str]]:
    labels = (COPIES / f"{path.stem}.labels").read_text(encoding="utf-8").split("\n")
    if path.suffix == ".html":
        pairs = [label.partition("\t")[::2] for label in labels]
    else:
        pairs = list(zip(labels, decode_bytes(path.read_bytes()).split("\n"), strict=False))
    return [(label, _norm(line)) for label, line in pairs if label in ("B", "C") and _norm(line)]


PATHS = sorted([*COPIES.glob("*.txt"), *COPIES.glob("*.html")])


def _chrome_gone(path: Path) -> tuple[int, int]:
    """Chrome lines gone and chrome lines, for one copy; a repeated title is gone when no more frequent."""
    kept = _norm(load_document(path).text)
    pairs = _labelled(path)
    content = [line for label, line in pairs if label == "C"]
    chrome = [line for label, line in pairs if label == "B"]
    return sum(kept.count(line) <= sum(c.count(line) for c in content) for line in chrome), len(chrome)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_wide_copy_keeps_every_report_line(path):
    doc = load_document(path)
    kept = _norm(doc.text)
    assert [line for label, line in _labelled(path) if label == "C" and line not in kept] == []
    expected = EXPECTED[path.stem]
    assert _norm(doc.title) in {_norm(t) for t in expected["title"]}
    assert doc.kind == expected["kind"] and doc.period in expected["period"]


def test_most_chrome_of_the_wide_copies_goes():
    counts = [_chrome_gone(path) for path in PATHS]
    assert sum(g for g, _ in counts) >= 0.9 * sum(n for _, n in counts)
    assert all(g >= 0.75 * n for g, n in counts), counts


def test_lines_after_a_plain_date_are_a_timeline_not_a_page_tail():
    lines = ["2025年会员运营计划", "全年计划新增会员12万人，会员复购率提升到40%，重点做分层运营和积分体系。",
             "三、时间安排", "2025年3月1日", "启动会员体系改版", "2025年6月30日", "完成全渠道上线"]
    assert [line for line, reason in zip(lines, find_chrome(lines), strict=True) if reason] == []


def test_after_the_signature_only_figures_and_report_headings_stay():
    lines = ["2024年度店铺运营总结", "全年GMV为8600万元，同比增长27%，天猫、京东和抖音三个渠道都完成了目标。",
             "运营部", "2025年1月10日", "写得真好，收藏了", "小张 江苏 01-12", "作者回复：谢谢支持",
             "附：APP下载量同比增长35%，粉丝关注数达到12万", "【打印本页】【关闭窗口】"]
    reasons = find_chrome(lines)
    assert [line for line, reason in zip(lines, reasons, strict=True) if not reason] == lines[:4] + [lines[7]]


def test_report_lines_with_site_words_stay():
    lines = ["2025年第一季度运营报告", "一、工作回顾",
             "本季度会员数达到46万人，新增会员5.2万人，APP下载量同比增长35%，粉丝关注数净增3.1万。",
             "2025年3月完成小程序商城改版。", "渠道 | 销售额（万元） | 同比", "天猫 | 5840 | 12%",
             "1. 下载量：APP月下载量9.6万次", "2. 会员：付费会员3.2万人", "点击率从2.1%提升到2.8%。",
             "推出“会员日”活动，每月8日固定开展。", "运营部 2025年4月3日"]
    assert [line for line, reason in zip(lines, find_chrome(lines), strict=True) if reason] == []


def test_a_weekly_report_is_of_the_iso_week_its_dates_give_not_its_own_week_count():
    assert infer_period("客服部第12周周报（2025年3月31日-4月6日）", "", "review") == "2025-W14"
    assert infer_period("2025年第一季度运营报告", "", "review") == "2025Q1"
