"""Derived facts: changes, shares, contributions, drivers, manual KPIs and targets with their gaps."""

from __future__ import annotations

import math

from drafter.errors import UserError
from drafter.metrics.loaded import LoadedData
from drafter.metrics.registry import METRICS, lookup, manual_kpi_id
from drafter.metrics.values import Values
from drafter.models import TARGET_ACTUAL, TARGET_GAP, Fact, fact_id
from drafter.periods import Period, parse_period

# Below about a 1% GMV change, factor shares of the change blow up to thousands of percent: no story to tell.
MIN_LOG_CHANGE = 0.01


def _fact(metric: str, measure: str, value: float, unit: str, period: Period, dimension: str = "",
          kind: str = "computed", status: str = "", label: str = "", aliases: tuple = ()) -> Fact:
    spec = METRICS.get(metric)
    return Fact(
        id=fact_id(metric, measure, period.label, dimension), metric=metric,
        label=label or (spec.label if spec else metric), measure=measure, value=float(value), unit=unit,
        period=period.label, dimension=dimension, aliases=list(spec.aliases if spec else aliases), kind=kind,
        formula=spec.formula if spec else "", status=status,
    )


def change_facts(values: Values, base: Values, period: Period, measure: str) -> list[Fact]:
    """yoy / pop facts (and pp differences for rates) between two periods' values."""
    facts = []
    for (metric, dim), value in values.items():
        before = base.get((metric, dim))
        spec = METRICS[metric]
        if before is None or dim.startswith(("month=", "day=")):  # a week's days fall on other dates a year before
            continue
        if before:
            facts.append(_fact(metric, measure, (value / before - 1) * 100, "%", period, dim))
        if spec.is_rate:
            facts.append(_fact(metric, f"{measure}_pp", value - before, "pp", period, dim))
    return facts


def breakdown_facts(values: Values, base: Values | None, period: Period) -> list[Fact]:
    """share, share change, rank and contribution to the GMV change, per channel, category and buyer type;
    share and rank per month and per day (rank 1: the peak); share of each promotion's days."""
    facts = []
    total = values.get(("gmv", ""))
    base_total = base.get(("gmv", "")) if base else None
    for dimension in ("channel", "category", "buyer", "month", "day", "promo"):
        parts = {d: v for (m, d), v in values.items() if m == "gmv" and d.startswith(f"{dimension}=")}
        ranked = sorted(parts, key=lambda d: -parts[d])
        delta_total = total - base_total if base_total is not None else None
        for dim, value in parts.items():
            share = value / total * 100 if total else None
            if share is None:
                continue
            facts.append(_fact("gmv", "share", share, "%", period, dim))
            if dimension not in ("buyer", "promo"):  # a rank among two buyer types says nothing the share does not
                facts.append(_fact("gmv", "rank", ranked.index(dim) + 1, "名", period, dim))
            # a month's, day's or promotion's part is read against its own in the other period, not as a share change
            if base_total and dimension in ("channel", "category", "buyer"):
                before = base.get(("gmv", dim), 0.0)
                facts.append(_fact("gmv", "share_pp", share - before / base_total * 100, "pp", period, dim))
                if delta_total:
                    facts.append(_fact("gmv", "contribution", (value - before) / delta_total * 100, "%", period, dim))
    return facts


def driver_facts(values: Values, base: Values | None, period: Period) -> list[Fact]:
    """GMV = visitors × conversion × order value: each factor's share of the GMV change (LMDI, sums to 100%)."""
    if not base:
        return []
    facts = []
    dims = [d for (m, d) in values if m == "visitors"]
    for dim in dims:
        now = [values.get((m, dim)) for m in ("visitors", "conversion_rate", "aov", "gmv")]
        before = [base.get((m, dim)) for m in ("visitors", "conversion_rate", "aov", "gmv")]
        if any(v is None or v <= 0 for v in now + before):
            continue
        # ln(G1/G0) = Σ ln(x1/x0) exactly, so the log shares add up to 100% with no residual.
        logs = [math.log(a / b) for a, b in zip(now[:3], before[:3], strict=True)]
        total = sum(logs)
        if abs(total) < MIN_LOG_CHANGE:
            continue
        for metric, part in zip(("visitors", "conversion_rate", "aov"), logs, strict=True):
            facts.append(_fact(metric, "driver", part / total * 100, "%", period, dim))
    return facts


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def value_facts(values: Values, period: Period) -> list[Fact]:
    return [_fact(m, "value", v, METRICS[m].unit, period, d) for (m, d), v in values.items()]


def kpi_facts(engine, loaded: LoadedData, period: Period) -> list[Fact]:
    if not loaded.has("kpis"):
        return []
    frame = engine.query("SELECT period, metric, value, unit FROM kpis" if loaded.has("kpis", "unit")
                         else "SELECT period, metric, value, '' AS unit FROM kpis")
    rows = {}
    for row in frame.to_dict("records"):
        rows[(_text(row["period"]), _text(row["metric"]))] = (row["value"], _text(row["unit"]))
    facts = []
    for (label, name), (value, unit) in rows.items():
        if label not in (period.label, period.previous_year().label):
            continue
        kpi, kpi_label, aliases = manual_kpi_id(name)
        when = parse_period(label)
        facts.append(_fact(kpi, "value", value, unit, when, kind="manual", label=kpi_label, aliases=aliases))
        before = rows.get((when.previous_year().label, name))
        if before and before[0]:
            facts.append(_fact(kpi, "yoy", (value / before[0] - 1) * 100, "%", when, kind="manual",
                               label=kpi_label, aliases=aliases))
    return facts


def target_facts(engine, loaded: LoadedData, facts: list[Fact], period: Period) -> list[Fact]:
    """Targets from the targets table, with the gap to each and whether it was met."""
    if not loaded.has("targets"):
        return []
    dim_expr = "dimension" if loaded.has("targets", "dimension") else "''"
    frame = engine.query(f"SELECT period, metric, measure, value, {dim_expr} AS dimension FROM targets")
    by_id = {f.id: f for f in facts}
    out = []
    for row in frame.to_dict("records"):
        when, dim = _text(row["period"]), _text(row["dimension"])
        # a quarter, half or month also gets its year's targets (no gap yet: the year is not over); a week, its month's
        if when not in (period.label, period.previous_year().label, period.whole_year().label,
                        period.month_of_end().label if period.grain == "week" else period.label):
            continue
        spec = lookup(str(row["metric"]).strip())
        measure = str(row["measure"]).strip()
        if spec is None or measure not in ("target", "target_yoy", "target_share"):
            raise UserError(f"targets: row for {row['metric']!r}/{measure!r} names an unknown metric or measure; "
                            f"use a metric id ({', '.join(list(METRICS)[:6])} …) and target|target_yoy|target_share")
        target_period = parse_period(when)
        unit = spec.unit if measure == "target" else "%"
        out.append(_fact(spec.id, measure, row["value"], unit, target_period, dim, kind="target"))
        actual_measure = TARGET_ACTUAL[measure]
        actual = by_id.get(fact_id(spec.id, actual_measure, when, dim))
        if actual is None:
            continue
        gap = actual.value - row["value"]
        met = gap >= 0 if spec.better == "up" or measure == "target_share" else gap <= 0
        gap_measure = TARGET_GAP[measure]
        gap_unit = "pp" if unit == "%" else unit
        out.append(_fact(spec.id, gap_measure, gap, gap_unit, target_period, dim, kind="target",
                         status="met" if met else "missed"))
    return out


def attainment_facts(facts: list[Fact], month_to_date: tuple[Period, float] | None) -> list[Fact]:
    """A month's GMV (or, for a week, its month-to-date GMV) as a share of the month's GMV target, where the
    targets table gives one: its attainment (完成率)."""
    out = []
    if month_to_date is not None:
        month, gmv = month_to_date
        out.append(_fact("gmv", "mtd", gmv, METRICS["gmv"].unit, month))
    by_id = {f.id: f for f in facts + out}
    for target in facts:
        if target.metric != "gmv" or target.measure != "target" or target.dimension or not target.value:
            continue
        for measure, name in (("value", "attainment"), ("mtd", "mtd_attainment")):
            actual = by_id.get(fact_id("gmv", measure, target.period))
            if actual is not None and parse_period(target.period).grain == "month":
                out.append(_fact("gmv", name, actual.value / target.value * 100, "%", parse_period(target.period)))
    return out
