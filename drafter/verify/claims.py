"""Claim checks without a figure of their own: achievement words (超额完成, 未达成) and superlatives (最高)."""

from __future__ import annotations

import re

from drafter.display import display
from drafter.verify.book import FactBook
from drafter.verify.clauses import CLAUSE_SEP
from drafter.verify.figures import Figure
from drafter.verify.judge import Verdict, describe, expected_text
from drafter.verify.lexicon import (
    CUE_RE,
    LEVEL_VERBS,
    LOSS_METRIC,
    MET_RE,
    MISSED_RE,
    PLAN_BEFORE_RE,
    POP_RE,
    SUPER_MAX_RE,
    SUPER_MIN_RE,
    cue_info,
)
from drafter.verify.mentions import Mention, dimension_before

YOY_LIKE = {"yoy", "yoy_pp", "gap_yoy", "target_yoy"}
SHARE_LIKE = {"share", "share_pp", "gap_share", "target_share"}


def _nearest(mentions: list[Mention], pos: int, kinds: tuple[str, ...], after_too: bool = True) -> Mention | None:
    before = [m for m in mentions if m.kind in kinds and m.end <= pos]
    if before:
        return before[-1]
    if after_too:
        after = [m for m in mentions if m.kind in kinds and m.start >= pos]
        return after[0] if after else None
    return None


def _dimension(mentions: list[Mention], pos: int) -> tuple[str, ...]:
    m = dimension_before(mentions, pos)
    return m.keys if m is not None else ("",)


def achievements(book: FactBook, s: str, mentions: list[Mention], judged: list[tuple[int, Verdict]],
                 carried: list[str]) -> list[tuple[int, int, Verdict]]:
    """超额完成 / 达成 / 未达 / 差 against the status of the gap to target."""
    out = []
    missed = [(m.start(), m.end(), "missed") for m in MISSED_RE.finditer(s)]
    blanked = list(s)
    for a, b, _ in missed:
        blanked[a:b] = " " * (b - a)
    met = [(m.start(), m.end(), "met") for m in MET_RE.finditer("".join(blanked))]
    for start, end, claim in sorted(missed + met):
        if PLAN_BEFORE_RE.search(s, 0, start):
            continue
        before = [m for m in mentions if m.kind == "metric" and m.end <= start]
        metrics = list(before[-1].keys) if before else list(carried)
        prior = [v for pos, v in judged if pos < start and v.fact is not None]
        clause = s[max((m.end() for m in CLAUSE_SEP.finditer(s, 0, start)), default=0):start]
        prefer = ["gap", "gap_yoy", "gap_share"]
        if re.search(r"增速|增幅|增长目标", clause) or (prior and prior[-1].fact.measure in YOY_LIKE):
            prefer = ["gap_yoy", "gap", "gap_share"]
            if re.search(r"增速|增幅", clause):
                # 增速不及预期: the metric whose growth had a target, though another was named since
                metrics += [k for m in reversed(before) for k in m.keys] + list(carried)
        elif re.search(r"占比|份额", clause) or (prior and prior[-1].fact.measure in SHARE_LIKE):
            prefer = ["gap_share", "gap", "gap_yoy"]
        entry = None
        for measure in prefer:
            for metric in metrics:
                for dim in _dimension(mentions, start):
                    entry = entry or book.get(metric, dim, book.period, measure)
        if entry is None:
            continue
        fact = entry.fact
        exp = expected_text(fact)
        status = "met" if fact.status == "met" else "missed"
        word = s[start:end]
        said = "met" if claim == "met" else "missed"
        verdict = "verified" if status == claim else "claim_error"
        message = f"{describe(book, fact)}: “{word}” says target {said}; facts say {status} ({exp})"
        out.append((start, end, Verdict(verdict, fact.metric, f"{status} ({exp})", message, fact)))
    return out


def superlatives(book: FactBook, s: str, mentions: list[Mention]) -> list[tuple[int, int, Verdict]]:
    """最高 / 最大 / 首位 for a named dimension, decided by rank facts or by comparing its siblings."""
    out = []
    for regex, want_max in ((SUPER_MAX_RE, True), (SUPER_MIN_RE, False)):
        for m in regex.finditer(s):
            dim_m = _nearest(mentions, m.start(), ("dim",), after_too=False)
            metric_m = _nearest(mentions, m.start(), ("metric",))
            if dim_m is None or metric_m is None:
                continue
            between = s[dim_m.start:m.end()]
            measure = "yoy" if re.search(r"增速|增长|增幅|同比", between) else (
                "share" if re.search(r"占比|份额", between) else "value")
            verdict = _rank_claim(book, metric_m.keys, dim_m.keys, measure, want_max, s[m.start():m.end()])
            if verdict is not None:
                out.append((m.start(), m.end(), verdict))
    return out


def _rank_claim(book: FactBook, metrics: tuple[str, ...], dims: tuple[str, ...], measure: str, want_max: bool,
                word: str) -> Verdict | None:
    for metric in metrics:
        for dim in dims:
            own = book.get(metric, dim, book.period, measure)
            if own is None:
                continue
            key = dim.split("=", 1)[0]
            siblings = [e.fact for e in book.entries if e.fact.metric == metric and e.fact.measure == measure
                        and e.fact.period == book.period and e.fact.dimension.split("=", 1)[0] == key
                        and e.fact.dimension]
            rank = book.get(metric, dim, book.period, "rank")
            if rank is not None and measure == "value" and want_max:
                holds = rank.fact.value == 1
            elif len(siblings) >= 2:
                values = [f.value for f in siblings]
                holds = own.fact.value == (max(values) if want_max else min(values))
            else:
                continue
            top = max(siblings, key=lambda f: f.value if want_max else -f.value) if siblings else own.fact
            name = top.dimension.split("=", 1)[-1]
            exp = f"{name} {expected_text(top)}"
            message = f"{describe(book, own.fact)} “{word}” — facts say {exp} is {'highest' if want_max else 'lowest'}"
            return Verdict("verified" if holds else "claim_error", metric, exp, message, own.fact)
    return None


def handoff(book: FactBook, s: str, base: Figure, base_verdict: Verdict, fig: Figure, verdict: Verdict) -> Verdict:
    """由A降至B: with A and B each verified, the verb's direction must be the facts' (else a claim_error on B)."""
    if base_verdict.fact is None or verdict.fact is None or verdict.verdict != "verified" or \
            base_verdict.verdict != "verified" or base_verdict.fact.metric != verdict.fact.metric:
        return verdict
    direction, word = 0, ""
    for m in CUE_RE.finditer(s, base.end, fig.start):
        word = re.sub(r"(?:至|到)$", "", m.group())
        # 升至, 涨到: a one-character verb is a direction only before 至/到
        direction = cue_info(word)[1] or (1 if word in ("升", "涨") else 0)
        if direction:
            break
    change = verdict.fact.value - base_verdict.fact.value
    if fig.loss and base.loss and not LOSS_METRIC.search(verdict.fact.label or verdict.fact.metric):
        change = -change  # 由亏损3.1亿元扩大至亏损8.2亿元: the loss grew as the profit fell
    if not direction or change * direction >= 0:
        return verdict
    was, now = expected_text(base_verdict.fact), expected_text(verdict.fact)
    reading = {**book.reading(verdict.fact), "facts": [base_verdict.fact.id, verdict.fact.id],
               "operation": "sign(b - a)"}
    return Verdict("claim_error", verdict.metric, now,
                   f"{describe(book, verdict.fact)} “{word}” {base.text}→{fig.text} — facts say {was}→{now} "
                   "(direction is wrong)", verdict.fact, reading)


_AGAINST_BEFORE = re.compile(r"(?:较|比|相比|相较于?|对比)[^，,；;。]{0,12}?的?\s*$")
_WORD_AFTER = re.compile(r"\s*(?:相比|而言)?\s*(?:有所|明显|大幅|略有|小幅|进一步|继续|稳步|显著)?\s*")


def base_claims(book: FactBook, s: str, figs: list[Figure], judged: list[tuple[int, Verdict]]
                ) -> list[tuple[int, int, Verdict]]:
    """较2024年的25.9%有所提升: the direction word against this period's value of the base figure's fact."""
    out = []
    verdicts = dict(judged)
    for fig in figs:
        base = verdicts.get(fig.start)
        if base is None or base.verdict != "verified" or base.fact is None or base.fact.period == book.period or \
                not _AGAINST_BEFORE.search(s, 0, fig.start):
            continue
        lead = _WORD_AFTER.match(s, fig.end)
        word = CUE_RE.match(s, lead.end())
        direction = cue_info(word.group())[1] if word else 0
        clause_end = next((m.start() for m in CLAUSE_SEP.finditer(s, fig.end)), len(s))
        if not direction or any(f.claim and word.end() <= f.start < clause_end for f in figs):
            continue  # 较上年的25.9%提升1.5个百分点: the change's own figure carries the direction
        b = base.fact
        now = book.get(b.metric, b.dimension, book.period, b.measure)
        if now is None:
            continue
        holds = (now.fact.value - b.value) * direction >= 0
        was, cur = expected_text(b), expected_text(now.fact)
        message = f"{describe(book, now.fact)} “{word.group()}” against {fig.text} — facts say {was}→{cur}"
        reading = {**book.reading(now.fact), "facts": [b.id, now.fact.id], "operation": "sign(b - a)"}
        out.append((word.start(), word.end(), Verdict("verified" if holds else "claim_error", b.metric, cur,
                                                      message, now.fact, reading)))
    return out


# 同比收窄至6.1亿元, 按季扩大至, 较去年同期提升至: a level reached, with the direction against a named period
# 经营利润率降至12.6%: a bare verb, alone in its clause with the figure (no base figure, no 由/从/较 before it)
_LEVEL_BARE = re.compile(rf"(?:^|[，,；;])[^，,；;。\d由从较比]{{0,12}}?(?P<verb>{LEVEL_VERBS})(?:至|到)\s*$")
_LEVEL_AGAINST = re.compile(rf"(?P<period>同比|环比|按年|按季度?|较上一?季度?|较上年|较去年(?:同期)?|较上年同期)"
                            rf"[^，,；;。\d]{{0,6}}?(?P<verb>{LEVEL_VERBS})(?:至|到)\s*$")


def level_claims(book: FactBook, s: str, figs: list[Figure], judged: list[tuple[int, Verdict]]
                 ) -> list[tuple[int, int, Verdict]]:
    """按季扩大至6.1亿元: the verb's direction against the named period's value of the same fact; with no period
    named (利润率降至12.6%), against both the year before and the step before: wrong only when wrong against both."""
    out = []
    verdicts = dict(judged)
    for fig in figs:
        now = verdicts.get(fig.start)
        m = _LEVEL_AGAINST.search(s, max(0, fig.start - 16), fig.start) or _LEVEL_BARE.search(s, 0, fig.start)
        if now is None or now.verdict != "verified" or now.fact is None or m is None:
            continue
        direction = cue_info(m["verb"])[1] or (1 if m["verb"] in ("升", "涨") else -1 if m["verb"] in "降减跌" else 0)
        period = m.groupdict().get("period")
        pop = period and (POP_RE.search(period) or "季" in period)
        backs = [book.prev_step if pop else book.prev_year] if period else [book.prev_year, book.prev_step]
        f = now.fact
        olds = [w for b in dict.fromkeys(backs) if f.period == book.period and
                (w := book.get(f.metric, f.dimension, b, f.measure)) is not None]
        if not direction or not olds:
            continue
        was = olds[0]
        holds = any((f.value - w.fact.value) * direction >= 0 for w in olds)
        message = (f"{describe(book, f)} “{m['verb']}” to {fig.text} — facts say {expected_text(was.fact)}→"
                   f"{expected_text(f)}")
        reading = {**book.reading(f), "facts": [was.fact.id, f.id], "operation": "sign(b - a)"}
        out.append((m.start("verb"), m.end("verb"), Verdict("verified" if holds else "claim_error", f.metric,
                                                            expected_text(f), message, f, reading)))
    return out


_TURN = re.compile(r"(?P<gain>扭亏为盈|转亏为盈|扭亏|由亏转盈)|(?P<loss>由盈转亏|转盈为亏|由盈利转为亏损)")


def turnaround_claims(book: FactBook, s: str, mentions: list[Mention]) -> list[tuple[int, int, Verdict]]:
    """扭亏为盈 / 由盈转亏: the sign of the named profit now and in the period compared with."""
    out = []
    for m in _TURN.finditer(s):
        metric = _nearest(mentions, m.start(), ("metric",))
        if metric is None:
            continue
        back = book.prev_step if POP_RE.search(s) or re.search(r"上季|上一季|上月|上期", s) else book.prev_year
        for key in metric.keys:
            now, was = book.get(key, "", book.period, "value"), book.get(key, "", back, "value")
            if now is None or was is None:
                continue
            sign = -1 if LOSS_METRIC.search(now.fact.label or key) else 1  # a loss metric's amount is positive
            gain = (was.fact.value * sign < 0 < now.fact.value * sign)
            loss = (now.fact.value * sign < 0 < was.fact.value * sign)
            holds = gain if m["gain"] else loss
            message = (f"{describe(book, now.fact)} “{m.group()}” — facts say {display(was.fact, signed=True)}→"
                       f"{display(now.fact, signed=True)}")
            reading = {**book.reading(now.fact), "facts": [was.fact.id, now.fact.id], "operation": "sign(a), sign(b)"}
            out.append((m.start(), m.end(), Verdict("verified" if holds else "claim_error", key,
                                                    expected_text(now.fact), message, now.fact, reading)))
            break
    return out
