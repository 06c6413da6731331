"""Metrics engines: the same metric SQL on embedded DuckDB (default) or on a PostgreSQL warehouse."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol

from drafter.errors import UserError

# Source column types, reduced to what the canonical casts need to know.
TIME, NUMBER, BOOL, TEXT = "time", "number", "bool", "text"
_NUMERIC = re.compile(r"^(u?(tiny|small|big|huge)?int(eger)?\d*|float\d*|double|decimal|numeric|real|money)\b")


def type_kind(sql_type: str) -> str:
    """time, number, bool or text for an engine's type name."""
    lowered = sql_type.lower()
    if lowered.startswith(("timestamp", "date")):
        return TIME
    if _NUMERIC.match(lowered):
        return NUMBER
    return BOOL if lowered.startswith("bool") else TEXT


def quote(name: str) -> str:
    """A double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


class Engine(Protocol):
    """What the metrics stage needs from an engine."""

    name: str

    def query(self, sql: str):
        """Run SQL and return a pandas DataFrame."""

    def execute(self, sql: str) -> None:
        """Run SQL for its effect."""

    def columns(self, relation: str) -> dict[str, str]:
        """Column name → kind (time, number, bool, text) of a table or view."""

    def two_smallest(self, expr: str) -> str | None:
        """SQL aggregate giving a list of the two smallest values (ties count twice), None when the engine has none."""

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

    def __init__(self) -> None:
        import os
        import tempfile

        import duckdb

        # Every core, and a cap well under the machine's memory: DuckDB spills big aggregates to disk past it
        # (in a private temporary folder, not a .tmp in the user's working directory).
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        limit_mb = max(512, min(memory // 4, 4 << 30) >> 20)
        self.spill = tempfile.mkdtemp(prefix="drafter-duckdb-")
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        self.con = duckdb.connect(":memory:", config={
            "threads": cores, "memory_limit": f"{limit_mb}MB", "temp_directory": self.spill})
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

    def two_smallest(self, expr: str) -> str | None:
        """SQL aggregate giving a list of the two smallest values (ties count twice)."""
        return f"min({expr}, 2)"

    def may_repeat(self, relation: str, column: str) -> bool:
        """Whether two non-null values might be equal: sorts their 64-bit hashes (a collision only costs a query)."""
        import numpy as np

        # A GROUP BY over ten million distinct ids takes seconds; sorting their hashes takes a fraction of one.
        hashes = self.con.execute(f"SELECT hash({column}) AS h FROM {relation} WHERE {column} IS NOT NULL"
                                  ).fetchnumpy()["h"]
        hashes.sort()
        return bool(np.any(hashes[1:] == hashes[:-1]))

    def parse_time(self, text: str) -> str:
        """SQL parsing text into a timestamp with the formats real exports use."""
        from drafter.metrics.schema import TIMESTAMP_FORMATS

        formats = ", ".join(f"'{f}'" for f in TIMESTAMP_FORMATS)
        return f"COALESCE(TRY_CAST({text} AS TIMESTAMP), try_strptime({text}, [{formats}]))"

    def parse_number(self, text: str) -> str:
        """SQL parsing text into a double."""
        return f"TRY_CAST({text} AS DOUBLE)"

    def is_nan(self, expr: str) -> str:
        """SQL that is true for NaN."""
        return f"isnan({expr})"

    def close(self) -> None:
        """Release the connection and its spill folder."""
        import shutil

        self.con.close()
        shutil.rmtree(self.spill, ignore_errors=True)


# PostgreSQL has no TRY_CAST: a session-local function turns a failed cast into NULL.
_PG_HELPERS = r"""
CREATE OR REPLACE FUNCTION pg_temp.drafter_time(t text) RETURNS timestamp LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF t IS NULL OR t = '' THEN RETURN NULL; END IF;
    IF t ~ '^\d{4}年\d{1,2}月\d{1,2}日$' THEN RETURN to_date(t, 'YYYY"年"MM"月"DD"日"')::timestamp; END IF;
    IF t ~ '^\d{4}[-/]\d{1,2}$' THEN RETURN CAST(replace(t, '/', '-') || '-01' AS timestamp); END IF;
    IF t ~ '^\d{4}[-/]\d{1,2}[-/]\d{1,2}([ T]\d{1,2}:\d{1,2}(:\d{1,2}(\.\d+)?)?)?$' OR t ~ '^\d{8}$' THEN
        RETURN CAST(replace(t, '/', '-') AS timestamp);
    END IF;
    RETURN NULL;
EXCEPTION WHEN others THEN RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION pg_temp.drafter_number(t text) RETURNS double precision LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF t ~ '^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$' THEN RETURN CAST(t AS double precision); END IF;
    RETURN NULL;
EXCEPTION WHEN others THEN RETURN NULL;
END $$;
"""


class PostgresEngine:
    """A PostgreSQL warehouse: the team's tables stay there and the metric SQL runs in place."""

    name = "postgresql"
    row_numbers = False

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError as exc:
            raise UserError("a PostgreSQL engine URL is set but psycopg is not installed: "
                            "pip install 'drafter[postgres]' (or psycopg[binary])") from exc
        try:
            self.con = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise UserError(f"cannot connect to the metrics engine {_redact(url)}: {str(exc).strip()}") from exc
        self.schema = self.con.execute("SELECT current_schema()").fetchone()[0]
        if self.schema is None:
            self.con.close()
            raise UserError(f"{_redact(url)}: its search_path names no existing schema; "
                            f"point options=-csearch_path=SCHEMA at the schema holding the orders table")
        self.con.execute("SET TIME ZONE 'UTC'")  # timestamps without zone must not shift
        self.con.execute(_PG_HELPERS)

    def query(self, sql: str):
        """Run SQL and return a pandas DataFrame (numeric columns as floats)."""
        from decimal import Decimal

        import pandas as pd

        cursor = self.con.execute(sql)
        names = [c.name for c in cursor.description]
        frame = pd.DataFrame(cursor.fetchall(), columns=names)
        for name in names:
            if len(frame) and frame[name].map(lambda v: isinstance(v, Decimal)).any():
                frame[name] = frame[name].map(lambda v: float(v) if v is not None else None).astype(float)
        return frame

    def execute(self, sql: str) -> None:
        """Run SQL for its effect."""
        self.con.execute(sql)

    def tables(self) -> dict[str, str]:
        """Lower-cased name → actual name of the tables and views in the current schema."""
        rows = self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (self.schema,)
        ).fetchall()
        return {name.lower(): name for (name,) in rows}

    def relation(self, table: str) -> str:
        """The schema-qualified name of a warehouse table."""
        return f"{quote(self.schema)}.{quote(table)}"

    def columns(self, relation: str) -> dict[str, str]:
        """Column name → kind of a table, in table order."""
        cursor = self.con.execute(f"SELECT * FROM {relation} LIMIT 0")
        types = {oid: name for oid, name in self.con.execute(
            "SELECT oid, typname FROM pg_type WHERE oid = ANY(%s)", ([c.type_code for c in cursor.description],)
        ).fetchall()}
        return {c.name: type_kind(types.get(c.type_code, "text")) for c in cursor.description}

    def two_smallest(self, expr: str) -> str | None:
        """PostgreSQL has no such aggregate: the caller checks with a join instead."""
        return None

    def may_repeat(self, relation: str, column: str) -> bool:
        """Always worth asking the warehouse itself."""
        return True

    def parse_time(self, text: str) -> str:
        """SQL parsing text into a timestamp."""
        return f"pg_temp.drafter_time({text})"

    def parse_number(self, text: str) -> str:
        """SQL parsing text into a double."""
        return f"pg_temp.drafter_number({text})"

    def is_nan(self, expr: str) -> str:
        """SQL that is true for NaN."""
        return f"({expr} = 'NaN'::double precision)"

    def close(self) -> None:
        """Release the connection (temporary views go with it)."""
        self.con.close()


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


def make_engine(url: str = ""):
    """The engine the config asks for; embedded DuckDB when no URL is set."""
    if not url:
        return DuckDBEngine()
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresEngine(url)
    raise UserError(f"metrics engine URL {_redact(url)!r} is not supported: use postgresql://user@host:port/db, "
                    f"or leave [metrics] engine_url empty for embedded DuckDB")
