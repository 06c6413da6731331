"""The offline writer: jinja2 templates turn facts and excerpts into varied Chinese prose, no model needed."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Protocol

from drafter.corpus.suspicious import suspicious_sentences, without_suspicious
from drafter.display import display
from drafter.metrics.cadence import day_dimension, promotion_days
from drafter.models import Chunk, Fact, Section, fact_id, text_hash
from drafter.outline import SectionSpec
from drafter.periods import Period
from drafter.resources import prompts_dir
from drafter.write.findings import find_problems

UP_VERBS = ("增长", "提升", "上升")
DOWN_VERBS = ("下降", "回落", "减少")
_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]")
_DIGIT = re.compile(r"[0-9０-９]")
# A quoted list item should not start with its own marker: "六是…", "(五)…", "3. …".
_ENUMERATOR = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+是|\d+[.、])\s*")
_KEEP_LINES = re.compile(r"^(\||#|>|\d+\.\s|[-*]\s)")
_ITEM = re.compile(r"^（[一二三四五六七八九十]+）")
# Stands in for a fact the data does not give (a first year has no 同比); drop_unstated removes what it touches.
UNSTATED = "\u2063缺\u2063"
_CLAUSE = re.compile(r"[^，,：:。！？；]*[，,：:]?")
_YEAR = re.compile(r"[0-9]{4}年")


def tidy(text: str) -> str:
    """Join template lines into paragraphs; tables, lists and （一） items keep their own lines."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if any(_KEEP_LINES.match(line) for line in lines):
            paragraphs.append("\n".join(lines))
            continue
        current: list[str] = []
        for line in lines:
            if _ITEM.match(line) and current:
                paragraphs.append("".join(current))
                current = []
            current.append(line)
        if current:
            paragraphs.append("".join(current))
    return "\n\n".join(paragraphs) + "\n"


@dataclass
class SectionContext:
    """Everything a writer may use for one section."""

    spec: SectionSpec
    facts: FactBook
    sources: list[Chunk]
    company: str
    report_title: str
    note: str = ""


class SectionWriter(Protocol):
    """A backend that drafts one section."""

    name: str

    def write(self, context: SectionContext) -> Section:
        """Draft the section."""


@dataclass
class FactBook:
    """Facts indexed for writing; records which facts a section states.

    `period` is the period the facts describe; `prev=True` reads the same period a year earlier. A plan is
    written for a later period than its facts (a 2026 plan from 2025's actuals): `plan` is that period, and
    `plan=True` reads its (proposed) targets.
    """

    facts: list[Fact]
    period: Period
    used: list[str] = field(default_factory=list)
    salt: str = ""
    plan: Period | None = None

    def __post_init__(self) -> None:
        self.by_id = {f.id: f for f in self.facts}
        self._picks = 0

    def _when(self, prev: bool = False, plan: bool = False, year: bool = False, prior: bool = False,
              month: bool = False) -> Period:
        if prior:  # the period just before (环比): last month, last week
            return self.period.previous()
        if month:  # the month of a week's month-to-date (a month's report: the month itself)
            return self.period.month_of_end()
        if year:
            return self.period.whole_year()
        if plan:
            if self.plan is None:
                raise KeyError("plan=True but this fact book has no plan period")
            return self.plan
        return self.period.previous_year() if prev else self.period

    def fact(self, metric: str, measure: str = "value", dim: str = "", prev: bool = False,
             plan: bool = False, year: bool = False, prior: bool = False, month: bool = False) -> Fact | None:
        """The fact, or None when the data does not give it."""
        return self.by_id.get(fact_id(metric, measure, self._when(prev, plan, year, prior, month).label, dim))

    def has(self, metric: str, measure: str = "value", dim: str = "", prev: bool = False, plan: bool = False,
            year: bool = False, prior: bool = False, month: bool = False) -> bool:
        """Whether the fact exists."""
        return self.fact(metric, measure, dim, prev, plan, year, prior, month) is not None

    def num(self, metric: str, measure: str = "value", dim: str = "", prev: bool = False,
            plan: bool = False, year: bool = False, prior: bool = False, month: bool = False) -> float:
        """The fact's value, for decisions in templates (0 when absent)."""
        found = self.fact(metric, measure, dim, prev, plan, year, prior, month)
        return found.value if found else 0.0

    def val(self, metric: str, measure: str = "value", dim: str = "", prev: bool = False, plan: bool = False,
            year: bool = False, prior: bool = False, month: bool = False) -> str:
        """The written form of a fact, recorded as stated."""
        found = self.fact(metric, measure, dim, prev, plan, year, prior, month)
        if found is None:
            return UNSTATED
        self.used.append(found.id)
        return display(found)

    def sval(self, metric: str, measure: str = "yoy", dim: str = "", prev: bool = False, plan: bool = False) -> str:
        """A signed written form for tables: +23.2% or -1.3个百分点."""
        found = self.fact(metric, measure, dim, prev, plan)
        if found is None:
            return "—"
        return ("+" if found.value >= 0 else "-") + self.val(metric, measure, dim, prev, plan)

    def chg(self, metric: str, dim: str = "", measure: str = "yoy", prev: bool = False) -> str:
        """A direction verb plus the magnitude: 增长23.2% or 下降1.3个百分点."""
        found = self.fact(metric, measure, dim, prev)
        if found is None:
            return UNSTATED
        verbs = UP_VERBS if found.value >= 0 else DOWN_VERBS
        return f"{self.pick(*verbs)}{self.val(metric, measure, dim, prev)}"

    def dims(self, kind: str, prev: bool = False) -> list[str]:
        """Dimension values of a kind (channel, category), largest GMV first; months and days in calendar order,
        promotions by name."""
        when = self.period.previous_year() if prev else self.period
        period = when.label
        if kind == "day":  # in calendar order, across a year's end too
            have = {f.dimension for f in self.facts if f.metric == "gmv" and f.measure == "value"
                    and f.period == period and f.dimension.startswith("day=")}
            return [d for d in map(day_dimension, when.days()) if d in have]
        if kind == "promo":
            return sorted(f.dimension for f in self.facts if f.metric == "gmv" and f.measure == "value"
                          and f.period == period and f.dimension.startswith("promo="))
        if kind == "month":
            months = [f.dimension for f in self.facts if f.metric == "gmv" and f.measure == "value"
                      and f.period == period and f.dimension.startswith("month=")]
            return sorted(months, key=lambda d: int(re.sub(r"\D", "", d) or 0))
        ranked = [f for f in self.facts if f.metric == "gmv" and f.measure == "rank" and f.period == period
                  and f.dimension.startswith(f"{kind}=")]
        if ranked:
            return [f.dimension for f in sorted(ranked, key=lambda f: f.value)]
        # A kind with no GMV of its own (ad platforms): by the value of the first metric stated for it.
        values = [f for f in self.facts if f.measure == "value" and f.period == period
                  and f.dimension.startswith(f"{kind}=")]
        first = values[0].metric if values else ""
        return [f.dimension for f in sorted((f for f in values if f.metric == first), key=lambda f: -f.value)]

    def ranked(self, kind: str, metric: str, measure: str = "value", above: float | None = None,
               lowest: bool = False) -> list[str]:
        """Dimension values of a kind that have the fact, ordered by its value (largest first unless `lowest`),
        keeping only values above `above` (or below it, with `lowest`) when given."""
        have = [(d, self.num(metric, measure, d)) for d in self.dims(kind) if self.has(metric, measure, d)]
        if above is not None:
            have = [(d, v) for d, v in have if (v < above if lowest else v > above)]
        return [d for d, _ in sorted(have, key=lambda pair: pair[1], reverse=not lowest)]

    def scope(self, metric: str) -> str:
        """The scope=… dimension a metric is stated for when only some platforms' exports carry buyer accounts."""
        period = self.period.label
        return next((f.dimension for f in self.facts if f.metric == metric and f.period == period
                     and f.measure == "value" and f.dimension.startswith("scope=")), "")

    def name(self, dim: str) -> str:
        """The readable part of a dimension: channel=抖音 → 抖音."""
        return dim.split("=", 1)[1] if "=" in dim else dim

    def pick(self, *options: str) -> str:
        """A deterministic but varied choice, so sentences do not all read alike."""
        self._picks += 1
        index = int(text_hash(f"{self.salt}:{self._picks}", 8), 16) % len(options)
        return options[index]


def drop_unstated(text: str) -> str:
    """Leave out what a template wrote around a missing fact: its table cell becomes —, its clause goes, and a
    sentence left without a figure of its own goes too."""
    if UNSTATED not in text:
        return text
    lines = []
    for line in text.split("\n"):
        if line.lstrip().startswith("|"):
            lines.append(re.sub(rf"[^|]*{UNSTATED}[^|]*", " — ", line))
            continue
        kept = []
        for sentence in re.findall(r"[^。！？；]+[。！？；]?", line):
            if UNSTATED not in sentence:
                kept.append(sentence)
                continue
            end = sentence[-1] if sentence[-1] in "。！？；" else "。"
            rest = "".join(c for c in _CLAUSE.findall(sentence.rstrip("。！？；")) if UNSTATED not in c)
            rest = rest.rstrip("，,：:、")
            if _DIGIT.search(_YEAR.sub("", rest)):
                kept.append(rest + end)
        lines.append("".join(kept))
    return "\n".join(lines)


def quote_sentence(chunk: Chunk, keywords: str = "") -> str:
    """The sentence of an excerpt that best fits the keywords, for citing in prose."""
    prose = "。".join(line for line in chunk.text.split("\n") if line.strip() and not line.lstrip().startswith("|"))
    # A passage addressing a reader or model is never a past report's words (a store built before such
    # passages were left out of the index may still hold one).
    sentences = [s.strip() for s in _SENTENCE.findall(prose) if len(s.strip()) > 12 and not suspicious_sentences(s)]
    if not sentences:
        return without_suspicious(chunk.text).strip()[:80]
    words = [w for w in keywords.split() if w]
    # Prefer short, figure-free sentences: figures belong to the facts, quotes carry the judgement.
    best = max(sentences, key=lambda s: sum(w in s for w in words) - 2 * (len(s) > 80) - 2 * bool(_DIGIT.search(s)))
    best = _ENUMERATOR.sub("", best)
    return best[:-1] + "。" if best.endswith("；") else best


class OfflineWriter:
    """Drafts sections from facts and excerpts with jinja2 templates; needs no model."""

    name = "offline"

    def __init__(self, report_kind: str) -> None:
        self.report_kind = report_kind
        self.envs: dict = {}

    def _template(self, spec):
        """The section's template: its own (<kind>/<name>, a house outline's borrowing) or <id> of this kind."""
        import jinja2

        kind, _, name = (spec.template or f"{self.report_kind}/{spec.id}.md.j2").rpartition("/")
        if kind not in self.envs:
            offline = prompts_dir() / "offline"
            # one environment per folder, so a template's imports resolve beside it, then the macros every kind
            # shares (problems and the steps they call for)
            self.envs[kind] = jinja2.Environment(
                loader=jinja2.FileSystemLoader([str(offline / kind), str(offline / "_shared")]),
                undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
            )
        return self.envs[kind].get_template(name)

    def write(self, context: SectionContext) -> Section:
        """Render the section's template with the fact book and sources."""
        started = time.perf_counter()
        book = context.facts
        book.used = []
        template = self._template(context.spec)
        text = template.render(
            f=book, spec=context.spec, sources=context.sources, company=context.company,
            period=book.period, prev=book.period.previous_year(), plan=book.plan, note=context.note,
            quote=quote_sentence, problems=find_problems(book), promotions=promotion_days,
        )
        text = tidy(drop_unstated(text))
        return Section(
            id=context.spec.id, title=context.spec.title, text=text, fact_ids=sorted(set(book.used)),
            sources=context.sources, writer=self.name, seconds=time.perf_counter() - started,
        )
