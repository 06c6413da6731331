"""Metrics benchmark: the full compute_facts (DuckDB) vs a straightforward pandas version, on generated orders.

    python bench/metrics_bench.py [--orders 10000000] [--dir /tmp/drafter-bench]

Each side runs in its own subprocess so wall time and peak memory (ru_maxrss) are the whole process's,
imports included. Targets (issue 3): DuckDB under 10 s and 2 GB, at least 3x faster than pandas.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

CHANNELS = ["天猫", "京东", "抖音", "自营APP", "小程序"]
CATEGORIES = ["家电", "数码配件", "个护美妆", "食品生鲜", "母婴", "服饰鞋包", "家居日用", "运动户外"]
STATUSES = ["已完成", "已退款", "已取消"]


def generate(path: Path, n: int, users: int, seed: int = 7) -> None:
    """n orders over 2024–2025 as Parquet, vectorised (about 10 s for 10 million)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    start = np.datetime64("2024-01-01T00:00:00", "s")
    seconds = rng.integers(0, 2 * 365 * 86400, n)
    seconds.sort()  # exports come in time order
    # 60% of orders come from a loyal fifth of the users, the rest from anyone: repeaters and one-off buyers.
    loyal = rng.random(n) < 0.6
    user = np.where(loyal, rng.integers(0, users // 5, n), rng.integers(0, users, n))

    def ids(prefix: str, numbers) -> pa.Array:
        return pc.binary_join_element_wise(prefix, pa.array(numbers).cast(pa.string()), "")

    def pick(values: list[str], weights: list[float]) -> pa.Array:
        codes = rng.choice(len(values), n, p=np.array(weights) / sum(weights)).astype(np.int8)
        return pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(values))

    table = pa.table({
        "订单号": ids("O", np.arange(1, n + 1)),
        "用户ID": ids("U", user),
        "下单时间": pa.array(start + seconds.astype("timedelta64[s]")),
        "渠道": pick(CHANNELS, [30, 20, 27, 14, 9]),
        "品类": pick(CATEGORIES, [10, 12, 18, 17, 10, 12, 12, 9]),
        "实付金额": pa.array(np.round(np.exp(rng.normal(5.3, 0.6, n)), 2)),
        "订单状态": pick(STATUSES, [90, 7.5, 2.5]),
    })
    pq.write_table(table, path, row_group_size=1 << 20)


def run_duckdb(data: Path) -> dict:
    """The product's path: every fact for 2025 (and 2024, for the year-on-year measures)."""
    from drafter.metrics import compute_facts

    facts = {f.id: f.value for f in compute_facts(data, "2025", data.parent / "cache").facts}
    return {"facts": len(facts), "gmv": facts["gmv.2025"], "gmv_2024": facts["gmv.2024"],
            "repurchase": facts["repurchase_rate.2025"]}


def _pandas_period(orders, year: int) -> dict:
    frame = orders[orders["下单时间"].dt.year == year]
    paid = frame[frame["订单状态"] != "已取消"]
    gmv = paid["实付金额"].sum()
    per_buyer = paid.groupby("用户ID", observed=True).size()
    out = {
        "gmv": gmv, "orders": len(paid), "buyers": len(per_buyer), "aov": gmv / len(paid),
        "repurchase": (per_buyer >= 2).mean() * 100,
        "refund_rate": paid.loc[paid["订单状态"] == "已退款", "实付金额"].sum() / gmv * 100,
        "monthly": paid.groupby(paid["下单时间"].dt.month)["实付金额"].sum().to_dict(),
    }
    for column in ("渠道", "品类"):
        out[column] = (paid.groupby(column, observed=True)["实付金额"].sum() / gmv * 100).to_dict()
    return out


def run_pandas(data: Path) -> dict:
    """The same core metrics, written the way an analyst would in pandas."""
    import pandas as pd

    orders = pd.read_parquet(data / "orders.parquet")
    now, before = _pandas_period(orders, 2025), _pandas_period(orders, 2024)
    return {"gmv": now["gmv"], "gmv_2024": before["gmv"], "repurchase": now["repurchase"],
            "gmv_yoy": (now["gmv"] / before["gmv"] - 1) * 100}


def child(engine: str, data: Path) -> None:
    """Run one side and print its result and peak memory as JSON."""
    result = run_duckdb(data) if engine == "duckdb" else run_pandas(data)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result, default=float))


def measure(engine: str, data: Path) -> dict:
    """Wall time and peak memory of one side, as a whole process."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--child", engine, "--dir", str(data.parent)],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"{engine} failed:\n{done.stderr}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "wall": wall}


def main() -> None:
    """Generate the data if needed, run both sides, print a table and check the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--users", type=int, default=2_500_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/drafter-bench"))
    parser.add_argument("--child", choices=["duckdb", "pandas"])
    args = parser.parse_args()
    data = args.dir / "data"
    if args.child:
        child(args.child, data)
        return
    data.mkdir(parents=True, exist_ok=True)
    path, stamp = data / "orders.parquet", data / "orders.rows"
    if not path.exists() or not stamp.exists() or stamp.read_text() != f"{args.orders},{args.users}":
        started = time.perf_counter()
        generate(path, args.orders, args.users)
        stamp.write_text(f"{args.orders},{args.users}")
        print(f"generated {args.orders:,} orders ({path.stat().st_size / 1e6:.0f} MB Parquet) "
              f"in {time.perf_counter() - started:.1f}s")
    duck, pandas = measure("duckdb", data), measure("pandas", data)
    print(f"\n{'engine':<26}{'wall (s)':>10}{'peak (MB)':>11}{'GMV 2025':>20}")
    for name, row in (("DuckDB (compute_facts)", duck), ("pandas (core metrics)", pandas)):
        print(f"{name:<26}{row['wall']:>10.2f}{row['peak_mb']:>11.0f}{row['gmv']:>20,.2f}")
    speedup = pandas["wall"] / duck["wall"]
    print(f"\nDuckDB computes {duck['facts']} facts; {speedup:.1f}x faster than pandas on the core metrics")
    same = abs(duck["gmv"] - pandas["gmv"]) <= 1e-6 * pandas["gmv"] and \
        abs(duck["repurchase"] - pandas["repurchase"]) <= 1e-9 * 100
    checks = {"under 10 s": duck["wall"] < 10, "under 2 GB": duck["peak_mb"] < 2048, ">= 3x pandas": speedup >= 3,
              "same GMV and repurchase": same}
    print("targets: " + ", ".join(f"{k} {'ok' if v else 'MISSED'}" for k, v in checks.items()))
    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()
