"""`drafter outline from|show`: the team's own chapters, read from one of its past reports, for `write` to follow."""

from __future__ import annotations

from pathlib import Path

import typer

from drafter.cli.app import DirOption, app, load
from drafter.cli.app import console as make_console
from drafter.errors import UserError

outline_app = typer.Typer(no_args_is_help=True, help="The team's own outline (chapter names, order, numbering).")
app.add_typer(outline_app, name="outline")

KindOption = typer.Option(None, "--kind", help="Report kind (annual-summary, quarterly-review, annual-plan …).")
# The report kind a past report of a corpus kind is drafted as, when --kind is not given.
DRAFTED_AS = {"summary": "annual-summary", "review": "quarterly-review", "plan": "annual-plan"}


def _past_report(config, source: str) -> tuple[str, str, str, str]:
    """(text, title, corpus kind, name) of a report file or a corpus document id."""
    path = Path(source)
    if not path.is_file() and (config.root / source).is_file():
        path = config.root / source
    if path.is_file():
        from drafter.corpus import load_document

        doc = load_document(path)
        return doc.text, doc.title, doc.kind, path.name
    if path.suffix or "/" in source or "\\" in source:
        raise UserError(f"{source}: no such file; give a past report (.docx, .md, .txt) or a corpus document id")
    from drafter.corpus import get_document

    record = get_document(config, source)
    return record["text"], record["title"], record.get("kind", ""), f"{record['title']} ({record['id']})"


@outline_app.command("from")
def outline_from(
    source: str = typer.Argument(..., help="A past report (Word, Markdown, text) or a corpus document id."),
    kind: str = KindOption,
    force: bool = typer.Option(False, "--force", help="Replace the kind's house outline even if it was edited."),
    folder: Path = DirOption,
) -> None:
    """Read a past report's chapter headings and save them as the working folder's outline for that kind."""
    from drafter.files import atomic_write_text
    from drafter.outline import builtin_outline, house_from_text, house_path, render_house

    config = load(folder)
    text, title, corpus_kind, name = _past_report(config, source)
    kind = kind or DRAFTED_AS.get(corpus_kind)
    if not kind:
        raise UserError(f"{name}: cannot tell which kind of report it is; give --kind (e.g. --kind annual-summary)")
    builtin_outline(kind)  # an unknown kind is refused before anything is written
    house = house_from_text(text, title, kind, name)
    path = house_path(config.root, kind)
    content = render_house(house)
    if path.exists() and not force and path.read_text(encoding="utf-8") != content:
        raise UserError(f"{path} already exists (perhaps edited by hand); rerun with --force to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, content)
    console = make_console(highlight=False)
    _print_mapping(console, kind, config)
    console.print(f"saved to {path}; edit it to rename, reorder or remap chapters. "
                  f"`drafter write --kind {kind}` follows it.")


@outline_app.command("show")
def outline_show(kind: str = KindOption, folder: Path = DirOption) -> None:
    """Print each chapter of the house outline and the facts and excerpts it is written from."""
    from drafter.outline import HOUSE_DIR, house_path

    config = load(folder)
    console = make_console(highlight=False)
    kinds = [kind] if kind else sorted(p.stem for p in (config.root / HOUSE_DIR).glob("*.toml"))
    if not kinds or not house_path(config.root, kinds[0]).exists():
        raise UserError(f"no house outline{f' for {kind}' if kind else ''} in {config.root / HOUSE_DIR}; "
                        f"make one with `drafter outline from PAST_REPORT [--kind K]` (until then drafter "
                        f"writes its built-in outline)")
    for name in kinds:
        _print_mapping(console, name, config)


def _print_mapping(console, kind: str, config) -> None:
    """One line per chapter: its heading, the area its words name, and the facts it is written from."""
    from rich.markup import escape

    from drafter.metrics.registry import DIMENSION_LABELS, METRICS
    from drafter.outline import areas, house_path, load_outline, map_area, read_house

    path = house_path(config.root, kind)
    house = read_house(path)
    console.print(f"{kind}: {len(house.sections)} chapters from {house.source or path.name} "
                  f"(numbering {house.numbering or 'none'!r}) — {path}")
    for spec, section in zip(load_outline(kind, config).sections, house.sections, strict=True):
        if not spec.area:
            console.print(f"  {escape(spec.title)}\n      → no area: written from excerpts only with a model; "
                          f"offline a marked placeholder \\[待补充]")
            continue
        area, words = map_area(section.title)
        words = f" (words: {'、'.join(words)})" if area == spec.area else " (set by hand)"
        facts = "、".join(METRICS[m].label for m in spec.metrics if m in METRICS)
        by = "、".join(DIMENSION_LABELS.get(d, d) for d in spec.dimensions)
        console.print(f"  {escape(spec.title)}\n      → {spec.area} {areas()[spec.area]['label']}{words}: {facts}"
                      f"{f'，按{by}' if by else ''}; as {spec.template.removesuffix('.md.j2')}")
