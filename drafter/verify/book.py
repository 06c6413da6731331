"""FactBook: facts indexed by metric, dimension and period, with the derived facts reports state."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from drafter.models import Fact, fact_id
from drafter.periods import read_period, shift_period
from drafter.verify.facts import is_lower_better, latest_period
from drafter.verify.lexicon import BUILTIN_ALIASES, BUYER_WORDS, TARGET_MEASURES, canonical_metric

_HAN = re.compile(r"[\u4e00-\u9fff]+")
DERIVED_TOL = 0.0015  # relative slack for values derived from rounded inputs (prev = value / (1 + yoy))


@dataclass
class Entry:
    """A fact with the relative tolerance a comparison allows (0 for facts given as such)."""

    fact: Fact
    tol: float = 0.0
    derived: bool = False
    inputs: tuple[str, ...] = ()  # for a derived fact: the ids of the facts it comes from
    operation: str = ""  # and how: "a - b", "a / b - 1", "-a"


class FactBook:
    """Facts plus derived ones (previous values, yoy, gaps to target), and the names that mention them."""

    def __init__(self, facts: list[Fact], period: str | None = None,
                 aliases: dict[str, list[str]] | None = None, plan: str | None = None) -> None:
        self.period = period or latest_period(facts)
        self.prev_year = shift_period(self.period, years=-1)
        self.prev_step = shift_period(self.period, steps=-1)
        # A plan is written for a later period than its facts describe: its targets, and 明年, mean that period.
        self.next_year = plan or shift_period(self.period, years=1)
        self.plan = plan or ""
        self.entries = [Entry(f) for f in facts]
        self._labels: dict[str, str] = {}
        self._alias_sets: dict[str, set[str]] = defaultdict(set)
        for f in facts:  # derived facts copy their metric's label and aliases: the given facts name them all
            self._labels.setdefault(f.metric, f.label or f.metric)
            self._alias_sets[f.metric].update(f.aliases)
        self._index()
        self._derive()
        self._index()
        self._names(aliases or {})
        self.by_id = {e.fact.id: e for e in self.entries}

    def _index(self) -> None:
        self.by_key: dict[tuple[str, str, str], list[Entry]] = defaultdict(list)
        for e in self.entries:
            self.by_key[(e.fact.metric, e.fact.dimension, e.fact.period)].append(e)
        self.metrics = {e.fact.metric for e in self.entries}
        self.periods = {e.fact.period for e in self.entries}

    def _group(self, metric: str, dimension: str, period: str) -> list[Entry]:
        group = self.by_key.get((metric, dimension, period), [])
        if period == self.period and period:
            # a hand-made sheet may leave the period empty: such rows are about the report's period
            group = group + self.by_key.get((metric, dimension, ""), [])
        return group

    def get(self, metric: str, dimension: str, period: str, measure: str) -> Entry | None:
        """The fact of one measure, if any."""
        for e in self._group(metric, dimension, period):
            if e.fact.measure == measure:
                return e
        return None

    def lookup(self, metric: str, dimension: str, period: str, measures: set[str] | frozenset[str]) -> list[Entry]:
        """Facts of these measures for one metric, dimension and period."""
        found = [e for e in self._group(metric, dimension, period) if e.fact.measure in measures]
        if not found and len(period) > 4 and measures <= TARGET_MEASURES:
            # a quarter's or month's report states the year's targets: 年度GMV增速目标为25.0%
            found = [e for e in self._group(metric, dimension, period[:4]) if e.fact.measure in measures]
        return found

    def reading(self, fact: Fact) -> dict:
        """How a figure matched to this fact was read; a derived fact also names its inputs and operation."""
        out = {"metric": fact.metric, "measure": fact.measure, "period": fact.period, "dimension": fact.dimension}
        entry = self.by_id.get(fact.id)
        if entry is not None and entry.derived:
            out.update(facts=list(entry.inputs), operation=entry.operation)
        return out

    def names_of(self, metric: str, dimension: str = "") -> list[str]:
        """Every name that mentions a metric (its label, aliases, built-in names) and the dimension value."""
        out = [name for name, keys in self.names.items() if metric in keys] if metric else []
        if metric:
            out.append(self.label(metric))
        return out + [word for word, dims in self.dims.items() if dimension and dimension in dims] + [dimension]

    def label(self, metric: str) -> str:
        """The display label of a metric key."""
        if metric in self._labels:
            return self._labels[metric]
        names = BUILTIN_ALIASES.get(metric)
        return names[0] if names else metric

    # derivations -------------------------------------------------------------------------------------------

    def _add(self, base: Fact, measure: str, value: float, unit: str, period: str, tol: float,
             inputs: tuple[Entry, ...] = (), operation: str = "") -> None:
        if self.get(base.metric, base.dimension, period, measure):
            return
        fact = Fact(id=fact_id(base.metric, measure, period, base.dimension), metric=base.metric,
                    label=base.label, measure=measure, value=value, unit=unit, period=period,
                    dimension=base.dimension, aliases=base.aliases, kind="computed",
                    formula="derived")
        self.entries.append(Entry(fact, tol, True, tuple(e.fact.id for e in inputs), operation))
        self.by_key[(base.metric, base.dimension, period)].append(self.entries[-1])

    def _derive(self) -> None:
        self._derive_losses()
        for (_metric, _dim, period), group in list(self.by_key.items()):
            value = next((e for e in group if e.fact.measure == "value"), None)
            if value is None:
                continue
            rate = value.fact.unit == "%"
            self._derive_target(value, period, rate)
            calendar = read_period(period)
            if calendar is None:
                continue
            for back, growth in ((calendar.shifted(years=-1), "yoy"), (calendar.shifted(steps=-1), "pop")):
                if growth == "pop" and calendar.grain == "year":
                    continue
                self._derive_change(value, back.label, growth, rate)
        self._index()
        for group in self.by_key.values():
            self._statuses(group)

    def _derive_losses(self) -> None:
        """A loss and its profit are one quantity of opposite sign (经营利润 +146亿 is an 经营亏损 of -146亿)."""
        for loss in sorted(self.metrics):
            label = self.label(loss)
            if "亏损" not in label:
                continue
            names = {label.replace("亏损", word) for word in ("利润", "溢利", "盈利")}
            profit = next((m for m in sorted(self.metrics) if m in names or self.label(m) in names), None)
            if profit is None:
                continue
            for a, b in ((loss, profit), (profit, loss)):
                for (metric, dim, period), group in list(self.by_key.items()):
                    src = next((e for e in group if e.fact.measure == "value"), None)
                    if metric == b and src is not None and self.get(a, dim, period, "value") is None:
                        base = next(e.fact for e in self.entries if e.fact.metric == a)
                        self._add(base.model_copy(update={"dimension": dim}), "value", -src.fact.value,
                                  src.fact.unit, period, 0.0, (src,), "-a")

    def _derive_change(self, cur: Entry, back: str, growth: str, rate: bool) -> None:
        v = cur.fact
        share, share_back = self.get(v.metric, v.dimension, v.period, "share"), \
            self.get(v.metric, v.dimension, back, "share")
        if share is not None and share_back is not None and growth == "yoy":
            # 占收入的比例由19.2%升至35.9%，提高16.7个百分点: the change of the share
            self._add(v, "share_pp", share.fact.value - share_back.fact.value, "pp", v.period, DERIVED_TOL,
                      (share, share_back), "a - b")
        prev = self.get(v.metric, v.dimension, back, "value")
        rel = self.get(v.metric, v.dimension, v.period, growth)
        pp = self.get(v.metric, v.dimension, v.period, f"{growth}_pp")
        if prev is None:
            if pp is not None and rate:
                self._add(v, "value", v.value - pp.fact.value, v.unit, back, DERIVED_TOL, (cur, pp), "a - b")
            elif rel is not None and rel.fact.unit != "pp" and rel.fact.value > -100:
                self._add(v, "value", v.value / (1 + rel.fact.value / 100), v.unit, back, DERIVED_TOL, (cur, rel),
                          "a / (1 + b%)")
            elif rel is not None and rate:
                self._add(v, "value", v.value - rel.fact.value, v.unit, back, DERIVED_TOL, (cur, rel), "a - b")
            prev = self.get(v.metric, v.dimension, back, "value")
            if prev is None:
                return
        p = prev.fact.value
        if rel is None and p:
            self._add(v, growth, (v.value / p - 1) * 100, "%", v.period, DERIVED_TOL, (cur, prev), "a / b - 1")
        if rate and pp is None:
            self._add(v, f"{growth}_pp", v.value - p, "pp", v.period, DERIVED_TOL, (cur, prev), "a - b")
        self._add(v, "diff" if growth == "yoy" else "pop_diff", v.value - p, v.unit, v.period, DERIVED_TOL,
                  (cur, prev), "a - b")

    def _derive_target(self, cur: Entry, period: str, rate: bool) -> None:
        v = cur.fact
        target = self.get(v.metric, v.dimension, period, "target")
        gap = self.get(v.metric, v.dimension, period, "gap")
        growth = self.get(v.metric, v.dimension, period, "target_yoy")
        before = self.get(v.metric, v.dimension, shift_period(period, years=-1), "value")
        if target is None and growth is not None and before is not None and not rate:
            # 以25%的增速目标计，GMV目标约2911万元: the amount a growth target implies on last year's value
            self._add(v, "target", before.fact.value * (1 + growth.fact.value / 100), v.unit, period, DERIVED_TOL,
                      (before, growth), "a × (1 + b%)")
            target = self.get(v.metric, v.dimension, period, "target")
        if target is None and gap is not None:
            self._add(v, "target", v.value - gap.fact.value, v.unit, period, DERIVED_TOL, (cur, gap), "a - b")
            target = self.get(v.metric, v.dimension, period, "target")
        if target is not None:
            t = target.fact.value
            self._add(v, "gap", v.value - t, "pp" if rate else v.unit, period, DERIVED_TOL, (cur, target), "a - b")
            if t:
                self._add(v, "attainment", v.value / t * 100, "%", period, DERIVED_TOL, (cur, target), "a / b")
        for actual, planned, gap in (("yoy", "target_yoy", "gap_yoy"), ("share", "target_share", "gap_share")):
            want = self.get(v.metric, v.dimension, period, planned)
            got = self.get(v.metric, v.dimension, period, actual)
            if want is not None and got is not None:
                self._add(v, gap, got.fact.value - want.fact.value, "pp", period, DERIVED_TOL, (got, want), "a - b")

    def _statuses(self, group: list[Entry]) -> None:
        for e in group:
            f = e.fact
            if f.measure in ("gap", "gap_yoy", "gap_share") and not f.status:
                good = f.value >= 0 if f.measure == "gap_share" or not is_lower_better(f) else f.value <= 0
                f.status = "met" if good else "missed"

    # names ---------------------------------------------------------------------------------------------------

    def _names(self, extra: dict[str, list[str]]) -> None:
        names: dict[str, set[str]] = defaultdict(set)
        canon_to_key: dict[str, str] = {}
        for metric in sorted(self.metrics):
            label = self.label(metric)
            canon = canonical_metric(metric) or canonical_metric(label)
            if canon:
                canon_to_key.setdefault(canon, metric)
            own = {metric, label, *self._aliases(metric), *extra.get(metric, []), *extra.get(label, [])}
            for name in own:
                if name and not re.fullmatch(r"[a-z0-9_]+", name):
                    names[name.lower()].add(metric)
        for canon, builtin in BUILTIN_ALIASES.items():
            key = canon_to_key.get(canon, canon)
            for name in [*builtin, *extra.get(canon, [])]:
                if key not in self.metrics and names.get(name.lower()):
                    continue  # a built-in name a real fact already claims
                names[name.lower()].add(key)
        self.names = dict(names)
        ordered = sorted(self.names, key=len, reverse=True)
        self.name_re = re.compile("|".join(_name_pattern(n) for n in ordered)) if ordered else None
        self._owner_names()
        dims: dict[str, set[str]] = defaultdict(set)
        for e in self.entries:
            if e.fact.dimension:
                for part in e.fact.dimension.split(","):
                    value = part.split("=", 1)[-1].strip()
                    if value:
                        dims[value.lower()].add(e.fact.dimension)
        for canon, words in BUYER_WORDS.items():
            if canon.lower() in dims:
                for word in words:
                    dims[word.lower()] |= dims[canon.lower()]
        self.buyer_metrics = {e.fact.metric for e in self.entries if e.fact.dimension.startswith("buyer=")}
        self.dims = dict(dims)
        ordered = sorted(self.dims, key=len, reverse=True)
        self.dim_re = re.compile("|".join(_name_pattern(n) for n in ordered)) if ordered else None

    def _owner_names(self) -> None:
        """Owners (companies) that prefix several metric names, and each name without its owner: 佣金收入 of 云栖."""
        self.bare: dict[str, dict[str, str]] = defaultdict(dict)  # bare name -> owner -> metric
        rests: dict[str, set[str]] = defaultdict(set)  # head -> what follows it in names of one metric
        for name, metrics in self.names.items():
            for n in range(2, min(5, len(name) - 1)):
                if _HAN.fullmatch(name[:n]) and len(metrics) == 1:
                    rests[name[:n]].add(name[n:])
        # owners: heads of three or more fact metrics, no name themselves, that share two or more rests with another
        # head (美团收入 and 快手收入, 美团经调整净利润 and 快手经调整净利润); one company's segments share none
        heads = [h for h in rests if h not in self.names and sum(m.startswith(h) for m in self.metrics) >= 3]
        owned = {h for h in heads for g in heads if g != h and len(rests[h] & rests[g]) >= 2}
        chosen: list[str] = []
        for head in sorted(owned, key=len):
            if not any(head.startswith(c) for c in chosen):
                chosen.append(head)
        for name, metrics in self.names.items():
            owner = next((c for c in chosen if name.startswith(c)), None)
            if owner and len(metrics) == 1:
                self.bare[name[len(owner):]][owner] = next(iter(metrics))
        self.owner_re = re.compile("|".join(map(re.escape, sorted(chosen, key=len, reverse=True)))) if chosen else None
        ordered = sorted(self.bare, key=len, reverse=True)
        self.bare_re = re.compile("|".join(_name_pattern(n) for n in ordered)) if ordered else None

    def _aliases(self, metric: str) -> set[str]:
        return self._alias_sets.get(metric, set())


def _name_pattern(name: str) -> str:
    escaped = re.escape(name)
    # ASCII names must not match inside longer words (ROI in GROI); case-insensitive via (?i:)
    if name.isascii():
        return rf"(?i:(?<![A-Za-z]){escaped}(?![A-Za-z]))"
    if re.search(r"[A-Za-z]", name):
        return rf"(?i:{escaped})"  # names are indexed lower-cased: 自营APP must match 自营app
    return escaped
