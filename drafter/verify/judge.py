"""Judge one figure against the facts its context selects: verified, mismatch, unsupported or claim_error."""

from __future__ import annotations

from dataclasses import dataclass

from drafter.display import display
from drafter.models import Fact
from drafter.verify.book import Entry, FactBook
from drafter.verify.context import Context
from drafter.verify.figures import Figure
from drafter.verify.lexicon import LOSS_METRIC, MEASURE_WORDS, SIGNED_MEASURES, TARGET_MEASURES
from drafter.verify.units import COUNTS, RATE_UNITS, unit_factor

RATE_MEASURES_PCT = frozenset({"yoy", "pop", "share", "contribution", "attainment", "target_yoy", "target_share",
                               "driver"})
RATE_MEASURES_PP = frozenset({"yoy_pp", "pop_pp", "share_pp", "gap", "gap_yoy", "gap_share"})


@dataclass
class Verdict:
    """The outcome for one figure, before it is placed in the document."""

    verdict: str
    metric: str = ""
    expected: str = ""
    message: str = ""
    fact: Fact | None = None
    reading: dict | None = None  # set when no fact decides: what the figure was read as
    took: tuple[str, ...] = ()  # qualifiers a derivation took in (上半年 summed from the months)
    unread: tuple[str, ...] = ()  # qualifiers the reading could not account for (only on `unsupported`)


def context_reading(ctx: Context, metric: str, measures: frozenset[str] | None) -> dict:
    """The reading of a figure no single fact decides: the metric, measures, period and scope considered."""
    return {"metric": metric, "measure": "|".join(sorted(measures or ())), "period": ctx.period,
            "dimension": ctx.dimension}


def expected_text(fact: Fact) -> str:
    """How the fact would be written; signed for changes so the direction shows."""
    # a factor's share of the GMV change is negative when it worked against the change: show the minus
    signed = fact.measure in SIGNED_MEASURES or (fact.measure == "driver" and fact.value < 0)
    text = display(fact, signed=signed)
    if signed and fact.value > 0:
        text = "+" + text
    return text


def describe(book: FactBook, fact: Fact) -> str:
    """A short name for a fact: 抖音 GMV 同比."""
    dim = fact.dimension.split("=", 1)[-1] + " " if fact.dimension else ""
    word = MEASURE_WORDS.get(fact.measure, fact.measure)
    period = f"{fact.period} " if fact.period and fact.period != book.period else ""
    return f"{period}{dim}{book.label(fact.metric)}{' ' + word if word else ''}".strip()


def _default_measures(book: FactBook, metric: str, fig: Figure) -> frozenset[str]:
    if fig.kind == "rank":
        return frozenset({"rank"})
    # A metric may have no total, only parts (buyer metrics of the platforms whose exports carry accounts).
    value = book.get(metric, "", book.period, "value") or next(
        (e for e in book.entries if e.fact.metric == metric and e.fact.measure == "value"), None)
    rate_metric = value is not None and value.fact.unit == "%"
    if fig.base_unit == "%" and not rate_metric:
        return RATE_MEASURES_PCT
    if fig.base_unit == "pp":
        return RATE_MEASURES_PP
    return frozenset({"value"})


def _fits(entry: Entry, fig: Figure, ctx: Context, flip: bool = False) -> bool:
    fact = entry.fact
    lo, hi = fig.low, fig.high
    if fact.measure in TARGET_MEASURES and fig.bound in ("<=", ">="):
        # 退款率目标控制在7.0%以内, 不低于305元的目标: the bound word is how the target is set, not slack around it
        lo, hi = fig.base - fig.step, fig.base + fig.step
    if ctx.growth_multiple and fact.unit == "%" and fact.measure in ("yoy", "pop"):
        slack = 0.1 if fig.text.startswith("翻") else 0.0
        ratio = fact.value / 100
        return any(lo * (1 - slack) <= r <= hi * (1 + slack) for r in (ratio, ratio + 1))
    factor = unit_factor(fig.base_unit, fact.unit)
    if factor is None:
        return False
    value = fact.value * factor
    if fact.measure in SIGNED_MEASURES and not fig.signed:
        sign = ctx.direction or 1
        if sign < 0:
            lo, hi = -hi, -lo
    loss_metric = LOSS_METRIC.search(fact.label or fact.metric) is not None
    if flip != (((fig.loss or fig.profit) and loss_metric) or (fig.outflow and not loss_metric)):
        lo, hi = -hi, -lo  # a loss metric's amount is positive (经营亏损141亿元), an outflow of a flow negative
    slack = entry.tol * abs(value)
    return lo - slack <= value <= hi + slack


def judge(book: FactBook, ctx: Context, fig: Figure) -> Verdict:
    """Check a claim figure against the facts of its context."""
    if not ctx.metrics:
        return _dimension_only(book, ctx, fig)
    best: tuple[str, list[Entry], bool] | None = None
    for metric in ctx.metrics:
        measures = ctx.measures or _default_measures(book, metric, fig)
        if fig.base_unit not in RATE_UNITS and measures <= {"target_yoy", "target_share"}:
            measures = frozenset({"target"})  # 以25%的增速目标计，GMV目标约2911万元: the amount that target implies
        dims = ctx.dim_keys or (ctx.dimension,)
        # 家电品类GMV下降8.4%，复购率28.9%: no 复购率 by category, so 家电 does not carry; the total is a guess
        guessed_scope = ctx.dim_weak and not any(book.lookup(metric, dim, ctx.period, measures) for dim in dims)
        if guessed_scope:
            dims = ("",)
        cands = [e for dim in dims for e in book.lookup(metric, dim, ctx.period, measures)]
        if not cands:
            continue
        for e in cands:
            if _fits(e, fig, ctx):
                return _verified(book, e, fig)
        if best is None:
            best = (metric, cands, guessed_scope)
        if ctx.growth_multiple or any(unit_factor(fig.base_unit, e.fact.unit) is not None for e in cands):
            break  # the nearest metric that can state this figure decides; a later one would hide a swap
    if best is None:
        metric = ctx.metrics[0]
        reading = context_reading(ctx, metric, ctx.measures or _default_measures(book, metric, fig))
        if not ctx.named:
            return Verdict("unsupported", metric, message=f"{fig.text}: no fact backs this figure", reading=reading)
        what = f"{ctx.dim_named + ' ' if ctx.dim_named else ''}{book.label(metric)}"
        return Verdict("unsupported", metric, message=f"{what} {fig.text}: no fact of this kind to check against",
                       reading=reading)
    metric, cands, guessed_scope = best
    member = [e for dim in ctx.alt_dims
              for e in book.lookup(metric, dim, ctx.period, ctx.measures or _default_measures(book, metric, fig))]
    for e in member:
        if _fits(e, fig, ctx):
            return _verified(book, e, fig)
    if member:
        cands = member  # fitting neither, it is judged on the member named, which the reading must account for
    undetermined = _undetermined(ctx, fig, cands, guessed_scope)
    if undetermined:
        measures = frozenset(e.fact.measure for e in cands)
        reading = {**context_reading(ctx, metric, measures), "considered": sorted({e.fact.id for e in cands})[:6]}
        return Verdict("unsupported", metric, message=f"{fig.text}: no fact backs this figure ({undetermined})",
                       reading=reading)
    for e in cands:
        if e.fact.measure in SIGNED_MEASURES and _fits(e, fig, ctx, flip=True):
            if ctx.two_signs:  # 亏损8.2亿元，上年同期盈利5.6亿元，同比减少13.8亿元: less loss or less profit?
                return Verdict("unsupported", metric, message=f"{fig.text}: a loss and a profit are both named; "
                               "the direction of the change is ambiguous", reading=book.reading(e.fact))
            word = ctx.direction_word or ("+" if not fig.signed else "-")
            exp = expected_text(e.fact)
            return Verdict("claim_error", metric, exp,
                           f"{describe(book, e.fact)} {word}{fig.text} — facts say {exp} (direction is wrong)",
                           e.fact)
    fitting = [e for e in cands if unit_factor(fig.base_unit, e.fact.unit) is not None] or cands
    closest = min(fitting, key=lambda e: _distance(e, fig))
    exp = expected_text(closest.fact)
    return Verdict("mismatch", metric, exp, f"{describe(book, closest.fact)} {fig.text} — facts say {exp}",
                   closest.fact)


def _undetermined(ctx: Context, fig: Figure, cands: list[Entry], guessed_scope: bool) -> str:
    """Why the reading is too uncertain for a mismatch (empty when metric, measure, period and scope are each
    determined): a wrong figure is flagged only on a reading a reviewer would agree with."""
    if not ctx.named:
        return "the metric is not named"
    if ctx.foreign:
        return "an expectation, or a period the facts lack"
    fitting = [e for e in cands if unit_factor(fig.base_unit, e.fact.unit) is not None] or cands
    if ctx.measures is None and len({e.fact.measure for e in fitting}) > 1:
        return "no word says which measure"
    if guessed_scope:
        return "the total was taken for a dimension named before another metric"
    if not any(unit_factor(fig.base_unit, e.fact.unit) is not None for e in cands) and (
            (fig.base_unit not in RATE_UNITS | {"倍"} and all(e.fact.unit in RATE_UNITS for e in cands)) or
            (fig.base_unit in COUNTS and all(e.fact.unit not in COUNTS for e in cands))):
        # 5个 against 2869万元, an amount against rates: not this reading's quantity (亿美元 for 亿元, a % for
        # 个百分点 stay wrong)
        return "no fact of this reading is in the figure's unit"
    return ""


def _distance(entry: Entry, fig: Figure) -> float:
    factor = unit_factor(fig.base_unit, entry.fact.unit) or 1.0
    return abs(abs(entry.fact.value * factor) - abs(fig.base)) / max(abs(fig.base), 1e-9)


def _verified(book: FactBook, e: Entry, fig: Figure) -> Verdict:
    exp = expected_text(e.fact)
    return Verdict("verified", e.fact.metric, exp, f"{describe(book, e.fact)} {fig.text} = {exp}", e.fact)


def _dimension_only(book: FactBook, ctx: Context, fig: Figure) -> Verdict:
    """No metric named: a dimension named in the sentence may still pin the fact down (抖音 5.2亿元)."""
    if ctx.dimension:
        hits = []
        for e in book.entries:
            if e.fact.dimension in (ctx.dim_keys or (ctx.dimension,)) and e.fact.period == ctx.period:
                measures = ctx.measures or frozenset({"value", "share", "yoy", "yoy_pp", "contribution"})
                if e.fact.measure in measures and _fits(e, fig, ctx):
                    hits.append(e)
        if len(hits) == 1 or (hits and len({e.fact.value for e in hits}) == 1):
            return _verified(book, hits[0], fig)
    return Verdict("unsupported", message=f"{fig.text}: no fact backs this figure",
                   reading=context_reading(ctx, "", ctx.measures))


def fits(fig: Figure, value: float, rel: float = 0.005, absolute: float = 0.0) -> bool:
    """Whether a derived value matches the figure as written, within its rounding (rel) or an absolute slack."""
    slack = max(rel * abs(value), absolute)
    return fig.low - slack <= value <= fig.high + slack


def derived_outcome(fig: Figure, matched: bool, metric: str, shown: str, reading: dict, took: tuple[str, ...],
                    what: str, fact: Fact | None = None) -> Verdict:
    """The verdict on a figure checked against a value derived from the facts (shown as `shown`), with its reading
    and, where one fact stands for the derivation, that fact."""
    reading = {"metric": metric, "dimension": "", **reading}
    if matched:
        return Verdict("verified", metric, shown, f"{what} {fig.text} = {shown}", fact, reading, took)
    return Verdict("mismatch", metric, shown, f"{what} {fig.text} — facts say {shown}", fact, reading, took)
