"""Prints how long `drafter --help` takes (target: well under 1 s)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def main(runs: int = 7) -> None:
    """Time `python -m drafter --help` in fresh processes."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "drafter", "--help"], check=True, capture_output=True)
        samples.append(time.perf_counter() - started)
    print(f"drafter --help: median {statistics.median(samples):.3f}s, max {max(samples):.3f}s over {runs} runs")


if __name__ == "__main__":
    main()
