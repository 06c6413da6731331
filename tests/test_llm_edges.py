"""The LLM path's edges: a server that ignores `stream`, and any LangChain chat model behind the same factory."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli
from llm_stub import StubEndpoint

SECRET = "sk-edges-SECRET-93c1"


def stub_env(stub: StubEndpoint) -> dict:
    return {"OPENAI_BASE_URL": stub.url, "OPENAI_API_KEY": SECRET, "DRAFTER_MODEL": "stub-model",
            "DRAFTER_EMBEDDER": "hash", "DRAFTER_TIMEOUT": "5", "DRAFTER_MAX_RETRIES": "1"}


def draft_dir(folder: Path) -> Path:
    return folder / "drafts" / "2025-annual-summary"


def read_run(folder: Path) -> dict:
    return json.loads((draft_dir(folder) / "run.json").read_text(encoding="utf-8"))


def test_a_server_that_ignores_stream_drafts_every_section_and_is_then_asked_plainly(folder, stub):
    stub.ignore_stream = True
    done = run_cli("write", "--period", "2025", "--no-cache", "--no-exports", "--dir", str(folder),
                   env=stub_env(stub))
    assert done.returncode == 0, done.stdout + done.stderr
    run = read_run(folder)
    assert all(s["writer"] == "llm:stub-model" and s["attempts"][0]["outcome"] == "ok" for s in run["sections"])
    assert run["counts"]["mismatch"] == 0 and run["counts"]["verified"] > 20
    streamed = [bool(r["body"].get("stream")) for r in stub.requests]
    # only the requests already in flight when the first plain answer came were streamed (4 sections at a time)
    assert streamed[0] and 1 <= sum(streamed) <= 4 and not any(streamed[4:])
    assert all("stream_options" not in r["body"] for r in stub.requests if not r["body"].get("stream"))
    # usage came with the plain body: the tokens are the server's, not estimated
    assert not any(a.get("estimated") for s in run["sections"] for a in s["attempts"])


FAKE_LIST = "langchain_core.language_models.fake_chat_models.FakeListChatModel"
FILLER = "本节为测试内容，整体经营平稳有序，重点项目进展顺利，后续将持续跟踪各项指标的变化情况，及时调整策略。\n"


def use_langchain(folder: Path, responses: list[str], **kwargs) -> None:
    """Point the working folder at a LangChain chat model by import path, with a key among its keyword arguments."""
    config, original = folder / "drafter.toml", folder / "drafter.toml.demo"
    if not original.exists():
        original.write_text(config.read_text(encoding="utf-8"), encoding="utf-8")
    text = original.read_text(encoding="utf-8").replace('[llm]\n', '[llm]\nprovider = "langchain"\n'
                                                        f'class = "{FAKE_LIST}"\n', 1)
    extra = "".join(f"{key} = {json.dumps(value)}\n" for key, value in kwargs.items())
    text += f"\n[write]\nconcurrency = 1\n\n[llm.kwargs]\napi_key = \"{SECRET}\"\n{extra}" \
            f"responses = {json.dumps(responses, ensure_ascii=False)}\n"
    config.write_text(text, encoding="utf-8")


def everything_written(folder: Path, *outputs: str) -> str:
    files = [p for p in folder.rglob("*") if p.is_file() and p.suffix in (".json", ".md", ".html", ".log", ".txt")]
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files) + "\n".join(outputs)


def offline_gmv(folder: Path) -> str:
    """This year's GMV as the facts table writes it, from an offline draft of the same data."""
    from drafter.display import display
    from drafter.models import Fact

    done = run_cli("write", "--period", "2025", "--no-exports", "--out", str(folder / "offline"), "--dir", str(folder),
                   env={"DRAFTER_EMBEDDER": "hash"})
    assert done.returncode == 0, done.stdout + done.stderr
    facts = json.loads((folder / "offline" / "facts.json").read_text(encoding="utf-8"))
    return display(Fact(**next(f for f in facts if f["id"] == "gmv.2025")))


def test_a_langchain_chat_model_by_import_path_drafts_and_repairs_and_never_records_its_key(folder):
    gmv = offline_gmv(folder)
    wrong = "本年度经营稳中有进，规模继续扩大，各项工作有序推进。全年GMV为9999万元，较上年明显增长。\n"
    # the sections are drafted one at a time in outline order: the overview's draft and repair come first
    use_langchain(folder, [wrong, wrong.replace("9999万元", gmv)] + [FILLER] * 6)
    done = run_cli("write", "--period", "2025", "--no-cache", "--no-exports", "--dir", str(folder),
                   env={"DRAFTER_EMBEDDER": "hash"})
    assert done.returncode == 0, done.stdout + done.stderr
    run = read_run(folder)
    sections = {s["id"]: s for s in run["sections"]}
    assert {s["writer"] for s in sections.values()} == {"llm:FakeListChatModel"}
    assert run["model"] == run["endpoint_host"] == "FakeListChatModel"
    assert f"LangChain chat model {FAKE_LIST}" in done.stdout
    overview = sections["overview"]
    assert [a["kind"] for a in overview["attempts"]] == ["draft", "repair"] and overview["flagged"] == 0
    report = (draft_dir(folder) / "report.md").read_text(encoding="utf-8")
    assert f"全年GMV为{gmv}" in report and "9999" not in report
    # the fake sends no usage: tokens are estimated, and say so
    assert all(a["estimated"] and a["tokens_in"] > 0 and a["tokens_out"] > 0 for a in overview["attempts"])
    assert SECRET not in everything_written(folder, done.stdout, done.stderr)


def test_langchain_failures_keep_the_previous_text_like_the_default_backend(folder):
    use_langchain(folder, [FILLER])
    assert run_cli("write", "--period", "2025", "--no-cache", "--no-exports", "--dir", str(folder),
                   env={"DRAFTER_EMBEDDER": "hash"}).returncode == 0
    before = (draft_dir(folder) / "report.md").read_text(encoding="utf-8")
    for responses, options, outcome in (([""], {}, "malformed"), (["任意"], {"error_on_chunk_number": 0}, "refused")):
        use_langchain(folder, responses, **options)
        failed = run_cli("regen", str(draft_dir(folder)), "--section", "overview", "--dir", str(folder),
                         env={"DRAFTER_EMBEDDER": "hash"})
        assert failed.returncode == 1 and "it keeps its previous text" in failed.stdout, failed.stdout + failed.stderr
        assert (draft_dir(folder) / "report.md").read_text(encoding="utf-8") == before
        regen = read_run(folder)["regenerated"][-1]
        assert regen["kept_text"] and {a["outcome"] for a in regen["attempts"]} == {outcome}
        assert SECRET not in everything_written(folder, failed.stdout, failed.stderr)


def test_a_langchain_class_that_cannot_be_loaded_is_a_clear_error(folder):
    use_langchain(folder, [FILLER])
    config = folder / "drafter.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(FAKE_LIST, "langchain_nowhere.ChatNothing"),
                      encoding="utf-8")
    failed = run_cli("write", "--period", "2025", "--dir", str(folder), env={"DRAFTER_EMBEDDER": "hash"})
    assert failed.returncode == 2 and "cannot import langchain_nowhere" in failed.stderr
    assert "drafter[langchain]" in failed.stderr and "Traceback" not in failed.stderr + failed.stdout


def test_a_langchain_reply_is_read_for_usage_cut_off_and_thoughts(folder):
    from dataclasses import replace

    from langchain_core.messages import AIMessage

    from drafter.backends.llm import make_chat_model
    from drafter.config import load_config

    cut = AIMessage(content=[{"type": "thinking", "thinking": "先核对事实表。"}, {"type": "text", "text": "全年GMV"}],
                    usage_metadata={"input_tokens": 812, "output_tokens": 64, "total_tokens": 876},
                    response_metadata={"finish_reason": "length"}, additional_kwargs={"reasoning_content": "想一想"})
    config = replace(load_config(folder, env={}), llm_provider="langchain", llm_kwargs={"responses": [cut]},
                     llm_class="langchain_core.language_models.fake_chat_models.FakeMessagesListChatModel")
    reply = make_chat_model(config).complete("系统", "用户", 64)
    assert (reply.text, reply.tokens_in, reply.tokens_out) == ("全年GMV", 812, 64)
    assert reply.finish_reason == "length" and reply.reasoning == "想一想\n先核对事实表。"


def test_the_section_cache_tells_langchain_settings_apart(folder):
    def sections_cached(**kwargs) -> list[bool]:
        use_langchain(folder, [FILLER], **kwargs)
        done = run_cli("write", "--period", "2025", "--force", "--no-exports", "--dir", str(folder),
                       env={"DRAFTER_EMBEDDER": "hash"})
        assert done.returncode == 0, done.stdout + done.stderr
        return [s["cached"] for s in json.loads((draft_dir(folder) / "sections.json").read_text(encoding="utf-8"))]

    assert not any(sections_cached(sleep=0.0))
    assert all(sections_cached(sleep=0.0))
    assert not any(sections_cached(sleep=0.001))  # another setting of the same class: drafted afresh
