"""`drafter regen`: re-draft one section of a draft folder; every other section stays as the human left it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from drafter.config import Config
from drafter.draft.folder import MARKER_LINE, cost_estimate, draft_paths, dump_json, load_json, section_record
from drafter.draft.sections import draft_sections, make_writer, preface_line, retrieve_sources
from drafter.draft.verify import verify_folder
from drafter.errors import UserError
from drafter.files import FolderLock, atomic_write_text
from drafter.models import Finding


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
    from drafter.models import Fact
    from drafter.outline import load_outline
    from drafter.periods import parse_period
    from drafter.render import parse_sections
    from drafter.render.script import to_traditional
    from drafter.write import FactBook, SectionContext

    run = load_json(folder / "run.json", {})
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
    outline = load_outline(kind, draft=folder)
    spec = outline.section(section_id)
    period = parse_period(period_label)
    basis = parse_period(run["basis_period"]) if run.get("basis_period") else period
    facts = [Fact(**f) for f in load_json(folder / "facts.json", [])]
    say("retrieving excerpts")
    sources = retrieve_sources(config, spec, basis)
    title = outline.title.format(company=config.company, period_cn=period.chinese())
    book = FactBook(facts, basis, salt=f"{period.label}:{spec.id}", plan=period if basis != period else None)
    context = SectionContext(spec, book, sources, config.company or "本公司", title, note=note)
    # a cached answer would just give back the text the user asked to redo
    writer, _model = make_writer(config, kind, use_cache=False)
    say(f"writing section {section_id}")
    section = draft_sections(writer, [context], kind, fallback, 1, say)[0]
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
    if section.writer != "failed":
        sections = load_json(folder / "sections.json", [])
        entry = section.model_dump(exclude={"sources"})
        sections = [entry if s.get("id") == section.id else s for s in sections]
        if not any(s.get("id") == section.id for s in sections):
            sections.append(entry)
        atomic_write_text(folder / "sections.json", dump_json(sections))
        sources = load_json(folder / "sources.json", {})
        sources[section.id] = [c.model_dump() for c in section.sources]
        atomic_write_text(folder / "sources.json", dump_json(sources))
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
    atomic_write_text(folder / "run.json", dump_json(run))


def _preface(folder: Path, traditional: bool) -> str:
    """The header line drafter writes for the draft's sections as sections.json records them."""
    from drafter.models import Section
    from drafter.render.exports import exports_wanted
    from drafter.render.script import to_traditional

    # sections.json keeps no excerpts (sources.json does), and the header names them as a basis when there are any
    sources = load_json(folder / "sources.json", {})
    sections = [Section(**{**entry, "sources": sources.get(entry.get("id"), [])})
                for entry in load_json(folder / "sections.json", [])]
    line = preface_line(sections, exports_wanted(folder))
    return to_traditional(line) if traditional else line


def _refresh_preface(folder: Path, report: Path, before: str, after: str) -> None:
    """The header says how each section was written: after a regen it says so again, unless a person edited it."""
    lines = report.read_text(encoding="utf-8").split("\n")
    if before != after and before in lines:
        lines[lines.index(before)] = after
        atomic_write_text(report, "\n".join(lines))
