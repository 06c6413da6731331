"""`drafter corpus …`: add, list, show, remove, search and reindex past reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from drafter.cli.app import console as make_console
from drafter.cli.app import load

corpus_app = typer.Typer(help="Past reports: add, list, show, remove, search, reindex.", no_args_is_help=True)

DirOpt = Annotated[Path, typer.Option("--dir", help="Working folder (holds drafter.toml).")]
KindOpt = Annotated[str | None, typer.Option("--kind", help="summary | plan | review | other")]
PeriodOpt = Annotated[str | None, typer.Option("--period", help="2025, 2025Q3, 2025H1, 2025-11 or 2025-W47")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]

REMOVED_LABELS = {
    "page_titles": "page-title lines",
    "read_more": "read-more prompts",
    "download_notice": "download prompts",
    "copyright_notice": "copyright notices",
    "doc_intro": "intro labels",
    "site_notice": "site notices",
    "related_docs": "related-document links",
    "comment_box": "comment-box lines",
    "breadcrumb": "breadcrumbs",
    "link": "links and promotions",
    "file_name": "file-name lines",
    "collection_header": "collection headers",
    "more_link": "\"more\" links",
    "membership": "membership and VIP offers",
    "byline_counters": "bylines, dates and counters",
    "site_ui": "site-UI lines",
    "writing_tips": "writing tips",
    "site_name": "site names",
    "menu": "menu lines",
    "repeated_title": "repeated titles",
    "tags_links": "tag and link lines",
    "repeated": "lines repeated across the files added",
    "footer": "page-footer lines (comments, related links)",
    "slide_cover": "slide covers",
    "table_of_contents": "tables of contents",
    "slide_numbers": "slide numbers",
    "pinyin_artefacts": "pinyin artefacts like 務(wù)",
    "traditional_converted": "Traditional chars indexed as Simplified",
    "suspicious": "suspicious passages (kept, never indexed)",
}


def _removed_text(removed: dict[str, int]) -> str:
    return ", ".join(f"{n} {REMOVED_LABELS.get(k, k)}" for k, n in removed.items()) or "nothing"


@corpus_app.command("add")
def add(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (.md .txt .docx .pdf .html).")],
    kind: KindOpt = None,
    period: PeriodOpt = None,
    title: Annotated[str | None, typer.Option("--title", help="Title (default: inferred).")] = None,
    keep_boilerplate: Annotated[bool, typer.Option(
        "--keep-boilerplate", help="Keep every line: drop no site chrome (see `corpus show ID --removed`).")] = False,
    directory: DirOpt = Path("."),
) -> None:
    """Add reports; unchanged files are skipped, changed files replace their old chunks."""
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from drafter.corpus import add_paths

    config = load(directory)
    console = make_console(highlight=False)
    many = len(paths) > 1 or any(p.is_dir() for p in paths)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console,
                  transient=True, disable=not many) as bar:
        task = bar.add_task("adding", total=None)

        def progress(done: int, total: int, result) -> None:
            bar.update(task, completed=done, total=total, description=Path(result.path).name[:40])

        report = add_paths(config, paths, kind=kind, period=period, title=title, keep_boilerplate=keep_boilerplate,
                           progress=progress)
    for f in report.files:
        if f.status == "failed":
            continue
        guessed = " (inferred)" if f.kind_inferred or f.period_inferred else ""
        console.print(f"[bold]{f.status:9}[/] {escape(f.path)} → {f.doc_id} 《{escape(f.title)}》 "
                      f"kind={f.kind} period={f.period or '?'}{guessed}, {f.chunks} chunks")
        if f.status != "unchanged":
            console.print(f"           cleaned: {_removed_text(f.removed)}")
        if f.note:
            console.print(f"           {f.note}")
    console.print(
        f"added {len(report.added)}, replaced {len(report.replaced)}, unchanged {len(report.unchanged)}, "
        f"failed {len(report.failed)} — embedded {report.embedded} new passages "
        f"({report.cached} from cache) in {report.seconds:.1f}s"
    )
    if report.failed:
        # Summarised last, where the eye lands; exit 1: the others were added, these need fixing.
        console.print(f"[red]{len(report.failed)} file(s) failed:[/]")
        for f in report.failed:
            console.print(f"  [red]✗[/] {escape(f.error)}")
        raise typer.Exit(1)


@corpus_app.command("list")
def list_(as_json: JsonOpt = False, directory: DirOpt = Path(".")) -> None:
    """List the documents in the corpus."""
    from drafter.corpus import list_documents

    docs = list_documents(load(directory))
    if as_json:
        typer.echo(json.dumps(docs, ensure_ascii=False, indent=2))
        return
    if not docs:
        typer.echo("the corpus is empty; add reports with `drafter corpus add PATH`")
        return
    from rich.table import Table

    table = Table("id", "title", "kind", "period", "chunks", "source")
    for d in docs:
        table.add_row(d["id"], d["title"], d["kind"], d["period"] or "?", str(d["chunks"]), d["source"])
    make_console(highlight=False).print(table)


@corpus_app.command("show")
def show(
    doc_id: Annotated[str, typer.Argument(help="Document id (a unique prefix is enough).")],
    chunks: Annotated[bool, typer.Option("--chunks", help="Show the chunks instead of the text.")] = False,
    removed: Annotated[bool, typer.Option("--removed", help="List the lines cleaning removed, with why.")] = False,
    as_json: JsonOpt = False,
    directory: DirOpt = Path("."),
) -> None:
    """Show a document: metadata, what cleaning removed, and its text (or its chunks, or the removed lines)."""
    from rich.markup import escape

    from drafter.corpus import get_document

    record = get_document(load(directory), doc_id)
    if as_json:
        typer.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return
    console = make_console(highlight=False)
    console.print(f"[bold]{record['id']}[/] 《{record.get('title', '')}》 kind={record.get('kind')} "
                  f"period={record.get('period') or '?'} chunks={record.get('chunks')}")
    console.print(f"source: {record.get('source')}  added: {record.get('added', '')}")
    console.print(f"cleaned: {_removed_text(record.get('removed') or {})}\n")
    for sentence in record.get("suspicious", []):
        # Shown, so a user sees what was left out of every passage a draft may quote.
        console.print(f"[red]suspicious (addresses a reader or model; never quoted):[/] {escape(sentence)}")
    if removed:
        if not record.get("removed_lines"):
            console.print("no line was removed")
        for reason, line in record.get("removed_lines", []):
            console.print(f"[dim]{REMOVED_LABELS.get(reason, reason):28}[/] {escape(line)}")
    elif chunks:
        for c in record["chunk_list"]:
            console.print(f"[bold]── {c['id']}  {c['heading'] or '(no heading)'}[/]")
            console.print(c["text"], markup=False)
    else:
        console.print(record["text"], markup=False)


@corpus_app.command("remove")
def remove(
    doc_id: Annotated[str, typer.Argument(help="Document id (a unique prefix is enough).")],
    directory: DirOpt = Path("."),
) -> None:
    """Remove a document and its chunks."""
    from drafter.corpus import remove_document

    record = remove_document(load(directory), doc_id)
    typer.echo(f"removed {record['id']} 《{record.get('title', '')}》 ({record.get('chunks', 0)} chunks)")


@corpus_app.command("search")
def search(
    query: Annotated[str, typer.Argument(help="What to look for, e.g. 复购率.")],
    kind: KindOpt = None,
    period: PeriodOpt = None,
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="How many passages.")] = 5,
    as_json: JsonOpt = False,
    directory: DirOpt = Path("."),
) -> None:
    """Search passages (dense + BM25, fused); each result cites its report and heading."""
    from drafter.retrieve import search as run

    hits = run(load(directory), query, kind=kind, period=period, k=k)
    if as_json:
        keys = ("text", "score", "doc_id", "title", "kind", "period", "heading")
        typer.echo(json.dumps([{key: getattr(h, key) for key in keys} for h in hits], ensure_ascii=False,
                              indent=2))
        return
    if not hits:
        typer.echo("no passages found (is the corpus empty, or are the filters too narrow?)")
        return
    console = make_console(highlight=False)
    for rank, h in enumerate(hits, 1):
        console.print(f"[bold]{rank}. {h.citation()}[/] {h.kind} {h.period or '?'}  score={h.score:.4f}  "
                      f"id={h.doc_id}")
        console.print(h.text, markup=False)
        console.print()


@corpus_app.command("reindex")
def reindex_cmd(directory: DirOpt = Path(".")) -> None:
    """Rebuild all chunks and vectors with the configured embedder (after changing it)."""
    from drafter.corpus import reindex

    config = load(directory)
    console = make_console(highlight=False)
    with console.status("reindexing…") as status:
        total = reindex(config, progress=lambda i, n, title: status.update(f"reindexing {i}/{n} {title}"))
    console.print(f"reindexed {total} chunks with embedder '{config.embedder}'")
