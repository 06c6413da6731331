"""`drafter write`: a whole run, metrics → retrieve → outline → write → verify → render, saved as a draft folder."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from drafter.config import Config
from drafter.draft.folder import (
    MARKER_LINE,
    check_overwrite,
    draft_folder,
    dump_json,
    load_json,
    run_record,
    save_draft,
    writer_label,
)
from drafter.draft.sections import Progress, draft_sections, make_writer, preface_line, retrieve_sources
from drafter.draft.verify import verify_folder
from drafter.errors import UserError
from drafter.files import FolderLock, atomic_write_bytes, atomic_write_text
from drafter.models import Draft, Finding
from drafter.outline import Outline, load_outline
from drafter.periods import Period, as_period


@dataclass
class DraftResult:
    """What a run produced, for the CLI's summary."""

    folder: Path
    draft: Draft
    findings: list[Finding]
    counts: dict[str, int]
    seconds: float
    writer: str
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    data_summary: str = ""


def write_draft(config: Config, period: Period | str, kind: str = "annual-summary", out: Path | None = None,
                force: bool = False, progress: Progress | None = None, fallback: str = "",
                use_cache: bool = True, script: str = "simplified", exports: bool = True) -> DraftResult:
    """Run the whole pipeline for one report and save the draft folder."""
    from drafter.metrics import compute_facts

    say = progress or (lambda _message: None)
    started = time.perf_counter()
    outline: Outline = load_outline(kind, config)
    timings: dict[str, float] = {}
    writer, model = make_writer(config, kind, use_cache)

    say("computing metrics")
    # a plan (basis = "previous") is written for `period` from the year before's actuals plus proposed targets
    wanted = as_period(period)
    outline.check_period(wanted)
    basis = wanted.previous_year() if outline.basis == "previous" else wanted
    try:
        metrics = compute_facts(config.data_dir, basis, config.cache_dir, config.columns, config.promo_windows,
                                config.engine_url, channels=config.channels, categories=config.categories)
    except UserError as exc:
        from drafter.shop import explain_missing_data

        raise explain_missing_data(config.data_dir, config.channels, exc) from exc
    plan = wanted if basis != wanted else None
    if plan is not None:
        from drafter.metrics.proposals import propose_targets

        metrics.facts = metrics.facts + propose_targets(metrics.facts, basis, plan)
    folder = draft_folder(config, wanted.label, kind, out)
    with FolderLock(folder):
        check_overwrite(folder, force)
        _keep_house_files(config, kind, folder)
        timings["metrics"] = time.perf_counter() - started
        return _compose(config, outline, metrics, folder, writer, model, fallback, timings, started, say, script,
                        plan, exports)


def _keep_house_files(config: Config, kind: str, folder: Path) -> None:
    """Copy the house outline and Word template the draft follows into its folder (regen and exports use them)."""
    from drafter.outline import DRAFT_COPY, house_path
    from drafter.render.docx import TEMPLATE_NAMES, word_template

    if folder.resolve() == config.root.resolve():
        return  # the working folder's own files are the draft's already
    template = word_template(config.root)
    wanted = {DRAFT_COPY: house_path(config.root, kind), **({template.name: template} if template else {})}
    folder.mkdir(parents=True, exist_ok=True)
    for name in (DRAFT_COPY, *TEMPLATE_NAMES):
        if name in wanted and wanted[name].exists():
            atomic_write_bytes(folder / name, wanted[name].read_bytes())
        else:
            (folder / name).unlink(missing_ok=True)  # a file left by an earlier run the team has since removed


def _compose(config: Config, outline: Outline, metrics, folder: Path, writer, model, fallback: str,
             timings: dict, started: float, say: Progress, script: str = "simplified",
             plan: Period | None = None, exports: bool = True) -> DraftResult:
    """Retrieve, write, verify and save, while the draft folder is locked."""
    from drafter.render import render_markdown
    from drafter.verify import summarize, verify_markdown
    from drafter.write import FactBook, SectionContext

    period, kind = metrics.period, outline.kind  # period: the facts' period (for a plan, the year before)
    report_period = plan or period

    say("retrieving excerpts")
    mark = time.perf_counter()
    sources = {spec.id: retrieve_sources(config, spec, period) for spec in outline.sections}
    timings["retrieve"] = time.perf_counter() - mark

    company = config.company or "本公司"
    title = outline.title.format(company=config.company, period_cn=report_period.chinese())
    contexts = [SectionContext(spec, FactBook(metrics.facts, period, salt=f"{report_period.label}:{spec.id}",
                                              plan=plan), sources[spec.id], company, title)
                for spec in outline.sections]
    mark = time.perf_counter()
    sections = draft_sections(writer, contexts, kind, fallback, config.concurrency, say)
    timings["write"] = time.perf_counter() - mark

    say("verifying")
    mark = time.perf_counter()
    draft = Draft(kind=kind, period=report_period.label, title=title, sections=sections, facts=metrics.facts)
    preface = preface_line(sections, exports)
    markdown = render_markdown(draft, preface)
    all_sources = [c for s in sections for c in s.sources]
    findings = verify_markdown(markdown, metrics.facts, all_sources, period=period.label, aliases=config.aliases,
                               plan=plan.label if plan else None)
    counts = summarize(findings)
    timings["verify"] = time.perf_counter() - mark
    seconds = time.perf_counter() - started
    run = run_record(config, kind, report_period.label, model, sections, timings, seconds, counts, metrics)
    if plan is not None:
        run["basis_period"] = period.label  # what the facts describe, and the period the verifier reads against
    save_draft(folder, draft, markdown, findings, counts, run)
    # issue 7: the script (--script traditional), then report.docx, review.html and charts/ from the saved folder
    if exports:
        say("rendering report.docx, review.html and charts")
    findings, counts = finish_draft(config, folder, script, exports)
    return DraftResult(folder, draft, findings, counts, seconds, writer_label(sections), timings, metrics.notes,
                       metrics.data_summary)


def finish_draft(config: Config, folder: Path, script: str = "simplified",
                 exports: bool = True) -> tuple[list[Finding], dict]:
    """After `write` saved the folder: render it in the asked script, re-verify, write the exports (if wanted)."""
    from drafter.render.exports import DOCX_STATE, remove_exports
    from drafter.render.script import check_script

    script = check_script(script)
    folder = Path(folder)
    # a new draft is saved (write refused Word edits unless --force): its report.docx replaces the old one
    (folder / DOCX_STATE).unlink(missing_ok=True)
    run = load_json(folder / "run.json", {})
    run["script"], run["exports"] = script, exports
    if not exports:
        remove_exports(folder)
    atomic_write_text(folder / "run.json", dump_json(run))
    if script == "traditional":
        _convert_traditional(folder)
    return verify_folder(config, folder)


def _convert_traditional(folder: Path) -> None:
    """Convert a freshly written draft to Traditional characters, with marker hashes matching the new bodies."""
    from drafter.render import parse_sections
    from drafter.render.script import to_traditional

    report = folder / "report.md"
    lines = to_traditional(report.read_text(encoding="utf-8")).split("\n")
    for section in parse_sections("\n".join(lines)):
        lines[section.start_line] = MARKER_LINE.format(id=section.id, hash=_body_hash(section.body))
    sections = load_json(folder / "sections.json", [])
    for entry in sections:
        entry["text"], entry["title"] = to_traditional(entry["text"]), to_traditional(entry["title"])
    atomic_write_text(folder / "sections.json", dump_json(sections))
    atomic_write_text(report, "\n".join(lines))


def _body_hash(body: str) -> str:
    from drafter.models import text_hash

    return text_hash(body.strip(), 12)
