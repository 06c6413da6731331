"""A section prompt's context budget: token estimates, the most telling facts, excerpts trimmed before facts."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from drafter.models import Chunk, Fact

# tiktoken fetches its encodings over the network at run time, and a local model's tokenizer is not ours to
# read: so a stated, deliberately generous estimate — one token per CJK character, per digit and per punctuation
# mark, one per four letters of a Latin word. Qwen, Llama and GPT tokenizers all count Chinese at or below it.
_TOKEN_PIECES = re.compile(r"[A-Za-z]+|[\u3400-\u9fff\uf900-\ufaff]|\d|[^\sA-Za-z\d]")
DEFAULT_CONTEXT = 8192
EXCERPT_CHARS = 360  # an excerpt's first stretch is what a section quotes; the rest goes first when space is short
PER_DIMENSION = 5  # breakdown values shown per dimension: the largest, plus the biggest mover among the rest
_MEASURE_ORDER = ("value", "target", "target_yoy", "target_share", "gap", "gap_yoy", "gap_share", "yoy", "yoy_pp",
                  "pop", "pop_pp", "share", "share_pp", "contribution", "driver", "rank")
_HEADLINE = {"value", "yoy", "pop", "share", "yoy_pp", "target", "target_yoy", "target_share", "gap", "gap_yoy",
             "gap_share"}
_BREAKDOWN = {"value", "yoy", "share"}
LEAD_METRICS = 3  # an outline lists a section's metrics lead first: the core shows the breakdowns of these


def count_tokens(text: str) -> int:
    """The estimated token count of a text (see the note above)."""
    return sum((len(p) + 3) // 4 if p[0].isascii() and p[0].isalpha() else 1 for p in _TOKEN_PIECES.findall(text))


def default_max_tokens(length: int) -> int:
    """The output cap for a section of about `length` characters: room for twice that, and a small table."""
    return 2 * length + 400


def _dimension_order(facts: list[Fact], period: str) -> dict[str, int]:
    """Each breakdown value's place in its dimension kind: the largest first (by share, else by value), then the
    one that moved most among the rest."""
    share: dict[str, float] = {}
    size: dict[str, float] = {}
    mover: dict[str, float] = {}
    for fact in facts:
        if not fact.dimension or fact.period != period:
            continue
        if fact.measure == "share":
            share[fact.dimension] = max(share.get(fact.dimension, 0.0), abs(fact.value))
        elif fact.measure == "value":
            size[fact.dimension] = max(size.get(fact.dimension, 0.0), abs(fact.value))
        elif fact.measure in ("yoy", "share_pp", "pop"):
            mover[fact.dimension] = max(mover.get(fact.dimension, 0.0), abs(fact.value))
    by_kind: dict[str, list[str]] = {}
    for dimension in sorted(set(share) | set(size), key=lambda d: (-share.get(d, -1.0), -size.get(d, 0.0), d)):
        by_kind.setdefault(dimension.split("=", 1)[0], []).append(dimension)
    order: dict[str, int] = {}
    for values in by_kind.values():
        rest = sorted(values[PER_DIMENSION:], key=lambda d: (-mover.get(d, 0.0), d))
        for place, dimension in enumerate(values[:PER_DIMENSION] + rest[:1]):
            order[dimension] = place
    return order


def rank_facts(facts: list[Fact], metrics: tuple[str, ...], period: str, previous: str) -> tuple[list[Fact], int]:
    """A section's facts, most telling first: this period's totals and targets, last year's totals, then the
    largest breakdowns' values, changes and shares (these make the core, counted by the second item), then their
    finer measures; small breakdowns are left out."""
    order = _dimension_order(facts, period)
    metric_place = {m: i for i, m in enumerate(metrics)}

    def tier(fact: Fact) -> int:
        current = fact.period != previous
        if not fact.dimension:
            if current:
                return 0 if fact.measure in _HEADLINE else 1
            return 1 if fact.measure == "value" else 3
        if current:
            lead = metric_place.get(fact.metric, 99) < LEAD_METRICS
            return 2 if lead and fact.measure in _BREAKDOWN else 3 if fact.measure != "rank" else 4
        return 4 if fact.measure == "value" else 5

    kept = [f for f in facts if not f.dimension or f.dimension in order]
    ranked = sorted(kept, key=lambda f: (tier(f), order.get(f.dimension, 0), metric_place.get(f.metric, 99),
                                         _MEASURE_ORDER.index(f.measure) if f.measure in _MEASURE_ORDER else 99,
                                         f.period, f.dimension))
    return ranked, sum(tier(f) <= 2 for f in ranked)


def table_order(facts: list[Fact], metrics: tuple[str, ...]) -> list[Fact]:
    """The order the prompt's table shows facts in: by metric, totals first, then each breakdown value."""
    metric_place = {m: i for i, m in enumerate(metrics)}
    return sorted(facts, key=lambda f: (metric_place.get(f.metric, 99), f.metric, bool(f.dimension), f.dimension,
                                        _MEASURE_ORDER.index(f.measure) if f.measure in _MEASURE_ORDER else 99,
                                        f.period))


def _trimmed(chunk: Chunk, limit: int) -> Chunk:
    if len(chunk.text) <= limit:
        return chunk
    cut = chunk.text[:limit]
    end = max(cut.rfind("。"), cut.rfind("\n"))
    return chunk.model_copy(update={"text": (cut[:end + 1] if end > limit // 3 else cut) + "……"})


@dataclass
class Fitted:
    """A prompt cut to its budget, and what was left out to fit."""

    system: str
    user: str
    tokens: int
    facts_shown: int
    facts_left_out: int
    excerpts_shown: int
    excerpts_trimmed: bool
    budget: int


def fit_prompt(render: Callable[[list[Fact], list[Chunk]], tuple[str, str]], ranked: list[Fact], core: int,
               sources: list[Chunk], budget: int) -> Fitted:
    """The largest prompt within budget: the finer facts go first, then excerpts are shortened and dropped, and
    only then the core facts, the least telling first."""
    def size(facts: list[Fact], chunks: list[Chunk]) -> int:
        system, user = render(facts, chunks)
        return count_tokens(system) + count_tokens(user)

    def most_facts(low: int, high: int, chunks: list[Chunk]) -> int:
        # the longest prefix of `ranked` within budget, between low and high facts; a binary search keeps renders few
        while low < high:
            middle = (low + high + 1) // 2
            if size(ranked[:middle], chunks) <= budget:
                low = middle
            else:
                high = middle - 1
        return low

    chunks, trimmed, shown = list(sources), False, len(ranked)
    if size(ranked, chunks) > budget:
        shown = most_facts(min(core, len(ranked)), len(ranked), chunks)
    if size(ranked[:shown], chunks) > budget:
        chunks, trimmed = [_trimmed(c, EXCERPT_CHARS) for c in chunks], True
    while chunks and size(ranked[:shown], chunks) > budget:
        chunks = chunks[:-1]
    if size(ranked[:shown], chunks) > budget:
        shown = most_facts(0, shown, chunks)
    system, user = render(ranked[:shown], chunks)
    return Fitted(system, user, count_tokens(system) + count_tokens(user), shown, len(ranked) - shown, len(chunks),
                  trimmed, budget)
