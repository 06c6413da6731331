"""A report given on the command line: what kind of file it is, its text, and the facts to check it against."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from drafter.config import Config
from drafter.draft.folder import draft_inputs
from drafter.errors import UserError
from drafter.files import signature
from drafter.models import Chunk, Fact

if TYPE_CHECKING:
    from drafter.periods import Period

ACCEPTED = "a report's Markdown (.md, .txt) or Word (.docx) file, or a draft folder"
_ZIPPED = (("xl/", "an Excel workbook"), ("ppt/", "a PowerPoint file"), ("content.xml", "an OpenDocument file"))


def _not_a_report(path: Path, what: str, hint: str = "") -> UserError:
    return UserError(f"{path} is {what}, not a report; give {ACCEPTED}{hint}")


def report_format(path: Path) -> str:
    """'docx' or 'markdown' by the file's content; UserError (exit 2) for images, archives, binaries, .doc."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path} does not exist; give {ACCEPTED}")
    with path.open("rb") as handle:
        head = handle.read(8192)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as package:
                names = package.namelist()
        except zipfile.BadZipFile:
            raise _not_a_report(path, "a damaged zip archive") from None
        if "word/document.xml" in names:
            return "docx"
        what = next((w for prefix, w in _ZIPPED if any(n.startswith(prefix) for n in names)), "a zip archive")
        raise _not_a_report(path, what)
    if what := signature(head):
        hint = "; save it as .docx (Word/WPS: 另存为 .docx)" if "legacy" in what else ""
        raise _not_a_report(path, what, hint)
    if b"\0" in head:
        raise _not_a_report(path, "a binary file")
    if path.suffix.lower() == ".docx":
        raise UserError(f"{path} is named .docx but is not a Word document (a .docx is a zip package); save it "
                        f"again as .docx from Word or WPS, or give {ACCEPTED}")
    return "markdown"


def read_text(path: Path) -> str:
    """A Markdown or text report in whichever encoding the corpus reads (UTF-8, GBK/GB18030, Big5, UTF-16)."""
    from drafter.corpus.text import decode_bytes

    return decode_bytes(Path(path).read_bytes(), str(path))


def period_in(text: str) -> str:
    """The period a report names (2025, 2025Q3, 2025H1, 2025-11, 2025-W47), read as the corpus reads a past report's:
    from its title, else its opening headings; empty when it names none."""
    from drafter.corpus.classify import infer_kind, infer_period
    from drafter.render.exports import report_title

    title = report_title(text)
    return infer_period(title, text, infer_kind(title, text))


@dataclass
class FactsBasis:
    """The facts a report is checked against, and where they came from."""

    facts: list[Fact]
    sources: list[Chunk] = field(default_factory=list)
    period: str | None = None
    plan: str | None = None
    origin: str = ""  # said to the user when the facts are not the report's own draft folder's
    folder: Path | None = None  # the draft folder, when the report is its report.md


def _draft_basis(folder: Path, period: Period | None) -> FactsBasis:
    facts, sources, own_period, plan = draft_inputs(folder)
    if period is not None:  # --period: the facts are read for that period, as a plain report
        return FactsBasis(facts, sources, period.label)
    return FactsBasis(facts, sources, own_period, plan)


def _data_basis(config: Config, text: str, period: Period | None) -> FactsBasis:
    from drafter.metrics import compute_facts
    from drafter.periods import parse_period

    named = period_in(text)
    if period is None and not named:
        raise UserError(f"the report's title names no period; give --period (e.g. 2025, 2025Q3, 2025-11 or "
                        f"2025-W47) to check it "
                        f"against {config.data_dir}")
    wanted = period or parse_period(named)
    from drafter.render.exports import report_title

    # a plan's title names the year it plans; its facts are the year before's, plus the proposed targets
    plan = wanted if re.search(r"计划|规划", report_title(text)) and wanted.grain == "year" else None
    basis = wanted.previous_year() if plan else wanted
    result = compute_facts(config.data_dir, basis, config.cache_dir, config.columns, config.promo_windows,
                           config.engine_url, channels=config.channels, categories=config.categories)
    facts = result.facts
    if plan:
        from drafter.metrics.proposals import propose_targets

        facts = facts + propose_targets(facts, basis, plan)
    origin = f"facts computed from {config.data_dir} for {basis.label}"
    sources = _corpus_sources(config)
    if sources:
        origin += f"; quotations checked against the corpus's {len(sources)} reports"
    return FactsBasis(facts, sources, basis.label, plan.label if plan else None, origin)


def _corpus_sources(config: Config) -> list[Chunk]:
    """The working folder's past reports, so a figure quoted from one verifies as in a draft folder."""
    if not config.store_url and not config.store_path.exists():
        return []
    from drafter.backends.vectorstore import open_store

    try:
        docs = open_store(config).documents(with_text=True)
    except Exception:  # a broken or foreign store only means quotations go unchecked against it
        return []
    return [Chunk(id=d["id"], doc_id=d["id"], text=d["text"], title=d.get("title", "")) for d in docs if d.get("text")]


def _drafted_from(config: Config, text: str) -> Path | None:
    """The working folder's draft whose report has this report's title: the facts it was drafted from."""
    from drafter.render.exports import report_title

    title = report_title(text)
    if not title or not config.drafts_dir.is_dir():
        return None
    for report in sorted(config.drafts_dir.glob("*/report.md")):
        if (report.parent / "facts.json").exists() and report_title(read_text(report)) == title:
            return report.parent
    return None


def _has_data(folder: Path) -> bool:
    return folder.is_dir() and any(p.is_file() and not p.name.startswith(".") for p in folder.iterdir())


def report_facts(config: Config, report: Path, text: str, facts_csv: Path | None, period: Period | None,
                 in_folder: bool) -> FactsBasis:
    """--facts if given; else the facts.json of the report's draft folder, or of the working folder's draft with
    the same title; else the working folder's data; else exit 2 saying how to give them."""
    from drafter.verify import load_facts_csv

    folder = Path(report).parent
    own = folder / "facts.json"
    if facts_csv:
        basis = _draft_basis(folder, period) if own.exists() else FactsBasis([], period=period and period.label)
        basis.facts, basis.origin = load_facts_csv(facts_csv), ""
    elif own.exists():
        basis = _draft_basis(folder, period)
        if Path(report).name != "report.md":  # a copy or a Word file beside the draft: say whose facts
            basis.origin = f"facts from {own}"
    elif drafted := _drafted_from(config, text):
        basis = _draft_basis(drafted, period)
        basis.origin = f"facts from {drafted / 'facts.json'} (the draft with the same title)"
    elif config.engine_url or _has_data(config.data_dir):
        basis = _data_basis(config, text, period)
    else:
        raise UserError(f"no facts to check {report} against: there is no facts.json beside it (it is not in a "
                        f"draft folder) and no data in {config.data_dir}. Give --facts FACTS.csv (written by "
                        f"`drafter metrics --period 2025 --format csv --out facts.csv`), or run in the working "
                        f"folder (--dir) whose data the report was drafted from")
    if in_folder:
        basis.folder = folder
    return basis
