"""The frames a sentence sets around a figure: base then current, plans and targets, guidance, expectations."""

from __future__ import annotations

import re

from drafter.periods import make_period, read_period, shift_period
from drafter.verify.book import FactBook
from drafter.verify.figures import Figure
from drafter.verify.lexicon import LEVEL_VERBS, NEXT_STEP_WORDS, NEXT_YEAR_WORDS, PERIOD_RE

_QUOTED_TARGET = re.compile(r"\s*(?:的|为|作为)?(?:年度|全年|季度|本年|今年)?(?:经营|业绩|考核)?"
                            r"(?:目标|计划|任务|指标)")
MULTIPLE_OF = re.compile(r"(?:是|为|相当于|达到?)[^，,；;]{1,16}?的\s*(?:近|约|接近|将近|超过|逾|超)?\s*$")
_TARGET_MADE = re.compile(r"(?:设定|确定|制定|提出|定下|设立)了?")
_RESULT = re.compile(r"实际|当前|目前|现为|已")  # 计划…，实际完成: planning words do not reach a result
# 较市场预期的120亿元高出3%, 分析师预估: someone's expectation, which no fact of the period states
EXPECTED = re.compile(r"预期|预估|预测|一致预期|市场共识|彭博|路透")
GUIDANCE = re.compile(r"预计|指引|展望|预期|预测|计划|目标")
_ATTACHED = re.compile(r"\s*(?:同期)?\s*(?:的|为|是)?\s*")
LOSS_WORDS = re.compile(r"亏损|亏|转负")
PROFIT_WORDS = re.compile(r"盈利|利润|溢利|净利|转正")
_PLAN_LEAD = re.compile(r"(?<![按如超原])计划|力争|争取|考核目标|拟|目标是|目标为")  # 按计划完成: a result
# 由去年同期的A增至B, 从上季的A转为亏损B, 较2024年的A提升至B: what leads from the base figure A to the figure B
HANDOFF = re.compile(rf"[^，,；;。\d]{{0,8}}?(?:{LEVEL_VERBS}?(?:至|到)(?!今)|[转变降升增减]为|转亏|转盈)"
                     r"[^，,；;。\d]{0,4}")


def later(period: str, than: str) -> bool:
    """Whether `period` starts after `than` ends (2026 after 2025Q3; 2025Q4 after 2025Q3)."""
    a, b = read_period(period), read_period(than)
    if a is None or b is None:
        return False
    if a.year != b.year:
        return a.year > b.year  # a week's ISO year
    if "week" in (a.grain, b.grain):  # weeks against weeks only; a week against a month is not ordered here
        return a.grain == b.grain and a.index > b.index
    return a.start >= b.end


def target_frame(s: str, fig: Figure) -> bool:
    """Whether the figure states a plan: inside a quote named a target (“…”的年度目标), or after a planning word
    (计划, 力争, 考核目标) with no actual-result word between."""
    opening = max(s.rfind("“", 0, fig.start), s.rfind("「", 0, fig.start))
    if opening >= 0:
        closing = min((k for k in (s.find("”", fig.end), s.find("」", fig.end)) if k >= 0), default=-1)
        if closing >= 0 and s.rfind("”", opening, fig.start) < 0 and _QUOTED_TARGET.match(s, closing + 1):
            return True
    made = next(reversed(list(_TARGET_MADE.finditer(s, 0, fig.start))), None)
    if made is not None:
        # 年初设定了付费用户达到1.3亿、付费率提升至23%的目标: every item of the list, up to 的目标, is planned
        closing = _QUOTED_TARGET.search(s, fig.end)
        if closing is not None and not re.search(r"[，,；;。]", s[made.end():closing.start()]):
            return True
    lead = next(reversed(list(_PLAN_LEAD.finditer(s, 0, fig.start))), None)
    # 较计划高出2个百分点 measures against the plan: a gap, not the plan
    return lead is not None and not _RESULT.search(s, lead.end(), fig.start) and \
        not re.search(r"[，,；;。]|较|比|差|超|低于|高于", s[lead.end():fig.start])


def attached(s: str, figs: list[Figure], end: int) -> bool:
    """Whether a figure follows the period word that ends at `end` (上年的2328.8万元, 去年同期为A)."""
    at = _ATTACHED.match(s, end).end()
    return any(f.start == at for f in figs)


_PLAN_MADE = re.compile(r"度?(?:的)?(?:计划|制定|提出|设定|确定|目标)")
_NOT_SCOPE = re.compile(r"(?:占|从|由|较|比|与|自|相比|对比|是|为|相当于)\s*$")


def scopes(s: str, figs: list[Figure], m: re.Match) -> bool:
    """Whether a period word sets the period of what follows (2024年GMV…, 去年GMV…), rather than naming a whole
    (占全年的), a comparison base (从上年的A, 较2024年), one figure's period (去年同期为A) or when a plan was made."""
    return not (_NOT_SCOPE.search(s, max(0, m.start() - 2), m.start()) or attached(s, figs, m.end()) or
                _PLAN_MADE.match(s, m.end()))


def anchor_of(book: FactBook, s: str, figs: list[Figure], end: int) -> str:
    """The period a sentence is set in before `end`: that of its last period word that scopes, else the book's;
    relative words after it count from it (去年GMV增速从上年的A…: 上年 is the year before 去年)."""
    anchor = book.period
    for m in PERIOD_RE.finditer(s, 0, end):
        if scopes(s, figs, m):
            anchor = period_of(book, m.group(), m.group("year"), quarter_of(m))
    return anchor


def base_before(s: str, figs: list[Figure], start: int, fig: Figure) -> Figure | None:
    """The base figure A of 由A增至B / 较A提升至B, when `fig` is B and A stands between `start` and it."""
    for f in figs:
        # 营销ROI由上年的4.76降至4.38: a bare number may be the base
        if (f.claim or f.kind == "number") and start <= f.start and f.end <= fig.start and \
                f.base_unit == fig.base_unit and \
                HANDOFF.fullmatch(s, f.end, fig.start):
            return f
    return None


_NEXT_YEAR = re.compile(NEXT_YEAR_WORDS)
_NEXT_STEP = re.compile(NEXT_STEP_WORDS)
PREV_STEP = re.compile(r"上季|上一季度|上个?月|上一?期|上一?周|上个?星期")
_PREV_YEAR = re.compile(r"去年|上年|上一年|前一年|上一?年度")
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def quarter_of(m: re.Match) -> int | None:
    """The quarter a period word names (二季度, 2024年第三季度, Q2), if any."""
    named = m.group("year_quarter") or m.group("quarter") or m.group("q")
    return _QUARTERS[named] if named else None


def period_of(book: FactBook, word: str, year: str | None, quarter: int | None = None, anchor: str = "") -> str:
    """The period a period word names (去年同期, 上季度, 2024年, 三季度, 明年), for a book of this period; a word
    before the previous one counts from `anchor`, the period the sentence is set in, when that is another."""
    cur = read_period(book.period)
    week = re.search(r"第(\d{1,2})周$", word)
    if week and cur:
        return make_period("week", int(year) if year else cur.year, int(week[1])).label  # 2024年第47周: an ISO week
    month = re.search(r"年\s*(\d{1,2})\s*月份?$", word)
    if month and year and (named := make_period("month", int(year), int(month[1])).label) in book.periods:
        return named  # 2025年10月, when the facts state that month
    if quarter and cur:
        return make_period("quarter", int(year) if year else cur.year, quarter).label
    if year and cur:
        return make_period(cur.grain, int(year), cur.index).label
    moved = anchor and anchor != book.period
    if PREV_STEP.search(word):
        return shift_period(anchor, steps=-1) if moved else book.prev_step or book.prev_year
    if moved and (_PREV_YEAR.search(word) or "同期" in word):
        return shift_period(anchor, years=-1)
    if _PREV_YEAR.search(word) or "同期" in word:
        return book.prev_year
    if _NEXT_YEAR.search(word):
        return book.next_year
    if _NEXT_STEP.fullmatch(word):
        return shift_period(book.period, steps=1)  # 预计下季度收入…: guidance for the quarter after
    return book.period


_TO_DATE = {"value": "mtd", "attainment": "mtd_attainment"}


def month_to_date(book: FactBook, measures: frozenset[str] | None, metrics: list[str], dimension: str,
                  period: str) -> tuple[frozenset[str] | None, str]:
    """月初至今累计GMV, 月度目标完成率 after it: the month-to-date measures, when the facts state them, and their
    month (a week's report states its month's)."""
    read = measures or frozenset({"value"})
    moved = frozenset(_TO_DATE.get(m, m) for m in read)
    months = sorted(p for p in book.periods if p and any(book.lookup(k, dimension, p, moved - read) for k in metrics))
    if moved == read or not months:
        return measures, period
    return moved, period if period in months else months[-1]
