"""Wall time of a model-written annual summary against a stub that answers each call after a fixed delay."""

from __future__ import annotations

import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from llm_stub import StubEndpoint  # noqa: E402

from drafter.config import load_config  # noqa: E402
from drafter.draft.write import write_draft  # noqa: E402
from drafter.write.budget import count_tokens  # noqa: E402

DELAY = 2.0


def main() -> None:
    """Draft the 2025 annual summary three times: cold, from the cache, and cold again."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "ws"
        subprocess.run([sys.executable, "-m", "drafter", "init", str(folder), "--embedder", "hash", "--scale", "0.05"],
                       check=True, capture_output=True)
        stub = StubEndpoint().start()
        stub.delay = DELAY
        env = {"OPENAI_BASE_URL": stub.url, "OPENAI_API_KEY": "bench", "DRAFTER_MODEL": "stub-model",
               "DRAFTER_EMBEDDER": "hash"}
        config = load_config(folder, env=env)
        started = time.perf_counter()
        cold = write_draft(config, "2025", out=folder / "cold", use_cache=True)
        cold_wall = time.perf_counter() - started
        calls = len(stub.requests)
        started = time.perf_counter()
        write_draft(config, "2025", out=folder / "cached", use_cache=True)
        cached_wall = time.perf_counter() - started
        stub.stop()
    sections = len(cold.draft.sections)
    concurrency = config.concurrency
    target = 1.2 * (sections / concurrency) * DELAY + 2
    write_wall = cold.timings["write"]
    print(f"sections {sections}, concurrency {concurrency}, stub delay {DELAY:.1f}s, model calls {calls}")
    print(f"sum of call delays      {calls * DELAY:6.2f}s")
    print(f"write stage wall time   {write_wall:6.2f}s  (ideal {math.ceil(sections / concurrency) * DELAY:.1f}s)")
    print(f"whole run wall time     {cold_wall:6.2f}s  (metrics, retrieval, writing, verification)")
    print(f"target 1.2*(n/c)*d + 2  {target:6.2f}s  -> write stage {'meets' if write_wall <= target else 'MISSES'} it,"
          f" whole run {'meets' if cold_wall <= target else 'misses'} it")
    print(f"rerun from the cache    {cached_wall:6.2f}s")
    print("prompt size per request (estimated tokens, as drafter counts them; bench/prompt_sizes.py has more):")
    for request in stub.requests[:calls]:
        prompt = "\n".join(m["content"] for m in request["body"]["messages"])
        print(f"  {request['title']:<16} {count_tokens(prompt):6d}  max_tokens {request['body'].get('max_tokens')}")


if __name__ == "__main__":
    main()
