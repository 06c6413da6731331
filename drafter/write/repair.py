"""The repair loop's rules: which findings the model may be told a right value for, and whether a repair round
left every figure it touched verified (else the section keeps the text from before that round)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from drafter.models import Finding

CONFIDENT = {"mismatch", "claim_error"}
_SENTENCE = re.compile(r"[^。！？!?；;|]+[。！？!?；;|]?")


@dataclass
class Requests:
    """What a repair round asks: figures to correct to a right value, and figures to restate or drop."""

    correct: list[Finding]
    restate: list[Finding]


def unread_words(finding: Finding) -> list[str]:
    """The words around a figure the verifier could not account for (none when its reading is complete)."""
    reading = finding.reading if isinstance(finding.reading, dict) else {}
    return [str(word) for word in reading.get("unread") or []]


def is_complete(finding: Finding) -> bool:
    """A verdict drafter may act on: anything but `unsupported`, read with no word left over."""
    return finding.verdict != "unsupported" and not unread_words(finding)


def repair_requests(findings: list[Finding]) -> Requests:
    """Only a confident verdict on a complete reading earns a right value; a figure the verifier could not fully
    read is never "corrected" (its right value would be a guess about a reading it does not have)."""
    confident = [f for f in findings if f.verdict in CONFIDENT]
    return Requests(correct=[f for f in confident if is_complete(f)],
                    restate=[f for f in findings if f.verdict == "unsupported"]
                    + [f for f in confident if not is_complete(f)])


def _sentences(text: str) -> list[tuple[int, int, int, str]]:
    """(line, first col, last col, sentence) of every sentence or table cell, 1-based like a Finding's position."""
    out = []
    for number, line in enumerate(text.split("\n"), 1):
        for match in _SENTENCE.finditer(line):
            if match.group(0).strip(" |"):
                out.append((number, match.start() + 1, match.end(), match.group(0).strip()))
    return out


def _grouped(text: str, findings: list[Finding]) -> tuple[list[str], list[list[Finding]]]:
    """The text's sentences and, for each, the findings inside it."""
    spans = _sentences(text)
    groups: list[list[Finding]] = [[] for _ in spans]
    for finding in findings:
        for index, (line, first, last, _sentence) in enumerate(spans):
            if finding.line == line and first <= finding.col <= last:
                groups[index].append(finding)
                break
    return [s for *_pos, s in spans], groups


def _holds(finding: Finding) -> bool:
    return finding.verdict == "verified" and is_complete(finding)


def broken_by_round(before: str, before_findings: list[Finding], after: str,
                    after_findings: list[Finding]) -> list[Finding]:
    """Figures of the new text that do not verify and were not there, failing alike, in the sentences they replace:
    a round may fix figures and leave others as they were, but whatever it changed must verify."""
    old_sentences, old_groups = _grouped(before, before_findings)
    new_sentences, new_groups = _grouped(after, after_findings)
    broken: list[Finding] = []
    matcher = SequenceMatcher(None, old_sentences, new_sentences, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "delete":
            continue  # a dropped sentence states nothing
        # an unchanged sentence is checked too: the verifier reads a figure with the sentences before it
        failing_before = Counter(f.text for group in old_groups[i1:i2] for f in group if not _holds(f))
        for finding in (f for group in new_groups[j1:j2] for f in group if not _holds(f)):
            if failing_before[finding.text] > 0:
                failing_before[finding.text] -= 1  # the same figure failing as before: not the round's doing
            else:
                broken.append(finding)
    return broken
