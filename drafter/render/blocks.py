"""The Markdown subset drafter writes (headings, paragraphs, tables, lists, quotes, bold) as blocks."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

COMMENT = re.compile(r"^\s*<!--.*-->\s*$")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
ITEM = re.compile(r"^\s*(?:(?P<num>\d+)[.、)]|[-*+])\s+(?P<text>.*)$")
BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
# Private-use characters mark where a verified figure starts and ends; they survive parsing and escaping.
OPEN, MID, CLOSE = "\ue000", "\ue001", "\ue002"


@dataclass
class Block:
    """One block of the report: kind is heading, para, table, list or quote."""

    kind: str
    line: int
    level: int = 0
    texts: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    ordered: bool = False

    @property
    def text(self) -> str:
        """The block's inline text, lines joined the Chinese way (no spaces)."""
        return "".join(t.strip() for t in self.texts)


def _cells(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|"):
        line = line[:-1]
    return [cell.strip() for cell in line.split("|")]


def parse_blocks(markdown: str) -> list[Block]:
    """Split Markdown into blocks; comments (drafter's section markers) are dropped."""
    blocks: list[Block] = []
    current: Block | None = None
    for number, raw in enumerate(markdown.split("\n"), 1):
        line = raw.rstrip()
        if not line.strip() or COMMENT.match(line):
            current = None
            continue
        heading = HEADING.match(line)
        if heading:
            blocks.append(Block("heading", number, level=len(heading[1]), texts=[heading[2]]))
            current = None
        elif line.lstrip().startswith("|"):
            if current is None or current.kind != "table":
                current = Block("table", number)
                blocks.append(current)
            if not TABLE_RULE.match(line):
                current.rows.append(_cells(line))
        elif line.lstrip().startswith(">"):
            if current is None or current.kind != "quote":
                current = Block("quote", number)
                blocks.append(current)
            current.texts.append(line.lstrip()[1:].strip())
        elif item := ITEM.match(line):
            ordered = item["num"] is not None
            if current is None or current.kind != "list" or current.ordered != ordered:
                current = Block("list", number, ordered=ordered)
                blocks.append(current)
            current.texts.append(item["text"])
        elif current is not None and current.kind in ("para", "list", "quote"):
            if current.kind == "list":
                current.texts[-1] += line.strip()  # a wrapped list item
            else:
                current.texts.append(line)
        else:
            current = Block("para", number, texts=[line])
            blocks.append(current)
    return blocks


def inline_html(text: str, span=None) -> str:
    """Escape, then **bold**, then figure marks via span(index, inner_html) → html."""
    out = html.escape(text, quote=False)
    out = BOLD.sub(lambda m: f"<strong>{m[1] or m[2]}</strong>", out)
    if span is not None:
        out = re.sub(f"{OPEN}(\\d+){MID}(.*?){CLOSE}", lambda m: span(int(m[1]), m[2]), out)
    return out


def strip_marks(text: str) -> str:
    """Remove figure marks (for plain-text uses of a marked line)."""
    return re.sub(f"{OPEN}\\d+{MID}|{CLOSE}", "", text)


def bold_runs(text: str) -> list[tuple[str, bool]]:
    """Split inline text into (text, bold) runs for Word."""
    runs, last = [], 0
    for match in BOLD.finditer(text):
        if match.start() > last:
            runs.append((text[last:match.start()], False))
        runs.append((match[1] or match[2], True))
        last = match.end()
    if last < len(text):
        runs.append((text[last:], False))
    return runs
