"""report.docx with python-docx: title, headings, paragraphs, tables and charts, with East-Asian fonts set.

A Word template (template.dotx/.docx or 模板.dotx/.docx) in the draft folder gives the styles instead: its fonts,
heading styles and page setup; drafter then sets no fonts of its own."""

from __future__ import annotations

import io
from pathlib import Path

from drafter.files import atomic_write_bytes
from drafter.render.blocks import Block, bold_runs, parse_blocks
from drafter.render.charts import CHART_SECTIONS, CHART_TITLES
from drafter.render.docx_read import bookmark_name

BODY_FONT, HEADING_FONT, LATIN_FONT = "宋体", "微软雅黑", "Times New Roman"
TEMPLATE_NAMES = ("template.dotx", "template.docx", "模板.dotx", "模板.docx")
_TEMPLATE_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def word_template(folder: Path) -> Path | None:
    """The team's Word template in a folder, if it has one."""
    return next((Path(folder) / name for name in TEMPLATE_NAMES if (Path(folder) / name).is_file()), None)


def _from_template(path: Path):
    """A document with the template's styles and page setup and none of its text."""
    import zipfile

    import docx

    data = path.read_bytes()
    if path.suffix.lower() == ".dotx":  # python-docx opens documents only: retype the main part in memory
        source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                content = source.read(item.filename)
                if item.filename == "[Content_Types].xml":
                    content = content.replace(_TEMPLATE_TYPE, _DOCUMENT_TYPE)
                target.writestr(item, content)
        data = buffer.getvalue()
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for a damaged or foreign file
        from drafter.errors import UserError

        raise UserError(f"{path}: not a readable Word template ({exc}); save it again from Word as .dotx or "
                        f".docx, or remove it to use drafter's own styles") from exc
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):  # the last sectPr is the page setup: keep it
            body.remove(child)
    return document


def _style(document, name: str) -> str | None:
    """The style name when the document defines it (a team's template may not), else None (Normal)."""
    return name if any(s.name == name for s in document.styles) else None


def _drop_run_fonts(document) -> None:
    """Leave fonts to the template's styles: remove the fonts drafter set on each run."""
    from docx.oxml.ns import qn

    for fonts in list(document.element.body.iter(qn("w:rFonts"))):
        fonts.getparent().remove(fonts)


def _east_asian(element, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set rFonts on a style's or run's rPr; Word picks w:eastAsia for Chinese characters."""
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    # theme attributes win over explicit names in Word, so drop them (the default headings carry them)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for key, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        fonts.set(qn(key), name)


def _styles(document) -> None:
    from docx.shared import Pt, RGBColor

    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    _east_asian(normal.element, BODY_FONT)
    for name, size in (("Title", 20), ("Heading 1", 15), ("Heading 2", 13), ("Heading 3", 12)):
        style = document.styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0x1F, 0x1F, 0x1F)  # a formal report is black, not Word's theme blue
        _east_asian(style.element, HEADING_FONT)


def _runs(paragraph, text: str, bold: bool = False, font: str = BODY_FONT) -> None:
    for chunk, strong in bold_runs(text):
        run = paragraph.add_run(chunk)
        run.bold = bold or strong or None
        _east_asian(run._element, font)


def _table(document, block: Block) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    width = max(len(row) for row in block.rows)
    table = document.add_table(rows=len(block.rows), cols=width)
    table.style = _style(document, "Table Grid")
    for r, row in enumerate(block.rows):
        for c in range(width):
            cell = table.cell(r, c)
            paragraph = cell.paragraphs[0]
            text = row[c] if c < len(row) else ""
            _runs(paragraph, text, bold=r == 0)
            # figures line up on the right, as in a finance table; the first column is a label
            if c > 0 and r > 0:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for run in paragraph.runs:
                run.font.size = Pt(10)
    document.add_paragraph()


def _chart(document, name: str, path: Path, number: int, caption_of=str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    document.add_picture(str(path), width=Cm(15.5))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption = document.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _runs(caption, caption_of(f"图{number}  {CHART_TITLES.get(name, name)}"))


def _bookmark(paragraph, name: str, number: int) -> None:
    """A bookmark around the heading's text: retyping all of it (LibreOffice, Word) collapses it but keeps it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end.set(qn("w:id"), str(number))
    p = paragraph._p
    p.insert(1 if p.pPr is not None else 0, start)
    p.append(end)


def _is_preface(block: Block) -> bool:
    return block.kind == "quote" and block.text.startswith("本稿由 drafter")


def build_docx(markdown: str, charts: dict[str, Path], caption_of=str, template: Path | None = None) -> bytes:
    """The report as a Word document; charts follow the section they illustrate (others go last)."""
    import docx
    from docx.shared import Cm

    if template is not None:
        document = _from_template(template)
    else:
        document = docx.Document()
        section = document.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
        _styles(document)

    def heading(level: int) -> None:
        document.add_paragraph("", _style(document, "Title" if level == 0 else f"Heading {level}"))
    from drafter.render import parse_sections

    blocks = parse_blocks(markdown)
    # a section's heading sits on the line before its marker (1-based: the marker's 0-based index)
    heading_ids = {s.start_line: s.id for s in parse_sections(markdown)}
    section_ids = list(heading_ids.values())
    pending: dict[str, list[str]] = {}
    appendix = "\0appendix"  # never a section id
    for name, targets in CHART_SECTIONS.items():
        if name in charts:
            target = next((t for t in targets if t in section_ids), appendix)
            pending.setdefault(target, []).append(name)
    numbered = 0
    current = ""

    def flush(section_id: str) -> None:
        nonlocal numbered
        for name in pending.pop(section_id, []):
            numbered += 1
            _chart(document, name, charts[name], numbered, caption_of)

    for block in blocks:
        if block.kind == "heading":
            if block.level <= 2:
                flush(current)
            if block.level == 1:
                heading(0)
                _runs(document.paragraphs[-1], block.text, font=HEADING_FONT)
                continue
            if block.level == 2:
                current = heading_ids.get(block.line, "")
            heading(min(block.level - 1, 3))
            _runs(document.paragraphs[-1], block.text, font=HEADING_FONT)
            if block.level == 2 and current:
                # pull maps the heading back to its section marker in report.md
                _bookmark(document.paragraphs[-1], bookmark_name(current), section_ids.index(current) + 1)
        elif _is_preface(block):
            continue  # drafter's note to the reviewer is not part of the report handed in
        elif block.kind == "table":
            _table(document, block)
        elif block.kind == "list":
            style = _style(document, "List Number" if block.ordered else "List Bullet")
            for item in block.texts:
                _runs(document.add_paragraph(style=style), item)
        else:
            paragraph = document.add_paragraph()
            if block.kind == "quote":
                paragraph.paragraph_format.left_indent = Cm(0.8)
            else:
                paragraph.paragraph_format.first_line_indent = Cm(0.78)  # two characters, the Chinese way
            _runs(paragraph, block.text)
    flush(current)
    if pending.get(appendix):
        heading(1)
        _runs(document.paragraphs[-1], caption_of("附图"), font=HEADING_FONT)
        flush(appendix)
    if template is not None:
        _drop_run_fonts(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_docx(path: Path, markdown: str, charts: dict[str, Path], caption_of=str) -> Path:
    """Write report.docx atomically, in the styles of a Word template beside it if there is one; caption_of
    converts drafter's own captions (to the report's script)."""
    atomic_write_bytes(path, build_docx(markdown, charts, caption_of, word_template(Path(path).parent)))
    return path
