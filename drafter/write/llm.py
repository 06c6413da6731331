"""The model writer: prompts fitted to the context, a verify-and-repair loop, inline flags, and a result cache."""

from __future__ import annotations

import json
import time
from pathlib import Path

from drafter.display import display
from drafter.files import atomic_write_text
from drafter.models import Fact, Finding, Section, text_hash
from drafter.outline import SectionSpec
from drafter.resources import prompts_dir
from drafter.write.budget import (
    DEFAULT_CONTEXT,
    Fitted,
    count_tokens,
    default_max_tokens,
    fit_prompt,
    rank_facts,
    table_order,
)
from drafter.write.offline import FactBook, SectionContext
from drafter.write.repair import CONFIDENT, broken_by_round, repair_requests
from drafter.write.reply import answer_loops, clean_reply, is_truncated, judge

MEASURE_NAMES = {
    "value": "数值", "yoy": "同比变化", "yoy_pp": "同比变化（百分点）", "pop": "环比变化",
    "pop_pp": "环比变化（百分点）", "share": "占比", "share_pp": "占比变化（百分点）", "rank": "排名",
    "contribution": "对总增量的贡献", "driver": "对变化的贡献", "target": "目标值", "target_yoy": "目标增速",
    "target_share": "目标占比", "gap": "与目标的差距", "gap_yoy": "增速与目标的差距", "gap_share": "占比与目标的差距",
    "attainment": "目标完成率", "mtd": "月初至今累计", "mtd_attainment": "月初至今的月度目标完成率",
}
DIMENSION_NAMES = {"channel": "渠道", "category": "品类", "buyer": "买家", "month": "月份", "region": "地区",
                   "day": "日期", "promo": "大促"}
FLAG = "【待核】"  # a figure the verifier is sure is wrong
UNREAD_FLAG = "【待核实】"  # a figure the verifier could not read at all
__all__ = ["LLMWriter", "SectionFailed", "clean_reply", "flag_inline", "is_truncated", "section_facts"]


class SectionFailed(Exception):
    """Every attempt at a section failed; carries the attempts so run.json accounts for them."""

    def __init__(self, section: str, reason: str, attempts: list[dict]) -> None:
        tries = len(attempts)
        self.reason = f"{reason} ({tries} {'try' if tries == 1 else 'tries'})" if tries else reason
        super().__init__(f"section {section}: {self.reason}")
        self.attempts = attempts


def dimension_name(dimension: str) -> str:
    """channel=抖音 → 渠道：抖音, for the prompt's table."""
    if "=" not in dimension:
        return dimension or "全部"
    kind, value = dimension.split("=", 1)
    return f"{DIMENSION_NAMES.get(kind, kind)}：{value}"


def flag_inline(text: str, findings: list[Finding], flag: str = FLAG) -> str:
    """Mark each figure that still fails right after it, so no wrong figure is kept silently."""
    lines = text.split("\n")
    for finding in sorted(findings, key=lambda f: (f.line, f.col), reverse=True):
        index = finding.line - 1
        if not 0 <= index < len(lines):
            continue
        line = lines[index]
        start = finding.col - 1
        end = start + len(finding.text) if line[start:start + len(finding.text)] == finding.text else -1
        if end < 0:
            found = line.find(finding.text)
            end = found + len(finding.text) if found >= 0 else len(line)
        if not line[end:].startswith((FLAG, UNREAD_FLAG)):
            lines[index] = line[:end] + flag + line[end:]
    return "\n".join(lines)


def has_reading(finding: Finding) -> bool:
    """Whether the verifier read the figure as some metric at all: its reading names one, or the finding does."""
    reading = getattr(finding, "reading", None) or {}
    metric = reading.get("metric") if isinstance(reading, dict) else getattr(reading, "metric", "")
    return bool(metric or finding.metric)


def section_facts(book: FactBook, spec: SectionSpec) -> tuple[list[Fact], int]:
    """A section's facts, most telling first: its metrics for this period and last year, their targets, and the
    largest breakdowns its outline names; the second item counts the core ones (see rank_facts)."""
    periods = {book.period.label, book.period.previous_year().label, *([book.plan.label] if book.plan else [])}
    if book.period.grain in ("month", "week"):
        periods.add(book.period.previous().label)  # last month's or week's totals, stated with the 环比
    year = book.period.whole_year().label  # a quarter's report also states its year's targets
    month = book.period.month_of_end().label  # a week's report states its month's target and month-to-date
    wanted = set(spec.metrics)
    chosen = [
        f for f in book.facts
        if f.metric in wanted and (f.period in periods or (f.period == year and f.kind == "target")
                                   or (f.period == month and (f.kind == "target" or f.measure.startswith("mtd"))))
        and not f.dimension.startswith("month=")
        and (not f.dimension or f.dimension.split("=", 1)[0] in spec.dimensions)
    ]
    # SQL engines return groups in any order; a stable order keeps prompts (and cache keys) identical.
    chosen.sort(key=lambda f: f.id)
    return rank_facts(chosen, spec.metrics, book.period.label, book.period.previous_year().label)


class LLMWriter:
    """Drafts a section with a chat model, verifies it, and repairs wrong figures for up to N rounds."""

    name = "llm"

    def __init__(self, model, report_kind: str, verify, rounds: int = 2, cache_dir: Path | None = None,
                 max_tokens: int = 0, context_tokens: int = DEFAULT_CONTEXT) -> None:
        import jinja2

        self.model = model
        self.kind = report_kind
        self.verify = verify
        self.rounds = rounds
        self.max_tokens = max_tokens
        self.context_tokens = context_tokens
        self.cache_dir = Path(cache_dir) / "sections" if cache_dir else None
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(prompts_dir() / "llm")),
                                      undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.template_hash = text_hash("".join(
            (prompts_dir() / "llm" / name).read_text(encoding="utf-8")
            for name in ("system.md.j2", "section.md.j2", "repair.md.j2")), 12)

    def output_cap(self, spec: SectionSpec) -> int:
        """max_tokens for a section: the setting, else a default from its length; never half the context."""
        return min(self.max_tokens or default_max_tokens(spec.length), self.context_tokens // 2)

    def prompts(self, context: SectionContext, suffix: str = "") -> Fitted:
        """The system and user prompts for a section, fitted with `suffix` and the output into the context."""
        system = self.env.get_template("system.md.j2").render(report_title=context.report_title, kind=self.kind)
        section = self.env.get_template("section.md.j2")

        def render(facts, sources):
            user = section.render(report_title=context.report_title, spec=context.spec, note=context.note,
                                  period=context.facts.period,
                                  facts=table_order(facts, context.spec.metrics), sources=sources, display=display,
                                  measure_names=MEASURE_NAMES, dimension_name=dimension_name)
            return system, user + suffix

        # a margin for the estimate's error and the chat template's own tokens
        budget = self.context_tokens - self.output_cap(context.spec) - max(200, self.context_tokens // 20)
        ranked, core = section_facts(context.facts, context.spec)
        return fit_prompt(render, ranked, core, context.sources, budget)

    def _cache_path(self, system: str, user: str, cap: int) -> Path | None:
        if self.cache_dir is None:
            return None
        model = [self.model.name, getattr(self.model, "host", ""), getattr(self.model, "settings", "")]
        key = text_hash(json.dumps([*model, self.template_hash,
                                    self.rounds, cap, system, user], ensure_ascii=False), 24)
        return self.cache_dir / f"{key}.json"

    def _check(self, text: str, context: SectionContext) -> list[Finding]:
        """The verifier's findings on a text of this section."""
        plan = context.facts.plan.label if context.facts.plan else None
        return self.verify(text, context.facts.facts, context.sources, context.facts.period.label, plan=plan)

    def _ask(self, fitted: Fitted, cap: int, title: str, kind: str, attempts: list[dict]):
        """One request, judged and recorded in `attempts`; a request that fails outright is recorded, then raised."""
        from drafter.backends.llm import ModelError

        record = {"kind": kind, "prompt_tokens": fitted.tokens, "max_tokens": cap, "facts": fitted.facts_shown,
                  "facts_left_out": fitted.facts_left_out, "excerpts": fitted.excerpts_shown}
        try:
            reply = self.model.complete(fitted.system, fitted.user, cap, stop_when=answer_loops)
        except ModelError as exc:
            attempts.append({**record, "outcome": exc.outcome, "reason": str(exc), "tokens_in": 0, "tokens_out": 0,
                             "seconds": round(exc.seconds, 3)})
            raise
        judged = judge(reply.text, reply.reasoning, reply.finish_reason, title, cap)
        estimated = not (reply.tokens_in or reply.tokens_out)  # the endpoint sent no usage: count it ourselves
        record.update(outcome=judged.outcome, reason=judged.reason,
                      tokens_in=fitted.tokens if estimated else reply.tokens_in,
                      tokens_out=count_tokens(reply.text + reply.reasoning) if estimated else reply.tokens_out,
                      seconds=round(reply.seconds, 3))
        if estimated:
            record["estimated"] = True
        if judged.thoughts:
            record["thoughts"] = judged.thoughts
        attempts.append(record)
        return judged

    def write(self, context: SectionContext) -> Section:
        """Draft, verify, repair (a round that leaves a figure it changed unverified is discarded), flag what still
        fails; cached by model, templates and inputs."""
        from drafter.backends.llm import ModelError

        started = time.perf_counter()
        spec, cap = context.spec, self.output_cap(context.spec)
        first = self.prompts(context)
        cache = self._cache_path(first.system, first.user, cap)
        if cache and cache.exists():
            section = Section.model_validate_json(cache.read_text(encoding="utf-8"))
            # nothing was spent this time: the run's tokens and cost count only requests it made
            return section.model_copy(update={"sources": context.sources, "cached": True, "tokens_in": 0,
                                              "tokens_out": 0, "attempts": [], "seconds": 0.0})
        if first.tokens > first.budget:  # a server would cut the prompt or refuse it: say why instead
            raise SectionFailed(spec.id, f"its prompt needs {first.tokens} tokens even without facts or excerpts, "
                                f"but [llm] context_tokens = {self.context_tokens} leaves {first.budget} beside the "
                                f"output cap of {cap}; raise [llm] context_tokens or lower [llm] max_tokens", [])
        attempts: list[dict] = []
        text, findings, rounds, asked_restate = "", [], 0, False
        fitted, kind, failure, suffix = first, "draft", "", ""
        for _attempt in range(self.rounds + 1):
            try:
                judged = self._ask(fitted, cap, spec.title, kind, attempts)
            except ModelError as exc:
                failure = str(exc)
                break  # the client has already retried this request; the section keeps its best text so far
            if judged.outcome != "ok":
                failure = judged.reason
                fitted, kind = self.prompts(context, suffix + judged.retry_hint), "retry"
                continue
            checked = self._check(judged.text, context)
            broken = broken_by_round(text, findings, judged.text, checked) if text else []
            if broken:  # the round changed a figure into one that does not verify: keep the text from before it
                attempts[-1]["rolled_back"] = [f.text for f in broken]
                break
            text, findings = judged.text, checked
            requests = repair_requests(findings)
            restate = [] if asked_restate else requests.restate  # one "state it in the table's terms" round
            if (not requests.correct and not restate) or _attempt == self.rounds:
                break
            rounds += 1
            asked_restate = asked_restate or bool(restate)
            suffix = self._repair_block(spec, requests.correct, restate, text)
            fitted, kind = self.prompts(context, suffix), "repair"
        if not text:
            raise SectionFailed(spec.id, failure or "no usable reply", attempts)
        confident = [f for f in findings if f.verdict in CONFIDENT]
        unread = [f for f in findings if f.verdict == "unsupported" and not has_reading(f)]
        text = flag_inline(flag_inline(text, confident), unread, UNREAD_FLAG)
        stated = sorted({f.fact_id for f in findings if f.verdict == "verified" and f.fact_id})
        section = Section(
            id=spec.id, title=spec.title, text=text, fact_ids=stated, sources=context.sources,
            writer=f"llm:{self.model.name}", repair_rounds=rounds, tokens_in=sum(a["tokens_in"] for a in attempts),
            tokens_out=sum(a["tokens_out"] for a in attempts), seconds=time.perf_counter() - started,
            flagged=len(confident) + len(unread), attempts=attempts, prompt_tokens=first.tokens, max_tokens=cap,
        )
        if cache:
            atomic_write_text(cache, section.model_dump_json(exclude={"sources"}))
        return section

    def _repair_block(self, spec: SectionSpec, correct: list[Finding], restate: list[Finding], previous: str) -> str:
        return self.env.get_template("repair.md.j2").render(spec=spec, correct=correct, restate=restate,
                                                            previous=previous)
