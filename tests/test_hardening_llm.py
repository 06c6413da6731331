"""A misbehaving model endpoint: rate limits past the retries, cut-off, English and chatty replies."""

from __future__ import annotations

import json
from pathlib import Path

from llm_stub import StubEndpoint, completion
from typer.testing import CliRunner

from drafter.cli import app
from drafter.config import load_config
from drafter.draft.write import write_draft
from drafter.write.reply import is_truncated, repeats_itself

SECRET = "sk-hardening-llm-SECRET-71b3"
CHANNELS = "二、渠道运营分析"
MARKETING = "五、营销投放与服务体验"


def model_env(stub: StubEndpoint, retries: int = 1) -> dict:
    return {"OPENAI_BASE_URL": stub.url, "OPENAI_API_KEY": SECRET, "DRAFTER_MODEL": "stub-model",
            "DRAFTER_EMBEDDER": "hash", "DRAFTER_TIMEOUT": "5", "DRAFTER_MAX_RETRIES": str(retries)}


def draft(folder: Path, stub: StubEndpoint, name: str, **options):
    config = load_config(folder, env=model_env(stub))
    return write_draft(config, "2025", out=folder / name, use_cache=False, **options)


def prompts_for(stub: StubEndpoint, title: str) -> list[str]:
    return ["\n".join(m["content"] for m in r["body"]["messages"]) for r in stub.requests if r["title"] == title]


def cut_off(content: str) -> tuple[str, str]:
    """A reply the endpoint stopped at its token limit."""
    body = completion(content, 100)
    body["choices"][0]["finish_reason"] = "length"
    return "raw", json.dumps(body, ensure_ascii=False)


def test_a_run_of_429s_longer_than_the_retries_marks_the_section_and_keeps_the_others(folder, stub):
    stub.script(CHANNELS, *[("status", 429)] * 4)
    # `drafter write` in-process (its start-up is not what is tested here)
    result = CliRunner().invoke(app, ["write", "--period", "2025", "--no-cache", "--dir", str(folder)],
                                env=model_env(stub))
    assert result.exit_code == 1, result.output
    assert "section channels failed" in result.output and "kept answering HTTP 429 (rate limit) after 1 retries" \
        in result.output and "--fallback offline" in result.output and "the other sections are kept" in result.output
    assert "Traceback" not in result.output and SECRET not in result.output
    assert len(prompts_for(stub, CHANNELS)) == 2  # the request and its one retry
    sections = json.loads((folder / "drafts" / "2025-annual-summary" / "sections.json").read_text(encoding="utf-8"))
    writers = {s["id"]: s["writer"] for s in sections}
    assert writers.pop("channels") == "failed" and set(writers.values()) == {"llm:stub-model"}
    report = (folder / "drafts" / "2025-annual-summary" / "report.md").read_text(encoding="utf-8")
    assert "<!-- drafter: 本节由模型撰写失败（模型或服务拒绝了请求，共1次尝试）" in report and "429" not in report
    assert "“渠道运营分析”模型撰写失败，暂用离线模板稿" in report


def test_loop_rules():
    assert repeats_itself("本期经营稳健。" + "渠道结构持续优化，整体向好。\n" * 3)
    assert repeats_itself("本期经营稳健，" + "持续优化，" * 4)
    assert not repeats_itself("经营稳健。\n| 渠道 | GMV | 占比 | 同比 | 转化 |\n| --- | --- | --- | --- | --- |\n")
    assert not repeats_itself("天猫稳中有升。抖音增长最快。京东略有回落。拼多多持平。")


def test_truncation_rules():
    assert is_truncated("本期GMV为3.2亿元，同比增长1")
    assert is_truncated("本期经营稳健，主要")
    assert is_truncated("本期GMV为3.2亿元。", "length")
    assert not is_truncated("本期GMV为3.2亿元。")
    assert not is_truncated("本期经营稳健。\n- 加强私域运营\n- 优化投放结构")
    assert not is_truncated("本期经营稳健。\n\n| 渠道 | GMV |\n| --- | --- |\n| 抖音 | 1亿 |")


def test_a_reply_cut_at_the_token_limit_is_asked_again_and_never_kept(folder, stub):
    # Cut inside a figure: "同比增长1" of "同比增长15%" would be a wrong figure if kept.
    stub.script(CHANNELS, cut_off("本期各渠道经营稳健，整体保持增长态势。抖音渠道GMV同比增长1"), "obey")
    stub.script(MARKETING, "本期营销投放节奏平稳，各渠道投放效率有所提升，服务体验持续改善，主要")
    result = draft(folder, stub, "cut")
    sections = {s.id: s for s in result.draft.sections}
    assert sections["channels"].writer == "llm:stub-model" and "同比增长1" not in sections["channels"].text
    assert sections["marketing"].writer == "llm:stub-model" and not sections["marketing"].text.rstrip().endswith("主要")
    for title in (CHANNELS, MARKETING):
        asks = prompts_for(stub, title)
        assert len(asks) == 2 and "被截断" in asks[1] and "被截断" not in asks[0]


def test_a_reply_cut_off_or_429s_every_time_mark_the_section_failed_or_fall_back(folder, stub):
    stub.script(CHANNELS, *[cut_off("本期各渠道经营稳健，整体保持增长态势。抖音渠道GMV同比增长1")] * 3)
    result = draft(folder, stub, "marked")
    sections = {s.id: s for s in result.draft.sections}
    assert sections["channels"].writer == "failed"
    assert sections["channels"].failure == ("the reply was cut off at the output cap ([llm] max_tokens = 1300); "
                                            "raise [llm] max_tokens in drafter.toml (3 tries)")
    assert all(s.writer == "llm:stub-model" for k, s in sections.items() if k != "channels")
    report = (folder / "marked" / "report.md").read_text(encoding="utf-8")
    assert "同比增长1" not in report
    stub.script(CHANNELS, *[cut_off("本期各渠道经营稳健。抖音渠道GMV同比增长1")] * 3)
    stub.script(MARKETING, *[("status", 429)] * 4)  # a run of 429s longer than the retries, too
    rescued = draft(folder, stub, "rescued", fallback="offline")
    writers = {s.id: s.writer for s in rescued.draft.sections}
    assert writers["channels"] == writers["marketing"] == "offline (fallback)" and rescued.counts["mismatch"] == 0
    assert {w for k, w in writers.items() if k not in ("channels", "marketing")} == {"llm:stub-model"}


ENGLISH = ("In 2025 the channel mix kept improving: Douyin grew fastest and Tmall held steady. "
           "We recommend investing further in live commerce and private traffic next year.")


def test_an_english_reply_is_asked_again_in_chinese(folder, stub):
    stub.script(CHANNELS, ENGLISH, "obey")
    result = draft(folder, stub, "english-once")
    channels = {s.id: s for s in result.draft.sections}["channels"]
    assert channels.writer == "llm:stub-model" and "Douyin" not in channels.text
    asks = prompts_for(stub, CHANNELS)
    assert len(asks) == 2 and asks[1].endswith("请务必用简体中文撰写本节正文。")


def test_english_or_empty_every_time_gives_up_on_that_section_with_a_note(folder, stub):
    stub.script(CHANNELS, ENGLISH, ENGLISH, ENGLISH)
    stub.script(MARKETING, "", " \n", "")
    result = draft(folder, stub, "english")
    sections = {s.id: s for s in result.draft.sections}
    assert sections["channels"].writer == "failed"
    assert sections["channels"].failure == "the reply was not in Chinese (3 tries)"
    assert sections["marketing"].writer == "failed"
    assert sections["marketing"].failure == "the reply was empty (3 tries)"
    assert "Douyin" not in (folder / "english" / "report.md").read_text(encoding="utf-8")
    assert all(s.writer == "llm:stub-model" for k, s in sections.items() if k not in ("channels", "marketing"))


def test_commentary_around_the_section_is_dropped(folder, stub):
    body = "本期渠道结构持续优化，各渠道经营稳健，整体发展态势良好，后续将持续跟踪重点渠道的表现。"
    chatty = (f"没问题！下面是“{CHANNELS}”一节的正文：\n\n## {CHANNELS}\n\n{body}\n\n---\n"
              "以上就是本节内容，需要我再调整语气或补充数据吗？")
    stub.script(CHANNELS, chatty)
    result = draft(folder, stub, "chatty")
    channels = {s.id: s for s in result.draft.sections}["channels"]
    assert channels.text == body + "\n"
    report = (folder / "chatty" / "report.md").read_text(encoding="utf-8")
    assert "没问题" not in report and "需要我" not in report and "\n---\n" not in report


def test_a_reply_that_loops_is_abandoned_early_and_the_section_kept(folder, stub):
    looping = "本期渠道经营整体平稳。" + "各渠道持续发力，整体经营稳中向好。" * 300  # a small model, up to its cap
    stub.script(CHANNELS, looping, looping, looping)
    result = draft(folder, stub, "loop")
    channels = {s.id: s for s in result.draft.sections}["channels"]
    assert channels.writer == "failed" and channels.failure == "the reply repeats itself (3 tries)"
    assert all(a["outcome"] == "looped" for a in channels.attempts) and len(channels.attempts) == 3
    # drafter stopped reading a few hundred characters in, so it counted what it read, not the whole reply
    assert all(a["estimated"] and 0 < a["tokens_out"] < 1000 for a in channels.attempts)
    assert "稳中向好。各渠道" not in (folder / "loop" / "report.md").read_text(encoding="utf-8")
