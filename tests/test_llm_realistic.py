"""What real models send, through a realistic fake: thoughts, chatter and fences are stripped; loops, cut-offs,
English, tables, refusals and timeouts fail safe — the section keeps its previous text, the run exits 1, and
run.json accounts for every attempt."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from chat_fakes import RealisticChatModel
from conftest import run_cli

from drafter.backends.llm import register_chat_model
from drafter.render import parse_sections

CHANNELS = "二、渠道运营分析"
ENV = {"DRAFTER_LLM_PROVIDER": "realistic", "DRAFTER_MODEL": "realistic-7b", "DRAFTER_EMBEDDER": "hash"}
PRICES = "\n[llm.prices]\ninput_per_1k = 0.002\noutput_per_1k = 0.008\n"


@pytest.fixture
def fake() -> RealisticChatModel:
    model = RealisticChatModel()
    register_chat_model("realistic", lambda config: model)
    return model


def write(folder: Path, *extra: str):
    return run_cli("write", "--period", "2025", "--no-cache", "--no-exports", "--dir", str(folder), *extra, env=ENV)


def draft_dir(folder: Path) -> Path:
    return folder / "drafts" / "2025-annual-summary"


def read(folder: Path, name: str):
    text = (draft_dir(folder) / name).read_text(encoding="utf-8")
    return json.loads(text) if name.endswith(".json") else text


def body(markdown: str, section: str) -> str:
    return next(s.body for s in parse_sections(markdown) if s.id == section)


def prose(markdown: str) -> str:
    """The report as a reader sees it: without comments."""
    return re.sub(r"<!--.*?-->", "", markdown, flags=re.S)


def test_correct_figures_in_real_shapes_pass_without_repair(folder, fake):
    done = write(folder)
    assert done.returncode == 0, done.stdout + done.stderr
    run = read(folder, "run.json")
    assert run["counts"]["mismatch"] == 0 and run["counts"]["unsupported"] == 0 and run["counts"]["verified"] > 20
    assert all(s["repair_rounds"] == 0 and s["flagged"] == 0 and len(s["attempts"]) == 1 for s in run["sections"])
    report = read(folder, "report.md")
    for shape in ("与上年相比", "较上年", "个百分点。", "成。", "约"):  # the shapes the fake phrases figures in
        assert shape in report
    # every request carried an output cap; every prompt with its output fits the default 8k context
    assert all(r["max_tokens"] for r in fake.requests)
    assert all(s["prompt_tokens"] + s["max_tokens"] <= 8192 for s in run["sections"])
    assert "由模型 realistic-7b 撰写" in read(folder, "report.md") and "review.html" not in read(folder, "report.md")


def test_a_section_in_traditional_characters_passes_without_repair(folder, fake):
    fake.script(CHANNELS, "traditional")
    assert write(folder).returncode == 0
    channels = next(s for s in read(folder, "run.json")["sections"] if s["id"] == "channels")
    assert "本期經營延續" in body(read(folder, "report.md"), "channels")
    assert channels["repair_rounds"] == 0 and channels["flagged"] == 0 and channels["facts"] >= 5


@pytest.mark.parametrize("kind", ["think", "half-think", "reasoning", "preamble", "closing", "fence"])
def test_what_models_wrap_a_section_in_is_stripped(folder, fake, kind):
    fake.script(CHANNELS, kind)
    done = write(folder)
    assert done.returncode == 0, done.stdout + done.stderr
    report = read(folder, "report.md")
    channels = body(report, "channels")
    assert channels.strip().startswith("本期经营延续稳中有进的态势") and channels.strip().endswith("达成进度。")
    for leftover in ("think>", "9999", "好的", "如需", "```", "---", CHANNELS + "\n"):
        assert leftover not in channels
    run = read(folder, "run.json")
    section = next(s for s in run["sections"] if s["id"] == "channels")
    assert section["writer"] == "llm:realistic-7b" and section["repair_rounds"] == 0 and len(section["attempts"]) == 1
    if "think" in kind or kind == "reasoning":
        # the thoughts are kept for inspection, in run.json only
        assert "9999万元" in section["attempts"][0]["thoughts"] and "9999" not in report


FAILURES = {"english": "malformed", "table": "malformed", "refusal": "refused", "repeat": "looped",
            "stutter": "looped", "cut-off": "cut off", "think-all": "cut off", "timeout": "timed out"}


@pytest.mark.parametrize("kind", list(FAILURES))
def test_a_section_the_model_cannot_write_keeps_the_offline_draft(folder, fake, kind):
    offline = run_cli("write", "--period", "2025", "--no-exports", "--out", str(folder / "offline"),
                      "--dir", str(folder), env={"DRAFTER_EMBEDDER": "hash"})
    assert offline.returncode == 0
    with open(folder / "drafter.toml", "a", encoding="utf-8") as toml:
        toml.write(PRICES)
    fake.script(CHANNELS, *[kind] * 3)
    done = write(folder)
    assert done.returncode == 1
    assert "section channels failed" in done.stdout and "it keeps the offline draft" in done.stdout
    assert "the other sections are kept" in done.stdout and "Traceback" not in done.stdout + done.stderr
    report = read(folder, "report.md")
    channels = body(report, "channels")
    expected = body((folder / "offline" / "report.md").read_text(encoding="utf-8"), "channels")
    assert prose(channels).strip() == expected.strip()  # the offline draft, word for word
    assert "<!-- drafter: 本节由模型撰写失败" in channels
    # no failure text, English reason, thought or looped line reaches what a reader sees
    leftovers = ("failed", "tries", "max_tokens", "think", "9999", "business", "持续优化，持续优化", "整体经营稳中向好")
    for leftover in leftovers:
        assert leftover not in prose(report)
    assert "“渠道运营分析”模型撰写失败，暂用离线模板稿" in report
    run = read(folder, "run.json")
    assert [f["id"] for f in run["failed_sections"]] == ["channels"] and run["failed_sections"][0]["reason"]
    section = next(s for s in run["sections"] if s["id"] == "channels")
    attempts = section["attempts"]
    assert len(attempts) == (1 if kind == "timeout" else 3)
    assert all(a["outcome"] == FAILURES[kind] and a["reason"] and "seconds" in a for a in attempts)
    if kind != "timeout":
        assert all(a["tokens_in"] > 1000 and a["tokens_out"] > 0 for a in attempts)
    assert section["tokens_in"] == sum(a["tokens_in"] for a in attempts)
    assert run["tokens"]["in"] == sum(s["tokens_in"] for s in run["sections"])
    priced = run["tokens"]["in"] / 1000 * 0.002 + run["tokens"]["out"] / 1000 * 0.008
    assert run["cost_estimate"] == pytest.approx(priced, abs=1e-6)
    if kind == "think-all":
        assert "thinking" in attempts[0]["reason"] and len(attempts[0]["thoughts"]) <= 2001
    if kind in ("cut-off", "think-all"):
        assert "[llm] max_tokens" in section["failure"]


def test_every_section_failing_says_so_without_claiming_others_are_kept(folder, fake):
    for title in ("一、年度运营成果概览", CHANNELS, "三、品类结构分析", "四、用户运营分析", "五、营销投放与服务体验",
                  "六、问题与反思", "七、下阶段工作规划"):
        fake.script(title, *["repeat"] * 3)
    done = write(folder)
    assert done.returncode == 1 and done.stdout.count("failed") >= 7
    assert "the other sections are kept" not in done.stdout
    assert "各节模型撰写失败，暂用离线模板稿" in read(folder, "report.md")


def test_regen_that_fails_keeps_the_text_and_exits_1_then_falls_back_offline(folder, fake):
    assert write(folder).returncode == 0
    before = read(folder, "report.md")
    fake.script(CHANNELS, *["repeat"] * 3)
    failed = run_cli("regen", str(draft_dir(folder)), "--section", "channels", "--dir", str(folder), env=ENV)
    assert failed.returncode == 1
    assert "section channels failed" in failed.stdout and "it keeps its previous text" in failed.stdout
    assert read(folder, "report.md") == before
    regen = read(folder, "run.json")["regenerated"][-1]
    assert regen["kept_text"] and regen["failure"] == "the reply repeats itself (3 tries)"
    assert [a["outcome"] for a in regen["attempts"]] == ["looped"] * 3
    fake.script(CHANNELS, *["repeat"] * 3)
    rescued = run_cli("regen", str(draft_dir(folder)), "--section", "channels", "--fallback", "offline",
                      "--dir", str(folder), env=ENV)
    assert rescued.returncode == 0, rescued.stdout + rescued.stderr
    after = read(folder, "report.md")
    assert body(after, "channels") != body(before, "channels") and body(after, "overview") == body(before, "overview")
    assert "“渠道运营分析”因模型未能完成，改由离线模板撰写" in after
    bad = run_cli("regen", str(draft_dir(folder)), "--section", "channels", "--fallback", "online",
                  "--dir", str(folder), env=ENV)
    assert bad.returncode == 2 and "the only fallback is 'offline'" in bad.stderr


def test_a_small_context_still_fits_every_prompt(folder, fake):
    done = run_cli("write", "--period", "2025", "--no-cache", "--no-exports", "--dir", str(folder),
                   env={**ENV, "DRAFTER_CONTEXT_TOKENS": "4096", "DRAFTER_MAX_TOKENS": "900"})
    assert done.returncode == 0, done.stdout + done.stderr
    sections = read(folder, "run.json")["sections"]
    assert all(s["max_tokens"] == 900 and s["prompt_tokens"] + 900 <= 4096 for s in sections)
    assert set(r["max_tokens"] for r in fake.requests) == {900}
    # facts were left out to fit, but each section still shows its headline figure
    channels = next(r["user"] for r in fake.requests if r["title"] == CHANNELS)
    assert "| GMV | 全部 | 数值 | 2025 |" in channels
    tiny = run_cli("write", "--period", "2025", "--no-cache", "--no-exports", "--dir", str(folder),
                   env={**ENV, "DRAFTER_CONTEXT_TOKENS": "1200", "DRAFTER_MAX_TOKENS": "500"})
    assert tiny.returncode == 1 and "[llm] context_tokens = 1200 leaves" in tiny.stdout
    bad = run_cli("write", "--period", "2025", "--dir", str(folder), env={**ENV, "DRAFTER_CONTEXT_TOKENS": "lots"})
    assert bad.returncode == 2 and "[llm] context_tokens" in bad.stderr
