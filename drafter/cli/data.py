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
    result = check_folder(Path(data) if data else config.data_dir, config.cache_dir, config.columns, config.channels,
                          config.categories)
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
            _print_download(out, f)
            continue
        out.print(f"  rows {f['rows']}, main orders {f['orders']}: paid {f['paid']} (of which refunded "
                  f"{f['refunded']}), unpaid {f['unpaid']}, cancelled {f['cancelled']}")
        if f["first"]:
            out.print(f"  paid orders from {f['first']} to {f['last']}")
        out.print("  columns: " + escape(", ".join(f"{k} ← {v}" for k, v in f["columns"].items())))
        out.print(f"  buyer account: {escape(f['buyer'] or 'none (buyer metrics leave this file out)')}")
        for reason, rows in f["excluded"].items():
            out.print(f"  left out: {rows} — {escape(reason)}")
        _print_coverage(out, f)
    _print_categories(out, result.get("categories") or {})
    scope = result["buyers"]
    if scope.get("without"):
        without = f"{'、'.join(scope['without'])} orders carry no buyer account (in some or all of their exports)"
        out.print(f"\nbuyers: counted from the accounts of {'、'.join(scope['with'])}; {without}, so buyer metrics "
                  f"cover {'、'.join(scope['with'])} only" if scope.get("with") else
                  f"\nbuyers: no buyer metrics; {without}")
    for message in result["errors"]:
        err.print(f"[bold red]error:[/] {escape(message)}")


def _print_download(out, f: dict) -> None:
    """A canonical table or a traffic, ad, order-line or product-list download."""
    from rich.markup import escape

    period = f" from {f['first']} to {f['last']}" if f["first"] else ""
    out.print(f"  rows {f['rows']}{period}")
    if f["gaps"]:
        out.print(f"  days missing: {escape(', '.join(f['gaps']))}")
    if f["columns"]:
        out.print("  columns: " + escape(", ".join(f"{k} ← {v}" for k, v in f["columns"].items())))
    for reason, rows in f["excluded"].items():
        out.print(f"  left out: {rows} — {escape(reason)}")
    _print_coverage(out, f)


def _print_coverage(out, f: dict) -> None:
    """How a file's order lines found their category."""
    from rich.markup import escape

    coverage = f.get("coverage") or {}
    if coverage.get("found_by"):
        share = coverage.get("amount_share")
        out.print("  category found by: " + escape(", ".join(f"{k} {v}" for k, v in coverage["found_by"].items()))
                  + (f"; {share}% of the stated line amounts found one" if share is not None else ""))
    if coverage.get("uncategorised"):
        out.print("  largest uncategorised: " + escape(", ".join(coverage["uncategorised"])))


def _print_categories(out, categories: dict) -> None:
    from rich.markup import escape

    for year, got in (categories.get("years") or {}).items():
        flag = " [yellow](below 95%: category figures say so)[/]" if got["partial"] else ""
        out.print(f"\ncategories {year}: {got['coverage']}% of GMV found a category{flag}")
    if categories.get("mixed_orders_not_split"):
        out.print(f"  {categories['mixed_orders_not_split']} orders span several categories and their platform "
                  f"states no line amounts: not split (left out of category GMV)")
    top = categories.get("largest_uncategorised") or []
    if top:
        out.print("  largest uncategorised: " + escape(", ".join(f"{t['code']} ({t['amount']})" for t in top[:5])))
