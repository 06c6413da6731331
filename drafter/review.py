"""The review stage: re-verify a hand-edited draft, regenerate one section, accept the final report into the corpus."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from drafter.config import Config
from drafter.errors import UserError
from drafter.files import FolderLock, atomic_write_text
from drafter.models import Finding

# The corpus kind a finished report is filed under, so next period's outline queries find it.
CORPUS_KINDS = {"annual-summary": "summary", "quarterly-review": "review", "annual-plan": "plan"}
PREFACE = re.compile(r"^>\s*本稿由 drafter")
DRAFTER_COMMENT = re.compile(r"^<!-- drafter:.*-->\s*$")  # section markers and failure notes
MARKER_LINE = "<!-- drafter:section id={id} hash={hash} -->"


def _dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _load(path: Path, default=None):
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else default


def draft_paths(folder: Path) -> Path:
    """The draft folder's report.md; a clear error when the folder is not a draft."""
    report = Path(folder) / "report.md"
    if not report.exists():
        raise UserError(f"{folder} is not a draft folder (no report.md); give the folder `drafter write` made")
    return report


def verify_periods(run: dict) -> tuple[str | None, str | None]:
    """From a draft's run.json: the period its facts describe and, for a plan, the later period it is written for."""
    if run.get("basis_period"):
        return run["basis_period"], run.get("period")
    return run.get("period"), None


def draft_inputs(folder: Path) -> tuple[list, list, str | None, str | None]:
    """What a draft folder's report is verified against: facts, cited excerpts, the facts' period and the plan's."""
    from drafter.models import Chunk, Fact

    folder = Path(folder)
    facts = [Fact(**f) for f in _load(folder / "facts.json", [])]
    sources = [Chunk(**c) for chunks in _load(folder / "sources.json", {}).values() for c in chunks]
    return facts, sources, *verify_periods(_load(folder / "run.json", {}))


def verify_folder(config: Config, folder: Path) -> tuple[list[Finding], dict]:
    """Verify report.md against the folder's facts and excerpts; rewrite verification.json (and the exports)."""
    from drafter.verify import summarize, verify_markdown

    folder = Path(folder)
    text = draft_paths(folder).read_text(encoding="utf-8")
    facts, sources, period, plan = draft_inputs(folder)
    findings = verify_markdown(text, facts, sources, period=period, aliases=config.aliases, plan=plan)
    counts = summarize(findings)
    save_verification(folder, findings, counts)
    return findings, counts


def save_verification(folder: Path, findings: list[Finding], counts: dict) -> None:
    """verification.json, then the exports that follow report.md (unless the draft was written without them)."""
    from drafter.draft import verification_payload
    from drafter.render.exports import exports_wanted, write_exports

    atomic_write_text(folder / "verification.json", _dump(verification_payload(findings, counts)))
    if exports_wanted(folder):
        write_exports(folder)  # review.html, report.docx and charts follow the hand edits


def finish_draft(config: Config, folder: Path, script: str = "simplified",
                 exports: bool = True) -> tuple[list[Finding], dict]:
    """After `write` saved the folder: render it in the asked script, re-verify, write the exports (if wanted)."""
    from drafter.render.exports import DOCX_STATE, check_script, remove_exports

    script = check_script(script)
    folder = Path(folder)
    # a new draft is saved (write refused Word edits unless --force): its report.docx replaces the old one
    (folder / DOCX_STATE).unlink(missing_ok=True)
    run = _load(folder / "run.json", {})
    run["script"], run["exports"] = script, exports
    if not exports:
        remove_exports(folder)
    atomic_write_text(folder / "run.json", _dump(run))
    if script == "traditional":
        _convert_traditional(folder)
    return verify_folder(config, folder)


def _convert_traditional(folder: Path) -> None:
    """Convert a freshly written draft to Traditional characters, with marker hashes matching the new bodies."""
    from drafter.render import parse_sections
    from drafter.render.exports import to_traditional

    report = folder / "report.md"
    lines = to_traditional(report.read_text(encoding="utf-8")).split("\n")
    for section in parse_sections("\n".join(lines)):
        lines[section.start_line] = MARKER_LINE.format(id=section.id, hash=_body_hash(section.body))
    sections = _load(folder / "sections.json", [])
    for entry in sections:
        entry["text"], entry["title"] = to_traditional(entry["text"]), to_traditional(entry["title"])
    atomic_write_text(folder / "sections.json", _dump(sections))
    atomic_write_text(report, "\n".join(lines))


def _body_hash(body: str) -> str:
    from drafter.models import text_hash

    return text_hash(body.strip(), 12)


@dataclass
class RegenResult:
    """What regen did, for the CLI's summary."""

    section: str
    writer: str
    forced: bool
    findings: list[Finding]
    counts: dict
    section_findings: list[Finding] = field(default_factory=list)
    failure: str = ""  # why the model failed (the section then kept its text, unless the offline writer stood in)


def regen_section(config: Config, folder: Path, section_id: str, note: str = "", force: bool = False,
                  progress=None, fallback: str = "") -> RegenResult:
    """Re-draft one section; every other section of report.md stays as the human left it. When the model fails,
    the section keeps its text (or, with fallback "offline", gets the offline writer's)."""
    folder = Path(folder)
    report = draft_paths(folder)
    with FolderLock(folder):
        return _regen_locked(config, folder, report, section_id, note, force, progress or (lambda _m: None),
                             fallback)


def _regen_locked(config, folder, report, section_id, note, force, say, fallback) -> RegenResult:
    from drafter.draft import _draft_sections, _make_writer, retrieve_sources
    from drafter.metrics.periods import parse_period
    from drafter.models import Fact
    from drafter.outline import load_outline
    from drafter.render import parse_sections
    from drafter.render.exports import to_traditional
    from drafter.write import FactBook, SectionContext

    run = _load(folder / "run.json", {})
    kind, period_label = run.get("kind"), run.get("period")
    if not kind or not period_label:
        raise UserError(f"{folder / 'run.json'} is missing or lacks kind/period; rerun `drafter write`")
    markdown = report.read_text(encoding="utf-8")
    found = {s.id: s for s in parse_sections(markdown)}
    if section_id not in found:
        raise UserError(f"no section {section_id!r} in {report}; its sections are: {', '.join(found) or 'none'}")
    target = found[section_id]
    if target.edited and not force:
        raise UserError(f"section {section_id!r} ({target.title}) has hand edits (its text no longer matches the "
                        f"hash in its marker); regenerating would discard them. Copy what you want to keep, then "
                        f"rerun with --force")
    outline = load_outline(kind)
    spec = outline.section(section_id)
    period = parse_period(period_label)
    basis = parse_period(run["basis_period"]) if run.get("basis_period") else period
    facts = [Fact(**f) for f in _load(folder / "facts.json", [])]
    say("retrieving excerpts")
    sources = retrieve_sources(config, spec, basis)
    title = outline.title.format(company=config.company, period_cn=period.chinese())
    book = FactBook(facts, basis, salt=f"{period.label}:{spec.id}", plan=period if basis != period else None)
    context = SectionContext(spec, book, sources, config.company or "本公司", title, note=note)
    # a cached answer would just give back the text the user asked to redo
    writer, _model = _make_writer(config, kind, use_cache=False)
    say(f"writing section {section_id}")
    section = _draft_sections(writer, [context], kind, fallback, 1, say)[0]
    traditional = run.get("script") == "traditional"
    if traditional:
        section = section.model_copy(update={"text": to_traditional(section.text)})
    header_before = _preface(folder, traditional)
    if section.writer != "failed":  # a failed regen keeps the section's text as it was
        _splice(report, markdown, target, section)
    _update_records(config, folder, run, section, note, force and target.edited and section.writer != "failed")
    _refresh_preface(folder, report, header_before, _preface(folder, traditional))
    say("verifying")
    findings, counts = verify_folder(config, folder)
    after = next(s for s in parse_sections(report.read_text(encoding="utf-8")) if s.id == section_id)
    inside = [f for f in findings if after.start_line < f.line <= after.end_line]
    return RegenResult(section_id, section.writer, force and target.edited and section.writer != "failed", findings,
                       counts, inside, section.failure)


def _splice(report: Path, markdown: str, target, section) -> None:
    """Replace the target's marker and body lines only; the heading and everything else are kept byte for byte."""
    lines = markdown.split("\n")
    body = ["", *section.text.strip().split("\n"), ""]
    is_last = target.end_line == len(lines)
    if is_last:
        # the file's tail (a final newline or none) belongs to the human; keep its shape
        body = body[:-1] + ([""] if markdown.endswith("\n") else [])
    marker = MARKER_LINE.format(id=target.id, hash=section.hash)
    new_lines = lines[:target.start_line] + [marker] + body + lines[target.end_line:]
    atomic_write_text(report, "\n".join(new_lines))


def _update_records(config: Config, folder: Path, run: dict, section, note: str, discarded_edits: bool) -> None:
    """sections.json and sources.json take the new section (unless it failed); run.json records the attempt and
    adds its tokens to the run's total and cost."""
    from drafter.draft import cost_estimate, section_record

    if section.writer != "failed":
        sections = _load(folder / "sections.json", [])
        entry = section.model_dump(exclude={"sources"})
        sections = [entry if s.get("id") == section.id else s for s in sections]
        if not any(s.get("id") == section.id for s in sections):
            sections.append(entry)
        atomic_write_text(folder / "sections.json", _dump(sections))
        sources = _load(folder / "sources.json", {})
        sources[section.id] = [c.model_dump() for c in section.sources]
        atomic_write_text(folder / "sources.json", _dump(sources))
    tokens = run.setdefault("tokens", {"in": 0, "out": 0})
    tokens["in"], tokens["out"] = tokens.get("in", 0) + section.tokens_in, tokens.get("out", 0) + section.tokens_out
    run["cost_estimate"] = cost_estimate(config, tokens["in"], tokens["out"])
    record = section_record(section)
    run.setdefault("regenerated", []).append({
        **{k: record[k] for k in ("writer", "tokens_in", "tokens_out", "seconds", "prompt_tokens", "max_tokens",
                                  "failure", "attempts")},
        "section": section.id, "note": note, "discarded_edits": discarded_edits,
        "kept_text": section.writer == "failed",
        "at": datetime.now().isoformat(timespec="seconds"), "tokens": {"in": section.tokens_in,
                                                                       "out": section.tokens_out}})
    atomic_write_text(folder / "run.json", _dump(run))


def _preface(folder: Path, traditional: bool) -> str:
    """The header line drafter writes for the draft's sections as sections.json records them."""
    from drafter.draft import preface_line
    from drafter.models import Section
    from drafter.render.exports import exports_wanted, to_traditional

    line = preface_line([Section(**entry) for entry in _load(folder / "sections.json", [])], exports_wanted(folder))
    return to_traditional(line) if traditional else line


def _refresh_preface(folder: Path, report: Path, before: str, after: str) -> None:
    """The header says how each section was written: after a regen it says so again, unless a person edited it."""
    lines = report.read_text(encoding="utf-8").split("\n")
    if before != after and before in lines:
        lines[lines.index(before)] = after
        atomic_write_text(report, "\n".join(lines))


def final_text(markdown: str) -> str:
    """report.md without drafter's marker comments and preface: the text that goes into the corpus."""
    out: list[str] = []
    in_preface = False
    for line in markdown.split("\n"):
        if DRAFTER_COMMENT.match(line):
            continue
        if PREFACE.match(line) or (in_preface and line.startswith(">")):
            in_preface = True
            continue
        in_preface = False
        out.append(line)
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()
    return text + "\n"


@dataclass
class AcceptResult:
    """What accept did."""

    accepted: bool
    findings: list[Finding]
    counts: dict
    blocking: list[Finding]
    final: Path | None = None
    doc_id: str = ""
    kind: str = ""
    period: str = ""
    status: str = ""


def accept_draft(config: Config, folder: Path, force: bool = False) -> AcceptResult:
    """Verify, refuse while figures are wrong (unless forced), then file final.md in the corpus."""
    from drafter.corpus import add_paths
    from drafter.outline import load_outline
    from drafter.render.exports import report_title, word_edited

    folder = Path(folder)
    report = draft_paths(folder)
    if word_edited(folder):
        raise UserError(f"{folder / 'report.docx'} has edits made in Word that report.md does not have; run "
                        f"`drafter pull {folder}` first (it takes them in and verifies), then accept")
    with FolderLock(folder):
        findings, counts = verify_folder(config, folder)
        blocking = [f for f in findings if f.verdict in ("mismatch", "claim_error")]
        if blocking and not force:
            return AcceptResult(False, findings, counts, blocking)
        run = _load(folder / "run.json", {})
        kind_id = run.get("kind", "")
        try:
            corpus_kind = load_outline(kind_id).corpus_kind or CORPUS_KINDS.get(kind_id, "other")
        except UserError:
            corpus_kind = CORPUS_KINDS.get(kind_id, "other")
        markdown = report.read_text(encoding="utf-8")
        title = report_title(markdown)
        period = run.get("period") or None
        if corpus_kind == "plan":
            # a plan is filed under the year it plans for, which its title names (…2026年度运营计划)
            year = re.search(r"(20\d\d)年", title)
            period = year[1] if year else period
        final = folder / "final.md"
        atomic_write_text(final, final_text(markdown))
        added = add_paths(config, [final], kind=corpus_kind, period=period, title=title or None)
        result = added.files[0] if added.files else None
        if result is None or result.error:
            raise UserError(f"could not add {final} to the corpus: {result.error if result else 'no file'}")
        run["accepted"] = {"doc_id": result.doc_id, "kind": corpus_kind, "period": period, "forced": bool(blocking),
                           "at": datetime.now().isoformat(timespec="seconds")}
        atomic_write_text(folder / "run.json", _dump(run))
        return AcceptResult(True, findings, counts, blocking, final, result.doc_id, corpus_kind, period or "",
                            result.status)


def accept_docx(config: Config, path: Path, facts_csv: Path | None = None, period=None,
                force: bool = False) -> AcceptResult:
    """Verify a finished Word report, refuse while figures are wrong (unless forced), then file it in the corpus."""
    from drafter.corpus import add_paths
    from drafter.verify_file import check_report

    checked = check_report(config, path, facts_csv, period)
    blocking = [f for f in checked.findings if f.verdict in ("mismatch", "claim_error")]
    if blocking and not force:
        return AcceptResult(False, checked.findings, checked.counts, blocking)
    added = add_paths(config, [checked.path])
    result = added.files[0] if added.files else None
    if result is None or result.error:
        raise UserError(f"could not add {checked.path} to the corpus: {result.error if result else 'no file'}")
    return AcceptResult(True, checked.findings, checked.counts, blocking, checked.path, result.doc_id, result.kind,
                        result.period, result.status)
