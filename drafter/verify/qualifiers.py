"""Stage 2 of reading: the meaning-changing words in a figure's reach, and which of them a reading accounts for.

A figure is judged only on a complete reading. The words here change what a figure states — a sub-period
(上半年, 双11当天), a per-unit aggregation (日均, 人均), a scope (直播间, 新品), an exclusion (剔除…后), another
measure (毛利, 预算) or another comparison base (较2023年, 较上月). The vocabulary is built from the language, by
class; a word inside a name the facts know (人均消费金额, 会员占比, 获客成本) is that name's, not a qualifier.
Where a word's effect is unknown, its presence alone withholds a confident verdict."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from drafter.periods import read_period
from drafter.verify.lexicon import DAY_RANGE
from drafter.verify.numerals import parse_number

_N = r"(?:\d{1,2}|[一二两三四五六七八九十]{1,3})"
_PROMO = r"(?:双11|双十一|双12|双十二|618|年货节|黑五|黑色星期五|大促|促销|活动|直播|会员日|周年庆)"
_SERIES = r"(?:走势|趋势|数据|表现|变化|波动|分布|明细|曲线|情况|节奏|报表)"
# (class, kind, pattern); the kind says what a derivation would need to take the word in
_VOCABULARY: list[tuple[str, str, str]] = [
    ("time", "half", r"[上下]半年度?|(?<![A-Za-z0-9])H[12](?![0-9])"),
    ("time", "months", rf"前{_N}个?季度|前{_N}个?月|{_N}\s*[-~—至到]\s*{_N}\s*月|年初至今|今年以来|"
                       rf"截至{_N}月(?:底|末)?"),
    ("time", "quarter", r"第?[一二三四1-4]季度|(?<![A-Za-z0-9])Q[1-4](?![0-9])"),
    ("time", "days", DAY_RANGE.pattern),
    ("time", "day", rf"{_N}月{_N}[日号]|{_PROMO}(?:当天|当日|首日|期间|前后|当周|活动期间|大促期间)|"
                    r"大促期间|活动期间|促销期间|节假日|周末|工作日"),
    ("time", "month", rf"(?<![\d.年-]){_N}月份?(?![\d日号份底末])"),
    ("time", "single", r"单月|单日|单周|当月"),
    ("time", "step_month", r"上个?月|本月|环比上月|月初至今|本月至今"),
    ("time", "step_week", r"上一?周|本周|当周|上个?星期|本星期|第\d{1,2}周"),
    ("time", "step_quarter", r"上一?季度?|本季度?|当季"),
    # 每日走势, 每天的数据: 每日 modifying a noun of the series names what is looked at, not an average of the figure
    ("aggregation", "per_day", rf"日均|平均每[天日]|每[天日]平均|每[天日](?!都|的?{_SERIES})"),
    ("aggregation", "per_month", r"月均|平均每月|每月平均|每个?月(?!都)"),
    ("aggregation", "per_week", r"周均|平均每周|每周平均|每周(?!都)"),
    ("aggregation", "per_year", r"年均|平均每年"),
    ("aggregation", "per_head", r"人均|每人|每位(?:买家|用户|客户|顾客|会员|新客|老客)?|"
                                r"平均每[个位名](?:买家|用户|客户|顾客)"),
    ("aggregation", "per_order", r"单均|每单|每笔|笔均|平均每单|平均每笔"),
    ("aggregation", "median", r"中位数|中位值|众数"),
    ("aggregation", "mean", r"平均值|均值"),
    ("scope", "scope", r"直播间?|短视频|达人|新品|老品|非会员|会员|新客|老客|新用户|老用户|新买家|老买家|回头客|"
                       r"自营|第三方|海外|跨境|境外|国内|线下|门店|头部|腰部|尾部|爆款|单品|"
                       r"某一?(?:个|些)?(?:品类|渠道|店铺|商品|地区|区域)"),
    ("exclusion", "exclusion", r"(?:剔除|扣除|不含|不包括|除去|排除)(?:[^，,；;。\d]{0,6}?(?:后|以外|之外))?|"
                               r"(?<![扣剔排])除(?=[^，,；;。]{1,10}(?:以外|之外|外))"),
    ("measure", "profit", r"毛利率?|净利率?|净利润|利润率?|净利|成本|费用|支出"),
    ("measure", "plan", r"预算|(?<![按如超原])计划|目标|指引|考核"),
    ("measure", "forecast", r"预计|预测|预估|有望"),
    ("base", "base_year", r"(?:较|比|相比|相较于?|对比)\s*(?P<base>(?:19|20)\d{2})\s*年"),
]
_PATTERN = re.compile("|".join(f"(?P<k{k}>{re.sub(r'[(][?]P<[a-z0-9_]+>', '(?:', p)})" for k, (_, _, p) in
                               enumerate(_VOCABULARY)))
_BASE_YEAR = re.compile(r"(?:19|20)\d{2}")
# 按365天计: a stated convention, not a qualifier (its number is not a claim either)
CONVENTION = re.compile(r"按\s*\d+\s*天(?:计算?|折算)|按全年\s*\d+\s*天计?|按\s*\d+\s*个月计")
# the year a target's own phrase names (全年7%的控制目标, 年度25%的增长目标, 2025年28%的目标)
OWN_YEAR = re.compile(r"全年度?|年度|(?:19|20)\d{2}\s*年度?(?!\s*(?:第|[一二三四1-4上下]|\d|Q|H))")
# 连续两年, 近三年: a run of periods, not a figure the facts state
RUN_OF_PERIODS = re.compile(rf"(?:连续|接连|近|过去|最近){_N}(?:个)?(?:年|季度|个?月|周)")

_PREV_YEAR = re.compile(r"去年(?:同期)?|上年(?:同期)?|上一年度?|前一年|上年度")
_THIS_YEAR = re.compile(r"今年|本年度?|当年")
_NEXT_YEAR = re.compile(r"明年|来年|次年|下一?年度?")
_STEP_KINDS = {"step_month": "month", "step_week": "week", "step_quarter": "quarter"}
# read when the reading's period is one of that grain
_PERIOD_KINDS = {"quarter": "quarter", "half": "half", "month": "month", "single": "month"}
_TARGET_MEASURES = {"target", "target_yoy", "target_share", "gap", "gap_yoy", "gap_share", "attainment",
                    "mtd_attainment"}
# what a derivation of these measures took in: 人均 of a per-head figure, 每单 of a per-unit one
_TAKEN = {"per_head": {"per_head"}, "per_unit": {"per_head", "per_order"}}
# what a plan states: a sub-period or a forecast word before one of these is the target's own scope
_PLAN_MEASURES = {"target", "target_yoy", "target_share"}
_CHANGE_MEASURES = {"yoy", "yoy_pp", "diff", "share_pp", "contribution", "driver", "yoy_gap", "share_gap"}


@dataclass(frozen=True)
class Word:
    """A meaning-changing word in a sentence (offsets in the normalised sentence)."""

    cls: str
    kind: str
    text: str
    start: int
    end: int


def find_words(s: str, masked: list[tuple[int, int]]) -> list[Word]:
    """The vocabulary's words in a normalised sentence, except inside the spans of names the facts know."""
    out = []
    for m in _PATTERN.finditer(s):
        if any(a <= m.start() and m.end() <= b for a, b in masked):
            continue
        k = int(m.lastgroup[1:])
        cls, kind, _ = _VOCABULARY[k]
        out.append(Word(cls, kind, m.group(), m.start(), m.end()))
    return out


def in_reach(words: list[Word], fig_start: int, clause: int, subject: int, topic_end: int,
             known_periods: list[tuple[int, int]], targets: tuple[tuple[int, int], ...] = (),
             actual: tuple[int, ...] = (), others: tuple[int, ...] = (), released: bool = False) -> list[Word]:
    """The words that qualify a figure starting at `fig_start`: those in the phrase that names its subject (from
    `subject`) or in a short leading topic clause (up to `topic_end`: 上半年，…). A plan word before the figure's own
    clause: none when a word of the actual result (`actual`: 实际, 实现) follows it; carried when a figure read as a
    target (`targets`: their spans) stands between or right before it (…25.0%的目标), which a target reading takes in
    and no other does (预算GMV增速从A调整至B，提高N个百分点 is the plan's change) unless the figure's clause names its
    own period or base (`released`: …的目标为25%，本季度增长23.5%); another plan's when a figure read
    otherwise (`others`) stands between (预计退款率为7.6%，高于…的控制目标), which no reading takes in. A time word
    only unless a period the reader knows (全年, 2025年, a month the facts name) stands nearer."""
    out = []
    for w in words:
        if w.end > fig_start or not (w.start >= subject or w.end <= topic_end):
            continue
        if w.kind == "plan" and w.start < clause and any(w.end <= k < fig_start for k in actual):
            continue
        if w.kind == "plan" and w.start < clause and \
                any(w.end <= a < fig_start or 0 <= w.start - b <= 3 for a, b in targets):
            if released:
                continue
            w = Word(w.cls, "carried_plan", w.text, w.start, w.end)
        if w.kind in ("plan", "forecast") and w.start < clause and any(w.end <= k < clause for k in others):
            w = Word(w.cls, "other_plan", w.text, w.start, w.end)
        if w.cls == "time" and any(w.end <= a and b <= fig_start for a, b in known_periods):
            continue  # 上半年…，全年GMV为…: the nearer period word governs
        out.append(w)
    return out


def year_of(word: str, book_period: str, prev_year: str, next_year: str) -> str:
    """The year a period word names (2024年, 去年, 明年), or "" for words that name no other year."""
    explicit = re.match(r"((?:19|20)\d{2})\s*年", word)  # 2024年, 2024年11月, 2024年第47周
    if explicit:
        return explicit[1]
    for names, period in ((_PREV_YEAR, prev_year), (_THIS_YEAR, book_period), (_NEXT_YEAR, next_year)):
        if names.fullmatch(word):
            return period[:4]
    return ""


def unread(words: list[Word], reading: dict, names: str, book_period: str, prev_year: str,
           next_year: str = "") -> list[str]:
    """The words a reading leaves unaccounted: `reading` is the verdict's (metric, measure, period, dimension,
    operation), `names` the metric's and dimension's own names (a word inside them is theirs). A period word that
    dates the figure (2024年GMV…) must name the reading's year, or a base word must (较2024年的A)."""
    measure = reading.get("measure", "")
    period = reading.get("period", "")
    read_grain = _grain(period)
    years = {year_of(w.text, book_period, prev_year, next_year) for w in words if w.cls == "period"}
    # 上半年退款率6.8%，高于全年6%的控制目标: a year word in the target's own phrase dates the target
    dated = min((w.start for w in words if w.kind == "own_year"), default=-1)
    out = []
    for w in words:
        if w.cls == "period":
            year = year_of(w.text, book_period, prev_year, next_year)
            if w.kind == "scope" and year and period[:4] and year != period[:4] and period[:4] not in years:
                out.append(w.text)
            continue
        if w.text in names or w.kind in _TAKEN.get(measure, ()):
            continue
        if w.cls == "dimension":
            out.append(w.text)
            continue  # 会员 of 会员占比, 新客 of 新客数 or buyer=新客
        if w.kind in _PERIOD_KINDS:
            if read_grain == _PERIOD_KINDS[w.kind] or (w.kind in ("month", "single") and "month=" in
                                                        reading.get("dimension", "")):
                continue  # 二季度 read as a quarter, 11月 as the month the facts name
            if measure in _PLAN_MEASURES and (_names_period(w, book_period) or w.end <= dated):
                continue  # a quarter's report holds the year's targets: 三季度…高于7%的控制目标 in 2025Q3
        elif w.kind in _STEP_KINDS:
            if _grain(book_period) == _STEP_KINDS[w.kind]:
                continue  # 本月, 上周 in a month's or a week's report name its periods
            if w.kind == "step_month" and measure.startswith("mtd"):
                continue  # 月初至今 read as the month to date
        elif w.kind == "days":
            if _spans(w.text, period, measure):
                continue
        elif w.kind == "per_year" and read_grain == "year":
            continue  # 年均购买频次 of a year: the year's own figure
        elif w.kind in ("plan", "carried_plan") and measure in _TARGET_MEASURES:
            continue
        elif w.kind == "forecast" and (measure in _PLAN_MEASURES or _after(period, book_period)):
            continue  # 预计2026年…: guidance for a later period, read as its target; never a result (预计完成率)
        elif w.kind == "base_year":
            year = _BASE_YEAR.search(w.text).group()
            if measure not in _CHANGE_MEASURES or period == year or prev_year.startswith(year):
                continue  # 较2024年增长 in 2025: the ordinary year-on-year base
        out.append(w.text)
    return list(dict.fromkeys(out))


def _grain(period: str) -> str:
    """year, half, quarter, month or week; "" when the text names no period."""
    calendar = read_period(period)
    return calendar.grain if calendar else ""


def _names_period(word: Word, book_period: str) -> bool:
    """Whether a sub-period word (三季度, 下半年, 11月, 单月) names the book's own period."""
    calendar = read_period(book_period)
    if calendar is None:
        return False
    if word.kind == "single":
        return calendar.grain in ("month", "week")
    if calendar.grain != _PERIOD_KINDS[word.kind]:
        return False
    if word.kind == "half":
        return calendar.index == (1 if re.search(r"上|H1", word.text) else 2)
    return ordinal(word.text) == calendar.index


def ordinal(text: str) -> int | None:
    """The number in 三季度, 第2季度, 十一月, 11月."""
    m = re.search(r"\d{1,2}|[一二两三四五六七八九十]", text)
    number = parse_number(text, m.start()) if m else None
    return int(number.value) if number else None


def _after(period: str, than: str) -> bool:
    a, b = read_period(period), read_period(than)
    return a is not None and b is not None and a.year > b.year


def _spans(text: str, period: str, measure: str) -> bool:
    """Whether a span of days (11月17日—11月23日) is the reading's whole period, or for a month-to-date reading
    runs from the month's first day within it."""
    calendar, m = read_period(period), DAY_RANGE.fullmatch(text)
    if calendar is None or m is None or calendar.grain not in ("month", "week"):
        return False
    try:  # the days' year is the period's (for a week, its ISO year)
        first = dt.date(calendar.year, int(m["m1"]), int(m["d1"]))
        last = dt.date(calendar.year, int(m["m2"] or m["m1"]), int(m["d2"]))
    except ValueError:
        return False
    if calendar.grain == "month" and measure.startswith("mtd"):
        return first == calendar.start and last.month == calendar.index and first <= last
    return (first, last) == (calendar.start, calendar.last_day)
