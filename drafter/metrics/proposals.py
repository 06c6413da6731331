"""Proposed targets for a plan period, derived from the base year's actuals by fixed, documented rules.

An annual plan for 2026 is written from 2025's facts; the data hold nothing for 2026. The plan still has to
state targets, and every figure it states must be a fact the verifier can check. So the targets are proposed
here, deterministically, as `Fact`s of kind "target" for the plan period, each with its rule in `formula`:

| metric | measure | rule |
| --- | --- | --- |
| GMV | target_yoy | mean of the base year's growth and the year before's (the base year's alone if that is all there
  is), rounded to a whole percent, at least 5% and at most 60% |
| GMV | target | base-year GMV × (1 + target_yoy) |
| 复购率 | target | actual + 1 pp, rounded up to the next half percent (so +1.0 to +1.5 pp) |
| 客单价 | target | falling: hold the line, the actual rounded down to 5元; rising: actual × 1.03 rounded to 5元 |
| 退款率 | target | actual − 0.5 pp, rounded down to a half percent (at least 0.5%) |
| 会员占比 | target | actual + 2 pp, rounded to a half percent |
| 营销ROI | target | hold the actual level: rounded to 0.1倍 |
| channel GMV share | target_share | for the channels with a target share last year and the fastest-growing channel
  (share ≥ 5%): share + half its share gain (between 1 and 3 pp), rounded to a whole percent |

A target the team has already set for the plan period (a `target` fact in `facts`) is kept, not proposed again.
"""

from __future__ import annotations

import math

from drafter.models import Fact, fact_id
from drafter.periods import Period, as_period

GROWTH_FLOOR = 5.0
GROWTH_CAP = 60.0
MIN_CHANNEL_SHARE = 5.0


def _round_to(value: float, step: float, how: str = "nearest") -> float:
    """Round to a multiple of `step`: nearest (half up), up or down; tolerant of float noise."""
    scaled = value / step
    if how == "up":
        units = math.ceil(scaled - 1e-9)
    elif how == "down":
        units = math.floor(scaled + 1e-9)
    else:
        units = math.floor(scaled + 0.5 + 1e-9)
    return round(units * step, 6)


class _Facts:
    """Base-period facts by id."""

    def __init__(self, facts: list[Fact], base: Period, plan: Period) -> None:
        self.by_id = {f.id: f for f in facts}
        self.base, self.plan = base.label, plan.label
        self.before = base.previous_year().label

    def get(self, metric: str, measure: str = "value", dim: str = "", period: str = "") -> Fact | None:
        return self.by_id.get(fact_id(metric, measure, period or self.base, dim))

    def planned(self, metric: str, measure: str, dim: str = "") -> bool:
        return fact_id(metric, measure, self.plan, dim) in self.by_id


def _target(like: Fact, measure: str, value: float, unit: str, plan: str, formula: str) -> Fact:
    return Fact(id=fact_id(like.metric, measure, plan, like.dimension), metric=like.metric, label=like.label,
                measure=measure, value=float(value), unit=unit, period=plan, dimension=like.dimension,
                aliases=list(like.aliases), kind="target", formula=f"建议目标：{formula}", source="proposed")


def _pct(value: float) -> str:
    return f"{value:.1f}%"


def _gmv(book: _Facts) -> list[Fact]:
    gmv, growth = book.get("gmv"), book.get("gmv", "yoy")
    if gmv is None or growth is None or book.planned("gmv", "target_yoy"):
        return []
    earlier = book.get("gmv", "yoy", period=book.before)
    rates = [growth.value] + ([earlier.value] if earlier else [])
    recent = sum(rates) / len(rates)
    rate = min(GROWTH_CAP, max(GROWTH_FLOOR, _round_to(recent, 1.0)))
    basis = (f"{book.base}年与{book.before}年GMV同比增速（{_pct(growth.value)}、{_pct(earlier.value)}）的平均值"
             if earlier else f"{book.base}年GMV同比增速{_pct(growth.value)}")
    why = f"{basis}取整到1个百分点，不低于{GROWTH_FLOOR:.0f}%、不高于{GROWTH_CAP:.0f}%，得{_pct(rate)}"
    value = gmv.value * (1 + rate / 100)
    return [
        _target(gmv, "target_yoy", rate, "%", book.plan, why),
        _target(gmv, "target", value, gmv.unit, book.plan,
                f"{book.base}年GMV×（1＋目标增速{_pct(rate)}）"),
    ]


def _repurchase(book: _Facts) -> list[Fact]:
    actual = book.get("repurchase_rate")
    if actual is None or book.planned("repurchase_rate", "target"):
        return []
    value = _round_to(actual.value + 1.0, 0.5, "up")
    return [_target(actual, "target", value, "%", book.plan,
                    f"{book.base}年复购率{_pct(actual.value)}加1个百分点后向上取整到0.5%，得{_pct(value)}")]


def _aov(book: _Facts) -> list[Fact]:
    actual, growth = book.get("aov"), book.get("aov", "yoy")
    if actual is None or book.planned("aov", "target"):
        return []
    if growth is not None and growth.value >= 0:
        value = _round_to(actual.value * 1.03, 5.0)
        why = f"{book.base}年客单价同比上升，目标为实际值的1.03倍取整到5元，得{value:.0f}元"
    else:
        value = _round_to(actual.value, 5.0, "down")
        why = f"{book.base}年客单价同比下降，目标为守住实际水平：实际值向下取整到5元，得{value:.0f}元"
    return [_target(actual, "target", value, actual.unit, book.plan, why)]


def _refund(book: _Facts) -> list[Fact]:
    actual = book.get("refund_rate")
    if actual is None or book.planned("refund_rate", "target"):
        return []
    value = max(0.5, _round_to(actual.value - 0.5, 0.5, "down"))
    return [_target(actual, "target", value, "%", book.plan,
                    f"{book.base}年退款率{_pct(actual.value)}减0.5个百分点后向下取整到0.5%，得{_pct(value)}")]


def _members(book: _Facts) -> list[Fact]:
    actual = book.get("member_share")
    if actual is None or book.planned("member_share", "target"):
        return []
    value = _round_to(actual.value + 2.0, 0.5)
    return [_target(actual, "target", value, "%", book.plan,
                    f"{book.base}年会员占比{_pct(actual.value)}加2个百分点，取整到0.5%，得{_pct(value)}")]


def _roi(book: _Facts) -> list[Fact]:
    actual = book.get("marketing_roi")
    if actual is None or book.planned("marketing_roi", "target"):
        return []
    value = _round_to(actual.value, 0.1)
    return [_target(actual, "target", value, actual.unit, book.plan,
                    f"营销ROI守住{book.base}年实际水平：{actual.value:.2f}倍取整到0.1倍，得{value:.2f}倍")]


def _channels(book: _Facts, facts: list[Fact]) -> list[Fact]:
    shares = {f.dimension: f for f in facts if f.metric == "gmv" and f.measure == "share" and f.period == book.base
              and f.dimension.startswith("channel=")}
    chosen = {f.dimension for f in facts if f.metric == "gmv" and f.measure == "target_share"
              and f.period == book.base and f.dimension in shares}
    growing = [d for d, f in shares.items() if f.value >= MIN_CHANNEL_SHARE and book.get("gmv", "yoy", d)]
    if growing:
        chosen.add(max(growing, key=lambda d: (book.get("gmv", "yoy", d).value, d)))
    out = []
    for dim in sorted(chosen):
        share = shares[dim]
        if book.planned("gmv", "target_share", dim):
            continue
        moved = book.get("gmv", "share_pp", dim)
        step = min(3.0, max(1.0, (moved.value if moved else 0.0) / 2))
        value = _round_to(share.value + step, 1.0)
        name = dim.split("=", 1)[1]
        out.append(_target(share, "target_share", value, "%", book.plan,
                           f"{book.base}年{name}渠道GMV占比{_pct(share.value)}加上占比增幅的一半"
                           f"（限1至3个百分点，即{step:.1f}个百分点），取整到1%，得{_pct(value)}"))
    return out


def propose_targets(facts: list[Fact], base_period: Period | str, plan_period: Period | str) -> list[Fact]:
    """Targets for `plan_period` from the actuals of `base_period` (see the module's table of rules)."""
    book = _Facts(facts, as_period(base_period), as_period(plan_period))
    return [*_gmv(book), *_repurchase(book), *_aov(book), *_refund(book), *_members(book), *_roi(book),
            *_channels(book, facts)]
