"""What a sentence says about a figure: which metric, dimension, period and measure, and the direction word."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from drafter.verify.book import FactBook
from drafter.verify.facts import format_period, parse_period
from drafter.verify.figures import Figure
from drafter.verify.lexicon import COMPARE_RE, CUE_RE, GROWTH_POP, GROWTH_YOY, PERIOD_RE, TOTAL_RE, cue_info

CLAUSE_SEP = re.compile(r"[，,；;、（）()【】\[\]]")
_PREV_YEAR = re.compile(r"去年|上年|上一年|前一年|上一?年度")
_PREV_STEP = re.compile(r"上季|上一季度|上个?月|上一?期")
RATE_UNITS = {"%", "pp"}
TARGET_SET = frozenset({"target", "target_yoy"})
GAP_SET = frozenset({"gap", "gap_yoy"})
CHANGE_MEASURES = GROWTH_YOY | GROWTH_POP | {"diff", "gap", "gap_yoy", "share_pp", "contribution"}


@dataclass
class Mention:
    """A metric name, dimension value or total marker in a sentence."""

    start: int
    end: int
    kind: str  # metric | dim | total
    keys: tuple[str, ...]
    text: str


@dataclass
class Context:
    """How to check one figure: candidate metrics (best first), dimension, period, measures, direction."""

    metrics: list[str] = field(default_factory=list)
    named: bool = False  # the sentence names the metric (not carried from an earlier sentence)
    dimension: str = ""
    dim_named: str = ""
    period: str = ""
    measures: frozenset[str] | None = None
    direction: int = 0
    direction_word: str = ""
    growth_multiple: bool = False
    dim_keys: tuple[str, ...] = ()


def find_mentions(book: FactBook, s: str) -> list[Mention]:
    """Metric names, dimension values and 全年/整体 markers in a (normalised) sentence, in order."""
    out: list[Mention] = []
    taken: list[tuple[int, int]] = []
    if book.name_re is not None:
        for m in book.name_re.finditer(s):
            out.append(Mention(m.start(), m.end(), "metric", tuple(sorted(book.names[m.group().lower()])),
                               m.group()))
            taken.append(m.span())
    if book.dim_re is not None:
        for m in book.dim_re.finditer(s):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            out.append(Mention(m.start(), m.end(), "dim", tuple(sorted(book.dims[m.group().lower()])), m.group()))
    for m in TOTAL_RE.finditer(s):
        out.append(Mention(m.start(), m.end(), "total", (), m.group()))
    out.sort(key=lambda x: x.start)
    return out


def clause_bounds(s: str, start: int, end: int) -> tuple[int, int]:
    """The clause around a span: between separators such as ，、；（）."""
    left = max((m.end() for m in CLAUSE_SEP.finditer(s, 0, start)), default=0)
    right = next((m.start() for m in CLAUSE_SEP.finditer(s, end)), len(s))
    return left, right


def _period_of(book: FactBook, word: str, year: str | None) -> str:
    cur = parse_period(book.period)
    if year and cur:
        return format_period(int(year), cur[1], cur[2])
    if _PREV_STEP.search(word):
        return book.prev_step or book.prev_year
    if _PREV_YEAR.search(word) or "同期" in word:
        return book.prev_year
    return book.period


def analyse(book: FactBook, s: str, fig: Figure, figs: list[Figure], mentions: list[Mention],
            carried: list[str], first_clause_end: int) -> Context:
    """Read the sentence `s` around `fig` (offsets in `s`)."""
    ctx = Context(period=book.period)
    left, right = clause_bounds(s, fig.start, fig.end)
    prev_end = max((f.end for f in figs if left <= f.start and f.end <= fig.start), default=left)
    _cues(ctx, s[prev_end:fig.start], s[left:fig.start], fig)
    _metric(book, ctx, fig, mentions, left, right, carried)
    _dimension(ctx, fig, mentions, right)
    # period words: in the clause, or in the sentence's first clause when not a comparison (较2024年)
    word, year, compare = "", None, False
    for m in PERIOD_RE.finditer(s, left, fig.start):
        word, year = m.group(), m.group("year")
        compare = bool(COMPARE_RE.search(s[max(0, m.start() - 4):m.start()]))
    if not word:
        for m in PERIOD_RE.finditer(s, 0, min(first_clause_end, fig.start)):
            if not COMPARE_RE.search(s[max(0, m.start() - 4):m.start()]):
                word, year = m.group(), m.group("year")
    period = _period_of(book, word, year) if word else book.period
    if ctx.measures is not None and ctx.measures & CHANGE_MEASURES:
        if word and _PREV_STEP.search(word) and ctx.measures & GROWTH_YOY:
            ctx.measures = frozenset(GROWTH_POP) | (ctx.measures & {"share_pp"})
        if compare or (word and period in (book.prev_year, book.prev_step) and not year):
            period = book.period  # 较2024年增长: this period's change against that one
    ctx.period = period
    return ctx


def _cues(ctx: Context, near: str, clause: str, fig: Figure) -> None:
    near_direction = False
    for k, text in enumerate((near, clause)):
        for word in reversed([m.group() for m in CUE_RE.finditer(text)]):
            measures, direction = cue_info(word)
            if direction and not ctx.direction:
                ctx.direction, ctx.direction_word = direction, word
                near_direction = k == 0
            if measures is not None and ctx.measures is None:
                ctx.measures = measures
        if ctx.measures is not None:
            break
    if ctx.measures == TARGET_SET and near_direction and ctx.direction_word not in ("差",):
        ctx.measures = GAP_SET  # 较目标30%高出1.3个百分点: the figure after the target is the gap
    if ctx.measures is None and ctx.direction:
        if fig.base_unit in RATE_UNITS or fig.base_unit == "倍":
            ctx.measures = frozenset(GROWTH_POP if "环比" in clause else GROWTH_YOY)
        else:
            ctx.measures = frozenset({"value", "diff"})  # 增长至X is the value, 增加X the difference
    elif (ctx.measures is not None and ctx.measures <= (GROWTH_YOY | GROWTH_POP) and fig.base_unit == "pp"
          and re.search(r"占比|份额|比重", clause)):
        ctx.measures = ctx.measures | {"share_pp"}
    if fig.base_unit == "倍" and ctx.measures is not None and ctx.measures & GROWTH_YOY:
        ctx.growth_multiple = True
    if fig.kind == "multiple" and fig.unit == "倍" and fig.text.startswith("翻"):
        ctx.growth_multiple, ctx.measures = True, frozenset(GROWTH_YOY)
    if fig.kind == "rank":
        ctx.measures = frozenset({"rank"})


def _metric(book: FactBook, ctx: Context, fig: Figure, mentions: list[Mention], left: int, right: int,
            carried: list[str]) -> None:
    before = [m for m in mentions if m.kind == "metric" and m.end <= fig.start]
    after = [m for m in mentions if m.kind == "metric" and m.start >= fig.end and m.start < right]
    ordered: list[str] = []
    for m in [*reversed(before), *after]:
        for key in m.keys:
            if key not in ordered:
                ordered.append(key)
    if ordered:
        ctx.named = True
    else:
        ordered = list(carried)
    compatible = [k for k in ordered if _unit_fits(book, k, fig)]
    ctx.metrics = compatible + [k for k in ordered if k not in compatible]


def _unit_fits(book: FactBook, metric: str, fig: Figure) -> bool:
    from drafter.verify.judge import unit_factor  # local: judge imports this module

    return any(unit_factor(fig.base_unit, e.fact.unit) is not None or
               (fig.base_unit == "倍" and e.fact.unit == "%")
               for e in book.entries if e.fact.metric == metric)


def dimension_before(mentions: list[Mention], pos: int, totals: bool = True) -> Mention | None:
    """The dimension value that governs position `pos`: the nearest one before it, unless 全年/整体 is nearer
    or another metric has been named since (家电品类GMV下降8.4%，复购率28.9%: 家电 is not about 复购率)."""
    kinds = ("dim", "total") if totals else ("dim",)
    before = [m for m in mentions if m.kind in kinds and m.end <= pos]
    if not before or before[-1].kind != "dim":
        return None
    dim = before[-1]
    named = {m.keys for m in mentions if m.kind == "metric" and dim.end <= m.start and m.end <= pos}
    return dim if len(named) <= 1 else None


def _dimension(ctx: Context, fig: Figure, mentions: list[Mention], right: int) -> None:
    # a share or contribution is of the total: 占全年GMV的27.9% keeps its dimension
    totals = not (ctx.measures and ctx.measures & {"share", "contribution", "share_pp"})
    dim = dimension_before(mentions, fig.start, totals)
    if dim is None and not any(m.kind == "dim" and m.end <= fig.start for m in mentions):
        dim = next((m for m in mentions if m.kind == "dim" and fig.end <= m.start < right), None)
    if dim is not None:
        ctx.dimension, ctx.dim_named, ctx.dim_keys = dim.keys[0], dim.text, dim.keys
