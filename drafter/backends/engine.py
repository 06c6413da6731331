"""Metrics engines: the same metric SQL on embedded DuckDB (default) or in a warehouse (PostgreSQL, Spark, MySQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

# BOOL, NUMBER, TIME and quote are named here for the metrics stage, which imports them from this module.
from drafter.backends.sql import BOOL, NUMBER, TIME, parse_time, quote, redact, type_kind  # noqa: F401
from drafter.errors import UserError


class Engine(Protocol):
    """What the metrics stage needs from an engine; SQL given to it is in DuckDB's dialect (see dialects.py)."""

    name: str

    def query(self, sql: str):
        """Run SQL and return a pandas DataFrame."""

    def execute(self, sql: str) -> None:
        """Run SQL for its effect."""

    def columns(self, relation: str) -> dict[str, str]:
        """Column name → kind (time, number, bool, text) of a table or view."""

    def epoch_us(self, expr: str) -> str | None:
        """SQL giving a timestamp as whole microseconds since 1970, None when the engine has no exact form."""

    def money_units(self, expr: str) -> str | None:
        """SQL giving an amount in whole ten-thousandths as a double, rounded as a cast to DECIMAL(18,4) rounds;
        None when the engine has no such form."""

    def may_repeat(self, relation: str, column: str) -> bool:
        """False only when no non-null value of the column occurs twice (True: look with SQL)."""

    def parse_time(self, text: str) -> str:
        """SQL parsing a text expression into a timestamp, NULL when it is not a date."""

    def parse_number(self, text: str) -> str:
        """SQL parsing a text expression into a double, NULL when it is not a number."""

    def is_nan(self, expr: str) -> str:
        """SQL that is true for NaN."""


class DuckDBEngine:
    """Embedded DuckDB in memory; data files are loaded into it by the metrics stage."""

    name = "duckdb"
    row_numbers = True

    def __init__(self, memory_limit: str = "") -> None:
        import os
        import tempfile

        import duckdb

        # Every core, and a cap of half the machine's memory, at most 12 GiB: DuckDB spills big aggregates to disk
        # past it (in a private temporary folder, not a .tmp in the user's working directory). The cap is room, not
        # use: on 100 million orders and 24 GB the buyer table is then one pass of 17-21 s at a 5.5 GB peak, where
        # a third (at most 6 GiB) took two passes (25 s) and 7 GB spilled one (37 s).
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        limit_mb = max(512, min(memory // 2, 12 << 30) >> 20)
        self.spill = tempfile.mkdtemp(prefix="drafter-duckdb-")
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        self.con = duckdb.connect(":memory:", config={
            "threads": cores, "memory_limit": memory_limit or f"{limit_mb}MB", "temp_directory": self.spill})
        # DuckDB draws a progress bar over long queries when it thinks it is interactive (it did under python -c);
        # it must never mix with a command's own output.
        self.con.execute("SET enable_progress_bar = false")

    def query(self, sql: str):
        """Run SQL and return a pandas DataFrame."""
        return self.con.execute(sql).df()

    def execute(self, sql: str) -> None:
        """Run SQL for its effect."""
        self.con.execute(sql)

    def register(self, name: str, frame) -> None:
        """Expose a pandas DataFrame as a table."""
        self.con.register(name, frame)

    def columns(self, relation: str) -> dict[str, str]:
        """Column name → kind of a table or view."""
        rows = self.con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
        return {name: type_kind(sql_type) for name, sql_type, *_ in rows}

    def read_csv(self, name: str, path: Path) -> None:
        """Load a UTF-8 CSV as text columns, keeping the file's row order (row 2 is the first data row)."""
        quoted = str(path).replace("'", "''")
        self.con.execute(
            f"CREATE OR REPLACE TABLE {name} AS SELECT row_number() OVER () + 1 AS _row, * "
            f"FROM read_csv('{quoted}', all_varchar=true, header=true)"
        )

    def read_parquet(self, name: str, path: Path) -> None:
        """Expose a Parquet file as a view with its typed columns; nothing is copied."""
        quoted = str(path).replace("'", "''")
        self.con.execute(
            f"CREATE OR REPLACE VIEW {name} AS SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS _row "
            f"FROM read_parquet('{quoted}', file_row_number=true)"
        )

    def read_frame(self, name: str, frame) -> None:
        """Copy a pandas DataFrame (an Excel sheet) into a table; row 2 is the first data row."""
        frame = frame.copy()
        frame.insert(0, "_row", range(2, len(frame) + 2))
        self.con.register(f"{name}_frame", frame)
        self.con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_frame")
        self.con.unregister(f"{name}_frame")

    def epoch_us(self, expr: str) -> str | None:
        """SQL giving a timestamp as whole microseconds since 1970."""
        # DuckDB's own; the warehouses' forms differ (and some count seconds in a double): they take a join instead.
        return f"epoch_us({expr})"

    def money_units(self, expr: str) -> str | None:
        """SQL giving an amount in whole ten-thousandths as a double."""
        # DuckDB casts a double to DECIMAL(18,4) as round(x * 10000), halves away from zero, as round does.
        return f"round({expr} * 10000)"

    def may_repeat(self, relation: str, column: str) -> bool:
        """Whether two non-null values might be equal: counts distinct 64-bit hashes (a collision costs a query)."""
        import polars as pl

        # On 100 million ids DuckDB's GROUP BY took 10 s and numpy's sort of the hashes 5 s (its AVX-512 sort is slow
        # on AMD EPYC); polars' parallel distinct count takes 2 s.
        hashes = self.con.execute(f"SELECT hash({column}) AS h FROM {relation} WHERE {column} IS NOT NULL"
                                  ).fetchnumpy()["h"]
        return pl.Series(hashes).n_unique() < len(hashes)

    def parse_time(self, text: str) -> str:
        """SQL parsing text into a timestamp."""
        return parse_time(text)

    def parse_number(self, text: str) -> str:
        """SQL parsing text into a double."""
        # DuckDB's TRY_CAST is safe as it is, and it reads NaN, which the NaN check then names as non-numeric.
        return f"TRY_CAST({text} AS DOUBLE)"

    def is_nan(self, expr: str) -> str:
        """SQL that is true for NaN."""
        return f"isnan({expr})"

    def close(self) -> None:
        """Release the connection and its spill folder."""
        import shutil

        self.con.close()
        shutil.rmtree(self.spill, ignore_errors=True)


URL_FORMS = ("duckdb://?memory_limit=4GB", "postgresql://user@host:5432/db", "mysql://user@host:3306/db",
             "spark://local/db", "spark://host:7077/db", "sc://host:15002/db")


def _duckdb_options(url: str) -> dict[str, str]:
    """The options of a duckdb:// URL: embedded DuckDB over the data folder, with a memory cap of the user's."""
    import re
    from urllib.parse import parse_qsl, urlsplit

    parts = urlsplit(url)
    options = dict(parse_qsl(parts.query))
    if parts.netloc or parts.path.strip("/") or set(options) - {"memory_limit"}:
        raise UserError(f"metrics engine URL {redact(url)!r}: embedded DuckDB reads the data folder and takes one "
                        f"option, e.g. duckdb://?memory_limit=4GB")
    limit = options.get("memory_limit")
    # DuckDB itself reads a negative size as no cap at all: only a plain size is let through.
    if limit is not None and not re.fullmatch(r"\d+(\.\d+)?\s*([KMGT]i?B|B)", limit, re.IGNORECASE):
        raise UserError(f"metrics engine URL {redact(url)!r}: memory_limit {limit!r} is not a size; "
                        f"write it like 4GB or 512MB")
    return options


def make_engine(url: str = ""):
    """The engine the config asks for; embedded DuckDB when no URL is set."""
    if not url:
        return DuckDBEngine()
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme == "duckdb":
        return DuckDBEngine(**_duckdb_options(url))
    if scheme in ("postgresql", "postgres"):
        from drafter.backends.warehouse import PostgresEngine

        return PostgresEngine(url)
    if scheme in ("mysql", "mariadb"):
        from drafter.backends.warehouse import MySQLEngine

        return MySQLEngine(url)
    if scheme in ("spark", "sc"):
        from drafter.backends.spark import SparkEngine

        return SparkEngine(url)
    raise UserError(f"metrics engine URL {redact(url)!r} is not supported: use one of {', '.join(URL_FORMS)}, "
                    f"or leave [metrics] engine_url empty for embedded DuckDB")
