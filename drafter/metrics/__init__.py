"""The metrics stage: data files + period → facts, deterministically (never an LLM)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from drafter.errors import UserError
from drafter.metrics.compute import Values, order_count, period_values, skipped_metrics
from drafter.metrics.data import LoadedData, load_data
from drafter.metrics.periods import Period, parse_period
from drafter.metrics.registry import DIMENSION_LABELS, METRICS, lookup, manual_kpi_id
from drafter.models import Fact, fact_id

FACT_COLUMNS = ["metric", "label", "measure", "value", "unit", "period", "dimension"]


@dataclass
class MetricsResult:
    """Facts for a period plus notes on what could not be computed."""

    period: Period
    facts: list[Fact]
    notes: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)


def _fact(metric: str, measure: str, value: float, unit: str, period: Period, dimension: str = "",
          kind: str = "computed", status: str = "", label: str = "", aliases: tuple = ()) -> Fact:
    spec = METRICS.get(metric)
    return Fact(
        id=fact_id(metric, measure, period.label, dimension), metric=metric,
        label=label or (spec.label if spec else metric), measure=measure, value=float(value), unit=unit,
        period=period.label, dimension=dimension, aliases=list(spec.aliases if spec else aliases), kind=kind,
        formula=spec.formula if spec else "", status=status,
    )


def _change_facts(values: Values, base: Values, period: Period, measure: str) -> list[Fact]:
    """yoy / pop facts (and pp differences for rates) between two periods' values."""
    facts = []
    for (metric, dim), value in values.items():
        before = base.get((metric, dim))
        spec = METRICS[metric]
        if before is None or dim.startswith("month="):
            continue
        if before:
            facts.append(_fact(metric, measure, (value / before - 1) * 100, "%", period, dim))
        if spec.is_rate:
            facts.append(_fact(metric, f"{measure}_pp", value - before, "pp", period, dim))
    return facts


def _breakdown_facts(values: Values, base: Values | None, period: Period) -> list[Fact]:
    """share, share change, rank and contribution to the change, for channel and category GMV."""
    facts = []
    total = values.get(("gmv", ""))
    for dimension in ("channel", "category"):
        parts = {d: v for (m, d), v in values.items() if m == "gmv" and d.startswith(f"{dimension}=")}
        ranked = sorted(parts, key=lambda d: -parts[d])
        delta_total = total - base[("gmv", "")] if base and ("gmv", "") in base else None
        for dim, value in parts.items():
            share = value / total * 100 if total else None
            if share is None:
                continue
            facts.append(_fact("gmv", "share", share, "%", period, dim))
            facts.append(_fact("gmv", "rank", ranked.index(dim) + 1, "名", period, dim))
            if base and ("gmv", "") in base and base[("gmv", "")]:
                before = base.get(("gmv", dim), 0.0)
                facts.append(_fact("gmv", "share_pp", share - before / base[("gmv", "")] * 100, "pp", period, dim))
                if delta_total:
                    facts.append(_fact("gmv", "contribution", (value - before) / delta_total * 100, "%", period, dim))
    return facts


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _value_facts(values: Values, period: Period) -> list[Fact]:
    return [_fact(m, "value", v, METRICS[m].unit, period, d) for (m, d), v in values.items()]


def _kpi_facts(engine, loaded: LoadedData, period: Period) -> list[Fact]:
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


def _target_facts(engine, loaded: LoadedData, facts: list[Fact], period: Period) -> list[Fact]:
    """Targets from the targets table, with the gap to each and whether it was met."""
    if not loaded.has("targets"):
        return []
    dim_expr = "dimension" if loaded.has("targets", "dimension") else "''"
    frame = engine.query(f"SELECT period, metric, measure, value, {dim_expr} AS dimension FROM targets")
    by_id = {f.id: f for f in facts}
    out = []
    for row in frame.to_dict("records"):
        when, dim = _text(row["period"]), _text(row["dimension"])
        if when not in (period.label, period.previous_year().label):
            continue
        spec = lookup(str(row["metric"]).strip())
        measure = str(row["measure"]).strip()
        if spec is None or measure not in ("target", "target_yoy", "target_share"):
            raise UserError(f"targets: row for {row['metric']!r}/{measure!r} names an unknown metric or measure; "
                            f"use a metric id ({', '.join(list(METRICS)[:6])} …) and target|target_yoy|target_share")
        target_period = parse_period(when)
        unit = spec.unit if measure == "target" else "%"
        out.append(_fact(spec.id, measure, row["value"], unit, target_period, dim, kind="target"))
        actual_measure = {"target": "value", "target_yoy": "yoy", "target_share": "share"}[measure]
        actual = by_id.get(fact_id(spec.id, actual_measure, when, dim))
        if actual is None:
            continue
        gap = actual.value - row["value"]
        met = gap >= 0 if spec.better == "up" or measure == "target_share" else gap <= 0
        gap_measure = {"target": "gap", "target_yoy": "gap_yoy", "target_share": "gap_share"}[measure]
        gap_unit = "pp" if unit == "%" else unit
        out.append(_fact(spec.id, gap_measure, gap, gap_unit, target_period, dim, kind="target",
                         status="met" if met else "missed"))
    return out


def compute_facts(data_dir: Path, period_text: str, cache_dir: Path, columns: dict | None = None,
                  promo_windows: dict | None = None, engine_url: str = "") -> MetricsResult:
    """All facts for a period and the same period a year earlier, with derived measures."""
    from drafter.backends.engine import make_engine

    period = parse_period(period_text)
    engine = make_engine(engine_url)
    loaded = load_data(engine, Path(data_dir), Path(cache_dir), columns or {})
    if not order_count(engine, period):
        span = engine.query("SELECT MIN(order_time) AS a, MAX(order_time) AS b FROM orders").to_dict("records")[0]
        name = loaded.files["orders"].name
        raise UserError(f"{name} covers {span['a']:%Y-%m-%d} to {span['b']:%Y-%m-%d} and has nothing in "
                        f"{period.label}; choose a period inside that range")
    result = MetricsResult(period=period, facts=[], skipped=skipped_metrics(loaded), files=dict(loaded.files))
    last_year = period.previous_year()
    current = period_values(engine, loaded, period, promo_windows)
    previous = period_values(engine, loaded, last_year, promo_windows) if order_count(engine, last_year) else None
    facts = _value_facts(current, period) + _breakdown_facts(current, previous, period)
    if previous is None:
        result.notes.append(f"no orders in {last_year.label}: year-on-year facts left out")
    else:
        facts += _value_facts(previous, last_year) + _change_facts(current, previous, period, "yoy")
        before = last_year.previous_year()
        if order_count(engine, before):
            older = period_values(engine, loaded, before, promo_windows)
            facts += _change_facts(previous, older, last_year, "yoy") + _breakdown_facts(previous, older, last_year)
        else:
            facts += _breakdown_facts(previous, None, last_year)
    if period.grain != "year":
        prior = period.previous()
        if order_count(engine, prior):
            facts += _change_facts(current, period_values(engine, loaded, prior, promo_windows), period, "pop")
    facts += _kpi_facts(engine, loaded, period)
    facts += _target_facts(engine, loaded, facts, period)
    result.facts = facts
    return result


def facts_frame(facts: list[Fact]):
    """The facts table of DESIGN.md as a pandas DataFrame."""
    import pandas as pd

    rows = [{**{c: getattr(f, c) for c in FACT_COLUMNS}, "aliases": "|".join(f.aliases)} for f in facts]
    return pd.DataFrame(rows, columns=[*FACT_COLUMNS, "aliases"])


__all__ = ["DIMENSION_LABELS", "METRICS", "MetricsResult", "compute_facts", "facts_frame", "parse_period"]
