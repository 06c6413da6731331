"""Cleaning a report's text: site boilerplate, slide covers and tables of contents, run-together headings."""

from __future__ import annotations

import re
from collections import Counter

from drafter.corpus.chrome import find_chrome
from drafter.corpus.chunk import CN_NUM
from drafter.corpus.classify import clean_title
from drafter.corpus.text import CJK, chinese_punctuation, normalise, repair_conversions, to_simplified

# --- boilerplate ---------------------------------------------------------------------------------

_LINE_RULES: list[tuple[str, re.Pattern]] = [
    ("page_titles", re.compile(r"^.{2,80}_第\d+页$")),
    ("read_more", re.compile(r"已阅读\d+页|继续(免费)?阅读|还剩\d+页未读")),
    ("download_notice", re.compile(r"^(下载本文档|下载文档|点击下载|立即下载|文档下载)\s*$")),
    ("copyright_notice", re.compile(r"^版权(说明|声明)[:：]|本文档由用户提供并上传|若内容存在侵权")),
    ("doc_intro", re.compile(r"^(文档简介|文档介绍|内容简介)\s*$")),
    ("comment_box", re.compile(r"^(评论|0/\d+|提交评论|发表评论|我要评论|全部评论)\s*$")),
]
# A heading that opens a block of site boilerplate; the bullet lines under it go too.
_BLOCK_RULES = [
    ("site_notice", re.compile(r"^(温馨提示|免责声明|下载须知)\s*[:：]?\s*$")),
    ("related_docs", re.compile(r"^(最新文档|相关文档|相关推荐|猜你喜欢|相关资源|热门文档|精品文档)\s*$")),
]
_BULLET = re.compile(r"^\s*([•·\-*]|\d+\.\s)")
_COVER = re.compile(
    r"^\s*(?:(?:演[讲講]人|[汇匯][报報]人|[报報]告人|日期|[时時][间間]|部[门門])[:：]\s*"
    r"(?:(\d{4}[-./年]\d{1,2}[-./月]\d{1,2}日?)|[\u4e00-\u9fff·]{2,4}?(?=\s|日期|[时時][间間]|部[门門])"
    r"|[A-Za-z][A-Za-z .]{0,30}?(?=\s|日期))?\s*)+"
)
_TOC = re.compile(r"目\s*(?:CONTENTS|CATALOGUE)?\s*[录錄](?:\s*(?:CONTENTS|CATALOGUE))?|目CONTENTS|CATALOGUE")
_TOC_ITEM = re.compile(r"\s*(?:PART\s*)?0([1-9])\s*([^\d\n]{2,20}?)(?=\s*(?:PART\s*)?0[1-9]|\n|$)")
_SLIDE_NUMBERS = re.compile(r"(?<![0-9A-Za-z.\-:/%])(?:0[1-9]){2,}(?![\d%.])|^\s*0[1-9]\s*$", re.M)


def _drop_lines(lines: list[str], removed: Counter, hints: dict, shared: frozenset[str]) -> list[str]:
    """Known site phrases (one signal), then chrome decided from general evidence; every drop is recorded."""
    out: list[str] = []
    block = None
    dropped = hints.setdefault("removed_lines", [])

    def drop(reason: str, line: str) -> None:
        removed[reason] += 1
        dropped.append((reason, line.strip()))

    for line in lines:
        simple = to_simplified(line.strip())
        if block and (not simple or _BULLET.match(simple)):
            if simple:
                drop(block, line)
            continue
        block = None
        rule = next((n for n, p in _BLOCK_RULES if p.match(simple)), None)
        if rule:
            block = rule
            drop(rule, line)
            continue
        rule = next((n for n, p in _LINE_RULES if p.search(simple)), None)
        if rule:
            drop(rule, line)
            if rule == "page_titles":
                hints.setdefault("title", re.sub(r"_第\d+[页頁]$", "", line.strip()))
            continue
        out.append(line)
    reasons = find_chrome([to_simplified(line) for line in out], shared)
    kept = []
    for line, reason in zip(out, reasons, strict=True):
        if reason is None:
            kept.append(line)
            continue
        drop(reason, line)
        if reason in ("file_name", "collection_header") and (name := clean_title(line)):
            hints.setdefault("title_candidates", []).append(name)
    return _drop_repeated_title(kept, drop)


def _drop_repeated_title(lines: list[str], drop) -> list[str]:
    """A copy that repeats the report's title further down (after a collection header) repeats chrome."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or len(lines[first].strip()) > 40:
        return lines
    title = re.sub(r"\s", "", lines[first])
    out = lines[: first + 1]
    for line in lines[first + 1 :]:
        if line.strip() and re.sub(r"\s", "", line) == title:
            drop("repeated_title", line)
        else:
            out.append(line)
    return out


def _strip_slides(text: str, removed: Counter, hints: dict) -> str:
    """Remove slide covers, tables of contents and decorative numbers; remember the TOC titles."""

    def cover(m: re.Match) -> str:
        removed["slide_cover"] += 1
        if m.group(1):
            hints.setdefault("date", m.group(1))
        return ""

    text = _COVER.sub(cover, text, count=0)
    toc = _TOC.search(text)
    if toc:
        items, pos, seen = [], toc.end(), set()
        while (m := _TOC_ITEM.match(text, pos)) and m.group(1) not in seen:
            seen.add(m.group(1))
            items.append((m.group(1), m.group(2).strip()))
            pos = m.end()
        if len(items) >= 3:
            before = text[: toc.start()].rsplit("\n", 1)
            if len(before[-1].strip()) <= 40 and before[-1].strip():
                hints.setdefault("title", before[-1].strip())
            removed["table_of_contents"] += 1
            text = text[: toc.start()] + "\n" + text[pos:].lstrip()
            hints["toc"] = sorted(items)
    text, n = _SLIDE_NUMBERS.subn("", text)
    removed["slide_numbers"] += n
    return text


# --- breaking run-together text at headings ---------------------------------------------------

_RUNON = 300


def _cn_value(s: str) -> int:
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + CN_NUM.index(s[1]) + 1
    if s.endswith("十"):
        return (CN_NUM.index(s[0]) + 1) * 10
    if len(s) == 1:
        return CN_NUM.index(s) + 1
    return (CN_NUM.index(s[0]) + 1) * 10 + CN_NUM.index(s[-1]) + 1


_INLINE = re.compile(
    f"(?P<top>(?:(?<=[。；！？\\n])|^)(?P<tn>[{CN_NUM}]{{1,2}})、)"
    f"|(?P<sub>[(（](?P<sn>[{CN_NUM}]{{1,2}})[)）])"
    f"|(?P<item>(?<![\\d.A-Za-z])(?P<inum>[1-9]\\d?)\\.(?=[{CJK}A-Za-z]))"
)


def _break_runon(line: str, toc: list[tuple[str, str]], full: bool) -> str:
    """Put each heading of a run-together line (web copy, flattened slides) on its own line.

    Short lines only break before 二、 三、 … after a sentence end; (一) and 1. may be inline lists there.
    """
    for num, title in toc:
        # A TOC title in the body is a slide section: heading on its own line, then the body.
        pattern = re.compile(f"(?:PART\\s*)?0{num}\\s*{re.escape(title)}")
        line = pattern.sub(lambda m: f"\n{m.group(0)}\n", line, count=1)
    out, last = [], 0
    expect_top, expect_sub, expect_item = 1, 1, 1
    for m in _INLINE.finditer(line):
        if not full and not m.group("top"):
            continue
        if m.group("top"):
            # After a sentence end, 二、 三、 are headings even if an earlier 一、 was glued to a title.
            n = _cn_value(m.group("tn"))
            ok = n >= expect_top or n == 1
            if ok:
                expect_top, expect_sub, expect_item = n + 1, 1, 1
        elif m.group("sub"):
            n = _cn_value(m.group("sn"))
            ok = n == expect_sub or n == 1
            if ok:
                expect_sub, expect_item = n + 1, 1
        else:
            n = int(m.group("inum"))
            ok = n == expect_item or n == 1
            if ok:
                expect_item = n + 1
        if ok and m.start() > last:
            out.append(line[last : m.start()])
            last = m.start()
    out.append(line[last:])
    return "\n".join(part.strip() for part in out if part.strip())


def clean_text(text: str, keep_boilerplate: bool = False,
               shared: frozenset[str] = frozenset()) -> tuple[str, dict[str, int], dict]:
    """Clean a report: boilerplate, broken conversions, widths, run-together slides; count removals."""
    # hints["removed_lines"] lists every dropped line with its reason; keep_boilerplate drops no line; shared
    # holds the lines repeated across the documents added together (see chrome.find_chrome).
    removed: Counter = Counter()
    hints: dict = {}
    text, _ = normalise(text)
    text, n = repair_conversions(text)
    removed["pinyin_artefacts"] += n
    text = chinese_punctuation(text)
    lines = text.split("\n") if keep_boilerplate else _drop_lines(text.split("\n"), removed, hints, shared)
    text = _strip_slides("\n".join(lines), removed, hints)
    text = text.lstrip()
    title = hints.get("title", "")
    if title and text.startswith(title) and not text.startswith(title + "\n"):
        text = title + "\n" + text[len(title) :]  # a web copy glues the title to the first heading
    toc = hints.get("toc", [])
    lines = [_break_runon(ln, toc, len(ln) > _RUNON or bool(toc)) for ln in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text, {k: v for k, v in removed.items() if v}, hints

