"""What a sentence says about a figure: which metric, dimension, period and measure, and the direction word."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from drafter.periods import shift_period
from drafter.verify.book import FactBook
from drafter.verify.clauses import clause_bounds
from drafter.verify.figures import Figure
from drafter.verify.frames import (
    EXPECTED,
    GUIDANCE,
    LOSS_WORDS,
    MULTIPLE_OF,
    PREV_STEP,
    PROFIT_WORDS,
    anchor_of,
    attached,
    base_before,
    later,
    month_to_date,
    period_of,
    quarter_of,
    scopes,
    target_frame,
)
from drafter.verify.lexicon import (
    COMPARE_RE,
    CUE_RE,
    GAP_MEASURES,
    GROWTH_POP,
    GROWTH_YOY,
    LEVEL,
    LEVEL_VERBS,
    MONTH_TO_DATE,
    PERIOD_RE,
    POP_RE,
    POP_WORDS,
    TARGET_MEASURES,
    cue_info,
)
from drafter.verify.mentions import Mention, dimension_before
from drafter.verify.units import RATE_UNITS, unit_factor

TARGET_SET = TARGET_MEASURES
GAP_SET = GAP_MEASURES
CHANGE_MEASURES = GROWTH_YOY | GROWTH_POP | GAP_MEASURES | {"diff", "pop_diff", "share_pp", "contribution", "driver"}
# what names a metric the facts lack (loss and profit words also say the sign of a named one: not here)
_UNNAMED = re.compile(r"收入|营收|利率|费用率|亏损率|渗透率|转化率|付费率|复购率|成本|开支|费用|用户|买家|司机|订单|"
                      r"GMV|EBITDA", re.I)
_POP_LEAD = re.compile(rf"(?:{POP_WORDS})(?:计算|来看|看|而言|口径)")
_YOY_SAID = re.compile(r"同比|按年|去年|上年|同期|年增|一年")
_WHOLE_BEFORE = re.compile(r"占[^，,；;。]{0,2}$")  # 广告收入…，占总收入43.9%，按年增长19.3%: 总收入 is the whole
SHARE_WORDS = re.compile(r"占比|份额|比重")
_ACTUAL = re.compile(r"实际|实现|完成|达成|当前|目前|现为|已")
_PLAN_MADE = re.compile(r"度?(?:计划|制定|提出|设定|确定)")
# a control line is a target too (高于7%的控制线, 5%的警戒线)
_TARGET_AFTER = re.compile(r"\s*(?:的)?\u25a1*(?:年度|全年)?(?P<what>占比|份额|同比增长|同比增速|增长|增速)?"
                           r"(?:(?:控制|考核|管控|底线|红线|上限|下限)?(?:目标|计划)|(?:控制|警戒|预警|红|底)线|上限|下限)")
_BEFORE_TARGET = re.compile(r"(?:高出|高于|超出|超过|多出|低于|少于|落后)\s*$")  # 高出目标0.6个百分点
_CHANGE_NOUN = re.compile(r"增量|增长|增幅|变化|变动|拉动|提升")
_GAP_AFTER = re.compile(r"\s*(?:的)?(?:差距|缺口)")
_BARE_TO = re.compile(r"\s*(?:至|到)\s*")
_PART_OF = frozenset({"share", "share_pp", "contribution", "driver"})  # measures only a percentage can state
_BARE_MORE = re.compile(r"\s*(?P<word>高|多|低|少)\s*")  # 比目标值7.0%高0.6个百分点: only between two figures
_FROM_BEFORE = re.compile(r"(?:由|从)\s*$")
_TO_AFTER = re.compile(rf"\s*{LEVEL_VERBS}?(?:至|到)(?!今)")


@dataclass
class Context:
    """How to check one figure: candidate metrics (best first), dimension, period, measures, direction."""

    metrics: list[str] = field(default_factory=list)
    named: bool = False  # the sentence names the metric (not carried from an earlier sentence)
    dimension: str = ""
    dim_named: str = ""
    period: str = ""
    measures: frozenset[str] | None = None
    direction: int = 0
    direction_word: str = ""
    growth_multiple: bool = False
    dim_keys: tuple[str, ...] = ()
    dim_weak: bool = False  # the dimension was named before another metric: it holds only if the facts have it
    alt_dims: tuple[str, ...] = ()  # a dimension a total word (全年) overrode: a fit there verifies too
    two_signs: bool = False  # the sentence speaks of a loss and a profit: the direction of a change is ambiguous
    # an expectation (市场预期的120亿元), or a sentence scoped by a quarter the facts lack: no fact can say it is wrong
    foreign: bool = False


def analyse(book: FactBook, s: str, fig: Figure, figs: list[Figure], mentions: list[Mention],
            carried: list[str], first_clause_end: int,
            prior: tuple[int, frozenset[str] | None, str] | None = None) -> Context:
    """Read the sentence `s` around `fig` (offsets in `s`); `prior`: the previous figure's end, measures, period."""
    ctx = Context(period=book.period)
    left, right = clause_bounds(s, fig.start, fig.end)
    prev_end = max((f.end for f in figs if left <= f.start and f.end <= fig.start), default=left)
    # cue words inside a metric's name are not cues: 大促GMV占比 is a metric, not a share of GMV
    masked = _mask(s, mentions)
    earlier = max((f.end for f in figs if f.claim and f.end <= left), default=0)
    _cues(ctx, masked[prev_end:fig.start], masked[left:fig.start], fig, masked[earlier:left])
    # 复购率达到28.0%的目标, 同比增长25.0%的目标, 未达到28.0%的目标, 超额完成25.0%的占比目标; but
    # 低于目标2.5个百分点 stays a gap, and so does 仍有1.8个百分点的差距
    after = _TARGET_AFTER.match(masked, fig.end)  # 28%的复购率目标: the metric's name may stand between
    gap_after = _GAP_AFTER.match(s, fig.end)
    if gap_after:
        ctx.measures = GAP_SET
        if not ctx.direction:  # 差距 and 缺口 are shortfalls
            ctx.direction, ctx.direction_word = -1, gap_after.group().strip().removeprefix("的")
    elif after and not (ctx.measures and ctx.measures & GAP_SET and fig.base_unit == "pp"):
        if after["what"]:  # X的占比目标, X的增长目标
            ctx.measures = frozenset({"target_share" if after["what"] in ("占比", "份额") else "target_yoy"})
        else:
            ctx.measures = _as_target(None if ctx.measures and ctx.measures & GAP_SET else ctx.measures)
    elif target_frame(s, fig) and not (ctx.measures and "attainment" in ctx.measures):
        # 年初确定了“GMV增长20%、复购率达到28%”的年度目标, 计划GMV增长20%, 力争复购率达到28%: what is planned
        ctx.measures = _as_target(ctx.measures)
        ctx.direction, ctx.direction_word = 0, ""
    if prior is not None and fig.base_unit == "pp" and ctx.measures and ctx.measures <= (GROWTH_YOY | GROWTH_POP):
        end, measures, _ = prior
        renamed = _metric_named(mentions, end, fig.start)
        said = SHARE_WORDS.search(s, 0, fig.start)
        share_said = said is not None and not _metric_named(mentions, said.end(), fig.start)
        if (measures and "share" in measures or share_said) and not renamed:
            ctx.measures = ctx.measures | {"share_pp"}  # 占比为17.3%，(去年同期为…,) 较上年提升7.2个百分点
    subjects = [m for m in mentions if not (m.end <= left and _WHOLE_BEFORE.search(s, max(0, m.start - 3), m.start))]
    _metric(book, ctx, fig, subjects, left, right, carried)
    if ctx.metrics and not _metric_named(mentions, left, fig.start) and any(
            not _WHOLE_BEFORE.search(masked, left, m.start()) for m in _UNNAMED.finditer(masked, left, fig.start)):
        # …，销售费用率降至11.2%: the clause names a metric the facts do not; not the one before (占总营收的比重
        # names the whole of a share, not another metric)
        ctx.foreign = True
    ctx.two_signs = bool(LOSS_WORDS.search(s, 0, fig.start) and PROFIT_WORDS.search(s, 0, fig.start))
    _dimension(ctx, fig, mentions, right)
    _respectively(ctx, s, fig, figs, mentions)
    # period words: in the clause, or in the sentence's first clause when not a comparison (较2024年)
    chosen, compare = None, False
    for m in PERIOD_RE.finditer(s, left, fig.start):
        if m.group("year") is None and _PLAN_MADE.match(s, m.end()):
            continue  # 上年计划目标: the plan was made last year, for this period
        if base_before(s, figs, m.end(), fig) is not None and not scopes(s, figs, m):
            continue  # 由去年同期的A增至B: the word dates A, the base; B is the sentence's period (2024年GMV由…)
        chosen, compare = m, bool(COMPARE_RE.search(s[max(0, m.start() - 4):m.start()]))
    if chosen is None and _continues_target(prior, s, fig, mentions):
        if ctx.measures is None:
            ctx.measures, ctx.period = TARGET_SET, prior[2]  # 2026年GMV目标增长20.0%，达到3443万元
            return ctx
        if ctx.measures <= GROWTH_YOY:
            ctx.measures, ctx.period = frozenset({"target_yoy"}), prior[2]  # 明年GMV目标为3443万元，同比增长20.0%
            ctx.direction, ctx.direction_word = 0, ""
            return ctx
    against = ""  # 与上季度相比，GMV下降16.0%: the period a first clause compares with
    if chosen is None:
        for m in PERIOD_RE.finditer(s, 0, min(first_clause_end, fig.start)):
            if attached(s, figs, m.end()) or \
                    (base_before(s, figs, m.end(), fig) is not None and not scopes(s, figs, m)):
                continue  # 由上年的A增至B, 去年同期为A: the word dates A alone, not the sentence
            if COMPARE_RE.search(s[max(0, m.start() - 4):m.start()]):
                against = period_of(book, m.group(), m.group("year"), quarter_of(m))
            elif not (quarter_of(m) and m.group("year") is None):
                chosen = m
            elif not ctx.dimension:
                # a bare 三季度 opening the sentence scopes it when the facts have that quarter; else the year's facts
                # cannot say its figures are wrong. With a month named (第二季度含618大促，…7月GMV为…) it is context.
                if _has_period(book, ctx, period_of(book, m.group(), None, quarter_of(m))):
                    chosen = m
                else:
                    ctx.foreign = True
    word, year, quarter = (chosen.group(), chosen.group("year"), quarter_of(chosen)) if chosen else ("", None, None)
    # relative words count from the period the sentence is set in: 2024年GMV增速从上年的A… dates A in 2023
    anchor = anchor_of(book, s, figs, chosen.start() if chosen else fig.start)
    period = period_of(book, word, year, quarter, anchor) if chosen else _unstated_period(book, ctx, prior)
    if _FROM_BEFORE.search(s, left, fig.start) and _TO_AFTER.match(s, fig.end) and \
            not (year and not scopes(s, figs, chosen)):  # 占比由17.3%提升至27.0%, 2024年GMV由A增至B
        setting = anchor_of(book, s, figs, fig.start)
        period = shift_period(setting, steps=-1) if POP_RE.search(s, left, right) else shift_period(setting, years=-1)
    if ctx.measures is not None and ctx.measures & CHANGE_MEASURES:
        # 较上季度, 与二季度相比 (for a year the step before is the year before: 同比 stays)
        step_apart = book.prev_step != book.prev_year
        previous_step = (word and PREV_STEP.search(word)) or (quarter and period == book.prev_step) or \
            (step_apart and not word and against == book.prev_step)
        if previous_step and ctx.measures & GROWTH_YOY:
            ctx.measures = frozenset(GROWTH_POP) | (ctx.measures & {"share_pp"})
        elif previous_step and "diff" in ctx.measures:
            ctx.measures = ctx.measures - {"diff"} | {"pop_diff"}  # 与二季度相比，GMV减少约120万元
        elif step_apart and "diff" in ctx.measures and period == book.period and not _YOY_SAID.search(s, 0, fig.start):
            ctx.measures = ctx.measures | {"pop_diff"}  # a quarter's 净增150万 says neither against when: either
        is_base = any(base_before(s, figs, left, g) is fig for g in figs if g.start > fig.end)
        # 较2024年增长, 与去年同期相比增长: this period's change against that one (占比由去年同期的A: A's); a bare
        # 去年 scoping the sentence (去年GMV同比增长…) dates the change itself
        against_word = word and period in (book.prev_year, book.prev_step) and not year and \
            re.search(re.escape(word) + r"\s*(?:相比|对比|比较|而言)", s)
        if not is_base and (compare or against_word):
            period = anchor
    if fig.base_unit == "倍" and word and period in (book.prev_year, book.prev_step) and \
            MULTIPLE_OF.search(s, left, fig.start):
        # GMV是去年的1.18倍: this period's value over that period's, a growth multiple
        pop = period == book.prev_step != book.prev_year
        ctx.growth_multiple, ctx.measures = True, frozenset(GROWTH_POP if pop else GROWTH_YOY)
        period = book.period
    ctx.foreign = ctx.foreign or (bool(EXPECTED.search(s, left, fig.start)) and period == book.period)
    if GUIDANCE.search(s, 0, fig.start) and later(period, book.period) and \
            not (ctx.measures and ctx.measures & (GAP_SET | {"attainment"})):
        # 预计2026年GMV增长18%, 2026年指引为…: guidance for a later period states that period's targets
        ctx.measures = _as_target(ctx.measures)
        ctx.direction, ctx.direction_word = 0, ""
    if MONTH_TO_DATE.search(s, 0, fig.start):
        ctx.measures, period = month_to_date(book, ctx.measures, ctx.metrics, ctx.dimension, period)
    ctx.period = period
    return ctx


def _has_period(book: FactBook, ctx: Context, period: str) -> bool:
    """Whether the facts state any of the clause's metrics for this period."""
    return any(book.lookup(metric, "", period, frozenset({"value", "yoy", "pop", "share"})) for metric in ctx.metrics)


def _unstated_period(book: FactBook, ctx: Context, prior: tuple[int, frozenset[str] | None, str] | None) -> str:
    """A figure with no period word: the facts' period, but in a plan a target is one of the plan's own, unless
    the sentence first stated an actual (复购率为25.0%，未达到26.0%的目标 reviews the year the facts describe)."""
    if not (book.plan and ctx.measures and ctx.measures <= TARGET_SET):
        return book.period
    if prior is None:
        return book.plan
    return prior[2] if prior[1] and prior[1] <= TARGET_SET else book.period


def _continues_target(prior: tuple[int, frozenset[str] | None, str] | None, s: str, fig: Figure,
                      mentions: list[Mention]) -> bool:
    """A bare figure right after a target, with no metric named in between, states that target's level."""
    if prior is None or not prior[1] or not prior[1] <= TARGET_SET:
        return False
    end = prior[0]
    return fig.start >= end and not _ACTUAL.search(s, end, fig.start) and not _metric_named(mentions, end, fig.start)


def _metric_named(mentions: list[Mention], start: int, end: int) -> bool:
    """Whether a metric's name starts between two offsets of the sentence."""
    return any(m.kind == "metric" and start <= m.start < end for m in mentions)


def _mask(s: str, mentions: list[Mention]) -> str:
    out = s
    for m in mentions:
        if m.kind == "metric":
            out = out[:m.start] + "\u25a1" * (m.end - m.start) + out[m.end:]
    return out


def _as_target(measures: frozenset[str] | None) -> frozenset[str]:
    """The target for what the words name: 目标同比增长15% → target_yoy, 占比目标25% → target_share."""
    if measures and measures & (GROWTH_YOY | GROWTH_POP):
        return frozenset({"target_yoy"})
    if measures and "share" in measures:
        return frozenset({"target_share"})
    return TARGET_SET


def _cues(ctx: Context, near: str, clause: str, fig: Figure, earlier: str = "") -> None:
    near_direction = False
    # 同比上升至7.6%, 下降9.0%至310.1元: the figure right after 至 is the level reached, even in a 同比 clause
    level_near = level = bool(_BARE_TO.fullmatch(near))
    bare = _BARE_MORE.fullmatch(near)
    if bare:
        ctx.direction, ctx.direction_word = (1 if bare["word"] in "高多" else -1), bare["word"]
        near_direction = True
    target_named = against_target = False
    for k, text in enumerate((near, clause)):
        for cue in reversed(list(CUE_RE.finditer(text))):
            word = cue.group()
            measures, direction = cue_info(word)
            if measures == LEVEL:
                level = level or not ctx.direction  # 降至15.0%: the level reached, whatever came before
                level_near = level_near or k == 0
                continue
            if level_near and measures is not None and measures <= (GROWTH_YOY | GROWTH_POP):
                continue
            if measures is not None and measures <= _PART_OF and fig.base_unit not in RATE_UNITS:
                continue  # 新客贡献GMV1995万元: an amount is a value, whatever share word stands before it
            if direction and not ctx.direction and not level:
                ctx.direction, ctx.direction_word = direction, word
                near_direction = k == 0
            if measures == TARGET_SET:
                # 较目标30%高出1.3个百分点, 较目标高出…: measured against the target (a figure or 较 between)
                target_named = True
                against_target = k == 1 or bool(COMPARE_RE.search(text, 0, cue.start()) or
                                                _BEFORE_TARGET.search(text, 0, cue.start()))
            if measures is not None and ctx.measures is None:
                ctx.measures = measures
        if ctx.measures is not None:
            break
    if ctx.measures is None and (ctx.direction or fig.base_unit == "pp") and earlier:
        # 超额完成目标，高出1.1个百分点: the clause before names what the change is measured against
        for word in reversed([m.group() for m in CUE_RE.finditer(earlier)]):
            measures, _ = cue_info(word)
            if measures in (TARGET_SET, GAP_SET):
                ctx.measures = GAP_SET
                break
    if ctx.measures == TARGET_SET and near_direction and against_target and ctx.direction_word not in ("差",):
        ctx.measures = GAP_SET  # 较目标30%高出1.3个百分点: the figure after the target is the gap
    elif target_named and ctx.measures is not None and not ctx.measures & (GAP_SET | TARGET_SET | {"attainment"}):
        ctx.measures = _as_target(ctx.measures)  # GMV目标同比增长15.0%
        ctx.direction, ctx.direction_word = 0, ""
    if ctx.measures is None and ctx.direction:
        if fig.base_unit in RATE_UNITS or fig.base_unit == "倍":
            pop = POP_RE.search(clause) or _POP_LEAD.search(earlier)  # 按季度计算，收入增长10.5%
            ctx.measures = frozenset(GROWTH_POP if pop else GROWTH_YOY)
        else:
            ctx.measures = frozenset({"value", "diff"})  # 增长至X is the value, 增加X the difference
    elif (ctx.measures is not None and ctx.measures <= (GROWTH_YOY | GROWTH_POP) and fig.base_unit == "pp"
          and SHARE_WORDS.search(clause)):
        ctx.measures = ctx.measures | {"share_pp"}
    if ctx.measures is not None and ctx.measures <= (GROWTH_YOY | GROWTH_POP) and not level and \
            fig.base_unit not in RATE_UNITS and fig.base_unit != "倍" and fig.kind in ("currency", "count", "number"):
        # 同比增加18.8亿元, 环比扩大1.3亿元: an amount after a growth word is the change in value
        ctx.measures = frozenset({"diff" if ctx.measures & GROWTH_YOY else "pop_diff"})
    if ctx.measures == frozenset({"contribution", "driver"}) and not _CHANGE_NOUN.search(clause + near):
        ctx.measures = ctx.measures | {"share"}  # 新客贡献了约69.5%的GMV: a share, unless 增量/增长 is named
    if fig.base_unit == "倍" and ctx.measures is not None and ctx.measures & GROWTH_YOY:
        ctx.growth_multiple = True
    if fig.kind == "multiple" and fig.unit == "倍" and fig.text.startswith("翻"):
        ctx.growth_multiple, ctx.measures = True, frozenset(GROWTH_YOY)
    if fig.kind == "rank":
        ctx.measures = frozenset({"rank"})


def _metric(book: FactBook, ctx: Context, fig: Figure, mentions: list[Mention], left: int, right: int,
            carried: list[str]) -> None:
    before = [m for m in mentions if m.kind == "metric" and m.end <= fig.start]
    after = [m for m in mentions if m.kind == "metric" and m.start >= fig.end and m.start < right]
    ordered: list[str] = []
    for m in [*reversed(before), *after]:
        for key in m.keys:
            if key not in ordered:
                ordered.append(key)
    if ordered:
        ctx.named = True
    else:
        ordered = list(carried)
    compatible = [k for k in ordered if _unit_fits(book, k, fig)]
    ctx.metrics = compatible + [k for k in ordered if k not in compatible]


_LIST_GAP = re.compile(r"[、,，和与及\s]*")


def _respectively(ctx: Context, s: str, fig: Figure, figs: list[Figure], mentions: list[Mention]) -> None:
    """天猫、京东营销投放分别为A、B: the k-th figure after 分别 belongs to the k-th name listed before it."""
    at = s.rfind("分别", 0, fig.start)
    if at < 0:
        return
    listed = [f for f in figs if f.start > at and f.claim]
    row: list[Figure] = []
    for f in listed:
        if row and not _LIST_GAP.fullmatch(s[row[-1].end:f.start]):
            break
        row.append(f)
    if fig not in row:
        return
    for kind in ("dim", "metric"):
        names = [m for m in mentions if m.kind == kind and m.end <= at]
        group = names[-1:]
        for m in reversed(names[:-1]):
            if not _LIST_GAP.fullmatch(s[m.end:group[0].start]):
                break
            group.insert(0, m)
        if len(group) == len(row) > 1:
            pick = group[row.index(fig)]
            if kind == "dim":
                ctx.dimension, ctx.dim_named, ctx.dim_keys, ctx.dim_weak = pick.keys[0], pick.text, pick.keys, False
            else:
                ctx.metrics = list(pick.keys)  # only the paired name: another would hide a swap


def _unit_fits(book: FactBook, metric: str, fig: Figure) -> bool:
    return any(unit_factor(fig.base_unit, e.fact.unit) is not None or
               (fig.base_unit == "倍" and e.fact.unit == "%")
               for e in book.entries if e.fact.metric == metric)


def _dimension(ctx: Context, fig: Figure, mentions: list[Mention], right: int) -> None:
    # a share or contribution is of the total: 占全年GMV的27.9% keeps its dimension
    totals = not (ctx.measures and ctx.measures & {"share", "contribution", "share_pp", "driver"})
    dim = dimension_before(mentions, fig.start, totals)
    if dim is None:
        # 天猫营销投放159.3万元，营销ROI为5.09倍: the channel carries on when the facts have the metric by it
        dim = dimension_before(mentions, fig.start, totals, strict=False)
        ctx.dim_weak = dim is not None
    if dim is None and not any(m.kind == "dim" and m.end <= fig.start for m in mentions):
        dim = next((m for m in mentions if m.kind == "dim" and fig.end <= m.start < right), None)
    if dim is not None:
        ctx.dimension, ctx.dim_named, ctx.dim_keys = dim.keys[0], dim.text, dim.keys
    elif totals and (overridden := dimension_before(mentions, fig.start, totals=False)) is not None:
        ctx.alt_dims = overridden.keys  # 11月是全年GMV最高的月份，达434.2万元: 全年 may only frame the comparison
