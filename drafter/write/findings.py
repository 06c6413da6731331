"""Problems the facts show, each by a rule with a threshold, ranked by size; the offline writer's problems and
next steps are written from these, so they follow the data and never name an area the data lacks.

| key | fires when (the period's facts) | size |
| --- | --- | --- |
| gmv | GMV's target (growth or amount) missed, or GMV 同比 ≤ −1% | shortfall ÷ target, or the fall ÷ 1% |
| dim_down | per kind, the channel or category (share ≥ 3%, GMV 同比 ≤ −3%) losing most | GMV lost ÷ total ÷ 0.5 pp |
| share_loss | per kind, the channel or category not falling whose share fell most, ≥ 3 pp | fall ÷ 3 pp |
| share_target | a channel's share target missed | shortfall ÷ target |
| repurchase | 复购率 target missed, or 复购率 同比 ≤ −0.5 pp | shortfall ÷ target, or the fall ÷ 0.5 pp |
| refund | 退款率 target missed, or 退款率 同比 ≥ +0.3 pp | excess ÷ target, or the rise ÷ 0.3 pp |
| aov | 客单价 target missed, or 客单价 同比 ≤ −2% | shortfall ÷ target, or the fall ÷ 2% |
| roi | 营销ROI target missed, or ROI 同比 ≤ −3%, or spend growing ≥ 5 pp faster than GMV | the larger ratio |
| member | 会员占比 target missed, or 同比 ≤ −1 pp | shortfall ÷ target, or the fall ÷ 1 pp |
| new_buyers | 新客数 同比 ≤ −3% | the fall ÷ 3% |
| conversion | 转化率 同比 ≤ −0.1 pp | the fall ÷ 0.1 pp |
| concentration | with two channels or more, one channel's GMV share ≥ 50% | (share − 40%) ÷ 10 pp |
| target | any other metric's target missed | shortfall ÷ target |

A missed target ranks before any trend; within each, the larger size first. One problem per metric (per
dimension value for dim_down and share_loss): a missed target and a trend of the same metric are one problem.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from drafter.models import Fact
from drafter.periods import Period

GAP_MEASURES = ("gap_yoy", "gap", "gap_share")
MIN_SHARE = 3.0  # a channel or category below this share of GMV is too small to be a problem of the whole
DIM_KINDS = ("category", "channel")


class FactBook(Protocol):
    """What the rules read of the offline writer's fact book (defined there; it imports this module)."""

    facts: list[Fact]
    period: Period

    def fact(self, metric: str, measure: str = "value", dim: str = "") -> Fact | None: ...
    def has(self, metric: str, measure: str = "value", dim: str = "") -> bool: ...
    def num(self, metric: str, measure: str = "value", dim: str = "") -> float: ...
    def dims(self, kind: str) -> list[str]: ...


@dataclass(frozen=True)
class Problem:
    """One thing the facts show going wrong: its rule, the dimension it is about, and how big it is."""

    key: str
    metric: str
    dim: str = ""
    size: float = 0.0
    missed: str = ""  # the gap measure of a missed target (gap, gap_yoy, gap_share), else ""

    @property
    def kind(self) -> str:
        """channel or category for a problem about one of them, else ""."""
        return self.dim.split("=", 1)[0] if "=" in self.dim else ""


def _missed(book: FactBook, metric: str, dim: str = "") -> tuple[str, float]:
    """The gap measure of a missed target of the metric, and the shortfall relative to the target (0 if met)."""
    for measure in GAP_MEASURES:
        gap = book.fact(metric, measure, dim)
        if gap is not None and gap.status == "missed":
            target = book.fact(metric, "target" + measure[3:], dim)
            base = abs(target.value) if target is not None and target.value else 1.0
            return measure, 1.0 + abs(gap.value) / base * 10
    return "", 0.0


def _trend(book: FactBook, metric: str, measure: str, threshold: float) -> float:
    """How many thresholds the change went past in the bad direction (threshold < 0: a fall is bad); 0 if not."""
    if not book.has(metric, measure):
        return 0.0
    change = book.num(metric, measure)
    return change / threshold if change / threshold >= 1 else 0.0


def _metric_rule(key: str, metric: str, measure: str, threshold: float) -> Callable[[FactBook], list[Problem]]:
    def rule(book: FactBook) -> list[Problem]:
        missed, short = _missed(book, metric)
        size = max(short, _trend(book, metric, measure, threshold))
        return [Problem(key, metric, size=size, missed=missed)] if size else []

    return rule


def _gmv(book: FactBook) -> list[Problem]:
    missed, short = _missed(book, "gmv")
    size = max(short, _trend(book, "gmv", "yoy", -1.0))
    return [Problem("gmv", "gmv", size=size, missed=missed)] if size else []


def _roi(book: FactBook) -> list[Problem]:
    missed, short = _missed(book, "marketing_roi")
    faster = 0.0
    if book.has("marketing_spend", "yoy") and book.has("gmv", "yoy"):
        faster = max(0.0, (book.num("marketing_spend", "yoy") - book.num("gmv", "yoy")) / 5.0)
    size = max(short, _trend(book, "marketing_roi", "yoy", -3.0), faster if faster >= 1 else 0.0)
    return [Problem("roi", "marketing_roi", size=size, missed=missed)] if size and book.has("marketing_roi") else []


def _dims_down(book: FactBook) -> list[Problem]:
    out = []
    for kind in DIM_KINDS:
        lost = [(d, -book.num("gmv", "yoy", d) * book.num("gmv", "share", d) / 100) for d in book.dims(kind)
                if book.has("gmv", "yoy", d) and book.num("gmv", "yoy", d) <= -3.0
                and book.num("gmv", "share", d) >= MIN_SHARE]
        if lost:
            dim, points = max(lost, key=lambda pair: pair[1])
            out.append(Problem("dim_down", "gmv", dim, size=max(1.0, points / 0.5)))
    return out


def _shares_lost(book: FactBook, taken: set[str]) -> list[Problem]:
    out = []
    for kind in DIM_KINDS:
        fell = [(d, book.num("gmv", "share_pp", d)) for d in book.dims(kind) if d not in taken
                and book.has("gmv", "share_pp", d) and book.num("gmv", "share_pp", d) <= -3.0
                and book.num("gmv", "yoy", d) > -3.0]
        if fell:
            dim, points = min(fell, key=lambda pair: pair[1])
            out.append(Problem("share_loss", "gmv", dim, size=-points / 3.0))
    return out


def _share_targets(book: FactBook) -> list[Problem]:
    out = []
    for dim in book.dims("channel"):
        missed, short = _missed(book, "gmv", dim)
        if missed == "gap_share":
            out.append(Problem("share_target", "gmv", dim, size=short, missed=missed))
    return out


def _concentration(book: FactBook) -> list[Problem]:
    channels = book.dims("channel")
    if len(channels) < 2 or book.num("gmv", "share", channels[0]) < 50.0:
        return []
    return [Problem("concentration", "gmv", channels[0], size=(book.num("gmv", "share", channels[0]) - 40) / 10)]


def _other_targets(book: FactBook, covered: set[str]) -> list[Problem]:
    out = []
    for fact in book.facts:
        if (fact.period == book.period.label and fact.measure in GAP_MEASURES and fact.status == "missed"
                and not fact.dimension and fact.metric not in covered):
            missed, short = _missed(book, fact.metric)
            out.append(Problem("target", fact.metric, size=short, missed=missed))
            covered.add(fact.metric)
    return out


RULES: tuple[Callable[[FactBook], list[Problem]], ...] = (
    _gmv,
    _metric_rule("repurchase", "repurchase_rate", "yoy_pp", -0.5),
    _metric_rule("refund", "refund_rate", "yoy_pp", 0.3),
    _metric_rule("aov", "aov", "yoy", -2.0),
    _roi,
    _metric_rule("member", "member_share", "yoy_pp", -1.0),
    _metric_rule("new_buyers", "new_buyers", "yoy", -3.0),
    _metric_rule("conversion", "conversion_rate", "yoy_pp", -0.1),
    _dims_down,
    _share_targets,
    _concentration,
)


def find_problems(book: FactBook, limit: int = 5) -> list[Problem]:
    """The problems the facts show, missed targets first, then the larger first; at most `limit`."""
    found = [problem for rule in RULES for problem in rule(book)]
    found += _shares_lost(book, {p.dim for p in found if p.dim})
    found += _other_targets(book, {p.metric for p in found if not p.dim})
    found.sort(key=lambda p: (not p.missed, -p.size, p.key, p.dim))
    return found[:limit]
