"""The outline stage: a report kind → its sections, read from templates under prompts/outlines/."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field

from drafter.errors import UserError
from drafter.resources import prompts_dir

CORPUS_KIND = {"annual-summary": "summary", "quarterly-review": "review", "annual-plan": "plan"}


@dataclass(frozen=True)
class Query:
    """A retrieval question for a section, filtered by corpus kind and relative period."""

    text: str
    kind: str = ""
    period: str = "current"


@dataclass(frozen=True)
class SectionSpec:
    """What one section covers and how it is written."""

    id: str
    title: str
    metrics: tuple[str, ...] = ()
    dimensions: tuple[str, ...] = ()  # breakdowns (channel, category, buyer …) its prompt shows
    guidance: str = ""
    length: int = 400
    queries: tuple[Query, ...] = ()


@dataclass(frozen=True)
class Outline:
    """A report kind's title pattern and sections."""

    kind: str
    title: str
    corpus_kind: str
    sections: tuple[SectionSpec, ...] = field(default=())
    basis: str = "current"  # "previous": facts are for the period a year before (a plan is written from actuals)
    grains: tuple[str, ...] = ()  # the periods its sections are written for (quarter, year …); empty: any

    def check_period(self, period) -> None:
        """A clear error when the outline is not written for this kind of period."""
        if self.grains and period.grain not in self.grains:
            names = {"year": "a year (2025)", "half": "a half (2025H1)", "quarter": "a quarter (2025Q3)",
                     "month": "a month (2025-11)", "week": "an ISO week (2025-W47)"}
            raise UserError(f"--kind {self.kind} is written for {' or '.join(names[g] for g in self.grains)}, "
                            f"not {period.label}; choose such a period or another --kind")

    def section(self, section_id: str) -> SectionSpec:
        """Look a section up by id; a clear error names the valid ids."""
        for spec in self.sections:
            if spec.id == section_id:
                return spec
        ids = ", ".join(s.id for s in self.sections)
        raise UserError(f"no section {section_id!r} in {self.kind}; sections are: {ids}")


def _dimensions(raw: dict) -> tuple[str, ...]:
    """`dimension = "channel"` or `dimensions = ["channel", "category"]`."""
    value = raw.get("dimensions", raw.get("dimension", ()))
    return (value,) if isinstance(value, str) else tuple(value)


def report_kinds() -> list[str]:
    """Report kinds that have an outline."""
    return sorted(p.stem for p in (prompts_dir() / "outlines").glob("*.toml"))


def default_kind(period) -> str:
    """The one kind written only for the period's grain (a month: monthly-review), else the annual summary."""
    fitting = [kind for kind in report_kinds() if load_outline(kind).grains == (period.grain,)]
    return fitting[0] if len(fitting) == 1 else "annual-summary"


def load_outline(kind: str) -> Outline:
    """Read a report kind's outline template."""
    path = prompts_dir() / "outlines" / f"{kind}.toml"
    if not path.exists():
        raise UserError(f"unknown report kind {kind!r}; choose one of: {', '.join(report_kinds())}")
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    sections = tuple(
        SectionSpec(
            id=s["id"], title=s["title"], metrics=tuple(s.get("metrics", ())), dimensions=_dimensions(s),
            guidance=s.get("guidance", ""), length=int(s.get("length", 400)),
            queries=tuple(Query(**q) for q in s.get("queries", ())),
        )
        for s in raw["sections"]
    )
    basis = raw.get("basis", "current")
    if basis not in ("current", "previous"):
        raise UserError(f"{path}: basis must be \"current\" or \"previous\", not {basis!r}")
    return Outline(kind=raw["kind"], title=raw["title"], corpus_kind=raw.get("corpus_kind", ""), sections=sections,
                   basis=basis, grains=tuple(raw.get("grains", ())))
