"""A Word report (.docx) read back as the Markdown drafter writes, with where each character came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from drafter.errors import UserError

BOOKMARK_PREFIX = "drafter_"
_CAPTION = re.compile(r"^\s*[图圖]\s*\d+\s")
_NUMBERED = re.compile(r"(?:List Number|列表编号|编号)", re.I)
_BULLETED = re.compile(r"(?:List Bullet|List Paragraph|列表项目符号|项目符号)", re.I)


def bookmark_name(section_id: str) -> str:
    """The Word bookmark that marks a section's heading (Word allows letters, digits and _; 40 characters)."""
    return (BOOKMARK_PREFIX + re.sub(r"[^0-9A-Za-z_]", "_", section_id))[:40]


@dataclass
class Segment:
    """Characters [start, start+length) of a Markdown line are paragraph `paragraph`'s from column `col` (0-based)."""

    start: int
    length: int
    paragraph: int
    col: int


@dataclass
class DocSection:
    """A `##` heading of the document and the bookmark (a section id's mark) it carries, if any."""

    title: str
    bookmark: str
    line: int  # the heading's 1-based Markdown line
    end_line: int = 0  # the last line of its body


@dataclass
class DocxText:
    """The document as Markdown, each line's segments and the sections in reading order."""

    markdown: str
    segments: dict[int, list[Segment]] = field(default_factory=dict)
    sections: list[DocSection] = field(default_factory=list)
    title: str = ""
    paragraphs: list = field(default_factory=list)  # python-docx paragraphs; number N is paragraphs[N - 1]

    def place(self, line: int, col: int) -> tuple[int, int]:
        """A Markdown (line, col), both 1-based, as (paragraph number, column in that paragraph), both 1-based."""
        for seg in self.segments.get(line, []):
            if seg.start <= col - 1 < seg.start + seg.length:
                return seg.paragraph, seg.col + col - seg.start
        return 0, 0

    def heading_at(self, line: int) -> str:
        """The title of the section holding a Markdown line ('' before the first section)."""
        return next((s.title for s in reversed(self.sections) if s.line <= line), "")


def _style(paragraph) -> str:
    try:
        return paragraph.style.name or ""
    except (KeyError, AttributeError):
        return ""


# text runs in reading order: inside hyperlinks, tracked insertions (修订) and content controls too
_RUNS = ("./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:moveTo/w:r | ./w:smartTag/w:r | ./w:sdt/w:sdtContent/w:r"
         " | ./w:ins/w:hyperlink/w:r")


def text_runs(paragraph) -> list:
    """A paragraph's text runs in order; their texts joined are paragraph_text(paragraph)."""
    from docx.text.run import Run

    return [Run(r, paragraph) for r in paragraph._p.xpath(_RUNS)]


def paragraph_text(paragraph) -> str:
    """What a reader sees of the paragraph, tracked insertions included and deletions left out."""
    return "".join(run.text for run in text_runs(paragraph))


def _flat(text: str) -> str:
    # one character for one: columns must still point into the paragraph
    return text.replace("\n", " ").replace("\t", " ").replace("\r", " ")


def _has_picture(paragraph) -> bool:
    return bool(paragraph._p.xpath(".//w:drawing | .//w:pict"))


def _bookmarks(paragraph) -> list[str]:
    from docx.oxml.ns import qn

    names = [b.get(qn("w:name"), "") for b in paragraph._p.iter(qn("w:bookmarkStart"))]
    return [n for n in names if n.startswith(BOOKMARK_PREFIX)]


def _prefix(paragraph, style: str) -> str:
    """The Markdown a paragraph's style stands for: heading, list item, quote or plain prose."""
    if style.lower() in ("title", "标题"):  # Word's and WPS's names for the title style
        return "# "
    heading = re.match(r"(?:heading|标题)\s*(\d)", style, re.I)
    if heading:
        return "#" * (int(heading[1]) + 1) + " "
    if _NUMBERED.search(style):
        return "1. "
    if _BULLETED.search(style):
        return "- "
    fmt = paragraph.paragraph_format
    if fmt.left_indent and fmt.left_indent > 0 and not fmt.first_line_indent:
        return "> "  # drafter exports quotations as indented paragraphs
    return ""


def _kind(prefix: str) -> str | None:
    if prefix == "- ":
        return prefix
    return "1. " if re.fullmatch(r"\d+\. ", prefix) else None


class _Reader:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.doc = DocxText("")
        self.number = 0  # paragraphs with text, counted in reading order (cells included)
        self.after_picture = False
        self.list_kind: str | None = None  # "1. " or "- " while inside a list
        self.item = 0

    def line(self, text: str, segments: list[Segment]) -> None:
        self.lines.append(text)
        if segments:
            self.doc.segments[len(self.lines)] = segments

    def paragraph(self, paragraph) -> None:
        text = _flat(paragraph_text(paragraph))
        if _has_picture(paragraph):
            self.after_picture = True  # drafter's charts and their captions are not report text
            return
        if not text.strip():
            return
        if self.after_picture and _CAPTION.match(text):
            self.after_picture = False
            return
        self.after_picture = False
        self.number += 1
        self.doc.paragraphs.append(paragraph)
        style = _style(paragraph)
        prefix = _prefix(paragraph, style)
        lead = len(text) - len(text.lstrip())
        body = text.strip()
        if prefix == "1. ":
            self.item = self.item + 1 if self.list_kind == prefix else 1
            prefix = f"{self.item}. "
        # a list's items stay together; every other paragraph is a block of its own
        if self.lines and self.lines[-1] != "" and (self.list_kind is None or self.list_kind != _kind(prefix)):
            self.lines.append("")
        self.list_kind = _kind(prefix)
        self.line(prefix + body, [Segment(len(prefix), len(body), self.number, lead)])
        if prefix == "# " and not self.doc.title:
            self.doc.title = body
        if prefix == "## ":
            marks = _bookmarks(paragraph)
            self.doc.sections.append(DocSection(body, marks[0] if marks else "", len(self.lines)))

    def table(self, table) -> None:
        self.list_kind = None
        if self.lines and self.lines[-1] != "":
            self.lines.append("")
        for r, row in enumerate(table.rows):
            text, segments, previous = "|", [], None
            for cell in row.cells:
                text += " "
                if cell._tc is not previous:  # a merged cell is listed once per column it spans
                    for paragraph in cell.paragraphs:
                        whole = _flat(paragraph_text(paragraph))
                        part = whole.strip().replace("|", "｜")
                        if part:
                            self.number += 1
                            self.doc.paragraphs.append(paragraph)
                            lead = len(whole) - len(whole.lstrip())
                            segments.append(Segment(len(text), len(part), self.number, lead))
                            text += part
                previous = cell._tc
                text += " |"
            self.line(text, segments)
            if r == 0:
                self.line("|" + " --- |" * len(row.cells), [])
        self.lines.append("")


def open_docx(path: Path):
    """The python-docx Document; a clear error for a damaged file."""
    import docx

    try:
        return docx.Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for a damaged package
        raise UserError(f"{path} could not be read as a Word document ({exc}); save it again as .docx") from exc


def read_docx(path: Path) -> DocxText:
    """Read a .docx file (see read_document)."""
    return read_document(open_docx(path))


def read_document(document) -> DocxText:
    """A document as Markdown: headings by style, tables as Markdown tables, charts and captions left out."""
    from docx.table import Table

    reader = _Reader()
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            reader.table(item)
        else:
            reader.paragraph(item)
    doc = reader.doc
    doc.markdown = "\n".join(reader.lines).strip("\n") + "\n"
    count = doc.markdown.count("\n")
    for current, following in zip(doc.sections, [*doc.sections[1:], None], strict=True):
        current.end_line = following.line - 1 if following else count
    return doc
