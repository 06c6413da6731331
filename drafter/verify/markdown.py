"""Markdown to checkable pieces: prose lines and table cells, with each character's line and column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HEADING = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
_FENCE = re.compile(r"^\s*(```|~~~)")
_LIST_MARK = re.compile(
    r"^(\s*)(?:[-*+]\s+|\d{1,3}[.)、．]\s*|[（(][一二三四五六七八九十\d]{1,3}[)）]\s*|[一二三四五六七八九十]{1,3}[、.．]\s*)"
)
_QUOTE = re.compile(r"^\s*>+\s?")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_HEADER_UNIT = re.compile(r"[（(]\s*(亿元|万元|元|%|万人|万单|万次|万|亿|人|单|次|个百分点|pp|倍|天|小时|名)\s*[)）]")
_BARE_NUMBER = re.compile(r"\s*[-+]?\d[\d,]*(?:\.\d+)?\s*")


@dataclass
class Piece:
    """A text to check, where pos[i] is the (line, col) of text[i], both 1-based; (0, 0) for context."""

    text: str
    pos: list[tuple[int, int]]
    quoted: bool = False
    cell: bool = False
    prefix: int = 0  # leading context characters (a table cell's row label and column header)
    cell_text: str = ""
    hint: str = ""  # a table's header row: names a metric for cells whose own header does not
    unit_added: int = 0  # characters of a column-header unit appended to a bare number
    quotes: list[tuple[int, int]] = field(default_factory=list)


def _mask_comments(text: str) -> str:
    # keep offsets (and line breaks) while hiding <!-- drafter:section … --> markers
    return _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def _cells(line: str) -> list[tuple[int, str]]:
    """(start column, text) of each cell of a table row."""
    out = []
    start = line.index("|") + 1 if line.lstrip().startswith("|") else 0
    for k in range(start, len(line) + 1):
        if k == len(line) or (line[k] == "|" and line[k - 1: k] != "\\"):
            if k > start or k < len(line):
                out.append((start, line[start:k]))
            start = k + 1
    if out and not out[-1][1].strip() and line.rstrip().endswith("|"):
        out.pop()
    return out


def pieces(markdown: str) -> list[Piece]:
    """Prose lines and table cells of a Markdown document; headings, comments and code are skipped."""
    lines = _mask_comments(markdown).split("\n")
    out: list[Piece] = []
    in_code = False
    k = 0
    while k < len(lines):
        line = lines[k]
        if _FENCE.match(line):
            in_code = not in_code
            k += 1
            continue
        if in_code or not line.strip() or _HEADING.match(line):
            k += 1
            continue
        if line.lstrip().startswith("|"):
            block = []
            while k < len(lines) and lines[k].lstrip().startswith("|"):
                block.append((k + 1, lines[k]))
                k += 1
            out.extend(_table(block))
            continue
        out.append(_prose(k + 1, line))
        k += 1
    return out


def _prose(number: int, line: str) -> Piece:
    text = line
    quoted = False
    m = _QUOTE.match(text)
    if m:
        quoted = True
        text = " " * m.end() + text[m.end():]
    m = _LIST_MARK.match(text)
    if m:
        text = " " * m.end() + text[m.end():]
    pos = [(number, c + 1) for c in range(len(text))]
    quotes = [(q.start(), q.end()) for q in re.finditer(r"“[^”]*”|「[^」]*」|\"[^\"]*\"", text)]
    return Piece(text, pos, quoted=quoted, quotes=quotes)


def _table(block: list[tuple[int, str]]) -> list[Piece]:
    rows = [(n, _cells(line)) for n, line in block]
    header: list[str] = []
    body = rows
    if len(rows) >= 2 and _TABLE_SEP.match(block[1][1]):
        header = [c.strip() for _, c in rows[0][1]]
        body = rows[2:]
    out: list[Piece] = []
    for number, cells in body:
        if not cells:
            continue
        label = cells[0][1].strip()
        for j, (col, cell) in enumerate(cells[1:], start=1):
            if not cell.strip():
                continue
            head = header[j] if j < len(header) else ""
            unit = ""
            m = _HEADER_UNIT.search(head)
            if m and _BARE_NUMBER.fullmatch(cell):
                unit = m.group(1)
            context = f"{label}{_HEADER_UNIT.sub('', head)}："
            lead = len(cell) - len(cell.lstrip())
            col, cell = col + lead, cell.strip()
            text = context + cell + unit
            pos = [(0, 0)] * len(context) + [(number, col + c + 1) for c in range(len(cell))]
            pos += [pos[-1]] * len(unit)
            out.append(Piece(text, pos, cell=True, prefix=len(context), cell_text=cell, unit_added=len(unit),
                             hint=" ".join(header)))
    return out
