"""`drafter pull`: edits made in the draft's Word file brought back into report.md, section by section."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from drafter.config import Config
from drafter.errors import UserError
from drafter.files import FolderLock, atomic_write_text
from drafter.models import Finding

_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")


@dataclass
class PullResult:
    """What pull changed, what it could not place, and the verification after it."""

    source: Path
    changed: list[tuple[str, str]] = field(default_factory=list)  # (section id, title)
    lost: list[tuple[str, str]] = field(default_factory=list)  # sections whose bookmark is gone from the Word file
    unmarked: list[str] = field(default_factory=list)  # Word headings with text but no section bookmark
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # changed in report.md and in Word since export
    nothing: bool = False  # the draft's report.docx is as drafter wrote it
    findings: list[Finding] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    section_findings: dict[str, list[Finding]] = field(default_factory=dict)
    edited: set[str] = field(default_factory=set)  # changed sections whose text (not only heading) now differs


def _shape(markdown: str) -> list:
    """What the Word export keeps of a section body: blocks, their text and table cells, bold marks aside."""
    from drafter.render.blocks import parse_blocks

    def plain(text: str) -> str:
        return _BOLD.sub(lambda m: m[1] or m[2], text).strip()

    return [(b.kind, b.level, b.ordered if b.kind == "list" else False, [plain(t) for t in b.texts]
             if b.kind == "list" else plain(b.text), [[plain(c) for c in row] for row in b.rows])
            for b in parse_blocks(markdown)]


def pull_docx(config: Config, folder: Path, source: Path | None = None) -> PullResult:
    """Replace each section of report.md whose text differs in the Word file; its marker keeps the old hash."""
    from drafter.draft.basis import report_format
    from drafter.draft.folder import draft_paths
    from drafter.draft.verify import verify_folder
    from drafter.render import parse_sections
    from drafter.render.docx_read import bookmark_name, read_docx
    from drafter.render.exports import exported_sections, exports_wanted, record_docx, section_hash, word_edited

    folder = Path(folder)
    report = draft_paths(folder)
    source = Path(source) if source else folder / "report.docx"
    if not source.exists():
        raise UserError(f"{source} does not exist; export the draft first (`drafter verify {folder}` writes "
                        f"report.docx) or give the edited file with --from FILE.docx")
    if report_format(source) != "docx":
        raise UserError(f"{source} is not a Word report; pull reads a .docx file (--from FILE.docx)")
    result = PullResult(source)
    exported = exported_sections(folder)
    if source == folder / "report.docx" and exported and not word_edited(folder):
        result.nothing = True
        return result
    doc = read_docx(source)
    with FolderLock(folder):
        markdown = report.read_text(encoding="utf-8")
        sections = parse_sections(markdown)
        by_mark = {bookmark_name(s.id): s for s in sections}
        doc_lines = doc.markdown.split("\n")
        replacements = []
        seen: set[str] = set()
        for part in doc.sections:
            body = "\n".join(doc_lines[part.line:part.end_line]).strip()
            section = by_mark.get(part.bookmark)
            if section is None or section.id in seen:
                if body:
                    result.unmarked.append(part.title)
                continue
            seen.add(section.id)
            if _shape(body) == _shape(section.body) and part.title == section.title:
                continue
            if exported.get(section.id, section_hash(section.body)) != section_hash(section.body):
                result.conflicts.append((section.id, section.title))  # both sides changed: a person merges
            else:
                replacements.append((section, part.title, body))
        result.lost = [(s.id, s.title) for s in sections if s.id not in seen]
        lines = markdown.split("\n")
        for section, title, body in sorted(replacements, key=lambda r: r[0].start_line, reverse=True):
            lines[section.start_line - 1] = f"## {title}"
            tail = [""] if section.end_line < len(lines) or markdown.endswith("\n") else []
            lines[section.start_line + 1:section.end_line] = ["", *body.split("\n"), *tail]
            result.changed.insert(0, (section.id, title))
        if replacements:
            atomic_write_text(report, "\n".join(lines))
        complete = not result.lost and not result.unmarked and not result.conflicts
        if complete and source == folder / "report.docx" and exports_wanted(folder):
            record_docx(folder, "pulled")  # taken in whole: later exports may rewrite it from report.md
        result.findings, result.counts = verify_folder(config, folder)
    after = {s.id: s for s in parse_sections(report.read_text(encoding="utf-8"))}
    for section_id, _title in result.changed:
        s = after[section_id]
        if s.edited:
            result.edited.add(section_id)
        result.section_findings[section_id] = [f for f in result.findings if s.start_line < f.line <= s.end_line]
    return result
