"""<name>.checked.docx: a copy of a Word report with a comment (批注) and a highlight on every problem figure."""

from __future__ import annotations

import copy
import io
from pathlib import Path

from drafter.files import atomic_write_bytes
from drafter.models import Finding
from drafter.render.docx_read import text_runs

LABELS = {"mismatch": "数字与事实不符", "claim_error": "表述与事实不符", "unsupported": "未找到依据，无法核实"}
AUTHOR, INITIALS = "drafter 核对", "DR"


def _colours() -> dict:
    from docx.enum.text import WD_COLOR_INDEX

    # the review page's colours, in Word's highlight palette
    return {"mismatch": WD_COLOR_INDEX.RED, "claim_error": WD_COLOR_INDEX.PINK,
            "unsupported": WD_COLOR_INDEX.YELLOW}


def _split(paragraph, at: int) -> None:
    """Make `at` (a character offset) fall on a run boundary, copying the run's formatting to both halves."""
    from docx.text.run import Run

    offset = 0
    for run in text_runs(paragraph):
        text = run.text
        if offset < at < offset + len(text):
            tail = copy.deepcopy(run._r)
            run._r.addnext(tail)
            run.text = text[: at - offset]
            Run(tail, paragraph).text = text[at - offset:]
            return
        offset += len(text)


def isolate(paragraph, start: int, end: int) -> list:
    """The runs that hold exactly the characters [start, end) of the paragraph, split out of their neighbours."""
    _split(paragraph, start)
    _split(paragraph, end)
    out, offset = [], 0
    for run in text_runs(paragraph):
        length = len(run.text)
        if start <= offset and offset + length <= end and length:
            out.append(run)
        offset += length
    return out


def comment_text(finding: Finding, section: str = "") -> str:
    """What the comment says: the verdict in Chinese, the finding, and the value the facts give."""
    lines = [f"{LABELS.get(finding.verdict, finding.verdict)}：{finding.text}"]
    if finding.message and finding.message != finding.text:
        lines.append(finding.message)
    if finding.expected:
        lines.append(f"应为：{finding.expected}")
    if section:
        lines.append(f"（{section}）")
    return "\n".join(lines)


def annotate_docx(document, paragraphs: list, findings: list[tuple[Finding, str]], target: Path) -> int:
    """Comment and highlight each problem finding (line = paragraph number, col = 1-based column); save a copy.

    `paragraphs` are the document's paragraphs by number; the original file is never written."""
    colours = _colours()
    done = 0
    # right to left, so splitting a run never moves a figure still to be marked
    for finding, section in sorted(findings, key=lambda p: (p[0].line, p[0].col), reverse=True):
        if finding.verdict not in LABELS or not 0 < finding.line <= len(paragraphs):
            continue
        paragraph = paragraphs[finding.line - 1]
        start = max(finding.col - 1, 0)
        runs = isolate(paragraph, start, start + len(finding.text))
        if "".join(r.text for r in runs) == finding.text:
            for run in runs:
                run.font.highlight_color = colours[finding.verdict]
        else:  # the figure is not where the reading put it: comment on the paragraph rather than mark a wrong span
            runs = text_runs(paragraph)
        if not runs:
            continue
        document.add_comment(runs, text=comment_text(finding, section), author=AUTHOR, initials=INITIALS)
        done += 1
    buffer = io.BytesIO()
    document.save(buffer)
    atomic_write_bytes(target, buffer.getvalue())
    return done


def checked_path(path: Path) -> Path:
    """report.docx → report.checked.docx beside it."""
    return Path(path).with_name(Path(path).stem + ".checked.docx")
