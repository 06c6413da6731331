"""Stage 4: what a qualified figure asks for, computed from the facts — a sub-period summed from its months, a
per-day or per-month average, a group's per-buyer or per-order value, a sum over named members, a count over a
dimension, "1 in N" as a rate, the change of a growth rate. Each derived verdict names its facts and operation
(reading.facts, reading.operation) and the qualifiers it took in; without the facts it needs, nothing is derived
and the figure stays unsupported."""

from __future__ import annotations

import re
from dataclasses import replace

from drafter.periods import make_period, period_days, read_period
from drafter.verify.book import Entry, FactBook
from drafter.verify.context import Context
from drafter.verify.figures import Figure
from drafter.verify.growth import attainment_of_growth, growth_rate_change
from drafter.verify.judge import Verdict, derived_outcome, describe, fits
from drafter.verify.lexicon import GROWTH_YOY, canonical_metric
from drafter.verify.mentions import Mention
from drafter.verify.qualifiers import CONVENTION, Word, ordinal

_SUMMABLE = {"元", "单", "次", "件"}  # amounts and counts of events add up over months and divide over days
_SUM_WORD = re.compile(r"合计|共计|总计|加起来|一共|累计|两者|二者|总共")
_LIST_GAP = re.compile(r"\s*(?:、|和|与|及|以及|加上|,|，)\s*")
_KIND_WORDS = {"category": r"品类|类目", "channel": r"渠道|平台", "month": r"月份?"}
_GREW = re.compile(r"增长|上升|提升|增加|正增长")
_FELL = re.compile(r"下降|下滑|减少|负增长|萎缩")
_ONE_IN = re.compile(r"每\s*(?P<n>\d+(?:\.\d+)?)\s*(?:个|位|名)?(?:访客|用户|人|UV|流量)[^，,；;。\d]{0,6}?"
                     r"(?:有\s*)?(?:1|一)\s*(?:个|位|名)?人?[^，,；;。\d]{0,3}?(?:下单|购买|成交|转化|付款|支付)")
# an amount named by a verb or a bare noun after a per-unit word (平均每天成交, 每单平均金额为)
_AMOUNT_WORD = re.compile(r"成交|销售|消费|实付|支付|交易|金额")
_AMOUNT = re.compile(r"\s*(?:平均)?(?:成交|销售|消费|实付|支付|交易)?(?:金?额)?(?:为|达到?|约为?|是|了)?\s*约?\s*")
_RATIO = re.compile(r"\s*(?P<a>[a-z_]+)\s*/\s*(?P<b>[a-z_]+)\s*")  # a fact's formula: one metric over another


def _months_of(word: Word, s: str) -> tuple[list[int], str] | None:
    """The months a time word spans (上半年 → 1..6, 前三季度 → 1..9, 3-5月, 第四季度), with a name for them."""
    text = word.text
    if word.kind == "half":
        first = 1 if text[0] in "上H" and not text.endswith("2") else 7
        return list(range(first, first + 6)), text
    if word.kind == "quarter":
        n = ordinal(re.search(r"[一二三四1-4]", text).group())
        return list(range(3 * n - 2, 3 * n + 1)), text
    if word.kind == "months":
        m = re.fullmatch(r"前(.+?)个?(季度|月)", text)
        if m and (n := ordinal(m[1])):
            return list(range(1, (3 * n if m[2] == "季度" else n) + 1)), text
        m = re.fullmatch(r"(.+?)\s*[-~—至到]\s*(.+?)\s*月", text)
        if m and (a := ordinal(m[1])) and (b := ordinal(m[2])) and a <= b:
            return list(range(a, b + 1)), text
        m = re.fullmatch(r"截至(.+?)月(?:底|末)?", text)
        if m and (n := ordinal(m[1])):
            return list(range(1, n + 1)), text
    return None


def month_entries(book: FactBook, metric: str, year: int, months: list[int]) -> list[Entry] | None:
    """The month values of a metric (a month dimension of the year, or month periods), all of them or None."""
    out = []
    for n in months:
        entry = book.get(metric, f"month={n}月", str(year), "value") or \
            book.get(metric, "", make_period("month", year, n).label, "value")
        if entry is None:
            return None
        out.append(entry)
    return out


def derive(book: FactBook, s: str, fig: Figure, ctx: Context, words: list[Word], mentions: list[Mention],
           figs: list[Figure]) -> Verdict | None:
    """A verdict on what the qualifiers ask for, when the facts allow it; else None."""
    words = [w for w in words if w.cls not in ("dimension", "period")]  # the scope and dates context reads
    for rule in (_one_in_n, _count_over_dimension, _member_sum, growth_rate_change, attainment_of_growth,
                 _ratio_of_member):
        found = rule(book, s, fig, ctx, mentions, figs)
        if found is not None:
            return found
    if not ctx.named:
        ctx = _amount_named(book, s, fig, ctx, words)
    if not words or ctx is None or not ctx.metrics:
        return None
    return _sub_period(book, s, fig, ctx, words) or _per_unit(book, fig, ctx, words)


def _amount_named(book: FactBook, s: str, fig: Figure, ctx: Context, words: list[Word]) -> Context | None:
    """平均每天成交…, 每单平均金额…: in a sentence naming no metric, an amount word right after the one per-unit word
    names the period's money total (the metric 成交额 names), so the per-unit value of it is what is judged."""
    per = [w for w in words if w.kind in ("per_day", "per_month", "per_week", "per_order")]
    if len(per) != 1 or fig.base_unit != "元" or (ctx.measures and "value" not in ctx.measures):
        return None
    between = s[per[0].end:fig.start]
    metric = canonical_metric("成交额")
    if not _AMOUNT.fullmatch(between) or not _AMOUNT_WORD.search(between) or metric is None or \
            book.get(metric, "", ctx.period or book.period, "value") is None:
        return None
    return replace(ctx, metrics=[metric], named=True, measures=frozenset({"value"}))


def _year(book: FactBook, ctx: Context) -> int | None:
    period = read_period(ctx.period or book.period)
    return period.year if period else None


def _sub_period(book: FactBook, s: str, fig: Figure, ctx: Context, words: list[Word]) -> Verdict | None:
    """上半年GMV合计…, 二季度GMV占全年的…, 前5个月GMV同比增长…, 日均GMV (over a sub-period or the period)."""
    spans = [(w, got) for w in words if w.cls == "time" and (got := _months_of(w, s)) is not None]
    per = [w for w in words if w.kind in ("per_day", "per_month", "per_week")]
    others = [w for w in words if w.cls != "time" and w not in per]
    year = _year(book, ctx)
    if len(spans) > 1 or others or year is None or (not spans and not per) or ctx.dimension:
        return None
    metric = ctx.metrics[0]
    total = book.get(metric, "", str(year), "value")
    if total is None or total.fact.unit not in _SUMMABLE or _RATIO.fullmatch(total.fact.formula):
        return None  # a ratio (人均消费 = gmv / buyers) neither adds up over months nor divides over days
    measures = ctx.measures or frozenset({"value"})
    if spans:
        word, (months, name) = spans[0]
        entries = month_entries(book, metric, year, months)
        if entries is None:
            return None
        value = sum(e.fact.value for e in entries)
        ids = [e.fact.id for e in entries]
        days = sum(period_days(make_period("month", year, n).label) for n in months)
        took = (word.text,)
    else:
        value, ids, name, took = total.fact.value, [total.fact.id], str(year), ()
        months = list(range(1, 13))
        days = period_days(ctx.period or book.period)
    label = f"{name} {book.label(metric)}"
    if per:
        if fig.base_unit == "%" or measures - {"value"}:
            return None
        convention = CONVENTION.search(s)
        if per[0].kind == "per_day" and convention:
            days = int(re.search(r"\d+", convention.group()).group())
        divisor = {"per_day": days, "per_month": len(months), "per_week": days / 7}[per[0].kind]
        avg = value / divisor
        reading = {"measure": per[0].kind, "period": ctx.period, "facts": ids, "operation": f"sum / {divisor:g}"}
        return derived_outcome(fig, fits(fig, avg), metric, _show(avg, total), reading, took + (per[0].text,),
                               f"{label} {per[0].text}")
    if fig.base_unit == "%" and measures & GROWTH_YOY:
        before = month_entries(book, metric, year - 1, months)
        if before is None:
            return None
        prev = sum(e.fact.value for e in before)
        growth = (value / prev - 1) * 100
        reading = {"measure": "yoy", "period": ctx.period, "facts": ids + [e.fact.id for e in before],
                   "operation": "sum(a) / sum(b) - 1"}
        return derived_outcome(fig, fits(fig, growth, absolute=0.05), metric, f"{growth:+.1f}%", reading, took,
                               f"{label} 同比")
    if fig.base_unit == "%" and measures & {"share"}:
        share = value / total.fact.value * 100
        reading = {"measure": "share", "period": ctx.period, "facts": ids + [total.fact.id],
                   "operation": "sum(a) / total"}
        return derived_outcome(fig, fits(fig, share, absolute=0.05), metric, f"{share:.1f}%", reading, took,
                               f"{label} 占比")
    if fig.base_unit == "%" or "value" not in measures:
        return None
    reading = {"measure": "value", "period": ctx.period, "facts": ids, "operation": "sum"}
    return derived_outcome(fig, fits(fig, value), metric, _show(value, total), reading, took, label)


def _show(value: float, like: Entry) -> str:
    unit = like.fact.unit
    return f"{value / 1e4:.1f}万{unit}" if abs(value) >= 1e5 else f"{value:.1f}{unit}"


def _people(book: FactBook, dimension: str, period: str) -> Entry | None:
    """The head count of a dimension value: 买家数 by it, or a people metric named after it (新客数 for 新客)."""
    word = dimension.split("=", 1)[-1]
    for e in book.entries:
        f = e.fact
        if f.unit == "人" and f.measure == "value" and f.period == period and (
                f.dimension == dimension or (not f.dimension and word and (f.label or "").startswith(word))):
            return e
    return None


def _per_unit(book: FactBook, fig: Figure, ctx: Context, words: list[Word]) -> Verdict | None:
    """新客人均贡献GMV…, 每单平均成交金额…: an amount of the scope over its buyers or its orders."""
    per = [w for w in words if w.kind in ("per_head", "per_order")]
    if len(per) != 1 or len(words) != 1 or fig.base_unit != "元":
        return None
    period = ctx.period or book.period
    amount = next((book.get(m, ctx.dimension, period, "value") for m in ctx.metrics
                   if (e := book.get(m, ctx.dimension, period, "value")) is not None and e.fact.unit == "元"), None)
    if amount is None:
        return None
    if per[0].kind == "per_head":
        count = _people(book, ctx.dimension, period)
    else:
        count = next((e for e in book.entries if e.fact.unit == "单" and e.fact.measure == "value" and
                      e.fact.dimension == ctx.dimension and e.fact.period == period), None)
    if count is None or not count.fact.value:
        return None
    ratio = amount.fact.value / count.fact.value
    reading = {"measure": per[0].kind, "period": period, "dimension": ctx.dimension,
               "facts": [amount.fact.id, count.fact.id], "operation": "a / b"}
    return derived_outcome(fig, fits(fig, ratio), amount.fact.metric, f"{ratio:.1f}元", reading, (per[0].text,),
                           f"{describe(book, amount.fact)} / {describe(book, count.fact)}")


def _ratio_of_member(book: FactBook, s: str, fig: Figure, ctx: Context, mentions: list[Mention],
                     figs: list[Figure]) -> Verdict | None:
    """老客人均消费…: a ratio the facts state only in total (人均消费 = gmv / buyers), for a member computed from its
    own numerator and denominator (GMV of 老客 over 老客数), as the total's formula says."""
    if not ctx.named or not ctx.dimension or not ctx.metrics or (ctx.measures and "value" not in ctx.measures):
        return None
    metric, period = ctx.metrics[0], ctx.period or book.period
    whole = book.get(metric, "", period, "value")
    formula = _RATIO.fullmatch(whole.fact.formula) if whole is not None else None
    if formula is None or book.get(metric, ctx.dimension, period, "value") is not None or \
            whole.fact.unit != fig.base_unit:
        return None
    total_top, total_bottom = book.get(formula["a"], "", period, "value"), book.get(formula["b"], "", period, "value")
    if total_top is None or not total_bottom or not total_bottom.fact.value or \
            abs(total_top.fact.value / total_bottom.fact.value - whole.fact.value) > 0.005 * abs(whole.fact.value):
        return None  # the formula must give the total's own value (no scale, no unit of its own) before a member's
    top = book.get(formula["a"], ctx.dimension, period, "value")
    bottom = book.get(formula["b"], ctx.dimension, period, "value")
    if bottom is None and total_bottom.fact.unit == "人":
        bottom = _people(book, ctx.dimension, period)  # buyers of 老客: 老客数
    if top is None or bottom is None or not bottom.fact.value:
        return None
    ratio = top.fact.value / bottom.fact.value
    reading = {"measure": "value", "period": period, "dimension": ctx.dimension,
               "facts": [top.fact.id, bottom.fact.id], "operation": "a / b"}
    return derived_outcome(fig, fits(fig, ratio), metric, _show(ratio, whole), reading, (),
                           f"{describe(book, top.fact)} / {describe(book, bottom.fact)}")


def _one_in_n(book: FactBook, s: str, fig: Figure, ctx: Context, mentions: list[Mention],
              figs: list[Figure]) -> Verdict | None:
    """每33个访客中约有1人下单: one in N is a conversion rate of 100/N %."""
    m = _ONE_IN.search(s)
    if m is None or not (m.start("n") <= fig.start < m.end("n")):
        return None
    rate = next((e for e in book.entries if e.fact.unit == "%" and e.fact.measure == "value" and
                 not e.fact.dimension and e.fact.period == (ctx.period or book.period) and
                 "转化" in (e.fact.label or e.fact.metric)), None)
    if rate is None or rate.fact.value <= 0:
        return None
    n = 100 / rate.fact.value
    reading = {"measure": "one_in_n", "period": rate.fact.period, "facts": [rate.fact.id], "operation": "100 / a"}
    return derived_outcome(fig, fits(fig, n, rel=0.02), rate.fact.metric, f"{n:.1f}", reading, (),
                           f"{describe(book, rate.fact)} 1/N")


def one_in_n_unit(s: str, fig: Figure) -> bool:
    """The 1 of 每N个访客中有1人下单: a unit, not a claim."""
    m = _ONE_IN.search(s)
    return m is not None and m.end("n") < fig.start < m.end()


def _dims_listed(mentions: list[Mention], s: str, end: int) -> list[Mention]:
    """Dimension values listed right before `end` (天猫和京东, 抖音、小程序)."""
    dims = [m for m in mentions if m.kind == "dim" and m.end <= end]
    if not dims:
        return []
    group = [dims[-1]]
    for m in reversed(dims[:-1]):
        if not _LIST_GAP.fullmatch(s, m.end, group[0].start):
            break
        group.insert(0, m)
    return group


def _member_sum(book: FactBook, s: str, fig: Figure, ctx: Context, mentions: list[Mention],
                figs: list[Figure]) -> Verdict | None:
    """抖音和小程序合计贡献了增量的…, 天猫与抖音GMV合计占比…: a sum over the members named."""
    word = None
    for m in _SUM_WORD.finditer(s, 0, fig.start):
        word = m
    if word is None or any(word.end() <= f.start < fig.start for f in figs if f.claim):
        return None
    group = _dims_listed(mentions, s, word.start())
    if len(group) < 2 or len({m.keys[0] for m in group}) < len(group):
        return None
    between = s[group[-1].end:fig.start]
    if fig.base_unit == "%":
        measure = "contribution" if "贡献" in between or "增量" in between else (
            "share" if re.search(r"占|份额|比重", between) else "")
    else:
        measure = "value" if not re.search(r"同比|环比|增长|下降", between) else ""
    if not measure:
        return None
    period = ctx.period or book.period
    metrics = ctx.metrics or sorted({e.fact.metric for e in book.entries if e.fact.dimension == group[0].keys[0]
                                     and e.fact.measure == measure})
    for metric in metrics:
        entries = [book.get(metric, m.keys[0], period, measure) for m in group]
        if all(e is not None for e in entries):
            total = sum(e.fact.value for e in entries)
            shown = f"{total:.1f}%" if fig.base_unit == "%" else _show(total, entries[0])
            reading = {"measure": measure, "period": period, "dimension": ",".join(m.keys[0] for m in group),
                       "facts": [e.fact.id for e in entries], "operation": "sum"}
            names = "+".join(m.text for m in group)
            ok = fits(fig, total, absolute=0.1 if fig.base_unit == "%" else 0.0)
            return derived_outcome(fig, ok, metric, shown, reading, (word.group(),), f"{names} {book.label(metric)}")
    return None


def _count_over_dimension(book: FactBook, s: str, fig: Figure, ctx: Context, mentions: list[Mention],
                          figs: list[Figure]) -> Verdict | None:
    """8大品类中有7个实现增长: how many members of a dimension grew (or fell), and how many there are."""
    if fig.base_unit not in ("个", ""):
        return None
    right = s[fig.end:fig.end + 16]
    left = s[max(0, fig.start - 12):fig.start]
    for kind, words in _KIND_WORDS.items():
        # 5个渠道中…: the size of the dimension; 有4个渠道实现增长: a count of members
        size_word = re.match(rf"\s*(?:个|大)?(?:{words})\s*(?:中|里|当中|之中)", s[fig.end:]) or \
            re.match(rf"\s*大(?:{words})", s[fig.end:])
        counted = re.search(rf"(?:{words})[^，,；;。\d]{{0,4}}(?:中|里|当中)?[^，,；;。\d]{{0,3}}$", left) or \
            (not size_word and re.match(rf"\s*个?(?:{words})", right))
        if not size_word and not counted:
            continue
        period = ctx.period or book.period
        metric = ctx.metrics[0] if ctx.metrics else "gmv"
        members = {e.fact.dimension: e for e in book.entries if e.fact.metric == metric and
                   e.fact.dimension.startswith(f"{kind}=") and e.fact.period == period and e.fact.measure == "yoy"}
        if not members:
            return None
        ids = sorted(e.fact.id for e in members.values())
        if size_word and not counted:
            n = len(members)
            reading = {"measure": "count", "period": period, "facts": ids, "operation": "count"}
            return derived_outcome(fig, fits(fig, n, rel=0), metric, str(n), reading, (),
                                   f"{kind} members of {book.label(metric)}")
        tail = s[fig.end:fig.end + 14]
        direction = 1 if _GREW.search(tail) else -1 if _FELL.search(tail) else 0
        if not direction:
            return None
        n = sum(1 for e in members.values() if e.fact.value * direction > 0)
        reading = {"measure": "count", "period": period, "facts": ids,
                   "operation": f"count(yoy {'>' if direction > 0 else '<'} 0)"}
        return derived_outcome(fig, fits(fig, n, rel=0), metric, str(n), reading, (),
                               f"{kind} members of {book.label(metric)} that {'grew' if direction > 0 else 'fell'}")
    return None
