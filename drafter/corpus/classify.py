"""What a report is: its title, kind (summary, plan, review, other) and period, read from its text."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from drafter.corpus.signals import COLLECTION, FILE_SUFFIX, collection_title
from drafter.errors import UserError
from drafter.periods import PERIOD_FORMS, iso_weeks, make_period, read_period

KINDS = ("summary", "plan", "review", "other")
# The report kinds of DESIGN.md, accepted wherever a corpus kind is expected.
KIND_ALIASES = {"annual-summary": "summary", "annual-plan": "plan", "quarterly-review": "review",
                "monthly-review": "review", "weekly-review": "review"}


def check_kind(kind: str | None) -> str | None:
    """Normalise a kind given by a user; UserError when unknown."""
    if kind is None:
        return None
    kind = KIND_ALIASES.get(kind.strip().lower(), kind.strip().lower())
    if kind not in KINDS:
        raise UserError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    return kind


def check_period(period: str | None) -> str | None:
    """Normalise a period given by a user (2025, 2025Q3, 2025H1, 2025-07, 2025-W47); UserError when malformed."""
    if period is None:
        return None
    named = read_period(period.replace("年", ""))  # 2025年, 2025年Q3
    if named is None:
        raise UserError(f"bad period {period.strip()!r}: write it as {PERIOD_FORMS}")
    return named.label


# --- title ------------------------------------------------------------------------------------------

_SUFFIX = re.compile(FILE_SUFFIX + r"\s*$", re.I)
# Collection markers (范文(17篇), 篇一, 第一篇), a page number (_第2页), trailing quotes and slashes.
_MARKERS = re.compile(f"{COLLECTION.pattern}|大全|_第\\d+[页頁]$|[\"“”/]+\\s*$")
_SITE_PART = re.compile(r"网$|网站$|文库$|之家$|官网$|论坛$|社区$|博客$|\.com|\.cn|[Ww]ww")
_TITLE_KIND = re.compile(r"总结|计划|规划|方案|复盘|汇报|报告|述职|回顾")
_TITLE_WORDS = re.compile(r"总结|计划|规划|方案|复盘|汇报|报告|述职|回顾|运营|年度|季度|工作")


def clean_title(title: str) -> str:
    """The report's title from a page's: no file suffix, collection markers, breadcrumbs or site names."""
    title = title.strip().lstrip("#").strip()
    title = re.sub(r"^(?:[\[【][^\]】]{1,8}[\]】]\s*)+(?=\S)", "", title)  # a forum's [经验分享] tag
    title = re.split(r"\s*(?:>|›|»|＞)\s*", title)[-1]  # a breadcrumb ends with the page
    parts = [p.strip() for p in re.split(r"\s*(?:[_|｜]|\s[-–—]\s)\s*", title) if p.strip()]
    if any(_SITE_PART.search(p) for p in parts):  # a page title: 报告名_栏目_站名
        parts = [p for p in parts if not _SITE_PART.search(p)] or parts
        title = next((p for p in parts if _TITLE_WORDS.search(p)), parts[0])
    for _ in range(3):
        title = _MARKERS.sub("", _SUFFIX.sub("", title)).strip()
    return title.strip("《》\"“” ").strip()


def _title_like(line: str) -> bool:
    from drafter.corpus.chunk import _heading

    line = line.strip()
    return (2 <= len(line) <= 40 and not re.search(r"[。；！]|？.", line) and not re.search(r"[:：]$", line)
            and (line.startswith("# ") or _heading(line) is None))


def title_from(text: str, hints: dict, meta_title: str, path: Path) -> str:
    """The report's title: a title the layout gave, else the first line that reads as one, else a hint."""
    if hints.get("title"):
        return clean_title(hints["title"])
    if m := re.search(r"(?m)^#\s+(.+)$", text):
        return clean_title(m.group(1))
    if meta_title and clean_title(meta_title):
        return clean_title(meta_title)
    # The first line that reads as a report's title among the opening lines (a kept 目录 or a lead-in may
    # come first), else the first line if it reads as a title at all.
    # A line naming the kind of report (总结, 复盘…) reads as a title before one that only names the trade.
    opening = [ln.strip() for ln in text.split("\n") if ln.strip()][:8]
    # A collection marker (第一篇：…) opens the document: the rest of its line is the title, unless a title
    # stands before it.
    for ln in opening:
        if title := collection_title(ln):
            return clean_title(title) or title
        if _title_like(ln) and _TITLE_WORDS.search(ln):
            break
    titled = sorted((ln for ln in opening if _title_like(ln) and _TITLE_WORDS.search(ln) and clean_title(ln)),
                    key=lambda ln: not _TITLE_KIND.search(ln))
    if titled or opening and _title_like(opening[0]) and clean_title(opening[0]):
        return clean_title((titled or opening)[0])
    if hints.get("title_candidates"):
        return hints["title_candidates"][0]
    return clean_title(path.stem) or path.stem


# --- kind and period -------------------------------------------------------------------------------

_KIND_WORDS = [
    ("plan", re.compile(r"计划|规划|方案|预算")),
    ("summary", re.compile(r"总结|年报|年终")),
    ("review", re.compile(r"汇报|复盘|述职|季报|月报|周报|回顾|报告")),
]
# A campaign written about (双十一, 618) is a review when no other kind word says otherwise.
_CAMPAIGN = re.compile(r"双十一|双11|双十二|双12|618|年货节|大促|拆解")
_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_PERIODS = [
    (re.compile(r"(20\d\d)\s*年?\s*(?:第\s*([一二三四1-4])\s*季度|Q([1-4]))", re.I),
     lambda m: make_period("quarter", int(m[1]), _QUARTER[m[2] or m[3]]).label),
    (re.compile(r"(20\d\d)\s*年?\s*(上半年|下半年|H[12])", re.I),
     lambda m: make_period("half", int(m[1]), 1 if m[2] in ("上半年", "H1", "h1") else 2).label),
    (re.compile(r"(20\d\d)\s*年\s*(1[0-2]|0?[1-9])\s*月(?!\s*[0-9]{1,2}\s*日)"),
     lambda m: make_period("month", int(m[1]), int(m[2])).label),
    (re.compile(r"(20\d\d)\s*(?:年|年度|财年)"), lambda m: m.group(1)),
]
# In a title a bare year names the period too: "2022,一个小卖家的年终总结", "工作总结(2018)".
_TITLE_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d|\s*[-./]\s*\d)")
_TITLE_MONTH = re.compile(r"(?<!\d)(1[0-2]|0?[1-9])\s*月(?:份)?(?!\s*\d{1,2}\s*日)")
_ANY_YEAR = re.compile(r"(?<!\d)(20\d\d)\s*(?:年|[-./]\s*(?:1[0-2]|0?[1-9])\s*[-./]\s*\d)")
_WEEKLY = re.compile(r"周报|周总结|周复盘|周工作|第\s*\d+\s*周|本周|每周|单周")
# A range of days: (2025年)11月17日-(11月)23日, 2025.11.17—11.23, 11/17~11/23.
_DAY = r"(?:(20\d\d)\s*[年./-]\s*)?(1[0-2]|0?[1-9])\s*[月./-]\s*([0-3]?\d)\s*[日号]?"
_DAY_RANGE = re.compile(_DAY + r"\s*(?:[-–—~～至到]+)\s*(?:(20\d\d)\s*[年./-]\s*)?(?:(1[0-2]|0?[1-9])\s*[月./-]\s*)?"
                        r"([0-3]?\d)\s*[日号]?")
_WEEK_NUMBER = re.compile(r"(?:(20\d\d)\s*年\s*(?:度\s*)?)?第\s*(\d{1,2})\s*周")
MAX_WEEK_DAYS = 7


def _day_range(match: re.Match, year: int | None) -> tuple[date, date] | None:
    """The first and last day of a matched range of at most seven days; None without a year or when longer."""
    first_year = int(match[1]) if match[1] else year
    if first_year is None:
        return None
    try:
        first = date(first_year, int(match[2]), int(match[3]))
        last_month = int(match[5]) if match[5] else first.month
        last = date(int(match[4]) if match[4] else first_year + (last_month < first.month), last_month, int(match[6]))
    except ValueError:
        return None
    return (first, last) if 0 <= (last - first).days < MAX_WEEK_DAYS else None


def _week(title: str, text: str, date_hint: str) -> str:
    """A weekly report's ISO week: from its dates (the year from them, the title, the opening text or a cover
    date), else from 第N周 and a year; empty when it is no weekly report or names neither.

    A range of days is a week when the title says so (周报, 第N周 …) or it runs Monday to Sunday; the ISO week of its
    middle day holds most of it."""
    weekly = bool(_WEEKLY.search(title))
    years = [m[1] for m in (_ANY_YEAR.search(title), _ANY_YEAR.search(text[:400]), _ANY_YEAR.search(date_hint)) if m]
    year = int(years[0]) if years else None
    if (m := _DAY_RANGE.search(title)) and (days := _day_range(m, year)):
        first, last = days
        if weekly or (first.weekday() == 0 and (last - first).days == MAX_WEEK_DAYS - 1):
            iso = (first + (last - first) / 2).isocalendar()
            return make_period("week", iso.year, iso.week).label
    if weekly and (m := _WEEK_NUMBER.search(title)) and (m[1] or year):
        number, in_year = int(m[2]), int(m[1] or year)
        if 1 <= number <= iso_weeks(in_year):
            return make_period("week", in_year, number).label
    return ""


def _opening_headings(text: str) -> str:
    """The short lines that open a text (its title and first headings), not its prose."""
    lines = [ln.strip() for ln in text[:300].split("\n") if ln.strip()]
    return "\n".join(ln for ln in lines[:5] if len(ln) <= 40 and not re.search(r"[。；！？]", ln))


def infer_kind(title: str, text: str) -> str:
    """summary | plan | review | other, from the title first, then the text's opening headings."""
    for source in (title, _opening_headings(text)):
        hits = [(m.start(), kind) for kind, p in _KIND_WORDS if (m := p.search(source))]
        if hits:
            kind = min(hits)[1]
            # A quarterly or half-year 总结 is a review in this team's vocabulary; a monthly or weekly one
            # stays a summary, of that month or week.
            if kind == "summary" and re.search(r"季度|Q[1-4]|上半年|下半年", source):
                return "review"
            return kind
        if _CAMPAIGN.search(source):
            return "review"
    return "other"


def infer_period(title: str, text: str, kind: str, date_hint: str = "") -> str:
    """2024, 2025Q3, 2025H1, 2025-07 or 2025-W47 from the title, else the opening headings, else a cover date."""
    # Not from the opening prose: "我是2019年开的店" names a year, not the period the report covers.
    # A weekly report's dates (第12周（2025年3月31日-4月6日）) give its ISO week: a team's own week count may start
    # anywhere, the dates do not.
    if week := _week(title, text, date_hint):
        return week
    for source in (title, _opening_headings(text)):
        for pattern, fmt in _PERIODS:
            if m := pattern.search(source):
                return fmt(m)
        if source is title and (m := _TITLE_YEAR.search(title)):
            month = _TITLE_MONTH.search(title)  # 11月直播运营月度总结(2024): that month of that year
            return make_period("month", int(m[1]), int(month[1])).label if month else m[1]
    if m := re.match(r"(20\d\d)\D+(\d{1,2})", date_hint):
        year, month = int(m.group(1)), int(m.group(2))
        # A plan presented late in a year is the plan for the next year.
        return str(year + 1 if kind == "plan" and month >= 9 else year)
    return ""
