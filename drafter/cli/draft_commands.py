"""What the commands on one draft print: init, write, verify, regen and accept, over the draft package."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from drafter.config import Config, load_config

if TYPE_CHECKING:
    from drafter.periods import Period

VERDICT_STYLE = {"verified": "green", "mismatch": "bold red", "unsupported": "yellow", "claim_error": "bold red"}


def init_workspace(folder: Path, embedder: str, scale: float, console) -> Config:
    """Create a working folder with the demo data and corpus, and index the corpus."""
    import time

    from drafter.corpus import add_paths
    from drafter.demo import init_folder
    from drafter.resources import demo_corpus_dir

    started = time.perf_counter()
    with console.status("generating the demo company's data (2023–2025)…"):
        init_folder(Path(folder), demo_corpus_dir(), scale=scale, embedder=embedder)
    config = load_config(folder)
    console.print(f"data written to {config.data_dir}")
    with console.status(f"indexing the demo corpus with the {config.embedder} embedder…"):
        report = add_paths(config, [config.corpus_dir])
    console.print(f"corpus indexed: {len(report.added)} added, {len(report.unchanged)} unchanged, "
                  f"{len(report.failed)} failed")
    console.print(f"[green]ready[/] in {time.perf_counter() - started:.1f}s: {config.root}")
    return config


def init_own_shop(folder: Path, company: str, embedder: str, console) -> None:
    """Create a working folder for the team's own shop and say what to put where."""
    from drafter.shop import init_shop

    made = init_shop(Path(folder), company, embedder=embedder)
    config = load_config(folder)
    for path in made:
        console.print(f"{path}", highlight=False)
    console.print(f"[green]ready[/]: working folder for {config.company} at {config.root}", highlight=False)
    console.print(f"next: put your shops' downloads, as downloaded, into {config.data_dir} (its README.txt says "
                  f"what to download from which back office) and run `drafter data check`; put past reports into "
                  f"{config.corpus_dir} and run `drafter corpus add {config.corpus_dir}`; then "
                  f"`drafter write --period YEAR`", highlight=False)


def _section_figures(markdown: str, findings) -> dict[str, dict[str, int]]:
    from drafter.render import parse_sections

    per: dict[str, dict[str, int]] = {}
    for section in parse_sections(markdown):
        inside = [f for f in findings if section.start_line < f.line <= section.end_line]
        per[section.id] = {"figures": len(inside), "verified": sum(f.verdict == "verified" for f in inside)}
    return per


def run_write(config: Config, period: Period | str, kind: str, out: Path | None, force: bool, console,
              fallback: str = "", use_cache: bool = True, script: str = "simplified", exports: bool = True) -> dict:
    """Draft a report and print where it is and a summary."""
    from rich.markup import escape
    from rich.table import Table

    from drafter.backends.llm import model_label
    from drafter.draft.write import write_draft

    if not config.llm_enabled:
        console.print("no LLM configured: drafting with the built-in offline writer")
    else:
        console.print(f"drafting with {model_label(config)}")
    with console.status("drafting…") as status:
        result = write_draft(config, period, kind, out, force, progress=lambda m: status.update(m + "…"),
                             fallback=fallback, use_cache=use_cache, script=script, exports=exports)
    # What the data was, on standard error: which exports were read, and what the metrics could not cover.
    for line in ([result.data_summary] if result.data_summary else []) + [f"note: {n}" for n in result.notes]:
        print(line, file=sys.stderr)
    markdown = (result.folder / "report.md").read_text(encoding="utf-8")
    per = _section_figures(markdown, result.findings)
    table = Table(title=result.draft.title, show_lines=False)
    for column in ("section", "writer", "figures", "verified", "flagged", "repairs", "tokens", "excerpts"):
        table.add_column(column, no_wrap=True)
    for section in result.draft.sections:
        stats = per.get(section.id, {"figures": 0, "verified": 0})
        tokens = f"{section.tokens_in}/{section.tokens_out}" + (" (cache)" if section.cached else "")
        table.add_row(section.id, section.writer, str(stats["figures"]), str(stats["verified"]),
                      str(section.flagged), str(section.repair_rounds), tokens, str(len(section.sources)))
    console.print(table)
    if not any(section.sources for section in result.draft.sections):
        console.print(f"no excerpts: the corpus gave no past report to quote, so the draft cites none; to quote "
                      f"past reports, put them into {config.corpus_dir} and run "
                      f"`drafter corpus add {config.corpus_dir}`",
                      highlight=False)
    counts = result.counts
    for finding in result.findings:
        if finding.verdict != "verified":
            console.print(f"report.md:{finding.line}:{finding.col}: [{VERDICT_STYLE[finding.verdict]}]"
                          f"{finding.verdict}[/]: {finding.message}", highlight=False)
    console.print(
        f"sections: {len(result.draft.sections)}, figures: {counts.get('total', 0)}, "
        f"verified: {counts.get('verified', 0)}, mismatch: {counts.get('mismatch', 0)}, "
        f"unsupported: {counts.get('unsupported', 0)}, claim errors: {counts.get('claim_error', 0)}, "
        f"time: {result.seconds:.1f}s", highlight=False,
    )
    console.print(f"report: {result.folder / 'report.md'}", highlight=False)
    failed = [s for s in result.draft.sections if s.writer == "failed"]
    report_failures(console, [(s.id, s.failure) for s in failed], "the offline draft",
                    others=len(failed) < len(result.draft.sections), folder=result.folder)
    for section in result.draft.sections:
        if section.writer == "offline (fallback)":
            console.print(f"[yellow]section {section.id}: the model failed ({escape(section.failure)}); "
                          f"the offline writer drafted it (--fallback offline)[/]", highlight=False)
    return {**counts, "failed_sections": len(failed)}


def report_failures(console, failed: list[tuple[str, str]], kept: str, others: bool, folder: Path) -> None:
    """The same words for write and regen: which sections failed, why, what they keep and how to retry."""
    from rich.markup import escape

    for section, reason in failed:
        console.print(f"[red]section {section} failed[/]: {escape(reason)}; it keeps {kept} (see run.json). "
                      f"Retry with `drafter regen {folder} --section {section}`, or add --fallback offline",
                      highlight=False)
    if failed and others:
        console.print("the other sections are kept", highlight=False)


def _print_findings(findings, console, name: str = "report.md", only_problems: bool = True, mark: str = "") -> None:
    for finding in findings:
        if finding.verdict != "verified" or not only_problems:
            console.print(f"{name}:{mark}{finding.line}:{finding.col}: [{VERDICT_STYLE[finding.verdict]}]"
                          f"{finding.verdict}[/]: {finding.message}", highlight=False)


def run_verify(config: Config, path: Path, facts_csv: Path | None, period: Period | None, as_json: bool,
               strict: bool, annotate: bool, console) -> int:
    """Verify, print the findings (or JSON), write the checked copy if asked; return the exit code."""
    from rich.console import Console

    from drafter.draft.folder import verification_payload
    from drafter.draft.verify import verify_report

    checked = verify_report(config, path, facts_csv, period, annotate)
    errors = Console(stderr=True, soft_wrap=True, highlight=False)
    if checked.basis.origin:
        errors.print(f"checked against {checked.basis.origin}", markup=False)
    if checked.word_edited:
        errors.print(f"note: {checked.basis.folder / 'report.docx'} has edits made in Word that report.md does "
                     f"not have; `drafter pull {checked.basis.folder}` brings them in", markup=False)
    if checked.annotated:
        errors.print(f"{checked.annotated}: {checked.comments} comment(s) on problem figures; {checked.path.name} is "
                     f"unchanged", markup=False)
    if as_json:
        sys.stdout.write(json.dumps(verification_payload(checked.findings, checked.counts), ensure_ascii=False,
                                    indent=2) + "\n")
    else:
        for line in checked.locations():
            console.print(line, highlight=False, markup=False)
        console.print(", ".join(f"{k}: {v}" for k, v in checked.counts.items()), highlight=False)
    counts = checked.counts
    if counts.get("mismatch") or counts.get("claim_error"):
        return 1
    return 1 if strict and counts.get("unsupported") else 0


def run_regen(config: Config, folder: Path, section: str, note: str, force: bool, console,
              fallback: str = "") -> dict:
    """Re-draft one section of a draft folder and print what changed; returns the section's problem counts."""
    from drafter.draft.regen import regen_section

    with console.status("regenerating…") as status:
        result = regen_section(config, folder, section, note=note, force=force,
                               progress=lambda m: status.update(m + "…"), fallback=fallback)
    if result.writer == "failed":
        report_failures(console, [(section, result.failure)], "its previous text", others=True, folder=folder)
        return {"failed_sections": 1}
    if result.forced:
        console.print(f"[yellow]section {section}: hand edits discarded (--force)[/]")
    if note and result.writer.startswith("offline"):
        console.print("[yellow]the offline writer cannot follow --note; configure a model (OPENAI_BASE_URL, "
                      "DRAFTER_MODEL) for regen to act on it, or edit the section by hand[/]")
    _print_findings(result.section_findings, console)
    ok = sum(f.verdict == "verified" for f in result.section_findings)
    if result.failure:
        from rich.markup import escape

        console.print(f"[yellow]section {section}: the model failed ({escape(result.failure)}); the offline writer "
                      f"drafted it (--fallback offline)[/]", highlight=False)
    console.print(f"section {section} regenerated by {result.writer}: {len(result.section_findings)} figures, "
                  f"{ok} verified; other sections untouched", highlight=False)
    console.print("whole report: " + ", ".join(f"{k}: {v}" for k, v in result.counts.items()), highlight=False)
    review = Path(folder) / "review.html"
    console.print(f"report: {Path(folder) / 'report.md'}" + (f"; review page: {review}" if review.exists() else ""),
                  highlight=False)
    # the exit code speaks for the regenerated section; problems elsewhere are the human's edits
    bad = [f for f in result.section_findings if f.verdict in ("mismatch", "claim_error")]
    return {"mismatch": len(bad)}


def run_accept(config: Config, folder: Path, force: bool, as_json: bool, console, facts_csv: Path | None = None,
               period: Period | None = None) -> int:
    """Verify a draft (or a finished .docx) and file it in the corpus; exit code 1 while mismatches remain."""
    from drafter.draft.accept import accept_docx, accept_draft

    word = Path(folder).is_file()
    with console.status("verifying and filing the report…"):
        if word:
            result = accept_docx(config, folder, facts_csv, period, force=force)
        else:
            result = accept_draft(config, folder, force=force)
    if as_json:
        payload = {"accepted": result.accepted, "counts": result.counts, "doc_id": result.doc_id,
                   "kind": result.kind, "period": result.period, "final": str(result.final or ""),
                   "blocking": [f.model_dump() for f in result.blocking]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return 0 if result.accepted else 1
    if word:
        _print_findings(result.blocking, console, Path(folder).name, mark="¶")  # Word: paragraph, column
    else:
        _print_findings(result.blocking, console)
    if not result.accepted:
        where = (f"in Word (`drafter verify {folder} --annotate` marks them)" if word
                 else "in report.md (see review.html)")
        console.print(f"[bold red]not accepted[/]: {len(result.blocking)} figure(s) or claim(s) disagree with the "
                      f"facts; fix them {where}, or pass --force to accept anyway", highlight=False)
        return 1
    if result.blocking:
        console.print(f"[yellow]accepted with {len(result.blocking)} unresolved problem(s) (--force)[/]")
    console.print(f"accepted: {result.final} {result.status} in the corpus as {result.doc_id} "
                  f"(kind {result.kind}, period {result.period}); next period's drafts will retrieve it",
                  highlight=False)
    return 0
