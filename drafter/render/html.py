"""review.html: the report with every figure coloured by its verdict, its fact or excerpt on hover, findings aside."""

from __future__ import annotations

import json
from pathlib import Path

from drafter.files import atomic_write_text
from drafter.render.blocks import CLOSE, MID, OPEN, Block, inline_html, parse_blocks

VERDICTS = ("verified", "mismatch", "unsupported", "claim_error")


def mark_figures(markdown: str, findings: list[dict]) -> tuple[str, set[int]]:
    """Wrap each finding's text (line/col are 1-based) in figure marks; returns the text and the marked indexes."""
    lines = markdown.split("\n")
    by_line: dict[int, list[tuple[int, dict]]] = {}
    for index, finding in enumerate(findings):
        by_line.setdefault(finding["line"], []).append((index, finding))
    marked: set[int] = set()
    for number, items in by_line.items():
        if not 1 <= number <= len(lines):
            continue
        line = lines[number - 1]
        # right to left, so inserting marks keeps the earlier columns valid
        for index, finding in sorted(items, key=lambda item: -item[1]["col"]):
            text, start = finding["text"], finding["col"] - 1
            if not text:
                continue
            if line[start:start + len(text)] != text:
                start = line.find(text)  # the line moved under the finding (e.g. a stale verification.json)
                if start < 0:
                    continue
            if OPEN in line[start:start + len(text)] or CLOSE in line[start:start + len(text)]:
                continue  # overlaps a figure already marked
            line = f"{line[:start]}{OPEN}{index}{MID}{text}{CLOSE}{line[start + len(text):]}"
            marked.add(index)
        lines[number - 1] = line
    return "\n".join(lines), marked


def _span(findings: list[dict]):
    def span(index: int, inner: str) -> str:
        verdict = findings[index]["verdict"] if index < len(findings) else "unsupported"
        return (f'<span class="fig {verdict}" data-verdict="{verdict}" data-i="{index}" tabindex="0">'
                f"{inner}</span>")
    return span


def blocks_html(blocks: list[Block], findings: list[dict]) -> str:
    """HTML for the blocks; marked figures become spans."""
    span = _span(findings)
    out = []
    for block in blocks:
        if block.kind == "heading":
            level = min(block.level, 6)
            out.append(f'<h{level} id="L{block.line}">{inline_html(block.text, span)}</h{level}>')
        elif block.kind == "table":
            rows = []
            for r, row in enumerate(block.rows):
                tag = "th" if r == 0 else "td"
                rows.append("<tr>" + "".join(f"<{tag}>{inline_html(c, span)}</{tag}>" for c in row) + "</tr>")
            head, body = rows[:1], rows[1:]
            out.append(f"<table><thead>{''.join(head)}</thead><tbody>{''.join(body)}</tbody></table>")
        elif block.kind == "list":
            tag = "ol" if block.ordered else "ul"
            items = "".join(f"<li>{inline_html(t, span)}</li>" for t in block.texts)
            out.append(f"<{tag}>{items}</{tag}>")
        elif block.kind == "quote":
            out.append(f"<blockquote>{inline_html(block.text, span)}</blockquote>")
        else:
            out.append(f"<p>{inline_html(block.text, span)}</p>")
    return "\n".join(out)


def fact_entry(fact: dict) -> dict:
    from drafter.display import display
    from drafter.models import Fact

    keys = ("id", "label", "value", "unit", "period", "dimension", "kind", "formula", "source")
    entry = {k: fact.get(k, "") for k in keys}
    entry["shown"] = display(Fact(**fact), signed=fact.get("measure") not in ("value", "target"))
    return entry


def review_page(markdown: str, verification: dict, facts: list[dict], sources: dict[str, list[dict]],
                title: str = "", charts: dict[str, Path] | None = None, convert=str, lang: str = "zh-CN") -> str:
    """The self-contained review page (inline CSS, JS and data; charts embedded as data URIs).

    `convert` renders the whole page in the report's script (its labels, the excerpts, the chart titles).
    """
    import base64

    import jinja2

    from drafter.resources import prompts_dir

    findings = verification.get("findings", [])
    marked_md, marked = mark_figures(markdown, findings)
    body = blocks_html(parse_blocks(marked_md), findings)
    used_facts = {f["fact_id"] for f in findings if f.get("fact_id")}
    fact_data = {f["id"]: fact_entry(f) for f in facts if f["id"] in used_facts}
    used_sources = {f["source"] for f in findings if f.get("source")}
    chunk_data = {}
    for section_id, chunks in sources.items():
        for chunk in chunks:
            if chunk["id"] in used_sources or not used_sources:
                chunk_data[chunk["id"]] = {"id": chunk["id"], "title": chunk.get("title", ""), "section": section_id,
                                           "heading": chunk.get("heading", ""), "text": chunk.get("text", "")[:800]}
    rows = [{**{k: f.get(k) for k in ("line", "col", "text", "verdict", "message", "expected", "fact_id", "source")},
             "i": i, "marked": i in marked} for i, f in enumerate(findings)]
    from drafter.render.charts import CHART_TITLES

    # unnumbered: Word numbers the charts in the order it places them, which differs from this gallery's
    images = [(name, CHART_TITLES.get(name, name), base64.b64encode(Path(path).read_bytes()).decode())
              for name, path in (charts or {}).items()]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(prompts_dir() / "review"), autoescape=True)
    # </script> inside the data must not close the script element
    data = json.dumps({"findings": rows, "facts": fact_data, "sources": chunk_data,
                       "counts": verification.get("counts", {})}, ensure_ascii=False).replace("</", "<\\/")
    page = env.get_template("page.html.j2").render(title=title, body=body, data=data, images=images,
                                                   counts=verification.get("counts", {}), lang=lang)
    return convert(page)


def write_review(path: Path, markdown: str, verification: dict, facts: list[dict], sources: dict,
                 title: str = "", charts: dict[str, Path] | None = None, convert=str, lang: str = "zh-CN") -> Path:
    """Write review.html atomically."""
    atomic_write_text(path, review_page(markdown, verification, facts, sources, title, charts, convert, lang))
    return path
