"""`drafter accept`: verify the final report, then file it in the corpus for next period's drafts to cite."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from drafter.config import Config
from drafter.draft.folder import draft_paths, dump_json, load_json
from drafter.draft.verify import check_report, verify_folder
from drafter.errors import UserError
from drafter.files import FolderLock, atomic_write_text
from drafter.models import Finding

# The corpus kind a finished report is filed under, so next period's outline queries find it.
CORPUS_KINDS = {"annual-summary": "summary", "quarterly-review": "review", "annual-plan": "plan"}
PREFACE = re.compile(r"^>\s*本稿由 drafter")
DRAFTER_COMMENT = re.compile(r"^<!-- drafter:.*-->\s*$")  # section markers and failure notes


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
        run = load_json(folder / "run.json", {})
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
        atomic_write_text(folder / "run.json", dump_json(run))
        return AcceptResult(True, findings, counts, blocking, final, result.doc_id, corpus_kind, period or "",
                            result.status)


def accept_docx(config: Config, path: Path, facts_csv: Path | None = None, period=None,
                force: bool = False) -> AcceptResult:
    """Verify a finished Word report, refuse while figures are wrong (unless forced), then file it in the corpus."""
    from drafter.corpus import add_paths

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
