"""The draft folder's exports (charts/*.png, report.docx, review.html), rendered in the draft's script."""

from __future__ import annotations

import json
from pathlib import Path

DOCX_STATE = ".report.docx.json"  # report.docx's hash as drafter last wrote or pulled it


def _load(path: Path, default):
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else default


def report_title(markdown: str) -> str:
    """The report's `# ` title line, or empty."""
    return next((line[2:].strip() for line in markdown.split("\n") if line.startswith("# ")), "")


def remove_exports(folder: Path) -> None:
    """Delete exports a `--no-exports` run would otherwise leave behind, out of step with report.md."""
    folder = Path(folder)
    for path in [folder / "report.docx", folder / "review.html", *(folder / "charts").glob("*.png")]:
        path.unlink(missing_ok=True)


def exports_wanted(folder: Path) -> bool:
    """Whether the draft was written with exports (run.json; `write --no-exports` turns them off)."""
    return _load(Path(folder) / "run.json", {}).get("exports", True) is not False


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def word_edited(folder: Path) -> bool:
    """Whether report.docx was changed (in Word, WPS…) since drafter last wrote or pulled it."""
    path = Path(folder) / "report.docx"
    if not path.exists():
        return False
    state = _load(Path(folder) / DOCX_STATE, {})
    return bool(state) and _sha(path) not in (state.get("written"), state.get("pulled"))


def record_docx(folder: Path, key: str = "written", markdown: str = "") -> None:
    """Remember report.docx as drafter wrote it (with the section texts it was written from), or as a pull took
    it in, so later Word edits show and a pull can tell them from edits made to report.md meanwhile."""
    from drafter.files import atomic_write_text
    from drafter.render import parse_sections

    folder = Path(folder)
    state = {} if key == "written" else _load(folder / DOCX_STATE, {})
    state[key] = _sha(folder / "report.docx")
    if markdown:
        state["sections"] = {s.id: section_hash(s.body) for s in parse_sections(markdown)}
    atomic_write_text(folder / DOCX_STATE, json.dumps(state) + "\n")


def section_hash(body: str) -> str:
    """A section body's fingerprint, as its marker's hash is made."""
    from drafter.models import text_hash

    return text_hash(body.strip(), 12)


def exported_sections(folder: Path) -> dict[str, str]:
    """Section id → the hash of the body report.docx was last written from ({} when unknown)."""
    return _load(Path(folder) / DOCX_STATE, {}).get("sections", {})


def write_exports(folder: Path) -> dict[str, Path]:
    """Regenerate charts, report.docx and review.html from the folder's report.md and JSON files."""
    from drafter.models import Fact, text_hash
    from drafter.render.charts import render_charts
    from drafter.render.docx import write_docx
    from drafter.render.html import write_review
    from drafter.render.script import to_traditional

    folder = Path(folder)
    markdown = (folder / "report.md").read_text(encoding="utf-8")
    facts_text = (folder / "facts.json").read_text(encoding="utf-8") if (folder / "facts.json").exists() else "[]"
    facts = json.loads(facts_text)
    sources = _load(folder / "sources.json", {})
    verification = _load(folder / "verification.json", {"findings": [], "counts": {}})
    run = _load(folder / "run.json", {})
    period, script = run.get("period", ""), run.get("script", "simplified")
    charts = {}
    if facts and period:
        charts = render_charts([Fact(**f) for f in facts], period, folder, key=text_hash(facts_text, 16),
                               script=script)
    written = {f"charts/{name}.png": path for name, path in charts.items()}
    caption = to_traditional if script == "traditional" else str
    if not word_edited(folder):  # never overwrite edits made in Word that report.md lacks (pull takes them in)
        written["report.docx"] = write_docx(folder / "report.docx", markdown, charts, caption)
        record_docx(folder, markdown=markdown)
    written["review.html"] = write_review(folder / "review.html", markdown, verification, facts, sources,
                                          report_title(markdown), charts, caption,
                                          "zh-Hant" if script == "traditional" else "zh-CN")
    return written
