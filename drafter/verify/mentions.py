"""Where a sentence names metrics, dimension values and totals, and which company it speaks of."""

from __future__ import annotations

import re
from dataclasses import dataclass

from drafter.verify.book import FactBook
from drafter.verify.lexicon import DAY_RANGE, TOTAL_RE

_CLAUSE_SEP = re.compile(r"[，,；;]")
# a tail stands as a word: after a separator, a period or a function word (其他收入's 收入 is another name's end)
_WORD_START = re.compile(r"(?:[^\u4e00-\u9fff]|[的为其且而则但度季期年月中和与及])\s*$")
_OTHER_BEFORE = re.compile(r"(?:其他|其它|其余|剩余|非|除)\s*$")  # 其他收入 is not 收入


@dataclass
class Mention:
    """A metric name, dimension value or total marker in a sentence."""

    start: int
    end: int
    kind: str  # metric | dim | total
    keys: tuple[str, ...]
    text: str


def find_mentions(book: FactBook, s: str, owner: str = "") -> list[Mention]:
    """Metric names, dimension values and 全年/整体 markers in a (normalised) sentence, in order; `owner`: the
    company the sentence before named last (…；净利润12.9亿元 is still its)."""
    out: list[Mention] = []
    taken: list[tuple[int, int]] = []
    if book.name_re is not None:
        for m in book.name_re.finditer(s):
            if s[m.end():m.end() + 1] == "率" and not m.group().endswith("率"):
                continue  # 净利率 is not 净利: a name followed by 率 names another metric
            out.append(Mention(m.start(), m.end(), "metric", tuple(sorted(book.names[m.group().lower()])),
                               m.group()))
            taken.append(m.span())
        _owned_names(book, s, out, taken, owner)
        _segment_names(book, s, out, taken)
        _buyer_words(book, out, taken)
    if book.dim_re is not None:
        spans = [r.span() for r in DAY_RANGE.finditer(s)]  # 11月1日—11月23日 names a span, not its end days
        for m in book.dim_re.finditer(s):
            if any(a < m.end() and m.start() < b for a, b in taken + spans):
                continue
            out.append(Mention(m.start(), m.end(), "dim", tuple(sorted(book.dims[m.group().lower()])), m.group()))
    for m in TOTAL_RE.finditer(s):
        out.append(Mention(m.start(), m.end(), "total", (), m.group()))
    out.sort(key=lambda x: x.start)
    return out


def _owned_names(book: FactBook, s: str, metrics: list[Mention], taken: list[tuple[int, int]], owner: str) -> None:
    """云栖广告收入和佣金收入, 澄江二季度收入: a bare name after a company's name is that company's metric (over a
    name of no company: 订单量 of 青禾 is 青禾订单量)."""
    if book.bare_re is None or book.owner_re is None:
        return
    owners = [(-1, owner)] + [(m.start(), m.group()) for m in book.owner_re.finditer(s)]
    for m in book.bare_re.finditer(s):
        if s[m.end():m.end() + 1] == "率" and not m.group().endswith("率") or _OTHER_BEFORE.search(s, 0, m.start()):
            continue
        last = next((o for at, o in reversed(owners) if at < m.start()), "")
        metric = book.bare[m.group().lower()].get(last)
        if not metric:
            continue
        clash = [x for x in metrics if x.start < m.end() and m.start() < x.end]
        if any(x.start < m.start() or x.end > m.end() for x in clash):
            continue  # a longer name stands there (a shorter one inside this one gives way: 年活跃买家 over 活跃买家)
        for x in clash:
            metrics.remove(x)
            taken.remove((x.start, x.end))
        metrics.append(Mention(m.start(), m.end(), "metric", (metric,), m.group()))
        taken.append(m.span())


def _segment_names(book: FactBook, s: str, metrics: list[Mention], taken: list[tuple[int, int]]) -> None:
    """国际业务收入…，经营亏损收窄至9.6亿元: in a later clause, a name's head with another tail is that metric; the
    head may also be what follows a company's name (云栖国际业务亏损持续收窄，经营亏损为…)."""
    heads = [(m.end, m.text, 4) for m in metrics]  # a head of four or more (营销 of 营销ROI is too loose a head)
    if book.owner_re is not None:
        for o in book.owner_re.finditer(s):
            end = next((x.start() for x in _CLAUSE_SEP.finditer(s, o.end())), len(s))
            words = o.group() + re.sub(r"^的", "", s[o.end():end])  # 云栖的国际业务: the company's own segment
            heads.append((end, words, len(o.group()) + 2))
    for end, text, shortest in sorted(heads):
        sep = _CLAUSE_SEP.search(s, end)
        if sep is None:
            continue
        stop = min((x.start for x in metrics if x.start >= sep.end()), default=len(s))
        for k in range(len(text) - 2, shortest - 1, -1):
            head = text[:k]
            tails = sorted((n[k:] for n in book.names if n.startswith(head) and len(n) - k >= 2), key=len,
                           reverse=True)
            found = next(((t, at) for t in tails if (at := s.find(t, sep.end(), stop)) >= 0 and
                          _WORD_START.search(s, 0, at) and not any(a < at + len(t) and at < b for a, b in taken)), None)
            if found is not None:
                tail, at = found
                keys = tuple(sorted(book.names[head + tail]))
                metrics.append(Mention(at, at + len(tail), "metric", keys, tail))
                taken.append((at, at + len(tail)))
                break
    metrics.sort(key=lambda x: x.start)


def last_owner(book: FactBook, s: str, before: str = "") -> str:
    """The company a sentence names last (or `before`, when it names none)."""
    found = [m.group() for m in book.owner_re.finditer(s)] if book.owner_re is not None else []
    return found[-1] if found else before


def _buyer_words(book: FactBook, metrics: list[Mention], taken: list[tuple[int, int]]) -> None:
    """新客GMV, 老客贡献了GMV增量的: before a metric the facts split by buyer type, 新客 is that split, not 新客数."""
    for k, m in enumerate(metrics):
        keys = book.dims.get(m.text.lower())
        following = metrics[k + 1] if k + 1 < len(metrics) else None
        # 老客人均消费: a group's name right before another metric's scopes it, whether or not the facts split it
        adjacent = following is not None and following.start == m.end and following.kind == "metric"
        if keys and following is not None and any(key.startswith("buyer=") for key in keys) \
                and (book.buyer_metrics & set(following.keys) or adjacent):
            metrics[k] = Mention(m.start, m.end, "dim", tuple(sorted(keys)), m.text)
            taken.remove((m.start, m.end))


def dimension_before(mentions: list[Mention], pos: int, totals: bool = True, strict: bool = True) -> Mention | None:
    """The dimension value that governs position `pos`: the nearest one before it, unless 全年/整体 is nearer
    or (when strict) another metric has been named since (家电品类GMV下降8.4%，复购率28.9%)."""
    kinds = ("dim", "total") if totals else ("dim",)
    before = [m for m in mentions if m.kind in kinds and m.end <= pos]
    if not before or before[-1].kind != "dim":
        return None
    dim = before[-1]
    named = {m.keys for m in mentions if m.kind == "metric" and dim.end <= m.start and m.end <= pos}
    return dim if len(named) <= 1 or not strict else None
