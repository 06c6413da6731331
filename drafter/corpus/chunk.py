"""Structure-aware chunking: heading detection, sections, and passages of CHUNK_MIN–CHUNK_MAX characters."""

from __future__ import annotations

import re

from drafter.corpus.suspicious import without_suspicious
from drafter.corpus.text import to_simplified
from drafter.models import Chunk, Document

# Changing how text is chunked changes what is stored: bump store.PIPELINE_VERSION too.
CHUNK_MIN, CHUNK_MAX, OVERLAP_MAX = 300, 500, 100
# The numerals of 一、 and (二) headings; cleaning finds run-together headings with them too.
CN_NUM = "一二三四五六七八九十"

_HEADINGS = [
    (None, re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")),
    (10, re.compile(r"^((?:PART|Part)\s*0?\d{1,2}|第[一二三四五六七八九十\d]{1,3}[章部篇]分?)\s*(.*)$")),
    (10, re.compile(r"^(0[1-9])\s*([^\d].*)$")),
    (20, re.compile(f"^([{CN_NUM}]{{1,3}}、)\\s*(.+)$")),
    (30, re.compile(f"^([(（][{CN_NUM}]{{1,3}}[)）])\\s*(.+)$")),
    (40, re.compile(r"^(\d{1,2}[.、．])(?!\d)\s*(.+)$")),
    (50, re.compile(r"^([(（]\d{1,2}[)）]|[①-⑳])\s*(.+)$")),
]
_TITLE_END = re.compile(r"[：:。；，,！？!?]")
_SENTENCE = re.compile(r"(?<=[。！？；!?;])")


def _heading(line: str) -> tuple[int, str] | None:
    """(rank, label) when the line starts a section; long list items are not headings."""
    for rank, pattern in _HEADINGS:
        m = pattern.match(line)
        if not m:
            continue
        if rank is None:
            return len(m.group(1)), m.group(2).strip()
        marker, rest = m.group(1), m.group(2).strip()
        if not rest and rank == 10:
            return rank, marker
        if len(line) <= 40 and not re.search(r"[。；！？]", line):
            title = rest
        else:
            end = _TITLE_END.search(rest)
            title = rest[: end.start()] if end else ""
            if not 1 <= len(title) <= 25:
                return None
        sep = " " if rank == 10 and not marker.startswith("第") else ""
        return rank, f"{marker}{sep}{title}"
    return None


def heading_lines(text: str) -> list[tuple[int, str]]:
    """(rank, label) of each heading line of a text, in order; a smaller rank is an outer heading."""
    return [found for line in text.split("\n") if (found := _heading(line.strip()))]


def heading_labels(text: str) -> list[str]:
    """Labels of the heading lines inside a passage (packed sections keep their sub-headings)."""
    return [found[1] for line in text.split("\n") if (found := _heading(line.strip()))]


def sections(text: str) -> list[tuple[tuple[str, ...], str]]:
    """Split cleaned text into (heading path, text) sections; heading lines stay in their section."""
    stack: list[tuple[int, str]] = []
    out: list[tuple[tuple[str, ...], list[str]]] = [((), [])]
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        found = _heading(line)
        if found:
            rank, label = found
            while stack and stack[-1][0] >= rank:
                stack.pop()
            stack.append((rank, label))
            out.append((tuple(label for _, label in stack), []))
        out[-1][1].append(line)
    return [(path, "\n".join(lines)) for path, lines in out if lines]


def _pieces(text: str) -> list[str]:
    """Split a long section at sentence ends into balanced pieces of at most CHUNK_MAX, with overlap."""
    if len(text) <= CHUNK_MAX:
        return [text]
    units: list[str] = []
    for sentence in (s for part in text.split("\n") for s in _SENTENCE.split(part) if s):
        while len(sentence) > CHUNK_MAX - OVERLAP_MAX:
            # A run-on sentence: cut at the last comma before the limit, else hard.
            limit = CHUNK_MAX - OVERLAP_MAX
            cut = max(sentence.rfind(c, 0, limit) for c in "，、,")
            cut = cut + 1 if cut > limit // 2 else limit
            units.append(sentence[:cut])
            sentence = sentence[cut:]
        units.append(sentence)
    count = -(-len(text) // (CHUNK_MAX - OVERLAP_MAX))
    target = len(text) / count
    pieces: list[list[str]] = [[]]
    for unit in units:
        size = sum(map(len, pieces[-1]))
        if pieces[-1] and (size + len(unit) > CHUNK_MAX - OVERLAP_MAX or size >= target):
            previous = pieces[-1][-1]
            pieces.append([previous] if len(previous) <= OVERLAP_MAX else [])
        pieces[-1].append(unit)
    return ["".join(p) for p in pieces if p]


def _common_prefix(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def chunk_sections(text: str) -> list[tuple[str, str]]:
    """(heading path, passage) chunks: sections packed to CHUNK_MIN–CHUNK_MAX, long ones split."""
    chunks: list[list] = []  # [path, text]
    for path, body in _drop_document_title(sections(text)):
        for piece in _pieces(body):
            if chunks:
                cur_path, cur_text = chunks[-1]
                common = _common_prefix(cur_path, path)
                fits = len(cur_text) < CHUNK_MIN and len(cur_text) + len(piece) < CHUNK_MAX
                heading_only = len(cur_text) < 60 and path[: len(cur_path)] == cur_path
                # Never pack across top-level sections: 一、 and 二、 stay apart, so citations stay precise.
                if heading_only or (fits and (common or not cur_path)):
                    # A title or preamble takes the heading of what follows; siblings share their parent.
                    chunks[-1] = [path if heading_only or not cur_path else common, f"{cur_text}\n{piece}"]
                    continue
            chunks.append([path, piece])
    # Markdown markers are syntax, not text to quote: "## 二、渠道" → "二、渠道".
    return [(" > ".join(path), re.sub(r"(?m)^#{1,6}\s+", "", body)) for path, body in chunks]


def _drop_document_title(found: list[tuple[tuple[str, ...], str]]) -> list[tuple[tuple[str, ...], str]]:
    """A lone top heading (# 2024年度运营总结) is the title, cited anyway: keep it out of the paths."""
    roots = {path[0] for path, _ in found if path}
    if len(roots) != 1 or not all(path for path, _ in found) or not found[0][1].startswith("# "):
        return found
    return [(path[1:], body) for path, body in found]


def passages(doc: Document) -> list[tuple[str, str]]:
    """A document's (heading path, passage) chunks in its own script, as indexed."""
    # Suspicious sentences are never indexed, a chrome line is never part of a heading path, and a passage of
    # nothing but chrome is never kept: also for a document added with --keep-boilerplate (its text keeps all).
    from drafter.corpus.chrome import strong_reason

    def chrome(line: str) -> bool:
        return strong_reason(to_simplified(line.strip())) is not None

    out = []
    for heading, body in chunk_sections(without_suspicious(doc.text)):
        if all(chrome(line) for line in body.split("\n") if line.strip()):
            continue
        out.append((" > ".join(part for part in heading.split(" > ") if part and not chrome(part)), body))
    return out


def chunk_document(doc: Document) -> list[Chunk]:
    """Structure-aware chunks; the text is Simplified (as indexed), headings form a path."""
    return [
        Chunk(id=f"{doc.id}:{i:03d}", doc_id=doc.id, text=to_simplified(body), title=doc.title,
              kind=doc.kind, period=doc.period, heading=to_simplified(heading))
        for i, (heading, body) in enumerate(passages(doc))
    ]


def index_text(chunk: Chunk) -> str:
    """What the embedder sees: the passage with its title and heading, which carry topic words."""
    context = " > ".join(p for p in (chunk.title, chunk.heading) if p)
    return f"{context}\n{chunk.text}" if context else chunk.text
