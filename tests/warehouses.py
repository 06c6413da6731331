"""Real warehouse servers for tests: PostgreSQL and MariaDB in private temp folders on free ports, a local Spark;
and the demo CSVs loaded into them as typed tables with the team's Chinese headers."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

PG_HINT = ("PostgreSQL server binaries not found (initdb under /usr/lib/postgresql/*/bin or on PATH). "
           "Install them: apt-get update && apt-get install -y postgresql")
MARIADB_HINT = "MariaDB server not found (mariadbd). Install it: apt-get update && apt-get install -y mariadb-server"
TIME_HEADERS = {"下单时间", "注册时间", "日期"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args: list[str], user: str | None = None) -> None:
    # PostgreSQL refuses to run as root: hand the command to its own user then.
    command = ["su", user, "-s", "/bin/sh", "-c", subprocess.list2cmdline(args)] if user else args
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode:
        raise RuntimeError(f"{args[0]} failed: {done.stdout}{done.stderr}")


def pg_bin() -> Path | None:
    """The folder holding initdb and pg_ctl, newest version first."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]), reverse=True)
    if found:
        return Path(found[0]).parent
    which = shutil.which("initdb")
    return Path(which).parent if which else None


@contextmanager
def running_postgres():
    """Start a PostgreSQL server in a temp dir; yield its URL; stop it and remove the dir."""
    bin_dir = pg_bin()
    if bin_dir is None:
        raise FileNotFoundError(PG_HINT)
    user = "postgres" if os.geteuid() == 0 else None
    # pytest's tmp_path is private to root: the postgres user needs a folder of its own.
    root = Path(tempfile.mkdtemp(prefix="drafter-pg-"))
    if user:
        shutil.chown(root, user)
    data, port = root / "data", free_port()
    try:
        _run([str(bin_dir / "initdb"), "-D", str(data), "-U", "drafter", "--auth=trust", "-E", "UTF8",
              "--locale=C", "--no-sync"], user)
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"], user)
        try:
            yield f"postgresql://drafter@127.0.0.1:{port}/postgres"
        finally:
            _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], user)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def mariadbd() -> str | None:
    """The MariaDB server binary."""
    return shutil.which("mariadbd") or next((p for p in ("/usr/sbin/mariadbd",) if os.path.exists(p)), None)


@contextmanager
def running_mariadb():
    """Start a MariaDB server in a temp dir (no grant checks: any user gets in); yield its base URL; stop it."""
    server = mariadbd()
    if server is None:
        raise FileNotFoundError(MARIADB_HINT)
    import pymysql

    root = Path(tempfile.mkdtemp(prefix="drafter-mariadb-"))
    data, port = root / "data", free_port()
    common = ["--no-defaults", f"--datadir={data}", "--user=root" if os.geteuid() == 0 else f"--user={os.getlogin()}"]
    process = None
    try:
        install = shutil.which("mariadb-install-db") or "mysql_install_db"
        _run([install, *common, "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve"])
        process = subprocess.Popen(
            [server, *common, f"--port={port}", "--bind-address=127.0.0.1", f"--socket={root}/sock",
             f"--pid-file={root}/pid", "--skip-grant-tables", "--skip-log-bin", "--innodb-buffer-pool-size=32M",
             "--innodb-flush-log-at-trx-commit=0", "--character-set-server=utf8mb4", f"--log-error={root}/log"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                pymysql.connect(host="127.0.0.1", port=port, user="root").close()
                break
            except pymysql.Error as exc:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (root / "log").read_text(errors="replace")
                    raise RuntimeError(f"mariadbd did not start: {log}") from exc
                time.sleep(0.3)
        yield f"mysql://root@127.0.0.1:{port}"
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def typed_tables(data_dir: Path) -> dict[str, tuple[object, dict[str, str]]]:
    """Each demo CSV as (DataFrame, column → SQL type): times as timestamps, money as numeric."""
    import pandas as pd

    tables = {}
    for path in sorted(Path(data_dir).glob("*.csv")):
        frame = pd.read_csv(path)
        types = {}
        for name in frame.columns:
            if name in TIME_HEADERS:
                frame[name], types[name] = pd.to_datetime(frame[name]), "timestamp"
            elif pd.api.types.is_integer_dtype(frame[name]):
                types[name] = "bigint"
            elif pd.api.types.is_float_dtype(frame[name]):
                # Money lives in numeric columns in real warehouses; other measures as double precision.
                types[name] = "numeric(14, 2)" if "金额" in name else "double precision"
            else:
                types[name] = "text"
        tables[path.stem] = (frame.astype(object).where(frame.notna(), None), types)
    return tables


def load_sql_tables(connection, dialect: str, data_dir: Path, schema: str) -> None:
    """Create one typed table per CSV in a schema (database) through a DB-API connection and insert its rows."""
    import sqlglot

    cursor = connection.cursor()
    marker = "%s"
    for name, (frame, types) in typed_tables(data_dir).items():
        table = f'"{schema}"."{name}"'
        columns = ", ".join(f'"{c}" {t}' for c, t in types.items())
        for statement in (f"DROP TABLE IF EXISTS {table}", f"CREATE TABLE {table} ({columns})"):
            cursor.execute(sqlglot.transpile(statement, read="postgres", write=dialect)[0])
        insert = sqlglot.transpile(f"INSERT INTO {table} VALUES ({', '.join(['1'] * len(types))})", read="postgres",
                                   write=dialect)[0]
        insert = insert[: insert.rindex("VALUES")] + f"VALUES ({', '.join([marker] * len(types))})"
        cursor.executemany(insert, [tuple(r) for r in frame.itertuples(index=False)])
    connection.commit()


def spark_session(warehouse: Path):
    """A local Spark for the test session (2 cores, few partitions, UTC), its tables under a temp folder."""
    from pyspark.sql import SparkSession

    return (SparkSession.builder.master("local[2]").appName("drafter-tests")
            .config("spark.sql.warehouse.dir", str(warehouse)).config("spark.sql.shuffle.partitions", "4")
            .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.memory", "1g").getOrCreate())


def load_spark_tables(spark, data_dir: Path, database: str) -> None:
    """The demo CSVs as typed tables of a Spark database."""
    spark.sql(f"CREATE DATABASE IF NOT EXISTS {database}")
    spark_types = {"timestamp": "timestamp", "bigint": "bigint", "numeric(14, 2)": "decimal(14,2)",
                   "double precision": "double", "text": "string"}
    for name, (frame, types) in typed_tables(data_dir).items():
        schema = ", ".join(f"`{c}` {spark_types[t]}" for c, t in types.items())
        rows = [tuple(_spark_value(v, types[c]) for c, v in zip(types, r, strict=True))
                for r in frame.itertuples(index=False)]
        spark.createDataFrame(rows, schema).write.mode("overwrite").saveAsTable(f"{database}.`{name}`")


def _spark_value(value, sql_type: str):
    from decimal import Decimal

    if value is None:
        return None
    if sql_type == "timestamp":
        return value.to_pydatetime()
    return Decimal(str(value)) if sql_type.startswith("numeric") else value
