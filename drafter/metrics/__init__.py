"""The metrics stage: data files + period → facts, deterministically (never an LLM)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from drafter.errors import UserError
from drafter.metrics.cadence import SHORT_GRAINS, month_to_date
from drafter.metrics.compute import period_values, skipped_metrics
from drafter.metrics.data import load_data
from drafter.metrics.derived import (
    attainment_facts,
    breakdown_facts,
    change_facts,
    driver_facts,
    kpi_facts,
    target_facts,
    value_facts,
)
from drafter.metrics.registry import DIMENSION_LABELS, METRICS
from drafter.models import Fact
from drafter.periods import Period, as_period, parse_period

FACT_COLUMNS = ["metric", "label", "measure", "value", "unit", "period", "dimension"]


@dataclass
class MetricsResult:
    """Facts for a period plus notes on what could not be computed."""

    period: Period
    facts: list[Fact]
    notes: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    data_summary: str = ""  # one line on the files read, for standard error
    engine: str = "duckdb"
    # table → where its rows came from: a file name, or "table SCHEMA.NAME" in a warehouse
    sources: dict[str, str] = field(default_factory=dict)


def compute_facts(data_dir: Path, period: Period | str, cache_dir: Path, columns: dict | None = None,
                  promo_windows: dict | None = None, engine_url: str = "",
                  channels: dict | None = None, categories: dict | None = None) -> MetricsResult:
    """All facts for a period and the same period a year earlier, with derived measures.

    categories: drafter.toml's [categories] title keywords, the fallback for order lines no product list maps."""
    from drafter.backends.engine import make_engine

    period = as_period(period)
    engine = make_engine(engine_url)
    try:
        return _compute(engine, data_dir, period, cache_dir, columns, promo_windows, channels, categories)
    finally:
        engine.close()


def _compute(engine, data_dir, period: Period, cache_dir, columns, promo_windows, channels=None,
             categories=None) -> MetricsResult:
    from drafter.metrics.categories import add_categories, coverage_note
    from drafter.metrics.folder import summary
    from drafter.metrics.lines import keyword_table
    from drafter.metrics.scope import apply_scope, buyer_scope, scope_dimension, scope_note
    from drafter.metrics.stack import partly_covered
    from drafter.metrics.traffic import add_marketing, add_traffic

    loaded = load_data(engine, Path(data_dir), Path(cache_dir), columns or {}, channels,
                       keywords=keyword_table(categories or {}))
    last_year = period.previous_year()
    before = last_year.previous_year()
    wanted = [period, last_year, before] + ([period.previous()] if period.grain != "year" else [])
    # All periods in one pass per kind of metric (sales, buyers) rather than one pass per period.
    values = period_values(engine, loaded, list({p.label: p for p in wanted}.values()), promo_windows)
    if not values:
        span = engine.query("SELECT MIN(order_time) AS a, MAX(order_time) AS b FROM orders").to_dict("records")[0]
        raise UserError(f"{loaded.names['orders']} covers {span['a']:%Y-%m-%d} to {span['b']:%Y-%m-%d} and has "
                        f"nothing in {period.label}; choose a period inside that range")
    partial = partly_covered(engine, loaded.reports, wanted[1:])
    for label in partial:
        values.pop(label, None)
    for label, period_values_ in values.items():
        apply_scope(engine, period_values_, parse_period(label), loaded.scope)
        add_traffic(engine, parse_period(label), period_values_, loaded)
        add_marketing(engine, parse_period(label), period_values_, loaded)
        add_categories(engine, parse_period(label), period_values_, loaded.lines is not None)
    cadence_notes = _add_daily(engine, loaded, values, wanted)
    result = MetricsResult(period=period, facts=[], skipped=skipped_metrics(loaded), files=dict(loaded.files),
                           data_summary=summary(loaded.reports, loaded.canonical, loaded.scope),
                           engine=engine.name, sources=dict(loaded.names))
    scope = buyer_scope(engine, period, loaded.scope)
    if scope_dimension(scope) != "":
        result.notes.append(scope_note(scope))
    result.notes += cadence_notes
    current, previous = values[period.label], values.get(last_year.label)
    partial_categories = coverage_note(current, period)
    if partial_categories:
        result.notes.append(partial_categories)
    facts = value_facts(current, period) + breakdown_facts(current, previous, period)
    if previous is None:
        why = partial.get(last_year.label, f"no orders in {last_year.label}")
        result.notes.append(f"{why}: year-on-year facts left out")
    else:
        facts += value_facts(previous, last_year) + change_facts(current, previous, period, "yoy")
        facts += driver_facts(current, previous, period)
        older = values.get(before.label)
        if older is not None:
            facts += change_facts(previous, older, last_year, "yoy") + driver_facts(previous, older, last_year)
        facts += breakdown_facts(previous, older, last_year)
    if period.previous().label in partial and period.grain != "year":
        result.notes.append(f"{partial[period.previous().label]}: period-on-period facts left out")
    if period.grain != "year" and period.previous().label in values:
        facts += change_facts(current, values[period.previous().label], period, "pop")
        if period.grain in SHORT_GRAINS:  # a month's or week's report names last month's or week's totals
            facts += [f for f in value_facts(values[period.previous().label], period.previous()) if not f.dimension]
    _mark_coverage(facts, values)
    facts += kpi_facts(engine, loaded, period)
    facts += target_facts(engine, loaded, facts, period)
    facts += attainment_facts(facts, month_to_date(engine, period))
    result.facts = facts
    return result


def _add_daily(engine, loaded, values: dict, periods: list[Period]) -> list[str]:
    """A month's or week's daily series and promotion days joined to its values; a week drops a monthly spend."""
    from drafter.metrics.cadence import daily_values, drop_monthly_marketing, marketing_is_monthly, partial_note

    for label, daily in daily_values(engine, [p for p in periods if p.label in values]).items():
        values[label].update(daily)
    notes = [partial_note(engine, periods[0])] if periods[0].grain in SHORT_GRAINS else []
    if periods[0].grain == "week" and loaded.has("marketing") and marketing_is_monthly(engine):
        for period_values_ in values.values():
            drop_monthly_marketing(period_values_)
        notes.append(f"{loaded.names['marketing']} gives spend by month only: a week's marketing spend, ROI and CAC "
                     f"left out")
    return [note for note in notes if note]


def _mark_coverage(facts: list[Fact], values: dict) -> None:
    """Category facts of a period whose categories cover part of GMV carry that coverage in their formula."""
    from drafter.metrics.categories import FULL_COVERAGE

    for fact in facts:
        share = values.get(fact.period, {}).get(("category_coverage", ""))
        if fact.dimension.startswith("category=") and share is not None and share < FULL_COVERAGE:
            fact.formula = f"{fact.formula} (categories cover {share:.1f}% of GMV)".strip()


def facts_frame(facts: list[Fact]):
    """The facts table of DESIGN.md as a pandas DataFrame."""
    import pandas as pd

    # After the table's own columns: aliases, and whether a target was met (on gap rows: met or missed).
    rows = [{**{c: getattr(f, c) for c in FACT_COLUMNS}, "aliases": "|".join(f.aliases), "status": f.status}
            for f in facts]
    return pd.DataFrame(rows, columns=[*FACT_COLUMNS, "aliases", "status"])


__all__ = ["DIMENSION_LABELS", "METRICS", "MetricsResult", "compute_facts", "facts_frame"]
