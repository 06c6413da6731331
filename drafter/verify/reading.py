"""Stage 3 of reading: a figure's complete reading — the qualifiers in its reach, and the verdict withheld when
the reading leaves one of them unaccounted."""

from __future__ import annotations

from dataclasses import dataclass, replace

from drafter.verify.book import FactBook
from drafter.verify.clauses import CLAUSE_SEP, clause_bounds, subject_start
from drafter.verify.figures import Figure
from drafter.verify.judge import Verdict
from drafter.verify.lexicon import PERIOD_RE
from drafter.verify.mentions import Mention
from drafter.verify.qualifiers import CONVENTION, RUN_OF_PERIODS, Word, find_words, in_reach, unread

_SPAN_CLASSES = ("time", "aggregation")


@dataclass
class SentenceWords:
    """The qualifiers of one sentence and what bounds their reach."""

    words: list[Word]
    known_periods: list[tuple[int, int]]  # period words the reader resolves (全年, 2025年, a month the facts name)
    named: list[int]  # where metric names start
    topic_end: int  # end of a leading clause with no figure and no metric (上半年，GMV…), else 0


def sentence_words(s: str, mentions: list[Mention], figs: list[Figure]) -> SentenceWords:
    """Find the qualifiers of a normalised sentence; figures inside them (前5个月, 按365天计, 连续两年) stop being
    claims: they name the period or the convention, not a quantity."""
    masked = [(m.start, m.end) for m in mentions]
    words = find_words(s, masked)
    spans = [(w.start, w.end) for w in words if w.cls in _SPAN_CLASSES]
    spans += [m.span() for pattern in (CONVENTION, RUN_OF_PERIODS) for m in pattern.finditer(s)]
    for fig in figs:
        if any(a <= fig.start and fig.end <= b for a, b in spans):
            fig.kind, fig.claim = "name", False
    # 占全年的: 全年 after 占 names the whole of a share, not the period a word before it gave way to
    known = [m.span() for m in PERIOD_RE.finditer(s) if "占" not in s[max(0, m.start() - 2):m.start()]]
    known += [(m.start, m.end) for m in mentions if m.kind == "dim" and any(k.startswith("month=") for k in m.keys)]
    first = CLAUSE_SEP.search(s)
    topic_end = 0
    if first is not None and not any(f.start < first.start() for f in figs) and \
            not any(m.start < first.start() for m in mentions if m.kind == "metric"):
        topic_end = first.start()
    return SentenceWords(words, known, [m.start for m in mentions if m.kind == "metric"], topic_end)


def figure_words(sw: SentenceWords, s: str, fig: Figure) -> list[Word]:
    """The qualifiers that reach this figure."""
    clause = clause_bounds(s, fig.start, fig.end)[0]
    return in_reach(sw.words, fig.start, clause, subject_start(s, fig.start, sw.named), sw.topic_end,
                    sw.known_periods)


def complete(book: FactBook, verdict: Verdict, words: list[Word]) -> Verdict:
    """The verdict when its reading accounts for every qualifier in reach, else `unsupported` naming the words."""
    reading = verdict.reading if verdict.reading is not None else (
        book.reading(verdict.fact) if verdict.fact is not None else {})
    names = " ".join(book.names_of(reading.get("metric", ""), reading.get("dimension", "")))
    left = [w for w in unread([w for w in words if w.text not in verdict.took], reading, names, book.period,
                              book.prev_year)]
    if not left or verdict.verdict == "unsupported":
        return replace(verdict, unread=tuple(left) if verdict.verdict == "unsupported" else ())
    what = "、".join(left)
    return Verdict("unsupported", verdict.metric,
                   message=f"{verdict.message.split(' — ')[0].split(' = ')[0]}: the reading leaves {what} "
                           "unaccounted for; no fact states the figure with that qualifier",
                   reading={**reading, "unread": left}, unread=tuple(left))
