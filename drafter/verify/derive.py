"""Figures derived from two facts the clause names: a gap between two rates, and a ratio in per-unit form."""

from __future__ import annotations

import re

from drafter.models import fact_id
from drafter.verify.book import Entry, FactBook
from drafter.verify.clauses import CLAUSE_SEP
from drafter.verify.figures import Figure
from drafter.verify.judge import Verdict, derived_outcome, describe, fits
from drafter.verify.mentions import Mention
from drafter.verify.units import unit_factor

# 营销费用增速高于GMV增速10.8个百分点, 比GMV增速快10.8个百分点
_COMPARE = re.compile(r"(?P<up>高于|快于|超过|超出|高出|领先于?)|(?P<down>低于|慢于|落后于?)|(?<![占对相同环])[比较]")
# a comparison with a period or a target, which the figure's own reading handles (较上年高出, 高于目标)
_OWN_COMPARISON = re.compile(r"同比|环比|按年|按季|目标|计划|预算|较上|去年|上年|上季|同期|上一")
# 营收约为云业务收入的5.8倍: one named metric as a multiple of another
_TIMES_OF = re.compile(r"(?:是|为|相当于|达到?)[^，,；;。\d]{0,12}?的\s*(?:约|近|接近|将近|超过|逾)?\s*$")
_AFTER_B = re.compile(r"[^，,；;。\d]{0,6}?(?:(?P<up>高|快|多)|(?P<down>低|慢|少))?出?了?\s*$")
# 每投入1元营销费用带来4.38元GMV
_PER_UNIT = re.compile(r"每\s*(?:投入|花费|花|消耗|使用|支出)?\s*(?:1|一)\s*元")
# 人均下单1.31单, 平均每位买家消费406元: per head of the buyers (or users) the sentence names
_PER_HEAD = re.compile(r"(?:人均|每人|每位|平均每个?)(?:买家|用户|客户|顾客)?[^，,；;。\d]{0,6}?"
                       r"(?:约|近|超过?|逾)?\s*$")
_PER_ANY = re.compile(r"每(?!年|季|月|天|日|周|次都)[^\d，,；;。]")  # 每单, 每位用户 (每年 is a period)
# 社交娱乐收入约占总收入的三分之一, 销售费用占收入比重为11.2%: one named metric as a share of another
_PART_OF = re.compile(r"(?:[^，,；;。占]{0,12}[，,])?\s*(?:约|近|接近|将近|超过|逾|已|仅)?\s*占(?:到|了)?\s*")
_SHARE_TAIL = re.compile(r"[^，,；;。\d]{0,8}")
_YIELDS = re.compile(r"[^，,；;。\d]{0,12}?(?:带来|产生|拉动|贡献|撬动|实现|创造)了?\s*(?:约|近|超过?|逾)?\s*$")


def is_unit_base(s: str, fig: Figure) -> bool:
    """The 1元 of 每投入1元: a unit, not a claim."""
    m = _PER_UNIT.search(s, max(0, fig.start - 6), fig.end)
    return m is not None and m.start() <= fig.start and fig.end <= m.end()


def derived_verdict(book: FactBook, s: str, fig: Figure, mentions: list[Mention], period: str) -> Verdict | None:
    """A verdict when the figure is one of these two-fact derivations, else None (the figure is judged alone)."""
    left = max((m.end() for m in CLAUSE_SEP.finditer(s, 0, fig.start)), default=0)
    compare = next(reversed(list(_COMPARE.finditer(s, left, fig.start))), None)
    if fig.base_unit == "pp" and compare is not None:
        # 营销费用增速高于GMV增速…, 营销投放同比增长34.0%，高于GMV增速…, 增速较营销费用低…: A before the word, B after
        # it (较2024年的6.8%上升0.8个百分点 names no B: a change of A)
        before = [m for m in mentions if m.kind == "metric" and m.end <= compare.start()]
        after = [m for m in mentions if m.kind == "metric" and compare.end() <= m.start and m.end <= fig.start]
        if before and after and set(before[-1].keys) != set(after[-1].keys):
            found = _rate_gap(book, s, fig, before[-1], after[-1], compare, period)
            if found is not None:
                return found
        if not _OWN_COMPARISON.search(s, 0, fig.start) and (after or compare.group() != "较"):
            # 云业务收入增速远高于整体营收增速，高出16.7个百分点: a gap between two things it cannot derive
            return Verdict("unsupported", message=f"{fig.text}: a gap between two figures the facts do not both give",
                           reading={"metric": "", "measure": "gap", "period": period, "dimension": ""})
    if fig.base_unit == "%":
        # the part may stand in the clause before, with its own amount (研发费用31.9亿元，占收入比例约6.6%)
        named = [m for m in mentions if m.kind == "metric" and m.end <= fig.start]
        part, whole = (named[-2], named[-1]) if len(named) >= 2 and named[-1].start >= left else (None, None)
        if part and whole and set(part.keys) != set(whole.keys) and _PART_OF.fullmatch(s, part.end, whole.start) \
                and _SHARE_TAIL.fullmatch(s, whole.end, fig.start):
            found = _share_of(book, fig, part, whole, period)
            if found is not None:
                return found
    if fig.base_unit == "倍" and _TIMES_OF.search(s, left, fig.start):
        named = [m for m in mentions if m.kind == "metric" and left <= m.start and m.end <= fig.start]
        if len(named) >= 2 and set(named[-2].keys) != set(named[-1].keys):
            return _times(book, fig, named[-2], named[-1], period)
    head = _PER_HEAD.search(s, max(left, fig.start - 10), fig.start)
    if head is not None and not any(m.start <= head.start() < m.end for m in mentions if m.kind == "metric"):
        return _per_head(book, fig, mentions, period)  # (人均消费 is a metric's own name)
    per = _PER_UNIT.search(s, left, fig.start)
    if per is not None and fig.base_unit == "元" and _YIELDS.match(s, _end_of_name(mentions, per.end(), fig.start),
                                                                  fig.start):
        cost = next((m for m in mentions if m.kind == "metric" and per.end() <= m.start < fig.start), None)
        right = next((m.start() for m in CLAUSE_SEP.finditer(s, fig.end)), len(s))
        gain = next((m for m in mentions if m.kind == "metric" and fig.end <= m.start < right), None)
        if cost is not None and gain is not None:
            return _per_unit(book, fig, gain, cost, period)
    each = _PER_ANY.search(s, left, fig.start)
    if each is not None and fig.base_unit != "%" and \
            not any(m.start <= each.start() < m.end for m in mentions if m.kind == "metric"):
        # 每单平均收入约4.06元: a total over a count the facts may not name; the total itself is not stated
        return Verdict("unsupported", message=f"{fig.text}: a per-unit figure the facts do not state",
                       reading={"metric": "", "measure": "per_unit", "period": period, "dimension": ""})
    return None


def _per_head(book: FactBook, fig: Figure, mentions: list[Mention], period: str) -> Verdict:
    """A per-head figure is a named metric over the named people count; without both it cannot be wrong."""
    entries = {e.fact.id: e for m in mentions if m.kind == "metric" and m.end <= fig.start
               if (e := _value(book, m, period, "value")) is not None}.values()
    heads = [e for e in entries if e.fact.unit == "人" and e.fact.value]
    parts = [e for e in entries if e.fact.unit != "人" and unit_factor(fig.base_unit, e.fact.unit) is not None]
    if len(heads) != 1 or len(parts) != 1:
        return Verdict("unsupported", message=f"{fig.text}: a per-head figure; the sentence does not name both "
                       "the total and the people it is divided by",
                       reading={"metric": "", "measure": "per_head", "period": period, "dimension": ""})
    x, y = parts[0], heads[0]
    ratio = x.fact.value / y.fact.value
    matched = fits(fig, ratio)
    reading = {"metric": x.fact.metric, "measure": "per_head", "period": period, "dimension": "",
               "facts": [x.fact.id, y.fact.id], "operation": "a / b"}
    what = f"{describe(book, x.fact)} / {describe(book, y.fact)}"
    return derived_outcome(fig, matched, x.fact.metric, f"{ratio:.2f}", reading, (), what, x.fact)


def _end_of_name(mentions: list[Mention], start: int, end: int) -> int:
    return max((m.end for m in mentions if m.kind == "metric" and start <= m.start < end), default=start)


def _value(book: FactBook, mention: Mention, period: str, measure: str) -> Entry | None:
    for key in mention.keys:
        entry = book.get(key, "", period, measure)
        if entry is not None:
            return entry
    return None


def _rate_gap(book: FactBook, s: str, fig: Figure, a: Mention, b: Mention, word: re.Match,
              period: str) -> Verdict | None:
    tail = _AFTER_B.match(s, b.end, fig.start)
    if tail is None:
        return None
    up = word["up"] or tail["up"]
    down = word["down"] or tail["down"]
    if bool(up) == bool(down):
        return None
    rate_words = s[a.end:fig.start]  # 增速 after the first name (收入…，增速较营销费用低) names the measure of both
    measure = "yoy" if re.search(r"增速|增幅|增长率|涨幅", rate_words) else (
        "share" if re.search(r"占比|份额|比重", rate_words) else "value")
    x, y = _value(book, a, period, measure), _value(book, b, period, measure)
    if x is None or y is None or x.fact.unit != "%" or y.fact.unit != "%":
        return None
    gap = (x.fact.value - y.fact.value) * (1 if up else -1)
    matched = fits(fig, gap, rel=0, absolute=0.05)  # two rounded rates: a little slack for their difference
    what = f"{describe(book, x.fact)} − {describe(book, y.fact)}"
    reading = {"metric": x.fact.metric, "measure": f"{measure}_gap", "period": period, "dimension": "",
               "facts": [x.fact.id, y.fact.id], "operation": "a - b"}
    return derived_outcome(fig, matched, x.fact.metric, f"{gap:.1f}个百分点", reading, (), what, x.fact)


def _times(book: FactBook, fig: Figure, a: Mention, b: Mention, period: str) -> Verdict | None:
    x, y = _value(book, a, period, "value"), _value(book, b, period, "value")
    if x is None or y is None or not y.fact.value or x.fact.unit != y.fact.unit:
        return None
    ratio = x.fact.value / y.fact.value
    matched = fits(fig, ratio)
    reading = {"metric": x.fact.metric, "measure": "multiple", "period": period, "dimension": "",
               "facts": [x.fact.id, y.fact.id], "operation": "a / b"}
    what = f"{describe(book, x.fact)} / {describe(book, y.fact)}"
    return derived_outcome(fig, matched, x.fact.metric, f"{ratio:.2f}倍", reading, (), what, x.fact)


def _share_of(book: FactBook, fig: Figure, a: Mention, b: Mention, period: str) -> Verdict | None:
    x, y = _value(book, a, period, "value"), _value(book, b, period, "value")
    if x is None or y is None or not y.fact.value or x.fact.unit != y.fact.unit or x.fact.unit == "%" or \
            _value(book, a, period, "share") is not None:
        return None  # a share the facts state is judged as such
    share = 100 * x.fact.value / y.fact.value
    matched = fits(fig, share, rel=0, absolute=0.05)
    # the verdict carries the share itself, so 由A升至B compares shares, not the amounts
    as_share = {"id": fact_id(x.fact.metric, "share", period), "measure": "share", "value": share, "unit": "%"}
    part = Entry(x.fact.model_copy(update=as_share), derived=True, inputs=(x.fact.id, y.fact.id), operation="a / b")
    reading = {"metric": x.fact.metric, "measure": "share", "period": period, "dimension": "",
               "facts": [x.fact.id, y.fact.id], "operation": "a / b"}
    what = f"{describe(book, x.fact)} / {describe(book, y.fact)}"
    return derived_outcome(fig, matched, part.fact.metric, f"{share:.1f}%", reading, (), what, part.fact)


def _per_unit(book: FactBook, fig: Figure, gain: Mention, cost: Mention, period: str) -> Verdict | None:
    x, y = _value(book, gain, period, "value"), _value(book, cost, period, "value")
    if x is None or y is None or not y.fact.value or unit_factor(x.fact.unit, y.fact.unit) is None:
        return None
    ratio = x.fact.value / y.fact.value
    matched = fits(fig, ratio, rel=0, absolute=0.005)
    what = f"{describe(book, x.fact)} / {describe(book, y.fact)}"
    reading = {"metric": x.fact.metric, "measure": "per_unit", "period": period, "dimension": "",
               "facts": [x.fact.id, y.fact.id], "operation": "a / b"}
    return derived_outcome(fig, matched, x.fact.metric, f"{ratio:.2f}元", reading, (), what, x.fact)
