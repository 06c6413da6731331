"""The model writer: prompts from templates, a verify-and-repair loop, inline flags, and a result cache."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from drafter.display import display
from drafter.files import atomic_write_text
from drafter.models import Fact, Finding, Section, text_hash
from drafter.outline import SectionSpec
from drafter.resources import prompts_dir
from drafter.write.offline import FactBook, SectionContext

MEASURE_NAMES = {
    "value": "数值", "yoy": "同比变化", "yoy_pp": "同比变化（百分点）", "pop": "环比变化",
    "pop_pp": "环比变化（百分点）", "share": "占比", "share_pp": "占比变化（百分点）", "rank": "排名",
    "contribution": "对总增量的贡献", "driver": "对变化的贡献", "target": "目标值", "target_yoy": "目标增速",
    "target_share": "目标占比", "gap": "与目标的差距", "gap_yoy": "增速与目标的差距", "gap_share": "占比与目标的差距",
}
BAD_VERDICTS = {"mismatch", "unsupported", "claim_error"}
FLAG = "【待核】"
_FENCE = re.compile(r"```[a-zA-Z]*[ \t]*\n(.*?)\n?```", re.S)
_CHATTER_HEAD = re.compile(r"^(好的|以下是|下面是|当然|根据您|根据你|没问题|明白"
                           r"|sure|here is|here's|certainly|of course)", re.I)
_CHATTER_TAIL = re.compile(r"^(希望|如需|如果需要|如有需要|以上内容|以上就是|以上是|需要我|是否需要|如您|如你"
                           r"|(-{3,}|\*{3,}|_{3,})$|let me know|i hope|feel free|hope this)", re.I)
# A line that ends a sentence; a prose line ending otherwise was cut off (list items, tables and headings may not).
_SENTENCE_ENDS = tuple("。！？!?；;…）)」』”\"'.：:")
_NOT_PROSE = re.compile(r"^([-*+]\s|\d{1,2}[.、)]|[(（][一二三四五六七八九十\d]{1,3}[)）]|#|\||>)")
TRUNCATED_RETRY = ("\n\n上一次的回复不完整（在句子中间被截断）。"
                   "请重新完整地撰写本节正文，适当压缩篇幅，确保以完整的句子结束。")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def clean_reply(text: str, title: str) -> str:
    """Strip code fences, a repeated heading and chatter around the section body."""
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1)
    lines = text.strip().split("\n")
    bare_title = title.lstrip("#").strip()
    while lines and (not lines[0].strip() or _CHATTER_HEAD.match(lines[0].strip())
                     or (lines[0].startswith("#") and bare_title[2:] in lines[0])):
        lines.pop(0)
    while lines and (not lines[-1].strip() or _CHATTER_TAIL.match(lines[-1].strip())):
        lines.pop()
    return "\n".join(lines).strip() + "\n"


def is_chinese(text: str) -> bool:
    """A section must be Chinese prose, not an English reply."""
    cjk, latin = len(_CJK.findall(text)), len(_LATIN.findall(text))
    return cjk >= 20 and cjk >= latin


def is_truncated(text: str, finish_reason: str = "") -> bool:
    """A reply cut off at the token limit (finish_reason "length"), or whose last prose line stops mid-sentence."""
    if finish_reason == "length":
        return True
    last = next((line.strip() for line in reversed(text.split("\n")) if line.strip()), "")
    return bool(last) and not _NOT_PROSE.match(last) and not last.endswith(_SENTENCE_ENDS)


def flag_inline(text: str, findings: list[Finding]) -> str:
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
        if line[end:end + len(FLAG)] != FLAG:
            lines[index] = line[:end] + FLAG + line[end:]
    return "\n".join(lines)


def section_facts(book: FactBook, spec: SectionSpec) -> tuple[list[Fact], list[Fact]]:
    """The facts a section's prompt shows: its metrics for this period and last year, and their targets."""
    periods = {book.period.label, book.period.previous_year().label, *([book.plan.label] if book.plan else [])}
    year = book.period.whole_year().label  # a quarter's report also states its year's targets
    wanted = set(spec.metrics)
    chosen = [
        f for f in book.facts
        if f.metric in wanted and (f.period in periods or (f.period == year and f.kind == "target"))
        and not f.dimension.startswith("month=")
        and (not f.dimension or f.dimension.split("=", 1)[0] in spec.dimensions)
    ]
    # SQL engines return groups in any order; a stable order keeps prompts (and cache keys) identical.
    chosen.sort(key=lambda f: (f.metric, f.measure, f.period, f.dimension))
    return chosen, [f for f in chosen if f.kind == "target"]


class LLMWriter:
    """Drafts a section with a chat model, verifies it, and repairs wrong figures for up to N rounds."""

    name = "llm"

    def __init__(self, model, report_kind: str, verify, rounds: int = 2, cache_dir: Path | None = None) -> None:
        import jinja2

        self.model = model
        self.kind = report_kind
        self.verify = verify
        self.rounds = rounds
        self.cache_dir = Path(cache_dir) / "sections" if cache_dir else None
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(prompts_dir() / "llm")),
                                      undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.template_hash = text_hash("".join(
            (prompts_dir() / "llm" / name).read_text(encoding="utf-8")
            for name in ("system.md.j2", "section.md.j2", "repair.md.j2")), 12)

    def prompts(self, context: SectionContext) -> tuple[str, str]:
        """The system and user prompts for a section."""
        facts, targets = section_facts(context.facts, context.spec)
        system = self.env.get_template("system.md.j2").render(report_title=context.report_title, kind=self.kind)
        user = self.env.get_template("section.md.j2").render(
            report_title=context.report_title, spec=context.spec, note=context.note, facts=facts, targets=targets,
            sources=context.sources, display=display, measure_names=MEASURE_NAMES)
        return system, user

    def _cache_path(self, system: str, user: str) -> Path | None:
        if self.cache_dir is None:
            return None
        key = text_hash(json.dumps([self.model.name, getattr(self.model, "host", ""), self.template_hash,
                                    self.rounds, system, user], ensure_ascii=False), 24)
        return self.cache_dir / f"{key}.json"

    def _check(self, text: str, context: SectionContext) -> tuple[list[Finding], list[str]]:
        """Failing findings, and the ids of the facts the text states correctly."""
        plan = context.facts.plan.label if context.facts.plan else None
        findings = self.verify(text, context.facts.facts, context.sources, context.facts.period.label, plan=plan)
        stated = sorted({f.fact_id for f in findings if f.verdict == "verified" and f.fact_id})
        return [f for f in findings if f.verdict in BAD_VERDICTS], stated

    def write(self, context: SectionContext) -> Section:
        """Draft, verify, repair, flag what still fails; cached by model, templates and inputs."""
        from drafter.backends.llm import ModelError

        started = time.perf_counter()
        system, user = self.prompts(context)
        cache = self._cache_path(system, user)
        if cache and cache.exists():
            section = Section.model_validate_json(cache.read_text(encoding="utf-8"))
            return section.model_copy(update={"sources": context.sources, "cached": True})
        spent_in = spent_out = 0
        text, failures, stated, rounds, request = "", [], [], 0, user
        for attempt in range(self.rounds + 1):
            reply = self.model.complete(system, request)
            spent_in, spent_out = spent_in + reply.tokens_in, spent_out + reply.tokens_out
            text = clean_reply(reply.text, context.spec.title)
            if not is_chinese(text):
                if attempt == self.rounds:
                    what = "did not answer in Chinese" if text.strip() else "sent empty replies"
                    raise ModelError(f"section {context.spec.id}: the model {what} ({attempt + 1} tries)")
                request = user + "\n\n请务必用简体中文撰写本节正文。"
                continue
            if is_truncated(text, reply.finish_reason):
                # A cut-off section may end inside a figure ("增长1" of "增长15%"): never keep it.
                if attempt == self.rounds:
                    why = "it hit the output token limit" if reply.finish_reason == "length" else "it ends mid-sentence"
                    raise ModelError(f"section {context.spec.id}: the model's reply was cut off ({why}) in "
                                     f"{attempt + 1} tries; raise the model's output limit or shorten the section")
                request = user + TRUNCATED_RETRY
                continue
            failures, stated = self._check(text, context)
            if not failures or attempt == self.rounds:
                break
            rounds += 1
            request = self.env.get_template("repair.md.j2").render(spec=context.spec, findings=failures,
                                                                   previous=text)
        if failures:
            text = flag_inline(text, failures)
        section = Section(
            id=context.spec.id, title=context.spec.title, text=text, fact_ids=stated, sources=context.sources,
            writer=f"llm:{self.model.name}", repair_rounds=rounds, tokens_in=spent_in, tokens_out=spent_out,
            seconds=time.perf_counter() - started, flagged=len(failures),
        )
        if cache:
            atomic_write_text(cache, section.model_dump_json(exclude={"sources"}))
        return section
