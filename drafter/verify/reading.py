"""Stage 3 of reading: a figure's complete reading — the qualifiers in its reach, and the verdict withheld when
the reading leaves one of them unaccounted."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from drafter.verify.book import FactBook
from drafter.verify.clauses import CLAUSE_SEP, clause_bounds, subject_start
from drafter.verify.figures import Figure
from drafter.verify.frames import scopes
from drafter.verify.judge import Verdict
from drafter.verify.lexicon import PERIOD_RE
from drafter.verify.mentions import Mention
from drafter.verify.qualifiers import CONVENTION, OWN_YEAR, RUN_OF_PERIODS, Word, find_words, in_reach, unread

_SPAN_CLASSES = ("time", "aggregation")
_TOPIC_MAX = 12  # a leading clause this short, with no figure and no metric, is a topic (上半年，2025年双11期间，)
_ACTUAL = re.compile(r"实际|实现|完成|达成|当前|目前")
_OWN_BASE = re.compile(r"同比|环比|[较比](?:上年|去年|上月|上季度?|上周)")


@dataclass
class SentenceWords:
    """The qualifiers of one sentence and what bounds their reach."""

    words: list[Word]
    known_periods: list[tuple[int, int]]  # period words the reader resolves (全年, 2025年, a month the facts name)
    named: list[int]  # where metric names and dimension values start: a subject
    dims: list[Mention]  # dimension values named (抖音, 11月, 新客)
    topic_end: int  # end of a leading clause with no figure and no metric (上半年，GMV…), else 0
    periods: list[Word]  # period words: "scope" (2024年GMV…) or "base" (较2024年, 从上年的)
    claims: list[int]  # where the figures that are claims start


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
    # 占全年的: 全年 after 占 names the whole of a share; 从上年的, 较去年: the base of a comparison. Neither is
    # the period a time word before it gives way to.
    # 去年同期为19.9%: a period word attached to a figure dates that figure alone; 上年计划: when a plan was made
    periods = [Word("period", "scope" if scopes(s, figs, m) else "base", m.group(), m.start(), m.end())
               for m in PERIOD_RE.finditer(s)]
    known = [(w.start, w.end) for w in periods if w.kind == "scope"]
    known += [(m.start, m.end) for m in mentions if m.kind == "dim" and any(k.startswith("month=") for k in m.keys)]
    first = CLAUSE_SEP.search(s)
    topic_end = 0
    if first is not None and first.start() <= _TOPIC_MAX and \
            not any(f.claim and f.start < first.start() for f in figs) and \
            not any(m.start < first.start() for m in mentions if m.kind == "metric"):
        topic_end = first.start()
    return SentenceWords(words, known, [m.start for m in mentions if m.kind in ("metric", "dim")],
                         [m for m in mentions if m.kind == "dim"], topic_end, periods,
                         [f.start for f in figs if f.claim])


def figure_words(sw: SentenceWords, s: str, fig: Figure, targets: tuple[tuple[int, int], ...] = ()) -> list[Word]:
    """The qualifiers that reach this figure (`targets`: where figures read as targets stand); dimension values
    named in its subject phrase count as scope words (a reading on one dimension does not account for a value of
    another: 抖音渠道12月GMV)."""
    clause = clause_bounds(s, fig.start, fig.end)[0]
    subject = subject_start(s, fig.start, sw.named)
    dims = [Word("dimension", ",".join(m.keys), m.text, m.start, m.end) for m in sw.dims
            if subject <= m.start and m.end <= fig.start and  # 6月 of 1-6月 is the range's, not a scope
            not any(w.start <= m.start and m.end <= w.end for w in sw.words)]
    scope = [w for w in sw.periods if w.kind == "scope" and w.end <= fig.start][-1:]  # the nearest dates it
    bases = [w for w in sw.periods if w.kind == "base"]
    actual = tuple(m.start() for m in _ACTUAL.finditer(s, 0, fig.start))
    # a period or a comparison base of the figure's own clause ends the reach of a plan a target took (…的目标为25%，
    # 本季度增长23.5%; …较目标低2.5个百分点，同比下降1.0个百分点; 目标为27%，较2025年的25.5%…)
    released = any(clause <= w.start < fig.start for w in sw.periods) or \
        _OWN_BASE.search(s, clause, fig.start) is not None
    others = tuple(k for k in sw.claims if k < fig.start and not any(a == k for a, _ in targets))
    own = [Word("period", "own_year", m.group(), m.start(), m.end()) for m in OWN_YEAR.finditer(s, clause, fig.start)]
    return in_reach(sw.words, fig.start, clause, subject, sw.topic_end, sw.known_periods, targets, actual, others,
                    released) + \
        dims + scope + bases + own


def is_target(verdict: Verdict) -> bool:
    """Whether a verdict judged its figure as a target, a gap to one, or its attainment."""
    reading = verdict.reading or (verdict.fact.model_dump() if verdict.fact is not None else {})
    return verdict.verdict != "unsupported" and \
        any(word in reading.get("measure", "") for word in ("target", "gap", "attainment"))


def complete(book: FactBook, verdict: Verdict, words: list[Word]) -> Verdict:
    """The verdict when its reading accounts for every qualifier in reach, else `unsupported` naming the words."""
    reading = verdict.reading if verdict.reading is not None else (
        book.reading(verdict.fact) if verdict.fact is not None else {})
    names = " ".join(book.names_of(reading.get("metric", ""), reading.get("dimension", "")))
    dimension = reading.get("dimension", "")
    kinds = {part.split("=")[0] for part in dimension.split(",") if part}
    # a dimension value of a kind the reading has (天猫与抖音, or the one it read) is accounted; one of another kind,
    # or any on a reading of the total, is not
    scoped = [w for w in words if (w.cls != "dimension" or not any(key.split("=")[0] in kinds
                                                                   for key in w.kind.split(",")))
              and not (w.kind == "day" and _day_named(book, w, reading))]
    left = unread([w for w in scoped if w.text not in verdict.took], reading, names, book.period, book.prev_year,
                  book.next_year)
    if not left or verdict.verdict == "unsupported":
        return replace(verdict, unread=tuple(left) if verdict.verdict == "unsupported" else ())
    what = "、".join(left)
    return Verdict("unsupported", verdict.metric,
                   message=f"{verdict.message.split(' — ')[0].split(' = ')[0]}: the reading leaves {what} "
                           "unaccounted for; no fact states the figure with that qualifier",
                   reading={**reading, "unread": left}, unread=tuple(left))


def _day_named(book: FactBook, word: Word, reading: dict) -> bool:
    """双11当天, 双11期间: a promotion's day is accounted by a reading on that promotion, or on the day the facts
    show it fell on (the promotion's value and the day's are one)."""
    dimension = reading.get("dimension", "")
    if not dimension:
        return False
    named = {d for name, dims in book.dims.items() if name in word.text.lower() for d in dims}
    if dimension in named:
        return True
    metric, period = reading.get("metric", ""), reading.get("period", "")
    day = book.get(metric, dimension, period, "value") if dimension.startswith("day=") else None
    if day is None:
        return False
    return any((promo := book.get(metric, d, period, "value")) is not None and promo.fact.value == day.fact.value
               for d in named if d.startswith("promo="))


def withhold_two_lines(book: FactBook, placed: list[tuple[Figure, Verdict, str]],
                       sw: SentenceWords) -> list[tuple[Figure, Verdict, str]]:
    """A sentence giving two different figures for one target (预算退款率为7.6%，高于7.0%的控制目标; a target
    revised from one line to another) does not say which line the facts hold: every reading of that target, its gap
    and its attainment is withheld, naming the plan words."""
    lines: dict[tuple, set[float]] = {}
    for fig, verdict, _ in placed:
        key = _target_key(book, verdict)
        if key is not None and "target" in key[1]:
            lines.setdefault(key, set()).add(round(fig.value, 9))
    split = {key for key, values in lines.items() if len(values) > 1}
    if not split:
        return placed
    # the gaps and attainments of a split target's metric lean on a line the sentence leaves open
    split |= {(m, kind, p, d) for m, _, p, d in split for kind in ("gap", "attainment")}
    plans = [w.text for w in sw.words if w.kind in ("plan", "forecast")]
    out = []
    for fig, verdict, source in placed:
        key = _target_key(book, verdict)
        if key is not None and (key in split or (key[0], key[1].split("_")[0], *key[2:]) in split):
            left = list(dict.fromkeys(plans)) or [fig.text]
            verdict = Verdict("unsupported", verdict.metric,
                              message=f"{fig.text}: the sentence gives two figures for one target; which line the "
                                      "facts hold it does not say",
                              reading={**(verdict.reading or book.reading(verdict.fact)), "unread": left},
                              unread=tuple(left))
        out.append((fig, verdict, source))
    return out


def _target_key(book: FactBook, verdict: Verdict) -> tuple | None:
    """(metric, measure, period, dimension) of a verdict read as a target, a gap or an attainment."""
    if not is_target(verdict):
        return None
    reading = verdict.reading or book.reading(verdict.fact)
    return reading.get("metric"), reading.get("measure", ""), reading.get("period"), reading.get("dimension", "")
