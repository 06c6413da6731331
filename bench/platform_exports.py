"""Prints how long reading platform order exports takes: one export of each of the five platforms, N orders each,
and checks the GMV against the generator's ground truth."""

from __future__ import annotations

import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def main(count: int = 20000) -> None:
    """Write the five exports with `count` orders each, then time scanning them and computing the year's facts."""
    from platform_exports import Truth, write_douyin, write_jd, write_pinduoduo, write_taobao, write_weixin

    from drafter.metrics import compute_facts
    from drafter.metrics.folder import scan

    with tempfile.TemporaryDirectory() as tmp:
        data, rng, truth = Path(tmp) / "data", random.Random(1), Truth()
        data.mkdir()
        started = time.perf_counter()
        for writer in (write_taobao, write_jd, write_douyin, write_pinduoduo, write_weixin):
            writer(data, rng, truth, count=count)
        written = time.perf_counter() - started
        rows = sum(len(p.read_bytes().splitlines()) - 1 for p in data.glob("*.csv"))
        started = time.perf_counter()
        folder = scan(data)
        scanned = time.perf_counter() - started
        started = time.perf_counter()
        result = compute_facts(data, "2025", Path(tmp) / "cache")
        computed = time.perf_counter() - started
    gmv = next(f.value for f in result.facts if f.id == "gmv.2025")
    expected = sum(truth.gmv.values(), Decimal(0))
    print(f"5 exports x {count} orders ({rows} CSV rows + {count} xlsx rows), written in {written:.1f}s")
    print(f"scan (read, clean, group): {scanned:.2f}s for {len(folder.exports)} paid orders")
    print(f"compute_facts 2025 (scan included): {computed:.2f}s; GMV {gmv} vs ground truth {expected}: "
          f"{'equal' if Decimal(str(gmv)) == expected else 'DIFFERENT'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
