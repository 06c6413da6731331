"""Prints how long `drafter corpus add` takes for a folder of 1,000 short reports (target: under 40 s here)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPORT = ("# 2024年第{q}季度运营汇报\n\n## 一、业绩\n\n"
          "本季度GMV同比增长{n}%，复购率为{r}%，第{i}号门店表现稳定，各项工作有序推进。\n")


def main(files: int = 1000, target: float = 40.0) -> None:
    """Add FILES generated reports to a bare working folder with the hash embedder, in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        work, reports = Path(tmp) / "ws", Path(tmp) / "reports"
        work.mkdir()
        reports.mkdir()
        (work / "drafter.toml").write_text('[embedder]\nname = "hash"\n', encoding="utf-8")
        for i in range(files):
            (reports / f"r{i:04d}.md").write_text(REPORT.format(q=i % 4 + 1, n=i % 50, r=20 + i % 10, i=i),
                                                  encoding="utf-8")
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "drafter", "corpus", "add", str(reports), "--dir", str(work)],
                              capture_output=True, text=True)
        seconds = time.perf_counter() - started
    print(done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip())
    verdict = "ok" if done.returncode == 0 and seconds < target else "MISSED"
    print(f"corpus add of {files} reports: {seconds:.1f}s (target < {target:.0f}s): {verdict}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
