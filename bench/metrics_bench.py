"""Metrics benchmark: the full compute_facts (DuckDB) vs a straightforward pandas version, on generated orders.

    python bench/metrics_bench.py [--orders 10000000] [--dir /tmp/drafter-bench] [--runs 3] [--engine spark]
    python bench/metrics_bench.py --orders 100000000 [--memory-limit 6GB]

Every run times DuckDB's compute_facts per fact group and the one-scan reference (one DuckDB query: distinct paid
buyers by year, channel and category), each in its own process. Above 20 million orders pandas is left out, one
round is the default, and the targets are those of issue 25: at most twice the reference, under 8 GB.

With --engine spark the same compute_facts runs on a local Spark (2 cores, the Parquet file as a table of
database bench) against DuckDB instead of pandas: the core values must agree; there is no speed target for
Spark (on one machine it cannot win; its point is the path to a cluster), and its peak includes the JVM's.

Each side runs in its own subprocess so wall time and peak memory (ru_maxrss) are the whole process's,
imports included. The sides alternate for --runs rounds; the targets are judged on the median wall time
of each side (a single run on a shared machine measures the neighbours too) and the largest peak.
Targets (issue 3): DuckDB under 10 s and 2 GB, at least 3x faster than pandas.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

CHANNELS = ["天猫", "京东", "抖音", "自营APP", "小程序"]
CATEGORIES = ["家电", "数码配件", "个护美妆", "食品生鲜", "母婴", "服饰鞋包", "家居日用", "运动户外"]
STATUSES = ["已完成", "已退款", "已取消"]


def generate(path: Path, n: int, users: int, seed: int = 7) -> None:
    """n orders over 2024–2025 as Parquet, vectorised (about 10 s for 10 million, 2 minutes for 100 million)."""
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
    del loyal

    def codes(values: list[str], weights: list[float]):
        return rng.choice(len(values), n, p=np.array(weights) / sum(weights)).astype(np.int8)

    channel, category = codes(CHANNELS, [30, 20, 27, 14, 9]), codes(CATEGORIES, [10, 12, 18, 17, 10, 12, 12, 9])
    amount = np.round(np.exp(rng.normal(5.3, 0.6, n)), 2)
    status = codes(STATUSES, [90, 7.5, 2.5])

    def ids(prefix: str, numbers) -> pa.Array:
        return pc.binary_join_element_wise(prefix, pa.array(numbers).cast(pa.string()), "")

    def dictionary(picked, values: list[str]) -> pa.Array:
        return pa.DictionaryArray.from_arrays(pa.array(picked), pa.array(values))

    # The draws above are whole columns (the same data at any chunking); the strings are built a row group at a
    # time, so 100 million orders fit in a few GB.
    group = 1 << 20
    writer = None
    for lo in range(0, n, group):
        part = slice(lo, min(lo + group, n))
        table = pa.table({
            "订单号": ids("O", np.arange(lo + 1, part.stop + 1)),
            "用户ID": ids("U", user[part]),
            "下单时间": pa.array(start + seconds[part].astype("timedelta64[s]")),
            "渠道": dictionary(channel[part], CHANNELS),
            "品类": dictionary(category[part], CATEGORIES),
            "实付金额": pa.array(amount[part]),
            "订单状态": dictionary(status[part], STATUSES),
        })
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table, row_group_size=group)
    writer.close()


# The metrics both sides compute and compare; the DuckDB side computes every other fact of the registry as well.
CORE = ["gmv", "orders", "aov", "buyers", "repurchase_rate", "new_buyers", "new_buyer_repurchase_30d",
        "refund_rate", "promo_gmv_share", "gmv[channel=抖音]", "buyers[channel=抖音]", "gmv[category=家电]",
        "gmv[buyer=新客]", "gmv[month=11月]"]
SIDES = {
    "duckdb": "the product's compute_facts: loads and validates the Parquet (types, empty, negative and duplicate "
              "values), then every fact of the registry for 2025, 2024 and 2023 (values, yoy, pp, shares, ranks, "
              "contributions, new/returning buyers, 30-day repurchase, per-channel buyers, monthly, promo)",
    "pandas": "a straightforward pandas script: the same validation, then for 2025 and 2024 GMV, orders, AOV, "
              "refund rates, GMV/orders by channel, category and month, promo share, buyers, repurchase rate, "
              "new/returning buyers and their GMV, new buyers' 30-day repurchase, buyers per channel, and GMV yoy",
    "reference": "one DuckDB query over the same Parquet: paid orders grouped by year, channel and category with a "
                 "distinct buyer count (what the buyer facts cost at least)",
}
# Above this many orders the pandas side is left out.
PANDAS_MAX = 20_000_000


# Which fact group each query of compute_facts serves, by the drafter function that sent it (the innermost listed).
GROUPS = {
    "load_data": "load and check the orders (types, empty, masked, negative, duplicate ids)",
    "_sales": "sales scan: values, breakdowns (channel, category), months",
    "_buyer_table": "buyer pass: distinct buyers (total, per channel), first orders, 30-day repeat",
    "_buyer_rows": "buyer counts: buyers, new/returning, repeat rate, 30-day repeat",
    "period_values": "users, traffic, marketing",
    "_compute": "coverage, buyer scope, KPIs, targets",
}


class TimedEngine:
    """The product's engine, unchanged, with the wall and CPU seconds of each call summed under the fact group that
    made it (CPU seconds of the whole process, DuckDB's threads included: on a shared machine wall time also measures
    the neighbours)."""

    def __init__(self, engine, memory_limit: str = "") -> None:
        self.engine, self.seconds = engine, {group: [0.0, 0.0] for group in GROUPS.values()}
        if memory_limit:
            engine.execute(f"SET memory_limit = '{memory_limit}'")

    def __getattr__(self, name: str):
        found = getattr(self.engine, name)
        if not callable(found):
            return found

        def timed(*args, **kwargs):
            frame, group = sys._getframe(1), None
            while frame is not None and group is None:
                group = GROUPS.get(frame.f_code.co_name) if "drafter" in frame.f_code.co_filename else None
                frame = frame.f_back
            started, cpu = time.perf_counter(), time.process_time()
            try:
                return found(*args, **kwargs)
            finally:
                if group:
                    self.seconds[group][0] += time.perf_counter() - started
                    self.seconds[group][1] += time.process_time() - cpu

        return timed


def run_duckdb(data: Path, engine_url: str = "", memory_limit: str = "") -> dict:
    """The product's path: every fact for 2025 (and 2024, for the year-on-year measures), timed per fact group."""
    from drafter.backends import engine as engines
    from drafter.metrics import compute_facts

    timed = []
    if not engine_url:  # compute_facts makes its engine by this factory: hand it the product's, timed
        product = engines.make_engine
        engines.make_engine = lambda url="": timed.append(TimedEngine(product(url), memory_limit)) or timed[-1]
    started, cpu = time.perf_counter(), time.process_time()
    result = compute_facts(data, "2025", data.parent / "cache", engine_url=engine_url)
    facts = {f.id: f.value for f in result.facts}
    core = {}
    for name in CORE:
        metric, _, dim = name.partition("[")
        core[name] = facts[f"{metric}.2025" + (f"[{dim}" if dim else "")]
    groups = timed[0].seconds if timed else {}
    if groups:
        groups["derived facts and the rest (Python)"] = [
            time.perf_counter() - started - sum(wall for wall, _ in groups.values()),
            time.process_time() - cpu - sum(cpu for _, cpu in groups.values())]
    return {"facts": len(facts), "core": core, "gmv_yoy": facts["gmv.yoy.2025"], "groups": groups}


def run_reference(data: Path, memory_limit: str = "") -> dict:
    """The one-scan reference: distinct paid buyers by year, channel and category, in one DuckDB query."""
    from drafter.backends.engine import make_engine

    engine = make_engine()  # the product's DuckDB settings (threads, memory limit, spill folder)
    if memory_limit:
        engine.execute(f"SET memory_limit = '{memory_limit}'")
    path = str(data / "orders.parquet").replace("'", "''")
    try:
        frame = engine.query(f"""SELECT year(下单时间) AS y, 渠道, 品类, COUNT(DISTINCT 用户ID) AS buyers
                                 FROM read_parquet('{path}') WHERE 订单状态 <> '已取消' GROUP BY ALL""")
    finally:
        engine.close()
    return {"cells": len(frame), "buyers": int(frame["buyers"].sum())}


def _validate(orders) -> None:
    for column in ("订单号", "用户ID", "下单时间", "实付金额"):
        if orders[column].isna().any():
            raise SystemExit(f"empty {column}")
    if (orders["订单号"] == "").any() or (orders["用户ID"] == "").any() or (orders["实付金额"] < 0).any():
        raise SystemExit("empty ids or negative amounts")
    if orders["订单号"].duplicated().any():
        raise SystemExit("duplicate order ids")


def _pandas_period(orders, paid, first, again, year: int) -> dict:
    import pandas as pd

    start, end = pd.Timestamp(f"{year}-01-01"), pd.Timestamp(f"{year + 1}-01-01")
    frame = orders[(orders["下单时间"] >= start) & (orders["下单时间"] < end)]
    paid = paid[(paid["下单时间"] >= start) & (paid["下单时间"] < end)]
    refunded = paid[paid["订单状态"] == "已退款"]
    gmv = paid["实付金额"].sum()
    md = paid["下单时间"].dt.month * 100 + paid["下单时间"].dt.day
    promo = paid.loc[md.between(601, 618) | md.between(1020, 1111), "实付金额"].sum()
    per_buyer = paid.groupby("user")["实付金额"].agg(["size", "sum"])
    is_new = first.reindex(per_buyer.index) >= start
    out = {"rows": len(frame), "gmv": gmv, "orders": len(paid), "aov": gmv / len(paid),
           "refund_rate": refunded["实付金额"].sum() / gmv * 100,
           "refund_order_rate": len(refunded) / len(paid) * 100, "promo_gmv_share": promo / gmv * 100,
           "buyers": len(per_buyer), "repurchase_rate": (per_buyer["size"] >= 2).mean() * 100,
           "new_buyers": int(is_new.sum()), "gmv[buyer=新客]": per_buyer.loc[is_new, "sum"].sum(),
           "gmv[buyer=老客]": per_buyer.loc[~is_new, "sum"].sum(),
           "new_buyer_repurchase_30d": again.reindex(is_new[is_new].index).mean() * 100}
    for month, value in paid.groupby(paid["下单时间"].dt.month)["实付金额"].sum().items():
        out[f"gmv[month={month}月]"] = value
    for column, dim in (("渠道", "channel"), ("品类", "category")):
        grouped = paid.groupby(column, observed=True)
        sums, refunds = grouped["实付金额"].sum(), refunded.groupby(column, observed=True)["实付金额"].sum()
        for name, value in sums.items():
            out[f"gmv[{dim}={name}]"] = value
            out[f"gmv_share[{dim}={name}]"] = value / gmv * 100
            out[f"refund_rate[{dim}={name}]"] = refunds.get(name, 0.0) / value * 100
        for name, value in grouped.size().items():
            out[f"orders[{dim}={name}]"] = value
    for name, value in paid.groupby("渠道", observed=True)["user"].nunique().items():
        out[f"buyers[channel={name}]"] = value
    return out


def run_pandas(data: Path) -> dict:
    """The same core metrics, written the way an analyst would in pandas."""
    import pandas as pd

    orders = pd.read_parquet(data / "orders.parquet")
    _validate(orders)
    # Hash the user ids once: every later groupby then works on integers, not on ten million strings.
    orders["user"] = pd.factorize(orders["用户ID"])[0]
    paid = orders[orders["订单状态"] != "已取消"]
    # Each buyer's first paid order ever, and whether another followed within 30 days.
    by_user = paid.groupby("user")["下单时间"]
    first, first_time = by_user.min(), by_user.transform("min")
    later = (paid["下单时间"] > first_time) & (paid["下单时间"] <= first_time + pd.Timedelta(days=30))
    again = later.groupby(paid["user"]).any()
    now, before = (_pandas_period(orders, paid, first, again, year) for year in (2025, 2024))
    return {"core": {name: now[name] for name in CORE}, "gmv_yoy": (now["gmv"] / before["gmv"] - 1) * 100}


def run_spark(data: Path) -> dict:
    """compute_facts on a local Spark reading the Parquet file in place; the JVM's peak memory too."""
    from pyspark.sql import SparkSession

    # Started here (memory must be set before the JVM starts); compute_facts then reuses this session.
    spark = (SparkSession.builder.master("local[2]").config("spark.driver.memory", "4g")
             .config("spark.sql.warehouse.dir", str(data.parent / "spark-warehouse"))
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    spark.sql("CREATE DATABASE IF NOT EXISTS bench")
    spark.sql(f"CREATE TABLE IF NOT EXISTS bench.orders USING parquet OPTIONS (path '{data / 'orders.parquet'}')")
    result = run_duckdb(data, "spark://local[2]/bench")
    pid = spark._jvm.java.lang.ProcessHandle.current().pid()
    status = Path(f"/proc/{pid}/status").read_text()
    result["jvm_mb"] = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")) / 1024
    return result


def child(engine: str, data: Path, memory_limit: str) -> None:
    """Run one side and print its result and peak memory as JSON."""
    if engine == "duckdb":
        result = run_duckdb(data, memory_limit=memory_limit)
    elif engine == "reference":
        result = run_reference(data, memory_limit)
    else:
        result = {"pandas": run_pandas, "spark": run_spark}[engine](data)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 + result.pop("jvm_mb", 0)
    print(json.dumps(result, default=float))


def measure(engine: str, data: Path, memory_limit: str = "") -> dict:
    """Wall time and peak memory of one side, as a whole process, and the machine's load when it started."""
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--child", engine, "--dir", str(data.parent),
                           "--memory-limit", memory_limit], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU seconds too: on a shared machine wall time also measures the neighbours.
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if done.returncode:
        raise SystemExit(f"{engine} failed:\n{done.stderr}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "wall": wall, "cpu": cpu, "load": load}


def summarise(rows: list[dict]) -> dict:
    """One side over its runs: the median wall time, the largest peak, the first run's values."""
    return {**rows[0], "wall": statistics.median(r["wall"] for r in rows), "peak_mb": max(r["peak_mb"] for r in rows)}


def main() -> None:
    """Generate the data if needed, run the sides, print a table and check the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--users", type=int, help="distinct buyers to draw from (default: a quarter of --orders)")
    parser.add_argument("--dir", type=Path, help="where the data is generated once and reused (default: "
                                                  "/tmp/drafter-bench, or /tmp/drafter-bench-<orders> off 10M)")
    parser.add_argument("--runs", type=int, help=f"rounds of all sides; the median is judged (default: 3, "
                                                 f"1 above {PANDAS_MAX:,} orders)")
    parser.add_argument("--memory-limit", default="", help="DuckDB's memory_limit for the runs, e.g. 6GB "
                                                           "(default: the product's own)")
    parser.add_argument("--reference-memory-limit", default="",
                        help="the one-scan reference's own memory_limit (default: as --memory-limit); its distinct "
                             "count measured faster under a 6 GiB cap than under the product's")
    parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb",
                        help="duckdb: DuckDB against pandas, with the targets; spark: a local Spark against DuckDB")
    parser.add_argument("--child", choices=["duckdb", "pandas", "spark", "reference"])
    args = parser.parse_args()
    users = args.users or args.orders // 4
    default_dir = "/tmp/drafter-bench" + ("" if args.orders == 10_000_000 else f"-{args.orders}")
    data = (args.dir or Path(default_dir)) / "data"
    if args.child:
        child(args.child, data, args.memory_limit)
        return
    data.mkdir(parents=True, exist_ok=True)
    path, stamp = data / "orders.parquet", data / "orders.rows"
    if not path.exists() or not stamp.exists() or stamp.read_text() != f"{args.orders},{users}":
        started = time.perf_counter()
        generate(path, args.orders, users)
        stamp.write_text(f"{args.orders},{users}")
        print(f"generated {args.orders:,} orders ({path.stat().st_size / 1e6:.0f} MB Parquet) "
              f"in {time.perf_counter() - started:.1f}s")
    big = args.orders > PANDAS_MAX
    rounds = args.runs or (1 if big else 3)
    if args.engine == "spark":
        compare_spark(data, rounds)
        return
    # Above PANDAS_MAX pandas would need tens of GB: DuckDB runs alone, against the one-scan reference.
    runs = {engine: [] for engine in ("duckdb", "reference") + (() if big else ("pandas",))}
    for _ in range(rounds):
        for engine in runs:
            limit = args.reference_memory_limit if engine == "reference" and args.reference_memory_limit else \
                args.memory_limit
            runs[engine].append(measure(engine, data, limit))
    print(f"\n{'engine':<30}{'run':>5}{'load':>6}{'wall (s)':>10}{'cpu (s)':>10}{'peak (MB)':>11}{'GMV 2025':>20}")
    for name, engine in (("DuckDB (compute_facts)", "duckdb"), ("pandas (core metrics)", "pandas"),
                         ("one-scan reference", "reference")):
        for i, row in enumerate(runs.get(engine, []), 1):
            gmv = f"{row['core']['gmv']:>20,.2f}" if "core" in row else f"{row['cells']:>14} cells"
            print(f"{name:<30}{i:>5}{row['load']:>6.1f}{row['wall']:>10.2f}{row['cpu']:>10.2f}"
                  f"{row['peak_mb']:>11.0f}{gmv}")
    print("\nDuckDB per fact group (wall / CPU seconds, run by run; the groups share scans, so each covers several):")
    for group in runs["duckdb"][0]["groups"]:
        seconds = " ".join(f"{r['groups'][group][0]:>7.2f} /{r['groups'][group][1]:>7.2f}" for r in runs["duckdb"])
        print(f"  {seconds}  {group}")
    duck, reference = summarise(runs["duckdb"]), summarise(runs["reference"])
    ratio = duck["wall"] / reference["wall"]
    capped = f" (memory limit {args.reference_memory_limit})" if args.reference_memory_limit else ""
    print(f"\nDuckDB: {SIDES['duckdb']} ({duck['facts']} facts).\none-scan reference{capped}: {SIDES['reference']}.")
    print(f"median of {rounds}: DuckDB {duck['wall']:.2f}s (peak {duck['peak_mb']:.0f} MB), one-scan reference "
          f"{reference['wall']:.2f}s (peak {reference['peak_mb']:.0f} MB): {ratio:.2f}x the reference "
          f"({duck['cpu'] / reference['cpu']:.2f}x in CPU seconds)")
    # Facts are exported at full precision: every DuckDB run must give them to the last bit.
    checks = {"identical across runs": all(r["core"] == duck["core"] for r in runs["duckdb"])}
    differ = []
    if big:
        checks = {"at most 2x the one-scan reference": ratio <= 2, "under 8 GB": duck["peak_mb"] < 8192, **checks}
    else:
        pandas = summarise(runs["pandas"])
        speedup = pandas["wall"] / duck["wall"]
        print(f"pandas: {SIDES['pandas']}.\nCompared on both sides: {', '.join(CORE)}, gmv yoy.")
        print(f"median of {rounds}: pandas {pandas['wall']:.2f}s (peak {pandas['peak_mb']:.0f} MB): "
              f"DuckDB is {speedup:.1f}x faster")
        differ = [name for name in CORE if not math.isclose(duck["core"][name], pandas["core"][name], rel_tol=1e-9)]
        differ += [] if math.isclose(duck["gmv_yoy"], pandas["gmv_yoy"], rel_tol=1e-9) else ["gmv yoy"]
        checks = {"under 10 s": duck["wall"] < 10, "under 2 GB": duck["peak_mb"] < 2048,
                  ">= 3x pandas": speedup >= 3, "same core values": not differ, **checks}
    print("targets: " + ", ".join(f"{k} {'ok' if v else 'MISSED'}" for k, v in checks.items())
          + (f" (differ: {', '.join(differ)})" if differ else ""))
    sys.exit(0 if all(checks.values()) else 1)


def compare_spark(data: Path, runs: int) -> None:
    """A local Spark against DuckDB: wall time, peak memory, and the core values, which must agree."""
    rows = {"duckdb": [], "spark": []}
    for _ in range(runs):
        for engine in rows:
            rows[engine].append(measure(engine, data))
    print(f"\n{'engine':<26}{'run':>5}{'wall (s)':>10}{'cpu (s)':>10}{'peak (MB)':>11}{'GMV 2025':>20}")
    for engine, name in (("duckdb", "DuckDB (compute_facts)"), ("spark", "Spark local[2] (same)")):
        for i, row in enumerate(rows[engine], 1):
            print(f"{name:<26}{i:>5}{row['wall']:>10.2f}{row['cpu']:>10.2f}{row['peak_mb']:>11.0f}"
                  f"{row['core']['gmv']:>20,.2f}")
    duck, spark = summarise(rows["duckdb"]), summarise(rows["spark"])
    differ = [name for name in CORE if not math.isclose(duck["core"][name], spark["core"][name], rel_tol=1e-9)]
    print(f"\nmedian of {runs}: DuckDB {duck['wall']:.2f}s, Spark {spark['wall']:.2f}s "
          f"(CPU seconds count the Python process only; peak adds the JVM's); facts {duck['facts']} vs "
          f"{spark['facts']}; core values {'equal' if not differ else 'DIFFER: ' + ', '.join(differ)}")
    sys.exit(0 if not differ and duck["facts"] == spark["facts"] else 1)


if __name__ == "__main__":
    main()
