"""Metrics engines: run the metric SQL on embedded DuckDB (default) or another SQL engine."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from drafter.errors import UserError


class Engine(Protocol):
    """What the metrics stage needs from an engine."""

    name: str

    def query(self, sql: str):
        """Run SQL and return a pandas DataFrame."""

    def execute(self, sql: str) -> None:
        """Run SQL for its effect."""

    def register(self, name: str, frame) -> None:
        """Expose a pandas DataFrame as a table."""


class DuckDBEngine:
    """Embedded DuckDB in memory; data files are loaded into it by the metrics stage."""

    name = "duckdb"

    def __init__(self) -> None:
        import duckdb

        self.con = duckdb.connect(":memory:")

    def query(self, sql: str):
        """Run SQL and return a pandas DataFrame."""
        return self.con.execute(sql).df()

    def execute(self, sql: str) -> None:
        """Run SQL for its effect."""
        self.con.execute(sql)

    def register(self, name: str, frame) -> None:
        """Expose a pandas DataFrame as a table."""
        self.con.register(name, frame)

    def read_csv(self, name: str, path: Path) -> None:
        """Load a UTF-8 CSV as text columns, keeping the file's row order."""
        quoted = str(path).replace("'", "''")
        self.con.execute(
            f"CREATE OR REPLACE TABLE {name} AS SELECT row_number() OVER () + 1 AS _row, * "
            f"FROM read_csv('{quoted}', all_varchar=true, header=true)"
        )

    def read_parquet(self, name: str, path: Path) -> None:
        """Load a Parquet file."""
        quoted = str(path).replace("'", "''")
        self.con.execute(
            f"CREATE OR REPLACE TABLE {name} AS SELECT row_number() OVER () + 1 AS _row, * "
            f"FROM read_parquet('{quoted}')"
        )


def make_engine(url: str = "") -> DuckDBEngine:
    """The engine the config asks for; embedded DuckDB when no URL is set."""
    if url:
        raise UserError(f"metrics engine URL {url!r} is not supported yet; remove it to use embedded DuckDB")
    return DuckDBEngine()
