"""What the page's jobs run: a new draft, and a section regenerated as a proposal the reviewer accepts or discards.

A regeneration runs the CLI's own regen on a scratch copy of the draft, so report.md is untouched until the
reviewer accepts the diff; accepting splices the section in only if it is still as it was when regen started.
"""

from __future__ import annotations

import dataclasses
import difflib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from drafter.draft.folder import dump_json, load_json
from drafter.errors import UserError
from drafter.files import atomic_write_text
from drafter.serve.drafts import (
    Conflict,
    Drafts,
    Invalid,
    body_hash,
    relative,
    section_markdown,
    section_view,
    splice_body,
)
from drafter.serve.jobs import Say

SNAPSHOT = ("report.md", "facts.json", "sources.json", "sections.json", "run.json")
PREFACE = "> 本稿由 drafter"


def kinds() -> list[str]:
    """The report kinds there are outlines for."""
    from drafter.resources import prompts_dir

    return sorted(p.stem for p in (prompts_dir() / "outlines").glob("*.toml"))


def new_draft(drafts: Drafts, period: str, kind: str, use_llm: bool, force: bool, fallback: str):
    """Check the form, then the work a job runs: write_draft, as `drafter write` runs it."""
    from drafter.draft.folder import draft_folder
    from drafter.draft.write import write_draft
    from drafter.periods import parse_period

    if kind not in kinds():  # looked up, never joined into the outline's path
        raise Invalid(f"unknown report kind {kind!r}; one of: {', '.join(kinds())}")
    try:
        wanted = parse_period(period)
    except UserError as exc:
        raise Invalid(str(exc)) from None
    config = drafts.config
    if use_llm and not config.llm_enabled:
        raise Invalid("no model is configured (OPENAI_BASE_URL, DRAFTER_MODEL); choose the offline writer")
    if not use_llm:
        config = dataclasses.replace(config, llm_model="")
    folder = draft_folder(config, wanted.label, kind)

    def work(job) -> dict:
        with drafts.serial(folder):
            result = write_draft(config, wanted, kind, force=force, progress=job.say, fallback=fallback)
        return {"draft": result.folder.name, "counts": result.counts, "seconds": round(result.seconds, 2),
                "writer": result.writer}

    return work


@dataclass
class Proposal:
    """A regenerated section waiting for the reviewer: the text before and after, on a scratch copy."""

    draft_id: str
    section_id: str
    base_hash: str
    scratch: Path
    before: str = ""
    after: str = ""
    writer: str = ""
    failure: str = ""
    findings: list[dict] = field(default_factory=list)
    preface: tuple[str, str] = ("", "")  # the report's header line before and after the regeneration

    def view(self) -> dict:
        """The job result the page shows as a diff."""
        return {"draft": self.draft_id, "section": self.section_id, "base_hash": self.base_hash,
                "writer": self.writer, "failure": self.failure, "before": self.before, "after": self.after,
                "changed": self.before != self.after, "diff": line_diff(self.before, self.after),
                "findings": self.findings}


def line_diff(before: str, after: str) -> list[dict]:
    """Lines kept, removed and added, in order."""
    old, new = before.split("\n"), after.split("\n")
    out: list[dict] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            out += [{"op": "equal", "text": t} for t in old[a1:a2]]
            continue
        out += [{"op": "delete", "text": t} for t in old[a1:a2]]
        out += [{"op": "insert", "text": t} for t in new[b1:b2]]
    return out


def propose(drafts: Drafts, root: Path, draft_id: str, section_id: str, note: str, force: bool, fallback: str,
            say: Say):
    """Regenerate one section on a scratch copy of the draft (under `root`) with the CLI's regen; report.md is
    left alone."""
    from drafter.draft.regen import regen_section

    folder = drafts.folder(draft_id)
    scratch = Path(tempfile.mkdtemp(prefix="regen-", dir=root))
    with drafts.serial(folder):
        for name in SNAPSHOT:
            if (folder / name).exists():
                shutil.copy2(folder / name, scratch / name)
    run = load_json(scratch / "run.json", {})
    run["exports"] = False  # the scratch copy needs no docx or review page
    atomic_write_text(scratch / "run.json", dump_json(run))
    snapshot = (scratch / "report.md").read_text(encoding="utf-8")
    target = drafts.find_section(snapshot, section_id)
    proposal = Proposal(draft_id, section_id, body_hash(target.body), scratch, before=section_markdown(target))
    try:
        result = regen_section(drafts.config, scratch, section_id, note=note, force=force, progress=say,
                               fallback=fallback)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    regenerated = (scratch / "report.md").read_text(encoding="utf-8")
    after = drafts.find_section(regenerated, section_id)
    proposal.preface = (_preface(snapshot), _preface(regenerated))
    proposal.after, proposal.writer, proposal.failure = section_markdown(after), result.writer, result.failure
    proposal.findings = relative(result.findings, after)
    return proposal


def accept(drafts: Drafts, proposal: Proposal) -> dict:
    """Splice the regenerated section into report.md (and its records into the JSON files), then verify."""
    from drafter.draft.folder import cost_estimate

    if proposal.writer == "failed" or proposal.before == proposal.after:
        raise Invalid("this regeneration produced no new text to accept")
    folder = drafts.folder(proposal.draft_id)
    report = folder / "report.md"
    scratch_md = (proposal.scratch / "report.md").read_text(encoding="utf-8")
    new = drafts.find_section(scratch_md, proposal.section_id)
    with drafts.locked(folder):
        markdown = report.read_text(encoding="utf-8")
        section = drafts.find_section(markdown, proposal.section_id)
        if body_hash(section.body) != proposal.base_hash:
            raise Conflict({"error": "stale", "message": f"section {proposal.section_id!r} changed on disk while "
                            "it was regenerated; nothing was replaced", "hash": body_hash(section.body),
                            "theirs": section_markdown(section), "yours": proposal.after})
        lines = markdown.split("\n")
        lines[section.start_line] = scratch_md.split("\n")[new.start_line]  # the marker, with the new text's hash
        lines = splice_body("\n".join(lines), section, new.body).split("\n")
        _carry_preface(lines, proposal)
        markdown = "\n".join(lines)
        atomic_write_text(report, markdown)
        _carry_records(drafts, folder, proposal, cost_estimate)
        findings, counts = drafts.record(folder, markdown)
    shutil.rmtree(proposal.scratch, ignore_errors=True)
    return {**section_view(drafts.find_section(markdown, proposal.section_id), findings,
                           load_json(folder / "sources.json", {}).get(proposal.section_id, [])), "counts": counts}


def _preface(markdown: str) -> str:
    return next((line for line in markdown.split("\n") if line.startswith(PREFACE)), "")


def _carry_preface(lines: list[str], proposal: Proposal) -> None:
    """The header says how each section was written: regen rewrote it on the scratch copy; so here, unless a
    person changed the header meanwhile."""
    before, after = proposal.preface
    if before and after and before != after and before in lines:
        lines[lines.index(before)] = after


def _carry_records(drafts: Drafts, folder: Path, proposal: Proposal, cost_estimate) -> None:
    """sections.json and sources.json take the section's new entries; run.json records the regeneration."""
    scratch = proposal.scratch
    sid = proposal.section_id
    sections = load_json(folder / "sections.json", [])
    entry = next((s for s in load_json(scratch / "sections.json", []) if s.get("id") == sid), None)
    if entry is not None:
        sections = [entry if s.get("id") == sid else s for s in sections]
        atomic_write_text(folder / "sections.json", dump_json(sections))
    sources = load_json(folder / "sources.json", {})
    sources[sid] = load_json(scratch / "sources.json", {}).get(sid, [])
    atomic_write_text(folder / "sources.json", dump_json(sources))
    record = load_json(scratch / "run.json", {}).get("regenerated", [{}])[-1]
    run = load_json(folder / "run.json", {})
    tokens = run.setdefault("tokens", {"in": 0, "out": 0})
    tokens["in"] = tokens.get("in", 0) + record.get("tokens_in", 0)
    tokens["out"] = tokens.get("out", 0) + record.get("tokens_out", 0)
    run["cost_estimate"] = cost_estimate(drafts.config, tokens["in"], tokens["out"])
    run.setdefault("regenerated", []).append({**record, "via": "serve"})
    atomic_write_text(folder / "run.json", dump_json(run))


def discard(proposal: Proposal) -> None:
    """Forget a proposal: its scratch copy goes, report.md was never touched."""
    shutil.rmtree(proposal.scratch, ignore_errors=True)
