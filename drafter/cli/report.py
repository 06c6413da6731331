"""Commands on one report: write, verify, regen and accept."""

from __future__ import annotations

from pathlib import Path

import typer

from drafter.cli.app import DirOption, app, console, load, period_arg
from drafter.errors import UserError


def check_fallback(fallback: str) -> None:
    """--fallback takes one value."""
    if fallback not in ("", "offline"):
        raise UserError(f"--fallback {fallback!r}: the only fallback is 'offline'")


def _exit_on_problems(counts: dict) -> None:
    # Exit 1 when a figure is wrong or a section failed: the draft is there, but needs a look.
    if counts.get("mismatch") or counts.get("claim_error") or counts.get("failed_sections"):
        raise typer.Exit(1)


@app.command()
def write(
    # object: a Period, parsed by period_arg (metrics is imported only when a command runs)
    period: object = typer.Option(..., "--period", "-p", parser=period_arg, metavar="PERIOD",
                                  help="2025, 2025Q3, 2025H1 or 2025-07."),
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
    from drafter.cli.draft_commands import run_write
    from drafter.render.script import check_script

    check_fallback(fallback)
    counts = run_write(load(folder), period, kind, out, force, console(), fallback=fallback,
                       use_cache=not no_cache, script=check_script(script), exports=not no_exports)
    _exit_on_problems(counts)


@app.command()
def verify(
    path: Path = typer.Argument(..., help="A report (.md, .txt or Word .docx) or a draft folder."),
    facts: Path = typer.Option(None, "--facts", help="Facts table CSV (as `drafter metrics --format csv` writes)."),
    period: object = typer.Option(None, "--period", parser=period_arg, metavar="PERIOD",
                                  help="The report's period (default: its draft's, or its title's)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    strict: bool = typer.Option(False, "--strict", help="Treat unsupported figures as errors."),
    annotate: bool = typer.Option(False, "--annotate", help="For a .docx: write <name>.checked.docx with a comment "
                                  "(批注) on every problem figure."),
    folder: Path = DirOption,
) -> None:
    """Check every figure in a report against the facts, like a linter.

    Without --facts, a report is checked against its draft folder's facts.json, else the working folder's data."""
    from drafter.cli.draft_commands import run_verify

    raise typer.Exit(run_verify(load(folder), path, facts, period, as_json, strict, annotate, console()))


@app.command()
def regen(
    draft: Path = typer.Argument(..., help="A draft folder made by `drafter write`."),
    section: str = typer.Option(..., "--section", "-s", help="The section id (see its marker in report.md)."),
    note: str = typer.Option("", "--note", help="An instruction for the writer, e.g. \"多写抖音的退款问题\"."),
    force: bool = typer.Option(False, "--force", help="Regenerate even though the section has hand edits."),
    fallback: str = typer.Option("", "--fallback", help="'offline': use the offline writer if the model fails."),
    folder: Path = DirOption,
) -> None:
    """Re-draft one section; every other section stays exactly as you left it."""
    from drafter.cli.draft_commands import run_regen

    check_fallback(fallback)
    counts = run_regen(load(folder), draft, section, note, force, console(), fallback=fallback)
    _exit_on_problems(counts)


@app.command()
def accept(
    draft: Path = typer.Argument(..., help="A draft folder made by `drafter write`, or a finished Word report."),
    force: bool = typer.Option(False, "--force", help="Accept even while figures disagree with the facts."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    facts: Path = typer.Option(None, "--facts", help="For a .docx: the facts table CSV to verify it against."),
    period: object = typer.Option(None, "--period", parser=period_arg, metavar="PERIOD",
                                  help="For a .docx: its period (default: its title's)."),
    folder: Path = DirOption,
) -> None:
    """Verify the final report and add it to the corpus, so next period's draft can cite it."""
    from drafter.cli.draft_commands import run_accept

    raise typer.Exit(run_accept(load(folder), draft, force, as_json, console(), facts, period))
