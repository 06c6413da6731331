"""`drafter verify` on a report file or draft folder: Markdown or Word, located findings, an annotated Word copy."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from drafter.config import Config
from drafter.errors import UserError
from drafter.models import Finding
from drafter.report_file import FactsBasis, read_text, report_facts, report_format

if TYPE_CHECKING:
    from drafter.metrics.periods import Period


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
        from drafter.review import draft_paths

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


def run_verify(config: Config, path: Path, facts_csv: Path | None, period: Period | None, as_json: bool,
               strict: bool, annotate: bool, console) -> int:
    """Verify, print the findings (or JSON), write the checked copy if asked; return the exit code."""
    from drafter.draft import verification_payload

    checked = check_report(config, path, facts_csv, period)
    if annotate and checked.format != "docx":
        raise UserError(f"--annotate writes a commented copy of a Word report; {checked.path} is Markdown "
                        f"(its review page is review.html in the draft folder)")
    from rich.console import Console

    errors = Console(stderr=True, soft_wrap=True, highlight=False)
    if checked.basis.origin:
        errors.print(f"checked against {checked.basis.origin}", markup=False)
    if checked.basis.folder is not None:
        from drafter.render.exports import word_edited
        from drafter.review import save_verification

        save_verification(checked.basis.folder, checked.findings, checked.counts)
        if word_edited(checked.basis.folder):
            errors.print(f"note: {checked.basis.folder / 'report.docx'} has edits made in Word that report.md does "
                         f"not have; `drafter pull {checked.basis.folder}` brings them in", markup=False)
    if annotate:
        from drafter.render.docx_annotate import annotate_docx, checked_path

        target = checked_path(checked.path)
        marked = annotate_docx(checked.document, checked.paragraphs, list(zip(checked.findings, checked.sections,
                                                                              strict=True)), target)
        errors.print(f"{target}: {marked} comment(s) on problem figures; {checked.path.name} is unchanged",
                     markup=False)
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
