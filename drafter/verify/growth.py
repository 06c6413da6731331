"""Derivations on growth: the change of a growth rate in percentage points, and attainment read on the growth
convention (actual growth / target growth) where the amount convention does not fit."""

from __future__ import annotations

import re

from drafter.periods import shift_period
from drafter.verify.book import FactBook
from drafter.verify.context import Context
from drafter.verify.figures import Figure
from drafter.verify.judge import Verdict, derived_outcome, fits
from drafter.verify.lexicon import GROWTH_YOY
from drafter.verify.mentions import Mention

_RATE_CHANGE = re.compile(r"增速|增长率|增幅|涨幅")


def growth_rate_change(book: FactBook, s: str, fig: Figure, ctx: Context, mentions: list[Mention],
                        figs: list[Figure]) -> Verdict | None:
    """增速从16.1%加快至23.2%，提高7.2个百分点: the change of a growth rate, in percentage points."""
    if fig.base_unit != "pp" or not ctx.metrics or re.search(r"目标|计划|高于|低于|快于|慢于", s[:fig.start]):
        return None
    said = list(_RATE_CHANGE.finditer(s, 0, fig.start))
    if not said or (ctx.measures and ctx.measures & {"share", "share_pp", "contribution"}) or \
            re.search(r"占比|份额|比重|渗透率|占", s[said[-1].end():fig.start]):
        return None  # 增速最快的是抖音：…占比升至27.0%，较上年提升9.7个百分点 is the share's change
    metric = ctx.metrics[0]
    period = ctx.period or book.period
    now = book.get(metric, ctx.dimension, period, "yoy")
    back = book.get(metric, ctx.dimension, shift_period(period, years=-1), "yoy")
    value = book.get(metric, ctx.dimension, period, "value")
    if value is not None and value.fact.unit == "%":
        return None
    if now is None or back is None:
        if not (ctx.measures and ctx.measures <= GROWTH_YOY):
            return None  # 高出目标1.1个百分点: a gap, judged as one
        # 2024年GMV增速…提高7.2个百分点 with no 2023 growth stated: a change of growth, not the year's 同比
        return Verdict("unsupported", metric, message=f"{book.label(metric)} 增速变化 {fig.text}: no facts state "
                       f"the growth of {period} and of the year before", reading={"metric": metric, "period": period,
                                                                              "measure": "yoy_change_pp"})
    change = now.fact.value - back.fact.value
    sign = ctx.direction or (1 if fig.base >= 0 else -1)
    stated = fig.base if fig.signed else abs(fig.base) * sign
    reading = {"measure": "yoy_change_pp", "period": period, "dimension": ctx.dimension,
               "facts": [now.fact.id, back.fact.id], "operation": "a - b"}
    ok = abs(stated - change) <= fig.step + 0.1
    verdict = derived_outcome(fig, ok, metric, f"{change:+.1f}个百分点", reading, (), f"{book.label(metric)} 增速变化")
    if not ok and abs(abs(stated) - abs(change)) <= fig.step + 0.1:
        verdict.verdict = "claim_error"
        verdict.message += " (direction is wrong)"
    return verdict


def attainment_of_growth(book: FactBook, s: str, fig: Figure, ctx: Context, mentions: list[Mention],
                          figs: list[Figure]) -> Verdict | None:
    """目标完成率92.9%: where the amount convention (actual / target amount) does not fit, the growth convention
    (actual growth / target growth) may; the reading says which matched."""
    if fig.base_unit != "%" or not ctx.metrics or not ctx.measures or ctx.measures != {"attainment"}:
        return None
    period = ctx.period or book.period
    for metric in ctx.metrics:
        amount = book.get(metric, ctx.dimension, period, "attainment")
        growth, planned = (book.get(metric, ctx.dimension, period, m) for m in ("yoy", "target_yoy"))
        if amount is None or fits(fig, amount.fact.value, absolute=0.05) or growth is None or planned is None \
                or not planned.fact.value:
            continue
        ratio = growth.fact.value / planned.fact.value * 100
        if not fits(fig, ratio, absolute=0.05):
            return None  # the amount convention's mismatch, from the judge, names the usual reading
        reading = {"measure": "attainment", "period": period, "dimension": ctx.dimension, "convention": "growth",
                   "facts": [growth.fact.id, planned.fact.id], "operation": "a / b"}
        return derived_outcome(fig, True, metric, f"{ratio:.1f}%", reading, (),
                               f"{book.label(metric)} 增速完成率（实际增速 / 目标增速）")
    return None
