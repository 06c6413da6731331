"""verify_markdown: every claim figure and claim word of a Markdown report, judged against the facts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from drafter.models import Chunk, Fact, Finding
from drafter.verify.book import FactBook
from drafter.verify.claims import (
    achievements,
    base_claims,
    handoff,
    level_claims,
    superlatives,
    turnaround_claims,
)
from drafter.verify.clauses import CLAUSE_SEP, clause_bounds, sentences
from drafter.verify.context import Context, analyse
from drafter.verify.derivations import derive, one_in_n_unit
from drafter.verify.derive import derived_verdict, is_unit_base
from drafter.verify.extract import extract_figures
from drafter.verify.figures import NON_CLAIM_KINDS, Figure, as_percent
from drafter.verify.frames import base_before
from drafter.verify.judge import Verdict, judge
from drafter.verify.markdown import Piece, pieces
from drafter.verify.mentions import find_mentions, last_owner
from drafter.verify.normalize import normalize
from drafter.verify.reading import complete, figure_words, is_target, sentence_words, withhold_two_lines

# 近七成（68.7%）: a bare figure in brackets right after another of the same unit states that figure again
_RESTATED = re.compile(r"\s*[（(]\s*")


def verify_markdown(text: str, facts: list[Fact], sources: Iterable[Chunk] = (), period: str | None = None,
                    aliases: dict[str, list[str]] | None = None, plan: str | None = None) -> list[Finding]:
    """One Finding per claim figure and per checked claim word, sorted by position (1-based line/col).

    `period` is the period the facts describe; `plan`, for a plan, the later period it is written for."""
    book = FactBook(list(facts), period, aliases, plan=plan)
    cited = [(c.id, normalize(c.text)) for c in sources]
    findings: list[Finding] = []
    for piece in pieces(text):
        findings.extend(_verify_piece(book, piece, cited))
    findings.sort(key=lambda f: (f.line, f.col))
    return findings


def _verify_piece(book: FactBook, piece: Piece, cited: list[tuple[str, str]]) -> list[Finding]:
    out: list[Finding] = []
    carried: list[str] = []
    if piece.hint:
        carried = [k for m in find_mentions(book, normalize(piece.hint)) if m.kind == "metric" for k in m.keys]
    owner = ""
    for offset, sentence in sentences(piece.text):
        s = normalize(sentence)
        figs = extract_figures(sentence)
        mentions = find_mentions(book, s, owner)
        owner = last_owner(book, s, owner)
        for fig in figs:
            if any(m.start <= fig.start and fig.end <= m.end for m in mentions if m.kind != "total"):
                fig.kind, fig.claim = "name", False  # 新客30天复购率: a number inside a metric's name
        qualifiers = sentence_words(s, mentions, figs)
        first_clause_end = next((m.start() for m in CLAUSE_SEP.finditer(s)), len(s))
        judged: list[tuple[int, Verdict]] = []
        placed: list[tuple[Figure, Verdict, str]] = []  # each figure judged, as placed in the document
        targets: list[tuple[int, int]] = []  # where figures judged as targets stand: a plan word is theirs
        prior = None
        last: tuple[Figure, Context] | None = None  # the previous figure and how it was read
        skip: set[int] = set()
        for k, fig in enumerate(figs):
            if k in skip or offset + fig.start < piece.prefix or not _is_claim(piece, fig) or is_unit_base(s, fig) or \
                    one_in_n_unit(s, fig):
                continue
            target = as_percent(fig)
            if fig.range_with == k + 1:
                target = _range(sentence, fig, figs[k + 1])
                skip.add(k + 1)
            verdict = _cited(piece, offset, target, cited)
            source = ""
            if verdict is not None:
                verdict, source = verdict
            else:
                if last is not None and last[0].base_unit == target.base_unit and \
                        _RESTATED.fullmatch(s, last[0].end, target.start):
                    ctx = replace(last[1])
                else:
                    ctx = analyse(book, s, target, figs, mentions, carried, first_clause_end, prior)
                prior, last = (target.end, ctx.measures, ctx.period), (target, ctx)
                ctx.named = ctx.named or bool(piece.hint and ctx.metrics)  # a table header names it
                words = figure_words(qualifiers, s, target, tuple(targets))
                verdict = derive(book, s, target, ctx, words, mentions, figs) or \
                    derived_verdict(book, s, target, mentions, ctx.period) or judge(book, ctx, target)
                base = base_before(s, figs, clause_bounds(s, target.start, target.end)[0], target)
                if base is not None:
                    was = next((v for p, v in judged if p == base.start), None)
                    if was is None:  # 营销ROI由上年的4.76降至4.38: a bare base number, read only for the check
                        was = judge(book, analyse(book, s, base, figs, mentions, carried, first_clause_end), base)
                    verdict = handoff(book, s, base, was, target, verdict)
                verdict = complete(book, verdict, words)
            judged.append((target.start, verdict))
            if is_target(verdict):
                targets.append((target.start, target.end))
            placed.append((target, verdict, source))
        placed = withhold_two_lines(book, placed, qualifiers)
        judged = [(target.start, verdict) for target, verdict, _ in placed]
        for target, verdict, source in placed:
            if piece.cell and offset + target.end > len(piece.text) - piece.unit_added:
                # the unit came from the column header (GMV（亿元）): report the cell as written
                target = replace(target, text=target.text[: len(piece.text) - piece.unit_added - offset - target.start])
            out.append(_finding(book, piece, offset + target.start, target, verdict, source))
        claims = achievements(book, s, mentions, judged, carried) + superlatives(book, s, mentions) + \
            base_claims(book, s, figs, judged) + level_claims(book, s, figs, judged) + \
            turnaround_claims(book, s, mentions)
        for start, end, verdict in claims:
            word = sentence[start:end]
            out.append(_finding(book, piece, offset + start, None, verdict, "", word))
        named = [m for m in mentions if m.kind == "metric"]
        if named:
            carried = list(named[-1].keys)
    return out


def _is_claim(piece: Piece, fig: Figure) -> bool:
    if fig.claim:
        return True
    # a table cell holding only a number states it (推荐算法3.0 in prose does not)
    return piece.cell and fig.kind not in NON_CLAIM_KINDS and fig.text.strip() == piece.cell_text.strip()


def _range(sentence: str, a: Figure, b: Figure) -> Figure:
    """20%-30% as one figure: the fact may lie anywhere between the two ends."""
    lo, hi = min(a.low, b.low), max(a.high, b.high)
    return replace(a, end=b.end, text=sentence[a.start:b.end], low=lo, high=hi, bound="range")


def _cited(piece: Piece, offset: int, fig: Figure, cited: list[tuple[str, str]]) -> tuple[Verdict, str] | None:
    """A figure quoted from a past report is verified by the excerpt that contains it."""
    start = offset + fig.start
    inside = piece.quoted or any(a <= start < b for a, b in piece.quotes)
    if not inside or not cited:
        return None
    needle = normalize(fig.text)
    for chunk_id, text in cited:
        if needle in text:
            return Verdict("verified", message=f"{fig.text} quoted from source {chunk_id}"), chunk_id
    return None


def _finding(book: FactBook, piece: Piece, start: int, fig: Figure | None, verdict: Verdict, source: str,
             word: str = "") -> Finding:
    line, col = piece.pos[min(start, len(piece.pos) - 1)] if piece.pos else (0, 0)
    if verdict.reading is not None:
        reading = dict(verdict.reading)
    elif verdict.fact is not None:
        reading = book.reading(verdict.fact)
    else:
        reading = {"metric": verdict.metric, "measure": "", "period": "", "dimension": ""}
    reading["unread"] = list(verdict.unread)  # complete readings only: every verdict but unsupported has none
    return Finding(
        line=line, col=col, text=fig.text if fig is not None else word,
        value=fig.value if fig is not None else None, unit=fig.unit if fig is not None else "",
        verdict=verdict.verdict, metric=verdict.metric, expected=verdict.expected, message=verdict.message,
        fact_id=verdict.fact.id if verdict.fact is not None else "", source=source, reading=reading,
    )
