"""`drafter data check`: which files of the data folder are read, as what, and what is left out and why."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from drafter.cli.app import DirOption, load
from drafter.cli.app import console as make_console

data_app = typer.Typer(no_args_is_help=True, help="Inspect the data folder.")


@data_app.command("check")
def check(
    data: Path = typer.Option(None, "--data", help="Data folder (default: from drafter.toml, else ./data)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    folder: Path = DirOption,
) -> None:
    """Per file: the platform and table recognised, rows, orders paid/unpaid/cancelled/refunded, period, columns."""
    from drafter.metrics.check import check_folder

    config = load(folder)
    result = check_folder(Path(data) if data else config.data_dir, config.cache_dir, config.columns, config.channels)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print(result)
    if result["errors"]:
        raise typer.Exit(2)


def _print(result: dict) -> None:
    from rich.markup import escape

    out, err = make_console(highlight=False), make_console(stderr=True, highlight=False)
    out.print(f"data folder: {escape(result['data'])}")
    for f in result["files"]:
        name = escape(f["file"])
        if not f["table"] or f["reason"]:
            what = f" ({escape(f['platform'])})" if f["platform"] else ""
            out.print(f"\n[yellow]{name}[/]{what}: not read: {escape(f['reason'])}")
            continue
        channels = ", ".join(f"{c} {n}" for c, n in f["channels"].items())
        out.print(f"\n[bold]{name}[/]: {escape(f['platform'] or 'canonical table')} → {f['table']}"
                  + (f" (channels: {escape(channels)})" if channels else ""))
        if f["table"] != "orders":
            out.print(f"  rows {f['rows']}")
            continue
        out.print(f"  rows {f['rows']}, main orders {f['orders']}: paid {f['paid']} (of which refunded "
                  f"{f['refunded']}), unpaid {f['unpaid']}, cancelled {f['cancelled']}")
        if f["first"]:
            out.print(f"  paid orders from {f['first']} to {f['last']}")
        out.print("  columns: " + escape(", ".join(f"{k} ← {v}" for k, v in f["columns"].items())))
        out.print(f"  buyer account: {escape(f['buyer'] or 'none (buyer metrics leave this file out)')}")
        for reason, rows in f["excluded"].items():
            out.print(f"  left out: {rows} — {escape(reason)}")
    scope = result["buyers"]
    if scope.get("without"):
        without = f"{'、'.join(scope['without'])} orders carry no buyer account (in some or all of their exports)"
        out.print(f"\nbuyers: counted from the accounts of {'、'.join(scope['with'])}; {without}, so buyer metrics "
                  f"cover {'、'.join(scope['with'])} only" if scope.get("with") else
                  f"\nbuyers: no buyer metrics; {without}")
    for message in result["errors"]:
        err.print(f"[bold red]error:[/] {escape(message)}")
