"""`drafter metrics`: the period's facts as tables grouped by area, or the facts table as CSV/JSON; the registry."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from drafter.cli.app import DirOption, app, load, period_arg
from drafter.cli.app import console as make_console
from drafter.config import Config
from drafter.errors import UserError
from drafter.files import atomic_write_text

if TYPE_CHECKING:
    from drafter.periods import Period


@app.command()
def metrics(
    period: object = typer.Option(None, "--period", "-p", parser=period_arg, metavar="PERIOD",
                                  help="2025, 2025Q3, 2025H1, 2025-11 or 2025-W47 (required)."),
    data: Path = typer.Option(None, "--data", help="Data folder (default: from drafter.toml, else ./data)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    out: Path = typer.Option(None, "--out", help="Write csv/json to this file instead of stdout."),
    definitions: bool = typer.Option(False, "--definitions",
                                     help="List every metric's label, unit, definition and formula instead."),
    folder: Path = DirOption,
) -> None:
    """Compute the period's facts from the data files."""
    if definitions:
        run_definitions(fmt, out, make_console())
        return
    run_metrics(load(folder), period, data, fmt, out, make_console())


def run_metrics(config: Config, period: Period | None, data: Path | None, fmt: str, out: Path | None, console) -> None:
    """Compute facts and print them as a table, CSV or JSON."""
    from drafter.metrics import compute_facts, facts_frame

    _check_format(fmt)
    if not period:
        raise UserError("--period is required, e.g. --period 2025, 2025Q3, 2025H1, 2025-11 or 2025-W47 "
                        "(or --definitions to list what each metric means)")
    data_dir = Path(data) if data else config.data_dir
    result = compute_facts(data_dir, period, config.cache_dir, config.columns, config.promo_windows,
                           engine_url=config.engine_url, channels=config.channels, categories=config.categories)
    if result.data_summary:
        print(result.data_summary, file=sys.stderr)
    # On standard error, like the notes below: which engine ran the definitions and what it read.
    print(f"engine: {result.engine}; read: " + ", ".join(f"{table} ← {name}" for table, name in result.sources.items()),
          file=sys.stderr)
    if fmt == "table":
        _print_facts_table(result, console)
        return
    _emit(facts_frame(result.facts), fmt, out, "facts", console)
    # On standard error, so a script reading the table from standard output still learns what is missing.
    for metric, reason in result.skipped.items():
        print(f"skipped {metric}: {reason}", file=sys.stderr)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)


def _check_format(fmt: str) -> None:
    if fmt not in ("table", "csv", "json"):
        raise UserError(f"--format {fmt!r}: use table, csv or json")


def _emit(frame, fmt: str, out: Path | None, what: str, console) -> None:
    """A table as CSV or JSON (full precision), to a file written atomically or to standard output."""
    text = frame.to_csv(index=False) if fmt == "csv" else _json(frame)
    if out:
        atomic_write_text(Path(out), text)
        console.print(f"{len(frame)} {what} written to {out}")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _json(frame) -> str:
    """Records as JSON, each number in its shortest exact form: GMV summed to the cent prints as 28693517.04
    (pandas' own writer printed 28693517.03999999910593)."""
    import json

    records = [{k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
               for row in frame.to_dict("records")]
    return json.dumps(records, ensure_ascii=False, indent=2)


def run_definitions(fmt: str, out: Path | None, console) -> None:
    """The metric registry: each metric's id, label, unit, area, definition in words, formula, aliases, tables."""
    import pandas as pd
    from rich.table import Table

    from drafter.metrics.registry import AREAS, MANUAL_KPIS, METRICS

    _check_format(fmt)
    rows = [{"id": m.id, "label": m.label, "unit": m.unit, "area": AREAS[m.area], "definition": m.definition,
             "formula": m.formula, "aliases": "|".join(m.aliases), "needs": ",".join(m.needs)}
            for m in METRICS.values()]
    rows += [{"id": kpi_id, "label": label, "unit": "", "area": AREAS["service"],
              "definition": "团队在指标表（kpis）中填报的数值，按期间读取", "formula": "kpis.value",
              "aliases": "|".join(aliases), "needs": "kpis"} for kpi_id, (label, aliases) in MANUAL_KPIS.items()]
    if fmt != "table":
        _emit(pd.DataFrame(rows), fmt, out, "metric definitions", console)
        return
    for area in AREAS.values():
        table = Table(title=f"{area} · 指标口径")
        for column in ("id", "label", "unit", "definition", "formula"):
            table.add_column(column, overflow="fold")  # Chinese has no spaces to wrap at
        for row in (r for r in rows if r["area"] == area):
            table.add_row(row["id"], row["label"], row["unit"], row["definition"], row["formula"])
        console.print(table)


def _area(fact) -> str | None:
    from drafter.metrics.registry import METRICS

    for prefix, area in (("channel=", "channels"), ("category=", "categories"), ("buyer=", "users")):
        if fact.dimension.startswith(prefix):
            return area
    if fact.dimension and not fact.dimension.startswith("scope="):  # scope=: buyer metrics of some platforms only
        return None
    return METRICS[fact.metric].area if fact.metric in METRICS else "service"


def _print_facts_table(result, console) -> None:
    from rich.table import Table

    from drafter.display import display
    from drafter.metrics.registry import AREAS, DIMENSION_LABELS, METRICS

    period = result.period.label
    by_id = {f.id: f for f in result.facts}
    for area, area_label in AREAS.items():
        rows = [f for f in result.facts if f.period == period and f.measure == "value" and _area(f) == area]
        if not rows:
            continue
        table = Table(title=f"{area_label} · {period}")
        for column in ("metric", "label", "dimension", "value", "yoy"):
            table.add_column(column)
        for fact in rows:
            change = by_id.get(fact.id.replace(f".{period}", f".yoy.{period}", 1))
            table.add_row(fact.metric, fact.label, fact.dimension, display(fact),
                          display(change, signed=True) if change else "—")
        console.print(table)
    _print_series_table(result, console)
    # Why GMV moved: each part's share of the change (sums to 100% per breakdown).
    drivers = [f for f in result.facts if f.period == period and f.measure in ("contribution", "driver")]
    if drivers:
        table = Table(title=f"GMV变化驱动 · {period}")
        for column in ("breakdown", "part", "share of the change"):
            table.add_column(column)
        for fact in drivers:
            kind, _, name = fact.dimension.partition("=")
            if fact.measure == "driver":
                where = f"{name}：" if name else "全部："
                table.add_row("访客×转化率×客单价", where + METRICS[fact.metric].label, display(fact, signed=True))
            else:
                table.add_row(DIMENSION_LABELS.get(kind, kind), name, display(fact, signed=True))
        console.print(table)
    _print_targets_table(result, console)
    for metric, reason in result.skipped.items():
        console.print(f"skipped {metric}: {reason}")
    for note in result.notes:
        console.print(f"note: {note}")


def _print_series_table(result, console) -> None:
    """GMV by month (a year, half or quarter) or by day (a month or week) in calendar order, each one's part of the
    period; the peak marked, and the days of promotions named."""
    from rich.table import Table

    from drafter.display import display
    from drafter.metrics.cadence import day_dimension, promotion_days
    from drafter.models import fact_id

    period = result.period.label
    by_id = {f.id: f for f in result.facts}
    if result.period.grain in ("month", "week"):
        promos = {day_dimension(d): name for name, days in promotion_days(result.period).items() for d in days}
        keys, unit, title = [day_dimension(d) for d in result.period.days()], "day", "每日GMV"
    else:
        promos, keys, unit, title = {}, [f"month={m}月" for m in range(1, 13)], "month", "月度GMV"
    series = [by_id[fact_id("gmv", "value", period, k)] for k in keys if fact_id("gmv", "value", period, k) in by_id]
    if not series:
        return
    table = Table(title=f"{title} · {period}")
    for column in (unit, "GMV", "share", ""):
        table.add_column(column)
    for fact in series:
        share, rank = (by_id.get(fact_id("gmv", m, period, fact.dimension)) for m in ("share", "rank"))
        marks = ["峰值" if rank and rank.value == 1 else "", promos.get(fact.dimension, "")]
        table.add_row(fact.dimension.partition("=")[2], display(fact), display(share) if share else "—",
                      " ".join(m for m in marks if m))
    console.print(table)


def _print_targets_table(result, console) -> None:
    """Each target of the period (and, for a quarter or month, of its year) against the actual."""
    from rich.table import Table

    from drafter.display import display
    from drafter.models import TARGET_ACTUAL, TARGET_GAP, TARGET_NAMES, fact_id

    by_id = {f.id: f for f in result.facts}
    periods = (result.period.label, result.period.whole_year().label)
    targets = [f for f in result.facts if f.measure in TARGET_ACTUAL and f.period in periods]
    if not targets:
        return
    table = Table(title=f"目标达成 · {result.period.label}")
    for column in ("label", "dimension", "target", "actual", "gap", "status"):
        table.add_column(column, no_wrap=column in ("target", "actual", "gap"))
    for target in targets:
        actual_measure, gap_measure = TARGET_ACTUAL[target.measure], TARGET_GAP[target.measure]
        actual = by_id.get(fact_id(target.metric, actual_measure, target.period, target.dimension))
        gap = by_id.get(fact_id(target.metric, gap_measure, target.period, target.dimension))
        # A quarter states its year's targets, but the year is not over: no verdict yet.
        status = {"met": "达成", "missed": "未达成"}.get(gap.status, "") if gap else \
            ("全年未完" if target.period != result.period.label else "—")
        table.add_row(target.label + TARGET_NAMES[target.measure], target.dimension, display(target),
                      display(actual, signed=actual_measure != "value") if actual else "—",
                      display(gap, signed=True) if gap else "—", status)
    console.print(table)
