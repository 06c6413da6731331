"""The outline stage: a report kind → its sections, from prompts/outlines/ or the team's own house outline."""

# A house outline (outlines/<kind>.toml in the working folder) is read from one of the team's past reports:
# its chapter names, order and numbering style; each chapter borrows the facts, queries and offline template
# of the built-in section its words name (prompts/outlines/house/areas.toml), or is written from excerpts only.

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from drafter.errors import UserError
from drafter.resources import prompts_dir

HOUSE_DIR = "outlines"  # in the working folder
DRAFT_COPY = "outline.toml"  # in a draft folder: the house outline it was written from (regen follows it too)
# A report kind's corpus kind, and back: the kind a past report of that corpus kind is drafted as.

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
    template: str = ""  # the offline template, "<kind>/<name>.md.j2" under prompts/offline; "" = "<id>.md.j2"
    area: str = ""  # in a house outline: the area its words name ("" when none does)


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


def load_outline(kind: str, config=None, draft: Path | None = None) -> Outline:
    """A report kind's outline: the house outline a draft folder was written from (draft), or the working
    folder's (config), when there is one; else the built-in one."""
    outline = builtin_outline(kind)
    if draft is not None:
        path = Path(draft) / DRAFT_COPY
    else:
        path = house_path(config.root, kind) if config is not None else None
    return house_outline(outline, read_house(path)) if path is not None and path.exists() else outline


@cache
def builtin_outline(kind: str) -> Outline:
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


# --- the house outline ----------------------------------------------------------------------------------------

_CN = "一二三四五六七八九十"
# A chapter's numbering, as the team writes it: the style ({cn} 一二三, {n} 1 2 3) and its pattern.
_NUMBERINGS = [
    ("第{cn}章 ", re.compile(f"^第([{_CN}]+)章\\s*")),
    ("第{cn}部分 ", re.compile(f"^第([{_CN}]+)部分\\s*")),
    ("{cn}、", re.compile(f"^([{_CN}]{{1,3}})、\\s*")),
    ("（{cn}）", re.compile(f"^[(（]([{_CN}]{{1,3}})[)）]\\s*")),
    ("{n}. ", re.compile(r"^(\d{1,2})[.．]\s*")),
    ("{n}、", re.compile(r"^(\d{1,2})、\s*")),
    ("PART {n:02d} ", re.compile(r"^(?:PART|Part)\s*0?(\d{1,2})\s*")),
    ("{n:02d} ", re.compile(r"^0([1-9])\s+")),
]


@dataclass(frozen=True)
class HouseSection:
    """One chapter of a house outline: its name without numbering, its area and the words that named it."""

    title: str
    area: str = ""
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class HouseOutline:
    """A team's chapters for one report kind, in order, and how it numbers them."""

    kind: str
    source: str
    numbering: str
    sections: tuple[HouseSection, ...]


def house_path(root: Path, kind: str) -> Path:
    """Where the working folder keeps its house outline for a report kind."""
    return Path(root) / HOUSE_DIR / f"{kind}.toml"


@cache
def areas() -> dict[str, dict]:
    """The area vocabulary: area → label, words, and the built-in section each report kind borrows."""
    return tomllib.loads((prompts_dir() / "outlines" / "house" / "areas.toml").read_text(encoding="utf-8"))["areas"]


def split_numbering(heading: str) -> tuple[str, str]:
    """(numbering style, name) of a chapter heading: 二、渠道表现 → ("{cn}、", "渠道表现")."""
    heading = heading.strip().lstrip("#").strip()
    for style, pattern in _NUMBERINGS:
        if m := pattern.match(heading):
            return style, heading[m.end():].strip()
    return "", heading


def numbered(style: str, position: int, name: str) -> str:
    """A chapter's heading in the team's numbering style (position counts from 1)."""
    if not style:
        return name
    import cn2an

    return style.format(cn=cn2an.an2cn(position), n=position) + name


def map_area(name: str, context: str = "") -> tuple[str, tuple[str, ...]]:
    """The area a chapter's words name, and those words: most words wins, then the word named first."""
    # context: the chapter's sub-headings, read only when its own name names no area (二、经营分析 → 渠道表现…).
    for text in (name, context):
        scored = []
        for area, spec in areas().items():
            found = sorted((text.find(w), w) for w in spec["words"] if w.lower() in text.lower())
            if found:
                scored.append((-len(found), found[0][0], area, tuple(w for _, w in found)))
        if scored:
            _, _, area, words = min(scored)
            return area, words
    return "", ()


def chapters(text: str, title: str) -> list[tuple[str, str]]:
    """(chapter heading, its sub-headings joined) of a report's text: the outermost heading level used twice."""
    from drafter.corpus.chunk import heading_lines

    def key(s: str) -> str:
        return re.sub(r"[\s#]", "", s)

    heads = [(rank, label) for rank, label in heading_lines(text) if key(label) != key(title)]
    ranks = [rank for rank, _ in heads]
    repeated = [rank for rank in sorted(set(ranks)) if ranks.count(rank) >= 2]
    if not repeated:
        return []
    top = repeated[0]
    out: list[tuple[str, list[str]]] = []
    for rank, label in heads:
        if rank == top:
            out.append((label, []))
        elif rank > top and out:
            out[-1][1].append(label)
    return [(label, " ".join(subs)) for label, subs in out]


def house_from_text(text: str, title: str, kind: str, source: str) -> HouseOutline:
    """A house outline from a past report's text; UserError when it has no chapters to follow."""
    found = chapters(text, title)
    if len(found) < 2:
        raise UserError(f"{source}: no chapter headings found (want at least two, such as 一、… 二、… or Word "
                        f"headings); give a report whose chapters are headings")
    styles = [split_numbering(label)[0] for label, _ in found]
    numbering = max(styles, key=styles.count)
    sections = []
    for label, subs in found:
        name = split_numbering(label)[1]
        area, words = map_area(name, subs)
        sections.append(HouseSection(name, area, words))
    return HouseOutline(kind, source, numbering, tuple(sections))


def render_house(house: HouseOutline) -> str:
    """The house outline as the editable TOML file (comments say how to change it)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(prompts_dir() / "outlines" / "house")),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=True)
    env.filters["tojson"] = lambda value: json.dumps(value, ensure_ascii=False)
    return env.get_template("outline.toml.j2").render(
        kind=house.kind, source=house.source, numbering=house.numbering, sections=house.sections,
        areas=list(areas()))


def read_house(path: Path) -> HouseOutline:
    """Read a house outline file; UserError naming the file and the section when it is malformed."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: not a readable outline ({exc}); fix it or rerun `drafter outline from`") from exc
    sections = []
    for i, s in enumerate(raw.get("sections", []), 1):
        if not isinstance(s, dict) or not str(s.get("title", "")).strip():
            raise UserError(f"{path}: section {i} has no title; give each [[sections]] a title = \"…\"")
        area = str(s.get("area", ""))
        if area and area not in areas():
            raise UserError(f"{path}: section {i} ({s['title']}) has unknown area {area!r}; use one of "
                            f"{', '.join(areas())} or \"\" (excerpts only)")
        sections.append(HouseSection(str(s["title"]).strip(), area))
    if not sections:
        raise UserError(f"{path}: no [[sections]]; rerun `drafter outline from` or add sections")
    numbering = str(raw.get("numbering", ""))
    try:
        numbered(numbering, 1, "")
    except (KeyError, ValueError, IndexError) as exc:
        raise UserError(f"{path}: numbering {numbering!r} is not understood; use {{cn}} or {{n}}, "
                        f"e.g. \"{{cn}}、\" or \"第{{cn}}章 \"") from exc
    return HouseOutline(str(raw.get("kind", path.stem)), str(raw.get("source", "")), numbering, tuple(sections))


def borrowed(kind: str, area: str) -> SectionSpec:
    """The built-in section whose facts, queries and offline template a chapter of this area uses."""
    refs, templates = areas()[area]["sections"], areas()[area].get("templates", {})
    source_kind, section_id = refs.get(kind, refs["default"]).split("/")
    spec = builtin_outline(source_kind).section(section_id)
    template = templates.get(kind, templates.get("default", "")) or f"{source_kind}/{section_id}.md.j2"
    return replace(spec, template=template)


def house_outline(base: Outline, house: HouseOutline) -> Outline:
    """The built-in outline with the team's chapters: names, order and numbering; facts by each area."""
    specs, used = [], set()
    for position, section in enumerate(house.sections, 1):
        title = numbered(house.numbering, position, section.title)
        if section.area:
            spec = borrowed(base.kind, section.area)
            section_id = spec.id if spec.id not in used else f"{spec.id}_{position}"
            spec = replace(spec, id=section_id, title=title, area=section.area)
        else:
            spec = SectionSpec(
                id=f"section_{position}", title=title, template="house/placeholder.md.j2", length=300,
                guidance=f"本节“{section.title}”没有对应的数据表：只依据参考摘录撰写，不写摘录与数据以外的数字。",
                queries=(Query(section.title, period="previous"), Query(section.title, period="current")))
        used.add(spec.id)
        specs.append(spec)
    return replace(base, sections=tuple(specs))
