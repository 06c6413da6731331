"""The draft folder: its paths, its json files, the run record and the verification it keeps."""

from __future__ import annotations

import json
from pathlib import Path

from drafter import __version__
from drafter.config import Config
from drafter.errors import UserError
from drafter.files import atomic_write_text
from drafter.models import Draft, Finding, Section, text_hash
from drafter.resources import prompts_dir

MARKER_LINE = "<!-- drafter:section id={id} hash={hash} -->"


def dump_json(data) -> str:
    """The folder's json style: UTF-8 as is, indented, a final newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def load_json(path: Path, default=None):
    """A json file of the folder, or the default when it is not there."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else default


def draft_folder(config: Config, period: str, kind: str, out: Path | None = None) -> Path:
    """Where a run writes: --out, else drafts/<period>-<kind>/."""
    return Path(out) if out else config.drafts_dir / f"{period}-{kind}"


def draft_paths(folder: Path) -> Path:
    """The draft folder's report.md; a clear error when the folder is not a draft."""
    report = Path(folder) / "report.md"
    if not report.exists():
        raise UserError(f"{folder} is not a draft folder (no report.md); give the folder `drafter write` made")
    return report


def verify_periods(run: dict) -> tuple[str | None, str | None]:
    """From a draft's run.json: the period its facts describe and, for a plan, the later period it is written for."""
    if run.get("basis_period"):
        return run["basis_period"], run.get("period")
    return run.get("period"), None


def draft_inputs(folder: Path) -> tuple[list, list, str | None, str | None]:
    """What a draft folder's report is verified against: facts, cited excerpts, the facts' period and the plan's."""
    from drafter.models import Chunk, Fact

    folder = Path(folder)
    facts = [Fact(**f) for f in load_json(folder / "facts.json", [])]
    sources = [Chunk(**c) for chunks in load_json(folder / "sources.json", {}).values() for c in chunks]
    return facts, sources, *verify_periods(load_json(folder / "run.json", {}))


def verification_payload(findings: list[Finding], counts: dict) -> dict:
    """The shape shared by verification.json and `drafter verify --json`."""
    keys = ("line", "col", "text", "value", "unit", "verdict", "metric", "expected", "message", "fact_id", "source",
            "reading")
    return {"findings": [{k: getattr(f, k) for k in keys} for f in findings], "counts": counts}


def save_verification(folder: Path, findings: list[Finding], counts: dict) -> None:
    """verification.json, then the exports that follow report.md (unless the draft was written without them)."""
    from drafter.render.exports import exports_wanted, write_exports

    atomic_write_text(folder / "verification.json", dump_json(verification_payload(findings, counts)))
    if exports_wanted(folder):
        write_exports(folder)  # review.html, report.docx and charts follow the hand edits


def check_overwrite(folder: Path, force: bool) -> None:
    """Refuse to replace a report a person has edited, unless forced."""
    from drafter.render import parse_sections
    from drafter.render.exports import word_edited

    report = folder / "report.md"
    if force or not report.exists():
        return
    if word_edited(folder):
        raise UserError(f"{folder / 'report.docx'} has edits made in Word; `drafter pull {folder}` takes them into "
                        f"report.md, or pass --force to overwrite the whole draft")
    edited = [s.id for s in parse_sections(report.read_text(encoding="utf-8")) if s.edited]
    if edited:
        raise UserError(f"{report} has hand edits in section(s) {', '.join(edited)}; use `drafter regen` for one "
                        f"section, or pass --force to overwrite the whole draft")


def save_draft(folder: Path, draft: Draft, markdown: str, findings: list[Finding], counts: dict, run: dict) -> None:
    """Write every stage's output into the draft folder, each file atomically, the report last."""
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / "facts.json", dump_json([f.model_dump() for f in draft.facts]))
    sources = {s.id: [c.model_dump() for c in s.sources] for s in draft.sections}
    atomic_write_text(folder / "sources.json", dump_json(sources))
    atomic_write_text(folder / "sections.json", dump_json([s.model_dump(exclude={"sources"}) for s in draft.sections]))
    atomic_write_text(folder / "verification.json", dump_json(verification_payload(findings, counts)))
    atomic_write_text(folder / "run.json", dump_json(run))
    atomic_write_text(folder / "report.md", markdown)


def prompt_hashes(kind: str) -> dict[str, str]:
    """Hashes of the templates a run used, so run.json tells which prompts wrote the draft."""
    root = prompts_dir()
    files = [root / "outlines" / f"{kind}.toml", *sorted((root / "offline" / kind).glob("*.j2")),
             *sorted((root / "offline" / "_shared").glob("*.j2")), *sorted((root / "llm").glob("*.j2"))]
    return {str(p.relative_to(root)): text_hash(p.read_text(encoding="utf-8"), 12) for p in files if p.exists()}


def writer_label(sections: list[Section]) -> str:
    """How the draft was written, for the preface and summary."""
    names = sorted({s.writer.split(" ")[0] for s in sections})
    return "、".join(names)


def cost_estimate(config: Config, tokens_in: int, tokens_out: int) -> float | None:
    """What the tokens cost at [llm.prices], or None when no prices are set."""
    if not config.prices:
        return None
    return round(tokens_in / 1000 * config.prices.get("input_per_1k", 0)
                 + tokens_out / 1000 * config.prices.get("output_per_1k", 0), 6)


def section_record(section: Section) -> dict:
    """A section's entry in run.json: how it was written, every attempt, and its prompt's size."""
    return {"id": section.id, "writer": section.writer, "seconds": round(section.seconds, 3),
            "tokens_in": section.tokens_in, "tokens_out": section.tokens_out, "repair_rounds": section.repair_rounds,
            "flagged": section.flagged, "cached": section.cached, "facts": len(section.fact_ids),
            "sources": len(section.sources), "prompt_tokens": section.prompt_tokens, "max_tokens": section.max_tokens,
            "failure": section.failure, "attempts": section.attempts}


def run_record(config: Config, kind: str, period: str, model, sections: list[Section], timings: dict,
               seconds: float, counts: dict, metrics) -> dict:
    """run.json: what wrote the draft, with what, how long and at what cost (failed attempts too); never the key."""
    tokens_in = sum(s.tokens_in for s in sections)
    tokens_out = sum(s.tokens_out for s in sections)
    return {
        "drafter": __version__, "kind": kind, "period": period, "writer": writer_label(sections),
        "model": model.name if model else None,
        "endpoint_host": model.host if model else None,
        "context_tokens": config.llm_context_tokens if model else None,
        "embedder": config.embedder, "prompts": prompt_hashes(kind),
        "data_files": {k: str(v) for k, v in metrics.files.items()}, "data": metrics.data_summary,
        "notes": metrics.notes,
        "skipped_metrics": metrics.skipped, "timings": {k: round(v, 3) for k, v in timings.items()},
        "seconds": round(seconds, 3), "counts": counts,
        "tokens": {"in": tokens_in, "out": tokens_out}, "cost_estimate": cost_estimate(config, tokens_in, tokens_out),
        "failed_sections": [{"id": s.id, "reason": s.failure} for s in sections if s.writer == "failed"],
        "sections": [section_record(s) for s in sections],
    }
