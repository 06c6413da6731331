"""`drafter targets`: propose the period's targets from its plan in the corpus, for the user to confirm."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from drafter.cli.app import DirOption, app, load, period_arg
from drafter.cli.app import console as make_console
from drafter.errors import UserError

if TYPE_CHECKING:
    from drafter.periods import Period

QUERY = "{year}年 目标 核心目标 GMV 同比增长 复购率 客单价 退款率 渠道占比"


def _chunk_order(chunk) -> tuple[str, int]:
    # Chunk ids end in ":<position>"; parse in document order so a table comes before its restatement.
    tail = chunk.id.rsplit(":", 1)[-1]
    return chunk.doc_id, int(tail) if tail.isdigit() else 0


def targets_from_plan(config, period: Period | str, k: int = 60):
    """Search the corpus for the plan of `period` and parse its targets; (parsed plan, titles searched)."""
    from drafter.metrics.targets import parse_plan
    from drafter.periods import as_period
    from drafter.retrieve import search

    label = as_period(period).label
    chunks = search(config, QUERY.format(year=label[:4]), kind="plan", period=label, k=k)
    if not chunks:
        raise UserError(f"no plan for {label} in the corpus; add it with `drafter corpus add FILE --kind plan "
                        f"--period {label}` and run this again")
    plan = None
    for chunk in sorted(chunks, key=_chunk_order):
        plan = parse_plan(chunk.text, label, heading=chunk.heading, plan=plan)
    return plan, sorted({c.title for c in chunks})


@app.command("targets")
def targets_command(
    period: object = typer.Option(..., "--period", "-p", parser=period_arg, metavar="PERIOD",
                                  help="The period the plan set targets for: 2025, 2025Q3 …"),
    write: bool = typer.Option(False, "--write", help="Add the new targets to the data folder's targets.csv."),
    data: Path = typer.Option(None, "--data", help="Data folder (default: from drafter.toml, else ./data)."),
    folder: Path = DirOption,
) -> None:
    """Propose targets parsed from the period's plan in the corpus; --write merges them into targets.csv."""
    from rich.markup import escape
    from rich.table import Table

    from drafter.metrics.targets import merge_targets

    console = make_console()
    config = load(folder)
    with console.status(f"searching the corpus for the {period.label} plan…"):
        plan, titles = targets_from_plan(config, period)
    console.print(f"plan searched: {'、'.join(f'《{t}》' for t in titles)}", highlight=False)
    if not plan.targets:
        for text, reason in plan.not_understood:
            console.print(f"not understood: {escape(text)} ({reason})", highlight=False)
        console.print(f"[yellow]no targets found in the {period.label} plan[/]; add them to targets.csv by hand")
        raise typer.Exit(1)
    merged = merge_targets(Path(data) if data else config.data_dir, plan.targets, write)
    differing = {t.key: old for t, old in merged.differing}
    table = Table(title=f"targets for {period.label} proposed from the plan")
    for column in ("target", "measure", "value", "dimension", "status", "plan says"):
        table.add_column(column)
    for target in plan.targets:
        if target.key in differing:
            status = f"[red]file has {escape(differing[target.key])}[/]"
        elif target in merged.present:
            status = "in file"
        else:
            status = "[green]added[/]" if write else "new"
        table.add_row(f"{target.label} ({target.metric})", target.measure, f"{target.value:g}{target.unit}",
                      escape(target.dimension), status, escape(target.source.strip("| ")))
    console.print(table)
    for first, second in plan.conflicts:
        console.print(f"[yellow]the plan states {first.label} {first.measure} twice[/]: {first.value:g} "
                      f"({escape(first.source)}) and {second.value:g} ({escape(second.source)}); the first is used")
    for text, reason in plan.not_understood:
        console.print(f"not understood: {escape(text)} ({reason})", highlight=False)
    if merged.differing:
        console.print("rows that differ from targets.csv are never overwritten: edit the file to change them")
    if write:
        console.print(f"{len(merged.added)} new targets written to {merged.path}", highlight=False)
    elif merged.added:
        console.print(f"check them, then run again with --write to add {len(merged.added)} rows to {merged.path}",
                      highlight=False)
    else:
        console.print(f"{merged.path} already has every target the plan states", highlight=False)
