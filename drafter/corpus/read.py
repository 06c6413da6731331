"""Reading report files: size and type checks, then the raw text of .md .txt .html .docx and .pdf files."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from drafter.corpus.text import decode_bytes
from drafter.errors import UserError
from drafter.files import signature

SUFFIXES = {".md", ".markdown", ".txt", ".text", ".docx", ".pdf", ".html", ".htm"}
# One report is tens of thousands of characters; a long listed-company annual report a few hundred thousand.
# Beyond these limits a file is a dump or a mis-export, and indexing it would take minutes and gigabytes.
MAX_TEXT_CHARS = 1_000_000
MAX_TEXT_FILE_MB = 4  # .txt .md .html: refused before reading
MAX_FILE_MB = 100  # .docx .pdf (images make them big; their text is checked against MAX_TEXT_CHARS)
TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".text", ".html", ".htm"}


class _HTMLText(HTMLParser):
    """Visible text of a page; headings become Markdown headings, blocks become lines."""

    SKIP = {"script", "style", "noscript", "nav", "footer", "header", "aside", "form", "button", "select"}
    BLOCK = {"p", "div", "br", "li", "tr", "section", "article", "table", "ul", "ol", "blockquote", "pre"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif tag == "title":
            self._in_title = True
        elif re.fullmatch(r"h[1-6]", tag):
            self.parts.append("\n" + "#" * int(tag[1]) + " ")
        elif tag in self.BLOCK:
            self.parts.append("\n")
        elif tag in {"td", "th"}:
            self.parts.append(" | ")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "title":
            self._in_title = False
        elif re.fullmatch(r"h[1-6]", tag) or tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_title:
            self.title += data.strip()
        elif not self.skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def _read_docx(path: Path) -> tuple[str, str]:
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise UserError(f"{path}: not a readable .docx ({exc}); open it in Word and save it again") from exc
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = docx.text.paragraph.Paragraph(block, document)
            style = (para.style.name if para.style is not None else "") or ""
            level = re.search(r"(?:Heading|标题)\s*(\d)", style)
            text = para.text.strip()
            if text:
                prefix = "#" * int(level.group(1)) + " " if level else "# " if style == "Title" else ""
                lines.append(prefix + text)
        elif tag == "tbl":
            table = docx.table.Table(block, document)
            for row in table.rows:
                cells = list(dict.fromkeys(c.text.strip() for c in row.cells))  # merged cells repeat
                lines.append(" | ".join(cells))
    return "\n".join(lines), (document.core_properties.title or "").strip()


def _read_pdf(path: Path) -> str:
    import pypdf

    try:
        reader = pypdf.PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:
        raise UserError(f"{path}: cannot read this PDF ({exc}); export it again as a text PDF") from exc
    text = "\n".join(pages)
    if len(re.sub(r"\s", "", text)) < 20:
        raise UserError(f"{path}: this PDF has no text, only images ({len(pages)} page(s)) — it looks like a scan. "
                        f"Run OCR on it (e.g. `ocrmypdf in.pdf out.pdf`) or add the .docx or .txt version instead")
    # Page numbers printed alone on a line are not content.
    return re.sub(r"(?m)^\s*(?:第\s*\d+\s*页|-?\s*\d{1,3}\s*-?|\d+\s*/\s*\d+)\s*$", "", text)


def read_raw(path: Path) -> tuple[str, str]:
    """Raw text and a title found in the file's own metadata."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _read_docx(path)
    if suffix == ".pdf":
        return _read_pdf(path), ""
    if suffix == ".doc":
        raise UserError(f"{path}: old Word .doc files are not supported; save it as .docx and add it again")
    if suffix not in SUFFIXES:
        raise UserError(f"{path}: unsupported file type {suffix or '(none)'}; use .md .txt .docx .pdf .html")
    data = path.read_bytes()
    if what := _binary_kind(data):
        raise UserError(f"{path}: this is {what}, not text, though its name ends in {suffix}; rename it to its "
                        f"real type, or save the report as .txt (UTF-8) or .docx and add that")
    text = decode_bytes(data, str(path))
    if suffix in {".html", ".htm"}:
        return _read_html(text)
    return text, ""


def _cjk_count(text: str) -> int:
    return len(re.findall(r"[\u4e00-\u9fff]", text))


def _read_html(html: str) -> tuple[str, str]:
    """A page's article as Markdown, by trafilatura (navigation, related links, comments and footer left out)."""
    # trafilatura is a maintained extractor that scores a page's blocks by text density and markup, for any
    # site; our own parser (visible text of every block) stands in when it finds no article or too little.
    import trafilatura

    from drafter.corpus.classify import clean_title

    parser = _HTMLText()
    parser.feed(html)
    fallback = "".join(parser.parts)
    body = trafilatura.extract(html, output_format="markdown", include_tables=True, include_comments=False,
                               favor_recall=True, deduplicate=False) or ""
    meta = trafilatura.extract_metadata(html)
    title = clean_title((meta.title if meta else "") or parser.title)
    if _cjk_count(body) < 0.4 * _cjk_count(fallback):
        return fallback, parser.title
    body = re.sub(r"(?m)^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*$", "", body)  # Markdown table rules
    opening = [line.strip("# ") for line in body.split("\n") if line.strip()][:3]
    if title and title not in opening:
        body = f"# {title}\n\n{body}"  # trafilatura keeps the article's title out of its text
    return body, title


def _binary_kind(data: bytes) -> str:
    """What a file named as text really is, when it is not text: "a PNG image", "binary data"; else ""."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ""  # UTF-16 text (Notepad's "Unicode") has NUL bytes but is text
    if what := signature(data):
        return what
    head = data[:65536]
    controls = sum(head.count(bytes([c])) for c in (*range(0, 8), *range(14, 27), *range(28, 32)))
    return "binary data" if b"\x00" in head or controls > len(head) // 100 else ""


def check_size(path: Path) -> None:
    """Refuse empty and oversized files before reading them (a UserError naming the file and the limit)."""
    size = path.stat().st_size
    if size == 0:
        raise UserError(f"{path}: the file is empty (0 bytes); nothing to add")
    text = path.suffix.lower() in TEXT_SUFFIXES
    limit = MAX_TEXT_FILE_MB if text else MAX_FILE_MB
    if size > limit * 1024 * 1024:
        raise UserError(f"{path}: {size / 1024 / 1024:.1f} MB is too large for one report (the limit for "
                        f"{'text' if text else path.suffix.lower()} files is {limit} MB, about a million Chinese "
                        f"characters); split it into one file per report, or remove what is not report text")
