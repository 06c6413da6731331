"""The same metric definitions on PostgreSQL and on DuckDB give equal facts; warehouse data gets the same errors."""

from __future__ import annotations

import glob
import math
import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from drafter.errors import UserError
from drafter.metrics import compute_facts

INSTALL_HINT = ("PostgreSQL server binaries not found (initdb under /usr/lib/postgresql/*/bin or on PATH). "
                "Install them: apt-get update && apt-get install -y postgresql")


def pg_bin() -> Path | None:
    """The folder holding initdb and pg_ctl, newest version first."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]), reverse=True)
    if found:
        return Path(found[0]).parent
    which = shutil.which("initdb")
    return Path(which).parent if which else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args: list[str], as_postgres: bool) -> None:
    # PostgreSQL refuses to run as root: hand the command to the postgres user then.
    command = ["su", "postgres", "-s", "/bin/sh", "-c", subprocess.list2cmdline(args)] if as_postgres else args
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if done.returncode:
        raise RuntimeError(f"{args[0]} failed: {done.stdout}{done.stderr}")


@contextmanager
def running_server():
    """Start a server in a temp dir; yield its URL; stop it and remove the dir."""
    bin_dir = pg_bin()
    if bin_dir is None:
        raise FileNotFoundError(INSTALL_HINT)
    as_postgres = os.geteuid() == 0
    # pytest's tmp_path is private to root: the postgres user needs a folder of its own.
    root = Path(tempfile.mkdtemp(prefix="drafter-pg-"))
    if as_postgres:
        shutil.chown(root, "postgres")
    data, port = root / "data", _free_port()
    try:
        _run([str(bin_dir / "initdb"), "-D", str(data), "-U", "drafter", "--auth=trust", "-E", "UTF8",
              "--locale=C", "--no-sync"], as_postgres)
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"],
             as_postgres)
        try:
            yield f"postgresql://drafter@127.0.0.1:{port}/postgres"
        finally:
            _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], as_postgres)
    finally:
        shutil.rmtree(root, ignore_errors=True)


TIME_HEADERS = {"下单时间", "注册时间", "日期"}


def _sql_type(name: str, series) -> str:
    import pandas as pd

    if name in TIME_HEADERS:
        return "timestamp"
    if pd.api.types.is_integer_dtype(series):
        return "bigint"
    if pd.api.types.is_float_dtype(series):
        # Money lives in numeric columns in real warehouses; other measures as double precision.
        return "numeric(14, 2)" if "金额" in name else "double precision"
    return "text"


def load_csv_tables(url: str, data_dir: Path, schema: str = "public") -> None:
    """Create one typed table per CSV (headers as they are: 订单号, 下单时间 …) and copy the rows in."""
    import pandas as pd
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        for path in sorted(Path(data_dir).glob("*.csv")):
            frame = pd.read_csv(path)
            columns = ", ".join(f'"{c}" {_sql_type(c, frame[c])}' for c in frame.columns)
            table = f'"{schema}"."{path.stem}"'
            con.execute(f"DROP TABLE IF EXISTS {table}")
            con.execute(f"CREATE TABLE {table} ({columns})")
            with con.cursor().copy(f"COPY {table} FROM STDIN") as copy:
                for row in frame.itertuples(index=False):
                    copy.write_row([None if pd.isna(v) else v for v in row])


@pytest.fixture(scope="module")
def pg_url():
    """A throwaway server for this module; the test fails (never skips) when PostgreSQL is not installed."""
    if pg_bin() is None:
        pytest.fail(INSTALL_HINT, pytrace=False)
    with running_server() as url:
        yield url


@pytest.fixture(scope="module")
def pg_demo(pg_url, small_data):
    """The small demo data in the warehouse, as typed tables with the team's Chinese headers."""
    load_csv_tables(pg_url, small_data)
    return pg_url


def _facts(data: Path, period: str, cache: Path, url: str = "") -> dict[str, float]:
    return {f.id: f.value for f in compute_facts(data, period, cache, engine_url=url).facts}


@pytest.mark.parametrize("period", ["2025", "2025Q3"])
def test_postgres_and_duckdb_give_equal_facts(pg_demo, small_data, tmp_path, period):
    on_duckdb = _facts(small_data, period, tmp_path)
    on_postgres = _facts(tmp_path / "no-files-needed", period, tmp_path, pg_demo)
    assert len(on_duckdb) > 300
    assert set(on_postgres) == set(on_duckdb)
    for key, value in on_duckdb.items():
        assert math.isclose(on_postgres[key], value, rel_tol=1e-6, abs_tol=1e-9), key
    for needed in ("gmv.pop.2025Q3", "promo_gmv_share.2025", "marketing_roi.2025", "nps.2025",
                   "gmv.gap_yoy.2025", "visitors.driver.2025", "gmv.contribution.2025[buyer=新客]"):
        assert needed in on_postgres or not needed.endswith(period), needed


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
        compute_facts(tmp_path, "2025", tmp_path, engine_url="mysql://localhost/db")
