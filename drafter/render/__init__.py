"""The render stage: a draft → report.md (the editable source of truth), report.md → sections, and the exports."""

from __future__ import annotations

import re
from dataclasses import dataclass

from drafter.models import Draft, text_hash

MARKER = re.compile(r"^<!-- drafter:section id=(?P<id>[\w.-]+) hash=(?P<hash>[0-9a-f]+) -->\s*$")
HEADING = re.compile(r"^##\s+(?P<title>.+?)\s*$")


@dataclass
class ReportSection:
    """One section as it stands in report.md, possibly edited by a person."""

    id: str
    title: str
    marker_hash: str
    body: str
    start_line: int
    end_line: int

    @property
    def edited(self) -> bool:
        """True when the body no longer matches the hash drafter wrote."""
        return text_hash(self.body.strip(), 12) != self.marker_hash


def render_markdown(draft: Draft, preface: str = "") -> str:
    """The report as Markdown: title, preface, then each section with its marker comment."""
    parts = [f"# {draft.title}\n"]
    if preface:
        parts.append(preface.strip() + "\n")
    for section in draft.sections:
        parts.append(f"## {section.title}\n<!-- drafter:section id={section.id} hash={section.hash} -->\n\n"
                     f"{section.text.strip()}\n")
    return "\n".join(parts)


def parse_sections(markdown: str) -> list[ReportSection]:
    """Find drafter's sections in a (possibly hand-edited) report.md."""
    lines = markdown.split("\n")
    found: list[ReportSection] = []
    for index, line in enumerate(lines):
        marker = MARKER.match(line)
        if not marker or index == 0 or not HEADING.match(lines[index - 1]):
            continue
        found.append(ReportSection(marker["id"], HEADING.match(lines[index - 1])["title"], marker["hash"], "",
                                   index, len(lines)))
    for current, following in zip(found, found[1:], strict=False):
        current.end_line = following.start_line - 1
    for section in found:
        section.body = "\n".join(lines[section.start_line + 1:section.end_line])
    return found
