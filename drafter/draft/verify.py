"""Verifying a draft folder or a report file (Markdown or Word): located findings, an annotated Word copy."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from drafter.config import Config
from drafter.draft.basis import FactsBasis, read_text, report_facts, report_format
from drafter.draft.folder import draft_inputs, draft_paths, save_verification
from drafter.errors import UserError
from drafter.models import Finding

if TYPE_CHECKING:
    from drafter.periods import Period


@dataclass
class Checked:
    """A verified report: its findings (for Word, line = paragraph number) and the section each lies in."""

    path: Path
    format: str
    findings: list[Finding]
    sections: list[str]
    counts: dict
    basis: FactsBasis
    document: object = None  # the python-docx Document a Word report was read from
    paragraphs: list | None = None
    word_edited: bool = False  # the draft folder's report.docx has edits report.md lacks
    annotated: Path | None = None  # the commented Word copy, when one was asked for
    comments: int = 0  # how many comments the annotated copy holds

    def locations(self) -> list[str]:
        """Linter lines: report.md:12:5: … or report.docx:¶12:5: … （一、年度运营成果概览）."""
        mark = "¶" if self.format == "docx" else ""
        out = []
        for finding, section in zip(self.findings, self.sections, strict=True):
            where = f"（{section}）" if section and self.format == "docx" else ""
            out.append(f"{self.path.name}:{mark}{finding.line}:{finding.col}: {finding.verdict}: "
                       f"{finding.message or finding.text}{where}")
        return out


def check_report(config: Config, path: Path, facts_csv: Path | None = None, period: Period | None = None) -> Checked:
    """Read a report (.md/.txt/.docx, or a draft folder's report.md), find its facts, verify every figure."""
    from drafter.verify import summarize, verify_markdown

    path = Path(path)
    in_folder = path.is_dir()
    report = path / "report.md" if in_folder else path
    if in_folder:
        draft_paths(path)
    kind = report_format(report)
    document = doc = None
    if kind == "docx":
        from drafter.render.docx_read import open_docx, read_document

        document = open_docx(report)
        doc = read_document(document)
        text = doc.markdown
    else:
        text = read_text(report)
    if not text.strip():
        raise UserError(f"{report} has no text to check; give the report itself")
    basis = report_facts(config, report, text, facts_csv, period, in_folder)
    findings = verify_markdown(text, basis.facts, basis.sources, period=basis.period, aliases=config.aliases,
                               plan=basis.plan)
    sections = [doc.heading_at(f.line) if doc else "" for f in findings]
    if doc is not None:
        # a Word user finds a figure by its paragraph, not by a line of Markdown nobody sees
        findings = [f.model_copy(update=dict(zip(("line", "col"), doc.place(f.line, f.col), strict=True)))
                    for f in findings]
    return Checked(report, kind, findings, sections, summarize(findings), basis, document,
                   doc.paragraphs if doc else None)


def check_draft_text(config: Config, folder: Path, markdown: str) -> tuple[list[Finding], dict]:
    """Every figure of a draft's Markdown checked against its folder's facts and excerpts (nothing written)."""
    from drafter.verify import summarize, verify_markdown

    facts, sources, period, plan = draft_inputs(folder)
    findings = verify_markdown(markdown, facts, sources, period=period, aliases=config.aliases, plan=plan)
    return findings, summarize(findings)


def verify_folder(config: Config, folder: Path) -> tuple[list[Finding], dict]:
    """Verify report.md against the folder's facts and excerpts; rewrite verification.json (and the exports)."""
    folder = Path(folder)
    findings, counts = check_draft_text(config, folder, draft_paths(folder).read_text(encoding="utf-8"))
    save_verification(folder, findings, counts)
    return findings, counts


def verify_report(config: Config, path: Path, facts_csv: Path | None = None, period: Period | None = None,
                  annotate: bool = False) -> Checked:
    """`drafter verify`: check the report, refresh its draft folder's verification, write the commented copy."""
    checked = check_report(config, path, facts_csv, period)
    if annotate and checked.format != "docx":
        raise UserError(f"--annotate writes a commented copy of a Word report; {checked.path} is Markdown "
                        f"(its review page is review.html in the draft folder)")
    if checked.basis.folder is not None:
        from drafter.render.exports import word_edited

        save_verification(checked.basis.folder, checked.findings, checked.counts)
        checked.word_edited = word_edited(checked.basis.folder)
    if annotate:
        from drafter.render.docx_annotate import annotate_docx, checked_path

        checked.annotated = checked_path(checked.path)
        checked.comments = annotate_docx(checked.document, checked.paragraphs,
                                         list(zip(checked.findings, checked.sections, strict=True)), checked.annotated)
    return checked
