"""Review in Word: `pull` brings the edits made in a draft's report.docx back into report.md."""

from __future__ import annotations

from pathlib import Path

import typer

from drafter.cli.app import DirOption, app, console, load


@app.command()
def pull(
    draft: Path = typer.Argument(..., help="A draft folder made by `drafter write`."),
    source: Path = typer.Option(None, "--from", help="The edited Word file (default: the draft's report.docx)."),
    folder: Path = DirOption,
) -> None:
    """Bring edits made in Word back into report.md, section by section, then verify."""
    from drafter.draft.pull import pull_docx

    out = console()
    result = pull_docx(load(folder), draft, source)
    if result.nothing:
        out.print(f"{result.source} has no edits since drafter wrote it; nothing to pull", highlight=False)
        return
    for section_id, title in result.changed:
        bad = [f for f in result.section_findings.get(section_id, []) if f.verdict != "verified"]
        what = "text changed, now counts as hand-edited" if section_id in result.edited else "heading renamed"
        out.print(f"changed: {section_id} ({title}): {what}; {len(bad)} figure(s) to look at", highlight=False)
        for f in bad:
            out.print(f"  report.md:{f.line}:{f.col}: {f.verdict}: {f.message or f.text}", highlight=False,
                      markup=False)
    for section_id, title in result.lost:
        out.print(f"[yellow]not pulled: {section_id} ({title})[/] — its heading's bookmark is gone from "
                  f"{result.source.name} (heading deleted or retyped?); copy its edits into report.md by hand",
                  highlight=False)
    for title in result.unmarked:
        out.print(f"[yellow]not pulled: heading {title!r}[/] in {result.source.name} matches no section of "
                  f"report.md; copy its text into report.md by hand", highlight=False)
    for section_id, title in result.conflicts:
        out.print(f"[yellow]not pulled: {section_id} ({title})[/] — changed both in report.md and in "
                  f"{result.source.name} since the export; merge the two by hand", highlight=False)
    if not result.changed:
        out.print(f"no section of {result.source.name} differs from report.md", highlight=False)
    out.print("whole report: " + ", ".join(f"{k}: {v}" for k, v in result.counts.items()), highlight=False)
    counts = result.counts
    if result.lost or result.unmarked or result.conflicts:
        raise typer.Exit(2)
    raise typer.Exit(1 if counts.get("mismatch") or counts.get("claim_error") else 0)
