"""A whole run: metrics → retrieve → outline → write → verify → render, saved as a draft folder."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from drafter import __version__
from drafter.config import Config
from drafter.errors import UserError
from drafter.files import FolderLock, atomic_write_text
from drafter.metrics.periods import Period, as_period
from drafter.models import Chunk, Draft, Finding, Section, text_hash
from drafter.outline import Outline, SectionSpec, load_outline
from drafter.resources import prompts_dir

Progress = Callable[[str], None]


@dataclass
class DraftResult:
    """What a run produced, for the CLI's summary."""

    folder: Path
    draft: Draft
    findings: list[Finding]
    counts: dict[str, int]
    seconds: float
    writer: str
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    data_summary: str = ""


def draft_folder(config: Config, period: str, kind: str, out: Path | None = None) -> Path:
    """Where a run writes: --out, else drafts/<period>-<kind>/."""
    return Path(out) if out else config.drafts_dir / f"{period}-{kind}"


def _query_period(period: Period, relative: str) -> str:
    """The period an outline query searches: current, previous (a year before), prior (the period just before),
    year (the calendar year the period lies in) or last-year (the calendar year before)."""
    return {"current": period.label, "previous": period.previous_year().label, "prior": period.previous().label,
            "year": str(period.year), "last-year": str(period.year - 1)}.get(relative, period.previous_year().label)


def retrieve_sources(config: Config, spec: SectionSpec, period: Period, k: int = 2) -> list[Chunk]:
    """Excerpts for a section: each outline query, filtered by corpus kind and period, de-duplicated."""
    from drafter.retrieve import search

    seen, chunks = set(), []
    for query in spec.queries:
        when = _query_period(period, query.period)
        for chunk in search(config, query.text, kind=query.kind or None, period=when, k=k):
            if chunk.id not in seen:
                seen.add(chunk.id)
                chunks.append(chunk)
    return chunks


def prompt_hashes(kind: str) -> dict[str, str]:
    """Hashes of the templates a run used, so run.json tells which prompts wrote the draft."""
    root = prompts_dir()
    files = [root / "outlines" / f"{kind}.toml", *sorted((root / "offline" / kind).glob("*.j2")),
             *sorted((root / "llm").glob("*.j2"))]
    return {str(p.relative_to(root)): text_hash(p.read_text(encoding="utf-8"), 12) for p in files if p.exists()}


def check_overwrite(folder: Path, force: bool) -> None:
    """Refuse to replace a report a person has edited, unless forced."""
    from drafter.render import parse_sections
    from drafter.render.exports import word_edited

    report = folder / "report.md"
    if force or not report.exists():
        return
    if word_edited(folder):
        raise UserError(f"{folder / 'report.docx'} has edits made in Word; `drafter pull {folder}` takes them into "
                        f"report.md, or pass --force to overwrite the whole draft")
    edited = [s.id for s in parse_sections(report.read_text(encoding="utf-8")) if s.edited]
    if edited:
        raise UserError(f"{report} has hand edits in section(s) {', '.join(edited)}; use `drafter regen` for one "
                        f"section, or pass --force to overwrite the whole draft")


def save_draft(folder: Path, draft: Draft, markdown: str, findings: list[Finding], counts: dict, run: dict) -> None:
    """Write every stage's output into the draft folder, each file atomically, the report last."""
    folder.mkdir(parents=True, exist_ok=True)
    dump = lambda data: json.dumps(data, ensure_ascii=False, indent=2) + "\n"  # noqa: E731
    atomic_write_text(folder / "facts.json", dump([f.model_dump() for f in draft.facts]))
    sources = {s.id: [c.model_dump() for c in s.sources] for s in draft.sections}
    atomic_write_text(folder / "sources.json", dump(sources))
    atomic_write_text(folder / "sections.json", dump([s.model_dump(exclude={"sources"}) for s in draft.sections]))
    atomic_write_text(folder / "verification.json", dump(verification_payload(findings, counts)))
    atomic_write_text(folder / "run.json", dump(run))
    atomic_write_text(folder / "report.md", markdown)


def verification_payload(findings: list[Finding], counts: dict) -> dict:
    """The shape shared by verification.json and `drafter verify --json`."""
    keys = ("line", "col", "text", "value", "unit", "verdict", "metric", "expected", "message", "fact_id", "source",
            "reading")
    return {"findings": [{k: getattr(f, k) for k in keys} for f in findings], "counts": counts}


def _make_writer(config: Config, kind: str, use_cache: bool):
    """The LLM writer when a model is configured, else the offline writer."""
    from drafter.backends.llm import make_chat_model
    from drafter.verify import verify_markdown
    from drafter.write import OfflineWriter
    from drafter.write.llm import LLMWriter

    model = make_chat_model(config)
    if model is None:
        return OfflineWriter(kind), None

    def verify(text, facts, sources, period, plan=None):
        return verify_markdown(text, facts, sources, period=period, aliases=config.aliases, plan=plan)

    cache = config.cache_dir if use_cache else None
    return LLMWriter(model, kind, verify, rounds=config.repair_rounds, cache_dir=cache,
                     max_tokens=config.llm_max_tokens, context_tokens=config.llm_context_tokens), model


# How a failed section's attempts ended, in the words of the marker left in the report.
FAILURE_WORDS = {"cut off": "回复被截断", "looped": "回复反复重复同一内容", "timed out": "请求超时",
                 "refused": "模型或服务拒绝了请求", "malformed": "回复无法使用"}


def failure_marker(attempts: list[dict]) -> str:
    """A one-line comment the verifier and the exports skip, saying in Chinese why the model's text is missing."""
    outcome = attempts[-1]["outcome"] if attempts else "refused"
    why = FAILURE_WORDS.get(outcome, "回复无法使用")
    return (f"<!-- drafter: 本节由模型撰写失败（{why}，共{len(attempts)}次尝试），"
            f"暂用离线模板稿，详见 run.json；可用 drafter regen 重新生成 -->")


def _draft_sections(writer, contexts, kind: str, fallback: str, concurrency: int, say: Progress) -> list[Section]:
    """Write sections concurrently; a section the model fails on keeps the offline draft, marked failed unless
    --fallback offline asked for it; the other sections are kept."""
    from concurrent.futures import ThreadPoolExecutor

    from drafter.backends.llm import EndpointError, ModelError
    from drafter.write import OfflineWriter
    from drafter.write.llm import SectionFailed

    offline = OfflineWriter(kind)
    done: list[str] = []

    def one(context) -> Section:
        try:
            section = writer.write(context)
        except (ModelError, SectionFailed, EndpointError) as exc:
            if isinstance(exc, EndpointError) and fallback != "offline":
                raise
            attempts = getattr(exc, "attempts", [])
            section = offline.write(context)
            section.attempts, section.failure = attempts, getattr(exc, "reason", str(exc))
            section.tokens_in = sum(a.get("tokens_in", 0) for a in attempts)
            section.tokens_out = sum(a.get("tokens_out", 0) for a in attempts)
            if attempts:
                section.prompt_tokens, section.max_tokens = attempts[0]["prompt_tokens"], attempts[0]["max_tokens"]
            if fallback == "offline":
                section.writer = "offline (fallback)"
            else:
                section.writer = "failed"
                section.text = failure_marker(attempts) + "\n\n" + section.text
        done.append(context.spec.id)
        say(f"writing sections ({len(done)}/{len(contexts)})")
        return section

    pool = ThreadPoolExecutor(max_workers=max(1, concurrency))
    try:
        return list(pool.map(one, contexts))
    finally:
        # On Ctrl-C do not wait for requests in flight: finished sections are already in the cache.
        pool.shutdown(wait=False, cancel_futures=True)


def write_draft(config: Config, period: Period | str, kind: str = "annual-summary", out: Path | None = None,
                force: bool = False, progress: Progress | None = None, fallback: str = "",
                use_cache: bool = True, script: str = "simplified", exports: bool = True) -> DraftResult:
    """Run the whole pipeline for one report and save the draft folder."""
    from drafter.metrics import compute_facts

    say = progress or (lambda _message: None)
    started = time.perf_counter()
    outline: Outline = load_outline(kind)
    timings: dict[str, float] = {}
    writer, model = _make_writer(config, kind, use_cache)

    say("computing metrics")
    # a plan (basis = "previous") is written for `period` from the year before's actuals plus proposed targets
    wanted = as_period(period)
    outline.check_period(wanted)
    basis = wanted.previous_year() if outline.basis == "previous" else wanted
    metrics = compute_facts(config.data_dir, basis, config.cache_dir, config.columns, config.promo_windows,
                            channels=config.channels)
    plan = wanted if basis != wanted else None
    if plan is not None:
        from drafter.metrics.proposals import propose_targets

        metrics.facts = metrics.facts + propose_targets(metrics.facts, basis, plan)
    folder = draft_folder(config, wanted.label, kind, out)
    with FolderLock(folder):
        check_overwrite(folder, force)
        timings["metrics"] = time.perf_counter() - started
        return _compose(config, outline, metrics, folder, writer, model, fallback, timings, started, say, script,
                        plan, exports)


def _compose(config: Config, outline: Outline, metrics, folder: Path, writer, model, fallback: str,
             timings: dict, started: float, say: Progress, script: str = "simplified",
             plan: Period | None = None, exports: bool = True) -> DraftResult:
    """Retrieve, write, verify and save, while the draft folder is locked."""
    from drafter.render import render_markdown
    from drafter.verify import summarize, verify_markdown
    from drafter.write import FactBook, SectionContext

    period, kind = metrics.period, outline.kind  # period: the facts' period (for a plan, the year before)
    report_period = plan or period

    say("retrieving excerpts")
    mark = time.perf_counter()
    sources = {spec.id: retrieve_sources(config, spec, period) for spec in outline.sections}
    timings["retrieve"] = time.perf_counter() - mark

    company = config.company or "本公司"
    title = outline.title.format(company=config.company, period_cn=report_period.chinese())
    contexts = [SectionContext(spec, FactBook(metrics.facts, period, salt=f"{report_period.label}:{spec.id}",
                                              plan=plan), sources[spec.id], company, title)
                for spec in outline.sections]
    mark = time.perf_counter()
    sections = _draft_sections(writer, contexts, kind, fallback, config.concurrency, say)
    timings["write"] = time.perf_counter() - mark

    say("verifying")
    mark = time.perf_counter()
    draft = Draft(kind=kind, period=report_period.label, title=title, sections=sections, facts=metrics.facts)
    preface = preface_line(sections, exports)
    markdown = render_markdown(draft, preface)
    all_sources = [c for s in sections for c in s.sources]
    findings = verify_markdown(markdown, metrics.facts, all_sources, period=period.label, aliases=config.aliases,
                               plan=plan.label if plan else None)
    counts = summarize(findings)
    timings["verify"] = time.perf_counter() - mark
    seconds = time.perf_counter() - started
    run = run_record(config, kind, report_period.label, model, sections, timings, seconds, counts, metrics)
    if plan is not None:
        run["basis_period"] = period.label  # what the facts describe, and the period the verifier reads against
    save_draft(folder, draft, markdown, findings, counts, run)
    # issue 7: the script (--script traditional), then report.docx, review.html and charts/ from the saved folder
    from drafter.review import finish_draft

    if exports:
        say("rendering report.docx, review.html and charts")
    findings, counts = finish_draft(config, folder, script, exports)
    return DraftResult(folder, draft, findings, counts, seconds, writer_label(sections), timings, metrics.notes,
                       metrics.data_summary)


def _short(title: str) -> str:
    return "“" + title.split("、", 1)[-1] + "”"


def preface_line(sections: list[Section], exports: bool) -> str:
    """The report's header: how each section was written, truthfully, and where the check's results are."""
    models = sorted({s.writer.split(":", 1)[1] for s in sections if s.writer.startswith("llm:")})
    groups = [
        ([s for s in sections if s.writer.startswith("llm:")], f"由模型 {'、'.join(models)} 撰写"),
        ([s for s in sections if s.writer == "offline"], "由内置离线模板撰写"),
        ([s for s in sections if s.writer == "offline (fallback)"], "因模型未能完成，改由离线模板撰写"),
        ([s for s in sections if s.writer == "failed"], "模型撰写失败，暂用离线模板稿，待重新生成"),
    ]
    parts = [("各节" if len(group) == len(sections) else "、".join(_short(s.title) for s in group)) + words
             for group, words in groups if group]
    where = "verification.json 与 review.html" if exports else "verification.json"
    return (f"> 本稿由 drafter 依据经营数据与往期报告自动起草（{'；'.join(parts)}），文中数字均已与事实表核对，"
            f"核对结果见 {where}，请审阅后定稿。")


def writer_label(sections: list[Section]) -> str:
    """How the draft was written, for the preface and summary."""
    names = sorted({s.writer.split(" ")[0] for s in sections})
    return "、".join(names)


def cost_estimate(config: Config, tokens_in: int, tokens_out: int) -> float | None:
    """What the tokens cost at [llm.prices], or None when no prices are set."""
    if not config.prices:
        return None
    return round(tokens_in / 1000 * config.prices.get("input_per_1k", 0)
                 + tokens_out / 1000 * config.prices.get("output_per_1k", 0), 6)


def section_record(section: Section) -> dict:
    """A section's entry in run.json: how it was written, every attempt, and its prompt's size."""
    return {"id": section.id, "writer": section.writer, "seconds": round(section.seconds, 3),
            "tokens_in": section.tokens_in, "tokens_out": section.tokens_out, "repair_rounds": section.repair_rounds,
            "flagged": section.flagged, "cached": section.cached, "facts": len(section.fact_ids),
            "sources": len(section.sources), "prompt_tokens": section.prompt_tokens, "max_tokens": section.max_tokens,
            "failure": section.failure, "attempts": section.attempts}


def run_record(config: Config, kind: str, period: str, model, sections: list[Section], timings: dict,
               seconds: float, counts: dict, metrics) -> dict:
    """run.json: what wrote the draft, with what, how long and at what cost (failed attempts too); never the key."""
    from drafter.backends.llm import endpoint_host

    tokens_in = sum(s.tokens_in for s in sections)
    tokens_out = sum(s.tokens_out for s in sections)
    return {
        "drafter": __version__, "kind": kind, "period": period, "writer": writer_label(sections),
        "model": model.name if model else None,
        "endpoint_host": endpoint_host(config.llm_base_url) if model else None,
        "context_tokens": config.llm_context_tokens if model else None,
        "embedder": config.embedder, "prompts": prompt_hashes(kind),
        "data_files": {k: str(v) for k, v in metrics.files.items()}, "data": metrics.data_summary,
        "notes": metrics.notes,
        "skipped_metrics": metrics.skipped, "timings": {k: round(v, 3) for k, v in timings.items()},
        "seconds": round(seconds, 3), "counts": counts,
        "tokens": {"in": tokens_in, "out": tokens_out}, "cost_estimate": cost_estimate(config, tokens_in, tokens_out),
        "failed_sections": [{"id": s.id, "reason": s.failure} for s in sections if s.writer == "failed"],
        "sections": [section_record(s) for s in sections],
    }
