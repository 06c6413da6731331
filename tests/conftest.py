"""Shared fixtures: small generated demo data and hand-written tiny tables."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

os.environ.setdefault("DRAFTER_EMBEDDER", "hash")


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None,
            own_process: bool = False) -> subprocess.CompletedProcess:
    """Run `drafter ARGS` through its console entry point: in this process, or in a new one with own_process.

    In-process runs skip a cold interpreter and imports per call (seconds each); the tests that are about the
    process itself (start-up, signals, locks held by other processes, file-size limits) use own_process.
    """
    if own_process:
        return subprocess.run([sys.executable, "-m", "drafter", *args], cwd=cwd, env={**os.environ, **(env or {})},
                              capture_output=True, text=True, timeout=300)
    from drafter.cli import main

    out, err, code = io.StringIO(), io.StringIO(), 0
    saved_env, saved_argv, saved_cwd = dict(os.environ), sys.argv, os.getcwd()
    os.environ.update(env or {})
    sys.argv = ["drafter", *map(str, args)]
    try:
        if cwd:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
            except Exception:  # what a new interpreter would print before exiting 1
                err.write(traceback.format_exc())
                code = 1
    finally:
        os.chdir(saved_cwd)
        sys.argv = saved_argv
        os.environ.clear()
        os.environ.update(saved_env)
    return subprocess.CompletedProcess(["drafter", *args], code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="session")
def small_data(tmp_path_factory) -> Path:
    """The demo company's data at 3% scale (about 6,600 orders), written once per session."""
    from drafter.demo import generate_tables, write_tables

    folder = tmp_path_factory.mktemp("small") / "data"
    write_tables(generate_tables(scale=0.03), folder)
    return folder


@pytest.fixture(scope="session")
def full_data(tmp_path_factory) -> Path:
    """The demo company's data at full scale, which the demo corpus reports are written against."""
    from drafter.demo import generate_tables, write_tables

    folder = tmp_path_factory.mktemp("full") / "data"
    write_tables(generate_tables(), folder)
    return folder


@pytest.fixture(scope="session")
def workspace(tmp_path_factory) -> Path:
    """A working folder made by `drafter init` at small scale with the hash embedder."""
    folder = tmp_path_factory.mktemp("ws") / "demo"
    result = run_cli("init", str(folder), "--embedder", "hash", "--scale", "0.03")
    assert result.returncode == 0, result.stdout + result.stderr
    return folder


@pytest.fixture
def folder(workspace, tmp_path) -> Path:
    """A private copy of the small demo workspace (its corpus index included)."""
    target = tmp_path / "ws"
    shutil.copytree(workspace, target, ignore=shutil.ignore_patterns("drafts"))
    return target


@pytest.fixture
def stub():
    """A scripted OpenAI-compatible endpoint on 127.0.0.1 (see llm_stub.py)."""
    from llm_stub import StubEndpoint

    endpoint = StubEndpoint().start()
    yield endpoint
    endpoint.stop()


ORDERS_CSV = """订单号,用户ID,下单时间,渠道,品类,实付金额,订单状态
A1,u1,2024-03-01 10:00:00,天猫,家电,1000,已完成
A2,u2,2024-06-18 12:00:00,抖音,服饰鞋包,200,已退款
A3,u1,2024-11-11 09:30:00,天猫,家电,500,已完成
A4,u3,2024-12-01 08:00:00,京东,个护美妆,300,已取消
B1,u1,2025-01-15 10:00:00,天猫,家电,800,已完成
B2,u2,2025-03-01 10:00:00,抖音,服饰鞋包,300,已完成
B3,u2,2025-06-10 11:00:00,抖音,服饰鞋包,100,已退款
B4,u4,2025-07-01 10:00:00,京东,个护美妆,400,已完成
B5,u5,2025-11-11 00:10:00,抖音,家电,1400,已完成
B6,u4,2025-12-30 23:00:00,京东,个护美妆,250,已取消
"""


@pytest.fixture
def tiny_data(tmp_path) -> Path:
    """Ten hand-written orders over 2024–2025 whose metrics are worked out by hand in the tests."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "orders.csv").write_text(ORDERS_CSV, encoding="utf-8")
    return folder


# Real warehouses, each started once per test session (a local Spark takes seconds); the tests fail, never skip,
# when a server is not installed.
@pytest.fixture(scope="session")
def pg_url():
    """A throwaway PostgreSQL server."""
    from warehouses import PG_HINT, pg_bin, running_postgres

    if pg_bin() is None:
        pytest.fail(PG_HINT, pytrace=False)
    with running_postgres() as url:
        yield url


@pytest.fixture(scope="session")
def pg_demo(pg_url, small_data):
    """The small demo data in PostgreSQL (schema public), as typed tables with the team's Chinese headers."""
    import psycopg
    from warehouses import load_sql_tables

    with psycopg.connect(pg_url) as con:
        load_sql_tables(con, "postgres", small_data, "public")
    return pg_url


@pytest.fixture(scope="session")
def mariadb_url():
    """A throwaway MariaDB server; its URL without a database."""
    from warehouses import MARIADB_HINT, mariadbd, running_mariadb

    if mariadbd() is None:
        pytest.fail(MARIADB_HINT, pytrace=False)
    with running_mariadb() as url:
        yield url


@pytest.fixture(scope="session")
def mariadb_demo(mariadb_url, small_data):
    """The small demo data in MariaDB database demo; its engine URL."""
    import pymysql
    from warehouses import load_sql_tables

    con = pymysql.connect(host="127.0.0.1", port=int(mariadb_url.rsplit(":", 1)[1]), user="root", charset="utf8mb4")
    con.cursor().execute("CREATE DATABASE IF NOT EXISTS demo")
    load_sql_tables(con, "mysql", small_data, "demo")
    con.close()
    return f"{mariadb_url}/demo"


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    """A local Spark for the whole session."""
    from warehouses import spark_session

    session = spark_session(tmp_path_factory.mktemp("spark-warehouse"))
    yield session
    session.stop()


@pytest.fixture(scope="session")
def spark_demo(spark, small_data):
    """The small demo data in Spark database demo; its engine URL."""
    from warehouses import load_spark_tables

    load_spark_tables(spark, small_data, "demo")
    return "spark://local[2]/demo"
