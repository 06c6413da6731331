"""Drafting sections, shared by write and regen: the writer, the excerpts, the concurrent run, the failure marks."""

from __future__ import annotations

from collections.abc import Callable

from drafter.config import Config
from drafter.models import Chunk, Section
from drafter.outline import SectionSpec
from drafter.periods import Period

Progress = Callable[[str], None]


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


def make_writer(config: Config, kind: str, use_cache: bool):
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


def draft_sections(writer, contexts, kind: str, fallback: str, concurrency: int, say: Progress) -> list[Section]:
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
    basis = "经营数据与往期报告" if any(s.sources for s in sections) else "经营数据"
    return (f"> 本稿由 drafter 依据{basis}自动起草（{'；'.join(parts)}），文中数字均已与事实表核对，"
            f"核对结果见 {where}，请审阅后定稿。")
