"""The working folder's drafts as the web app sees them: looked up by name, read, and edited one section at a time.

Draft and section ids arrive from the network: they are only ever keys into the folder's own listings, never
parts of a path.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from contextlib import contextmanager, suppress
from pathlib import Path

from drafter.config import Config
from drafter.draft.folder import load_json
from drafter.files import FolderLock, atomic_write_text
from drafter.models import Finding

# A section's text may not open a new section: a marker line or a # / ## heading would split the report.
_SPLITS = re.compile(r"^(?:<!--\s*drafter:section\b|#{1,2}\s)", re.M)


class NotFound(Exception):
    """No such draft or section in the working folder (404)."""


class Conflict(Exception):
    """The request clashes with the files' state (409); the payload says how."""

    def __init__(self, payload: dict) -> None:
        super().__init__(payload.get("error", "conflict"))
        self.payload = payload


class Invalid(Exception):
    """The request's content cannot be used (422)."""


def body_hash(body: str) -> str:
    """A section body's fingerprint: the base a save must name, made as the CLI makes its marker hashes."""
    from drafter.render.exports import section_hash

    return section_hash(body)


def _trimmed(body: str) -> tuple[str, int]:
    """A section body without its blank lines before and after (the Markdown the page edits), and how many lines
    were dropped before it."""
    lines = body.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    last = max((i for i, line in enumerate(lines) if line.strip()), default=first - 1)
    return "\n".join(lines[first:last + 1]), first


def section_markdown(section) -> str:
    """The Markdown of a section as the page shows and edits it."""
    return _trimmed(section.body)[0]


def relative(findings: list[Finding], section) -> list[dict]:
    """The findings inside a section, their lines counted from the first line of its Markdown."""
    offset = section.start_line + 1 + _trimmed(section.body)[1]
    return [{**f.model_dump(), "report_line": f.line, "line": f.line - offset}
            for f in findings if section.start_line < f.line <= section.end_line]


def section_html(body: str, findings: list[dict]) -> str:
    """The section body as HTML (text escaped), each figure a span with data-verdict, as review.html marks them."""
    from drafter.render.blocks import parse_blocks
    from drafter.render.html import blocks_html, mark_figures

    marked, _ = mark_figures(body, findings)
    return blocks_html(parse_blocks(marked), findings)


def section_view(section, findings: list[Finding], sources: list[dict] | None = None) -> dict:
    """A section as the API shows it: id, heading, Markdown, hash, edited flag, findings, HTML (and excerpts)."""
    inside = relative(findings, section)
    markdown = section_markdown(section)
    view = {"id": section.id, "heading": section.title, "markdown": markdown, "hash": body_hash(section.body),
            "edited": section.edited, "findings": inside, "html": section_html(markdown, inside)}
    if sources is not None:
        view["sources"] = sources
    return view


def splice_body(markdown: str, section, text: str) -> str:
    """report.md with one section's body replaced; its heading, marker and every other line kept byte for byte."""
    lines = markdown.split("\n")
    tail = [""] if section.end_line < len(lines) or markdown.endswith("\n") else []
    lines[section.start_line + 1:section.end_line] = ["", *text.strip().split("\n"), *tail]
    return "\n".join(lines)


class Drafts:
    """The drafts under the config's drafts folder, with one lock per draft so the app's own writers queue up."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._locks: dict[Path, threading.RLock] = defaultdict(threading.RLock)
        self._stale: set[Path] = set()  # folders whose exports lag report.md (they follow in the background)

    def folders(self) -> dict[str, Path]:
        """Draft id (the folder's name) → folder, for every folder holding a report.md."""
        root = self.config.drafts_dir
        if not root.is_dir():
            return {}
        return {p.name: p for p in sorted(root.iterdir()) if p.is_dir() and (p / "report.md").is_file()}

    def folder(self, draft_id: str) -> Path:
        """The draft's folder, found by its id in the listing (NotFound otherwise)."""
        found = self.folders().get(draft_id)
        if found is None:
            raise NotFound(f"no draft {draft_id!r}")
        return found

    def serial(self, folder: Path) -> threading.RLock:
        """The lock that keeps this app's own writers of a draft one at a time."""
        return self._locks[Path(folder)]

    @contextmanager
    def locked(self, folder: Path):
        """This app's writers one at a time per draft, and the CLI's FolderLock held while they write."""
        with self.serial(folder), FolderLock(folder):
            yield

    def summary(self, draft_id: str) -> dict:
        """One row of the drafts list: period, kind, title, figures and verdict counts."""
        from drafter.render import parse_sections
        from drafter.render.exports import report_title

        folder = self.folder(draft_id)
        run = load_json(folder / "run.json", {})
        markdown = (folder / "report.md").read_text(encoding="utf-8")
        counts = load_json(folder / "verification.json", {}).get("counts", {})
        sections = parse_sections(markdown)
        return {"id": draft_id, "title": report_title(markdown), "period": run.get("period", ""),
                "kind": run.get("kind", ""), "figures": counts.get("total", 0), "counts": counts,
                "sections": len(sections), "edited": sum(s.edited for s in sections),
                "accepted": bool(run.get("accepted"))}

    def verify(self, folder: Path, markdown: str) -> tuple[list[Finding], dict]:
        """Every figure of the report checked against the draft's facts and excerpts (nothing written)."""
        from drafter.draft.verify import check_draft_text

        return check_draft_text(self.config, folder, markdown)

    def detail(self, draft_id: str) -> dict:
        """The draft for the review page: each section's Markdown, hash, edited flag, findings, HTML and excerpts."""
        from drafter.render import parse_sections
        from drafter.render.exports import exports_wanted, report_title, word_edited
        from drafter.render.html import fact_entry

        folder = self.folder(draft_id)
        markdown = (folder / "report.md").read_text(encoding="utf-8")
        findings, counts = self.verify(folder, markdown)
        sources = load_json(folder / "sources.json", {})
        run = load_json(folder / "run.json", {})
        sections = [section_view(s, findings, sources.get(s.id, [])) for s in parse_sections(markdown)]
        used = {f.fact_id for f in findings if f.fact_id}
        facts = {f["id"]: fact_entry(f) for f in load_json(folder / "facts.json", []) if f["id"] in used}
        return {"id": draft_id, "title": report_title(markdown), "period": run.get("period", ""),
                "kind": run.get("kind", ""), "counts": counts, "sections": sections, "facts": facts,
                "accepted": run.get("accepted"), "word_edited": word_edited(folder),
                "exports": exports_wanted(folder)}

    def find_section(self, markdown: str, section_id: str):
        """The section of report.md with this id (NotFound otherwise)."""
        from drafter.render import parse_sections

        found = {s.id: s for s in parse_sections(markdown)}.get(section_id)
        if found is None:
            raise NotFound(f"no section {section_id!r}")
        return found

    def save_section(self, draft_id: str, section_id: str, text: str, base_hash: str) -> dict:
        """Write one section's Markdown into report.md (atomically) and verify; Conflict when it changed on disk
        since `base_hash` was read. The marker keeps the hash drafter wrote, so the edit shows as a hand edit."""
        if _SPLITS.search(text):
            raise Invalid("a section's text cannot hold a drafter marker or a # / ## heading (either would split "
                          "the report); use ### for a sub-heading")
        folder = self.folder(draft_id)
        report = folder / "report.md"
        with self.locked(folder):
            markdown = report.read_text(encoding="utf-8")
            section = self.find_section(markdown, section_id)
            current = body_hash(section.body)
            if base_hash != current:
                raise Conflict({"error": "stale", "message": f"section {section_id!r} changed on disk since the page "
                                "read it; nothing was saved", "hash": current, "theirs": section_markdown(section),
                                "yours": text})
            markdown = splice_body(markdown, section, text)
            atomic_write_text(report, markdown)
            findings, counts = self.record(folder, markdown)
        return {**section_view(self.find_section(markdown, section_id), findings), "counts": counts}

    def record(self, folder: Path, markdown: str) -> tuple[list[Finding], dict]:
        """Verify report.md, write verification.json now and the exports (docx, review.html) in the background."""
        from drafter.draft.folder import dump_json, verification_payload
        from drafter.render.exports import exports_wanted

        findings, counts = self.verify(folder, markdown)
        atomic_write_text(folder / "verification.json", dump_json(verification_payload(findings, counts)))
        if exports_wanted(folder):
            self._stale.add(folder)
            threading.Thread(target=self._refresh_quietly, args=(folder,), daemon=True).start()
        return findings, counts

    def _refresh_quietly(self, folder: Path) -> None:
        from drafter.errors import UserError

        # when the CLI holds the draft, the exports stay marked stale and follow on the next save or download
        with suppress(UserError):
            self.refresh_exports(folder)

    def refresh_exports(self, folder: Path) -> None:
        """Rewrite report.docx, review.html and charts when they lag report.md: after a save here (in the
        background), or after an edit outside the app (then verification.json is redone first)."""
        from drafter.draft.verify import verify_folder

        report, exported = folder / "report.md", folder / "review.html"
        with self.serial(folder):
            outside = not exported.exists() or exported.stat().st_mtime < report.stat().st_mtime
            if folder not in self._stale and not outside:
                return
            with FolderLock(folder):
                if folder in self._stale:
                    from drafter.render.exports import write_exports

                    write_exports(folder)
                else:
                    verify_folder(self.config, folder)  # verification.json, then the exports, as `drafter verify`
            self._stale.discard(folder)
