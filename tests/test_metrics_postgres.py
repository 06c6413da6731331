"""The same metric definitions on PostgreSQL and on DuckDB give equal facts; warehouse data gets the same errors."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from drafter.errors import UserError
from drafter.metrics import compute_facts


def _facts(data: Path, period: str, cache: Path, url: str = "") -> dict[str, float]:
    return {f.id: f.value for f in compute_facts(data, period, cache, engine_url=url).facts}


def test_postgres_and_duckdb_give_equal_facts_for_a_quarter(pg_demo, small_data, tmp_path):
    # The year on every engine: test_metrics_engines. A quarter adds the period-on-period measures.
    on_duckdb = _facts(small_data, "2025Q3", tmp_path)
    on_postgres = _facts(tmp_path / "no-files-needed", "2025Q3", tmp_path, pg_demo)
    assert len(on_duckdb) > 300 and "gmv.pop.2025Q3" in on_postgres
    assert set(on_postgres) == set(on_duckdb)
    for key, value in on_duckdb.items():
        assert math.isclose(on_postgres[key], value, rel_tol=1e-9, abs_tol=1e-9), key


BAD_ORDERS = {
    "dup": ([("A1", "u1", "2025-01-01 10:00:00", "10"), ("A1", "u2", "2025-01-02", "5")],
            ["table dup.订单", "订单号", "duplicated", "'A1'"]),
    "neg": ([("A1", "u1", "2025-01-01", "10"), ("A2", "u2", "2025-01-02", "-5")],
            ["table neg.订单", "实付金额", "negative", "订单号 A2"]),
    "dates": ([("A1", "u1", "2025-01-01", "10"), ("A2", "u2", "2025-02-30", "5"), ("A3", "u2", "soon", "5")],
              ["table dates.订单", "下单时间", "2 values that are not dates", "'2025-02-30'", "'soon'"]),
    "amounts": ([("A1", "u1", "2025-01-01", "10"), ("A2", "u2", "2025-01-02", "ten")],
                ["table amounts.订单", "实付金额", "not numbers", "订单号 A2: 'ten'"]),
    "period": ([("A1", "u1", "2024-01-05", "10"), ("A2", "u2", "2024-03-02", "5")],
               ["table period.订单 covers 2024-01-05 to 2024-03-02 and has nothing in 2025"]),
}


def test_postgres_text_columns_parse_like_files(pg_url, tmp_path):
    import psycopg

    rows = [("A1", "u1", "2025年3月1日", "1,200.50"), ("A2", "u2", "20250401", "99.5"),
            ("A3", "u2", "2025/04/02 10:00", "1")]
    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("CREATE SCHEMA text_cols")
        con.execute('CREATE TABLE text_cols.orders ("订单编号" text, "买家ID" text, "付款时间" text, "支付金额" text)')
        for row in rows:
            con.execute("INSERT INTO text_cols.orders VALUES (%s, %s, %s, %s)", row)
    f = _facts(tmp_path, "2025", tmp_path, pg_url + "?options=-csearch_path%3Dtext_cols")
    assert f["gmv.2025"] == 1301.0 and f["orders.2025"] == 3 and f["buyers.2025"] == 2


@pytest.mark.parametrize("schema", list(BAD_ORDERS))
def test_postgres_validation_errors(pg_url, tmp_path, schema):
    import psycopg

    rows, needles = BAD_ORDERS[schema]
    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute(f"CREATE SCHEMA {schema}")
        con.execute(f'CREATE TABLE {schema}."订单" ("订单号" text, "用户ID" text, "下单时间" text, "实付金额" text)')
        for row in rows:
            con.execute(f'INSERT INTO {schema}."订单" VALUES (%s, %s, %s, %s)', row)
    with pytest.raises(UserError) as err:
        compute_facts(tmp_path, "2025", tmp_path, engine_url=f"{pg_url}?options=-csearch_path%3D{schema}")
    for needle in needles:
        assert needle in str(err.value)


def test_postgres_missing_column_and_bad_url(pg_url, tmp_path):
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("CREATE SCHEMA missing; CREATE TABLE missing.orders (order_id text, user_id text, amount numeric)")
    with pytest.raises(UserError, match=r"table missing.orders: required column missing: order_time"):
        compute_facts(tmp_path, "2025", tmp_path, engine_url=f"{pg_url}?options=-csearch_path%3Dmissing")
    with pytest.raises(UserError, match="no existing schema"):
        compute_facts(tmp_path, "2025", tmp_path, engine_url=f"{pg_url}?options=-csearch_path%3Dnowhere")
    with pytest.raises(UserError, match="cannot connect"):
        compute_facts(tmp_path, "2025", tmp_path, engine_url="postgresql://drafter@127.0.0.1:1/x")
    with pytest.raises(UserError, match="not supported"):
        compute_facts(tmp_path, "2025", tmp_path, engine_url="oracle://localhost/db")
