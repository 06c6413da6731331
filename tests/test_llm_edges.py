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
