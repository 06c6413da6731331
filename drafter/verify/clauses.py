"""Stage 1 of reading: a paragraph into sentences, a sentence into clauses, and a figure's reach within them."""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"[。！？!?；;\n]")
CLAUSE_SEP = re.compile(r"[，,；;、（）()【】\[\]]")
_TOPIC_SEP = re.compile(r"[，,；;：:]")


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) for each sentence of a paragraph, its end mark included."""
    out, start = [], 0
    for m in SENTENCE_END.finditer(text):
        out.append((start, text[start:m.end()]))
        start = m.end()
    if start < len(text):
        out.append((start, text[start:]))
    return out


def clause_bounds(s: str, start: int, end: int) -> tuple[int, int]:
    """The clause around a span: between separators such as ，、；（）."""
    left = max((m.end() for m in CLAUSE_SEP.finditer(s, 0, start)), default=0)
    right = next((m.start() for m in CLAUSE_SEP.finditer(s, end)), len(s))
    return left, right


def subject_start(s: str, pos: int, named: list[int]) -> int:
    """Where the phrase a figure at `pos` speaks of begins: the start of the clause that names its subject (the
    last metric named before it, offsets in `named`), else the sentence start."""
    last = max((k for k in named if k < pos), default=None)
    if last is None:
        return 0
    return max((m.end() for m in _TOPIC_SEP.finditer(s, 0, last)), default=0)
