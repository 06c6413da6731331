"""Corpus text work: decoding, cleaning web copies, inferring kind and period."""

from __future__ import annotations

import contextlib
import functools
import re
from collections import Counter

from drafter.corpus_chunk import CN_NUM
from drafter.errors import UserError

# Bump when cleaning or chunking changes, so re-adding a file re-processes it.
PIPELINE_VERSION = "4"
CJK = "\u4e00-\u9fff"


@functools.cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified (a no-op on Simplified text)."""
    return _t2s().convert(text) if text else text


# --- decoding -------------------------------------------------------------------------------------


def _plausibility(text: str) -> float:
    """Share of Chinese characters that are common ones (GB2312 level 1 once simplified)."""
    cjk = "".join(re.findall(f"[{CJK}]", text[:20000]))
    if not cjk:
        bad = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t" or 0xE000 <= ord(c) <= 0xF8FF)
        return 0.0 if bad else 1.0
    common = 0
    for ch in to_simplified(cjk):
        with contextlib.suppress(UnicodeEncodeError):
            common += 0xB0 <= ch.encode("gb2312")[0] <= 0xD7
    return common / len(cjk)


def decode_bytes(data: bytes, name: str = "file") -> str:
    """Decode UTF-8, GBK/GB18030 or Big5: strict UTF-8, then strict GB18030, then a detector."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its BOM (Windows Notepad's "Unicode")
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    # Big5 bytes usually decode as (nonsense) GB18030 too, so strict success is not enough:
    # keep whichever decoding reads as common Chinese.
    candidates = []
    for enc in ("gb18030", "big5hkscs"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append((_plausibility(text), enc, text))
    candidates.sort(key=lambda c: -c[0])
    if candidates and candidates[0][0] >= 0.6:
        return candidates[0][2]
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and _plausibility(str(best)) >= 0.5:
        return str(best)
    if candidates:
        return candidates[0][2]
    raise UserError(f"{name}: cannot tell its text encoding; save it as UTF-8 and add it again")


# --- normalisation and repair ------------------------------------------------------------------

_FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH.update({i: i - 0xFEE0 for i in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH.update({i: i - 0xFEE0 for i in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_WIDE, _NARROW = "％．＋－／＝＜＞（）［］｛｝＃＆＊＠　\u00a0", "%.+-/=<>()[]{}#&*@  "
_FULLWIDTH.update({ord(a): b for a, b in zip(_WIDE, _NARROW, strict=True)})
# ASCII punctuation a web copy left between Chinese characters → the Chinese form (quotable prose).
# Only , ; : — a "?" may be a mis-decoded byte, which repair_conversions still needs to see.
_ASCII_PUNCT = re.compile(f"(?<=[{CJK}）)\"”%])([,;:])")
_CN_PUNCT = dict(zip(",;:", "，；：", strict=True))
# `務(wù)`: a broken Traditional conversion left the pinyin (with tone marks) after the character;
# a mis-decoded neighbour may stand before it (`園l(fā)`), and a "(" may be swallowed (`?nèi)`).
# Toned pinyin in parentheses has no place in an operations report, so it goes wherever it is.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
_PINYIN = re.compile(
    f"\\((?=[a-z{_TONED}]*[{_TONED}])[a-z{_TONED}]{{1,7}}\\)|\\?+(?=[a-z{_TONED}]*[{_TONED}])"
    f"[a-z{_TONED}]{{1,7}}\\)"
)


def normalise(text: str) -> tuple[str, int]:
    """Unify newlines and widths (full-width digits, letters, symbols); count the changed characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    changed = sum(1 for c in text if ord(c) in _FULLWIDTH)
    return text.translate(_FULLWIDTH), changed


def chinese_punctuation(text: str) -> str:
    """ASCII , ; : right after Chinese text → ，；： (web copies often flatten them)."""
    return _ASCII_PUNCT.sub(lambda m: _CN_PUNCT[m.group(1)], text)


def repair_conversions(text: str) -> tuple[str, int]:
    """Drop pinyin left behind by broken Traditional conversions: 務(wù) → 務."""
    return _PINYIN.subn("", text)


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


def _drop_lines(lines: list[str], removed: Counter, hints: dict) -> list[str]:
    out: list[str] = []
    block = None
    for line in lines:
        simple = to_simplified(line.strip())
        if block and (not simple or _BULLET.match(simple)):
            removed[block] += bool(simple)
            continue
        block = None
        rule = next((n for n, p in _BLOCK_RULES if p.match(simple)), None)
        if rule:
            block = rule
            removed[rule] += 1
            continue
        rule = next((n for n, p in _LINE_RULES if p.search(simple)), None)
        if rule:
            removed[rule] += 1
            if rule == "page_titles":
                hints.setdefault("title", re.sub(r"_第\d+[页頁]$", "", line.strip()))
            continue
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


def clean_text(text: str) -> tuple[str, dict[str, int], dict]:
    """Clean a report: boilerplate, broken conversions, widths, run-together slides; count removals."""
    removed: Counter = Counter()
    hints: dict = {}
    text, _ = normalise(text)
    text, n = repair_conversions(text)
    removed["pinyin_artefacts"] += n
    text = chinese_punctuation(text)
    lines = _drop_lines(text.split("\n"), removed, hints)
    text = _strip_slides("\n".join(lines), removed, hints)
    text = text.lstrip()
    title = hints.get("title", "")
    if title and text.startswith(title) and not text.startswith(title + "\n"):
        text = title + "\n" + text[len(title) :]  # a web copy glues the title to the first heading
    toc = hints.get("toc", [])
    lines = [_break_runon(ln, toc, len(ln) > _RUNON or bool(toc)) for ln in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text, {k: v for k, v in removed.items() if v}, hints


# --- kind and period -------------------------------------------------------------------------------

_KIND_WORDS = [
    ("plan", re.compile(r"计划|规划|方案|预算")),
    ("summary", re.compile(r"总结|年报|年终")),
    ("review", re.compile(r"汇报|复盘|述职|季报|月报|周报|回顾|报告")),
]
_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_PERIODS = [
    (re.compile(r"(20\d\d)\s*年?\s*(?:第\s*([一二三四1-4])\s*季度|Q([1-4]))", re.I),
     lambda m: f"{m.group(1)}Q{_QUARTER[m.group(2) or m.group(3)]}"),
    (re.compile(r"(20\d\d)\s*年?\s*(上半年|下半年|H[12])", re.I),
     lambda m: f"{m.group(1)}H{1 if m.group(2) in ('上半年', 'H1', 'h1') else 2}"),
    (re.compile(r"(20\d\d)\s*年\s*(1[0-2]|0?[1-9])\s*月(?!\s*[0-9]{1,2}\s*日)"),
     lambda m: f"{m.group(1)}-{int(m.group(2)):02d}"),
    (re.compile(r"(20\d\d)\s*(?:年|年度|财年)"), lambda m: m.group(1)),
]


def infer_kind(title: str, text: str) -> str:
    """summary | plan | review | other, from the title first, then the opening of the text."""
    for source in (title, text[:200]):
        hits = [(m.start(), kind) for kind, p in _KIND_WORDS if (m := p.search(source))]
        if hits:
            kind = min(hits)[1]
            # A quarterly or monthly 总结 is a review in this team's vocabulary.
            if kind == "summary" and re.search(r"季度|Q[1-4]|月度|上半年|下半年", source):
                return "review"
            return kind
    return "other"


def infer_period(title: str, text: str, kind: str, date_hint: str = "") -> str:
    """2024, 2025Q3, 2025H1 or 2025-07 from the title, else the opening text, else a cover date."""
    for source in (title, text[:300]):
        for pattern, fmt in _PERIODS:
            if m := pattern.search(source):
                return fmt(m)
    if m := re.match(r"(20\d\d)\D+(\d{1,2})", date_hint):
        year, month = int(m.group(1)), int(m.group(2))
        # A plan presented late in a year is the plan for the next year.
        return str(year + 1 if kind == "plan" and month >= 9 else year)
    return ""
