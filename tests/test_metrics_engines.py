"""One definition set on every engine: DuckDB, PostgreSQL, Spark and MariaDB give the same facts on the demo data."""

from __future__ import annotations

import math

import pytest
from conftest import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from drafter.errors import UserError
from drafter.metrics import compute_facts
from drafter.metrics.compute import EXACT_UNITS, UNITS


def _facts(data, period: str, cache, url: str = "") -> dict:
    return {f.id: f for f in compute_facts(data, period, cache, engine_url=url).facts}


def test_every_engine_gives_the_same_facts(small_data, pg_demo, spark_demo, mariadb_demo, tmp_path):
    on_duckdb = _facts(small_data, "2025", tmp_path)
    assert len(on_duckdb) > 300
    for needed in ("promo_gmv_share.2025", "marketing_roi.2025", "nps.2025", "member_share.2025",
                   "gmv.gap_yoy.2025", "visitors.driver.2025", "gmv.contribution.2025[buyer=新客]"):
        assert needed in on_duckdb, needed
    nowhere = tmp_path / "no-files-needed"
    for url in (pg_demo, spark_demo, mariadb_demo):
        result = compute_facts(nowhere, "2025", tmp_path, engine_url=url)
        assert result.sources["orders"] in ("table public.orders", "table demo.orders"), url
        facts = {f.id: f for f in result.facts}
        assert set(facts) == set(on_duckdb), url
        for key, fact in on_duckdb.items():
            other = facts[key].value
            if fact.unit == "元":  # money to the cent
                assert round(other, 2) == round(fact.value, 2), (url, key, other, fact.value)
            else:
                assert math.isclose(other, fact.value, rel_tol=1e-9, abs_tol=1e-9), (url, key, other, fact.value)


def test_metrics_names_the_engine_and_the_tables_it_read(tiny_data, pg_demo, tmp_path):
    on_files = run_cli("metrics", "--period", "2025", "--data", str(tiny_data), "--format", "csv")
    assert on_files.returncode == 0, on_files.stderr
    assert "engine: duckdb; read: orders ← orders.csv" in on_files.stderr
    in_warehouse = run_cli("metrics", "--period", "2025", "--data", str(tmp_path), "--format", "csv",
                           env={"DRAFTER_ENGINE_URL": pg_demo})
    assert in_warehouse.returncode == 0, in_warehouse.stderr
    assert "engine: postgresql; read: orders ← table public.orders, users ← table public.users" in in_warehouse.stderr
    assert in_warehouse.stdout.startswith("metric,label,measure,value")


# Text columns as a careless export leaves them: Chinese dates, a month, thousands separators; then bad rows.
TEXT_ORDERS = [("A1", "u1", "2025年3月1日", "1,200.50"), ("A2", "u2", "20250401", "99.5"),
               ("A3", "u2", "2025/04/02 10:00", "1"), ("A4", "u3", "2025-05", "¥10")]
BAD_ORDERS = {
    "dup": ([("A1", "u1", "2025-01-01 10:00:00", "10"), ("A1", "u2", "2025-01-02", "5")],
            ["订单号", "2 rows with duplicated order ids", "'A1'"]),
    "dates": ([("A1", "u1", "2025-01-01", "10"), ("A2", "u2", "2025-02-30", "5"), ("A3", "u2", "soon", "5")],
              ["下单时间", "2 values that are not dates", "订单号 A2: '2025-02-30'", "订单号 A3: 'soon'"]),
    "amounts": ([("A1", "u1", "2025-01-01", "10"), ("A2", "u2", "2025-01-02", "ten")],
                ["实付金额", "not numbers", "订单号 A2: 'ten'"]),
}
HEADERS = ("订单号", "用户ID", "下单时间", "实付金额")


def _text_table(engine: str, warehouse: str, database: str, rows: list[tuple]) -> str:
    """A database holding one all-text orders table in MariaDB (named 订单) or Spark; its engine URL."""
    if engine == "spark":
        warehouse.sql(f"CREATE DATABASE IF NOT EXISTS {database}")
        schema = ", ".join(f"`{h}` string" for h in HEADERS)
        # Spark's own catalog takes only ASCII table names (its columns may be Chinese).
        warehouse.createDataFrame(rows, schema).write.mode("overwrite").saveAsTable(f"{database}.orders")
        return f"spark://local[2]/{database}"
    import pymysql

    con = pymysql.connect(host="127.0.0.1", port=int(warehouse.rsplit(":", 1)[1]), user="root", charset="utf8mb4",
                          autocommit=True)
    with con.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE IF NOT EXISTS {database} CHARACTER SET utf8mb4")
        cursor.execute(f"CREATE TABLE {database}.`订单` ({', '.join(f'`{h}` text' for h in HEADERS)})")
        cursor.executemany(f"INSERT INTO {database}.`订单` VALUES (%s, %s, %s, %s)", rows)
    con.close()
    return f"{warehouse}/{database}"


@pytest.fixture(params=["mariadb", "spark"])
def warehouse(request):
    """(engine, what _text_table needs: the MariaDB base URL or the Spark session)."""
    name = request.param
    return name, request.getfixturevalue("mariadb_url" if name == "mariadb" else "spark")


def test_text_columns_parse_like_files(warehouse, tmp_path):
    url = _text_table(*warehouse, "text_cols", TEXT_ORDERS)
    result = compute_facts(tmp_path, "2025", tmp_path, engine_url=url)
    facts = {f.id: f.value for f in result.facts}
    assert facts["gmv.2025"] == 1311.0 and facts["orders.2025"] == 4 and facts["buyers.2025"] == 3
    assert facts["gmv.2025[month=5月]"] == 10.0
    assert result.sources == {"orders": f"table text_cols.{'orders' if warehouse[0] == 'spark' else '订单'}"}


@pytest.mark.parametrize("case", list(BAD_ORDERS))
def test_bad_rows_get_the_same_messages(warehouse, tmp_path, case):
    rows, needles = BAD_ORDERS[case]
    url = _text_table(*warehouse, f"bad_{case}", rows)
    with pytest.raises(UserError) as err:
        compute_facts(tmp_path, "2025", tmp_path, engine_url=url)
    assert f"table bad_{case}.{'orders' if warehouse[0] == 'spark' else '订单'}" in str(err.value)
    for needle in needles:
        assert needle in str(err.value)


def test_bad_engine_urls_say_what_to_fix(mariadb_url, spark, tmp_path):
    for url, needle in ((mariadb_url, "name the database"), ("mysql://root@127.0.0.1:1/x", "cannot connect"),
                        ("spark://local[2]/nowhere", "Spark has no database 'nowhere'"),
                        ("oracle://host/db", "sc://host:15002/db")):
        with pytest.raises(UserError, match=needle):
            compute_facts(tmp_path, "2025", tmp_path, engine_url=url)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2000), st.booleans(), st.randoms(use_true_random=False))
def test_duckdb_may_repeat_finds_any_repeated_id(size, repeated, rng):
    from drafter.backends.engine import make_engine

    ids = [f"T{n:06d}" for n in range(size)]
    rows = ids + ([rng.choice(ids)] if repeated and ids else []) + [None] * (size % 3)  # empty ids are no repeat
    rng.shuffle(rows)
    engine = make_engine()
    try:
        engine.execute("CREATE TABLE ids (order_id VARCHAR)")
        if rows:
            engine.execute("INSERT INTO ids VALUES " + ", ".join("(NULL)" if r is None else f"('{r}')" for r in rows))
        assert engine.may_repeat("ids", "order_id") == (repeated and size > 0)
    finally:
        engine.close()


# Below EXACT_UNITS / UNITS yuan, where the buyer pass uses these units: a cent grid, half-unit ties, any double.
LARGEST = EXACT_UNITS / UNITS
amounts = st.one_of(st.floats(min_value=0, max_value=LARGEST),
                    st.integers(0, int(LARGEST) * 100).map(lambda n: n / 100),
                    st.integers(0, int(LARGEST) * 20_000).map(lambda n: n / 20_000))


@settings(max_examples=60, deadline=None)
@given(st.lists(amounts, min_size=1, max_size=200))
def test_duckdb_money_units_round_as_its_decimal_cast(values):
    # The buyer pass sums these units in doubles instead of DECIMAL sums: each must be the cast's own ten-thousandths.
    from drafter.backends.engine import make_engine

    engine = make_engine()
    try:
        engine.execute("CREATE TABLE amounts (amount DOUBLE)")
        engine.execute("INSERT INTO amounts VALUES " + ", ".join(f"({v!r})" for v in values))
        differ = engine.query(f"SELECT amount FROM amounts WHERE CAST(CAST(amount AS DECIMAL(18,4)) AS DECIMAL(38,4))"
                              f" * 10000 <> CAST({engine.money_units('amount')} AS HUGEINT)")
        assert differ.empty, list(differ["amount"])
    finally:
        engine.close()


def test_duckdb_url_caps_memory_and_a_sliced_buyer_table_gives_the_same_facts(tmp_path):
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from drafter.backends.engine import make_engine
    from drafter.metrics.compute import _slices

    rng, n = np.random.default_rng(5), 300_000
    seconds = rng.integers(0, 2 * 365 * 86_400, n)
    table = pa.table({
        "订单号": [f"O{i}" for i in range(n)],
        "用户ID": [f"U{u}" for u in rng.integers(0, n // 4, n)],
        "下单时间": pa.array(np.datetime64("2024-01-01") + seconds.astype("timedelta64[s]")),
        "渠道": rng.choice(["天猫", "京东", "抖音"], n),
        "实付金额": np.round(rng.lognormal(5, 0.7, n), 2),
        "订单状态": rng.choice(["已完成", "已取消", "已退款"], n, p=[0.9, 0.06, 0.04]),
    })
    data = tmp_path / "data"
    data.mkdir()
    pq.write_table(table, data / "orders.parquet")
    capped = "duckdb://?memory_limit=24MB"
    engine = make_engine(capped)
    try:
        engine.read_parquet("orders", data / "orders.parquet")
        assert _slices(engine) >= 2  # under this cap the buyer table is built in slices of buyers
    finally:
        engine.close()
    whole = {key: fact.value for key, fact in _facts(data, "2025", tmp_path / "whole").items()}
    sliced = {key: fact.value for key, fact in _facts(data, "2025", tmp_path / "sliced", capped).items()}
    assert sliced == whole
    assert whole["buyers.2025"] > 50_000 and whole["new_buyer_repurchase_30d.2025"] > 0


@pytest.mark.parametrize("url", ["duckdb://?memory_limit=lots", "duckdb://?memory_limit=-5GB", "duckdb://host/db",
                                 "duckdb://?threads=2"])
def test_duckdb_url_that_cannot_be_followed_says_how_to_write_it(url):
    from drafter.backends.engine import make_engine

    with pytest.raises(UserError, match=r"4GB"):
        make_engine(url)
