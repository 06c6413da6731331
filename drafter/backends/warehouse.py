"""Warehouse engines over a database connection: PostgreSQL, and the MySQL protocol (MySQL, MariaDB, TiDB, StarRocks,
Doris). The team's tables stay in the warehouse; the metric SQL, compiled by SQLGlot, runs there."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from drafter.backends.dialects import parse, render, transpile
from drafter.backends.sql import NUMBER, TEXT, TIME, parse_number, parse_time, quote, redact, type_kind
from drafter.errors import UserError


def frame_of(names: list[str], rows: list) -> object:
    """Rows as a pandas DataFrame, exact decimals as floats (the metrics stage's one number type)."""
    from decimal import Decimal

    import pandas as pd

    frame = pd.DataFrame([tuple(r) for r in rows], columns=names)
    for name in names:
        if len(frame) and frame[name].map(lambda v: isinstance(v, Decimal)).any():
            frame[name] = frame[name].map(lambda v: float(v) if v is not None else None).astype(float)
    return frame


class Warehouse:
    """What every warehouse engine shares: definitions compiled for its dialect, results as pandas."""

    name = dialect = schema = ""
    row_numbers = False  # warehouse tables have no row order: rows are named by their order id

    def compile(self, sql: str) -> str:
        """The base-dialect statement in the engine's dialect."""
        return transpile(sql, self.dialect)

    def fetch(self, sql: str) -> tuple[list[str], list]:
        """Run compiled SQL; column names and rows."""
        raise NotImplementedError

    def query(self, sql: str):
        """Run SQL and return a pandas DataFrame."""
        return frame_of(*self.fetch(self.compile(sql)))

    def execute(self, sql: str) -> None:
        """Run SQL for its effect."""
        self.fetch(self.compile(sql))

    def relation(self, table: str) -> str:
        """The schema-qualified name of a warehouse table."""
        return f"{quote(self.schema)}.{quote(table)}"

    def epoch_us(self, expr: str) -> str | None:
        """No exact form compiled for the warehouses: the caller checks with a join instead."""
        return None

    def money_units(self, expr: str) -> str | None:
        """None: the warehouses round halves their own ways, so amounts are summed as DECIMAL there."""
        return None

    def may_repeat(self, relation: str, column: str) -> bool:
        """Whether two non-null values are equal, from one count (the caller's IN query is slow on MariaDB)."""
        return bool(self.query(f"SELECT COUNT({column}) - COUNT(DISTINCT {column}) AS d FROM {relation}")["d"][0])

    def parse_time(self, text: str) -> str:
        """SQL parsing text into a timestamp."""
        return parse_time(text)

    def parse_number(self, text: str) -> str:
        """SQL parsing text into a double."""
        return parse_number(text)

    def is_nan(self, expr: str) -> str:
        """SQL that is true for NaN."""
        return f"isnan({expr})"


# PostgreSQL has no cast or date parser that returns NULL on a bad value (TO_TIMESTAMP raises on 2025-02-30), so no
# library can compile a safe one: a session-local function turns a failed parse into NULL.
_PG_TIME = r"""
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
"""


class PostgresEngine(Warehouse):
    """A PostgreSQL warehouse; the schema is the connection's search_path."""

    name, dialect = "postgresql", "postgres"

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError as exc:
            raise UserError("a PostgreSQL engine URL is set but psycopg is not installed: "
                            "pip install 'drafter[postgres]' (or psycopg[binary])") from exc
        try:
            self.con = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise UserError(f"cannot connect to the metrics engine {redact(url)}: {str(exc).strip()}") from exc
        self.schema = self.con.execute("SELECT current_schema()").fetchone()[0]
        if self.schema is None:
            self.con.close()
            raise UserError(f"{redact(url)}: its search_path names no existing schema; "
                            f"point options=-csearch_path=SCHEMA at the schema holding the orders table")
        self.con.execute("SET TIME ZONE 'UTC'")  # timestamps without zone must not shift
        self.con.execute(_PG_TIME)

    def fetch(self, sql: str) -> tuple[list[str], list]:
        """Run compiled SQL; column names and rows."""
        cursor = self.con.execute(sql)
        if cursor.description is None:
            return [], []
        return [c.name for c in cursor.description], cursor.fetchall()

    def tables(self) -> dict[str, str]:
        """Lower-cased name → actual name of the tables and views in the current schema."""
        rows = self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (self.schema,)
        ).fetchall()
        return {name.lower(): name for (name,) in rows}

    def columns(self, relation: str) -> dict[str, str]:
        """Column name → kind of a table, in table order."""
        cursor = self.con.execute(self.compile(f"SELECT * FROM {relation} LIMIT 0"))
        types = {oid: name for oid, name in self.con.execute(
            "SELECT oid, typname FROM pg_type WHERE oid = ANY(%s)", ([c.type_code for c in cursor.description],)
        ).fetchall()}
        return {c.name: type_kind(types.get(c.type_code, "text")) for c in cursor.description}

    def parse_time(self, text: str) -> str:
        """SQL parsing text into a timestamp (the session function above)."""
        return f"pg_temp.drafter_time({text})"

    def is_nan(self, expr: str) -> str:
        """SQL that is true for NaN."""
        return f"({expr} = CAST('NaN' AS DOUBLE))"

    def close(self) -> None:
        """Release the connection (temporary views go with it)."""
        self.con.close()


# MySQL's wire type codes (pymysql.constants.FIELD_TYPE) by kind; anything else is text.
_MYSQL_KINDS = {**dict.fromkeys((0, 1, 2, 3, 4, 5, 8, 9, 13, 246), NUMBER), **dict.fromkeys((7, 10, 12, 14), TIME)}


class MySQLEngine(Warehouse):
    """A server speaking the MySQL protocol; the schema is the URL's database."""

    name, dialect = "mysql", "mysql"

    def __init__(self, url: str) -> None:
        try:
            import pymysql
        except ImportError as exc:
            raise UserError("a MySQL engine URL is set but PyMySQL is not installed: "
                            "pip install 'drafter[mysql]' (or pymysql)") from exc
        parts = urlsplit(url)
        self.schema = unquote(parts.path.strip("/"))
        if not self.schema:
            raise UserError(f"{redact(url)}: name the database holding the orders table, e.g. mysql://user@host:3306/sales")
        try:
            self.con = pymysql.connect(host=parts.hostname or "127.0.0.1", port=parts.port or 3306,
                                       user=unquote(parts.username or "root"), password=unquote(parts.password or ""),
                                       database=self.schema, charset="utf8mb4", autocommit=True, connect_timeout=10)
        except pymysql.Error as exc:
            raise UserError(f"cannot connect to the metrics engine {redact(url)}: {exc.args[-1]}") from exc
        # Not strict: a strict mode turns the warning of each date format tried and not matching into an error inside
        # CREATE ... SELECT; but no zero day or month: STR_TO_DATE would read 2025-07 as 2025-07-00. Dates without
        # zone must not shift.
        self.fetch("SET SESSION sql_mode = 'NO_ZERO_IN_DATE,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION'")
        self.fetch("SET time_zone = '+00:00'")
        # MySQL has no temporary views: their definitions are kept here and put into each statement as derived tables.
        self.views: dict = {}

    def compile(self, sql: str) -> str:
        """The statement in MySQL's dialect with the temporary views expanded; empty for a view's definition."""
        from sqlglot import exp

        tree = parse(sql).transform(self._expand)
        if isinstance(tree, exp.Create) and tree.kind == "VIEW" and tree.find(exp.TemporaryProperty):
            self.views[tree.this.name] = tree.expression
            return ""
        return render(tree, self.dialect)

    def _expand(self, node):
        from sqlglot import exp

        if isinstance(node, exp.Table) and not node.db and node.name in self.views:
            alias = exp.TableAlias(this=exp.to_identifier(node.alias_or_name))
            return exp.Subquery(this=self.views[node.name].copy(), alias=alias)
        return node

    def fetch(self, sql: str) -> tuple[list[str], list]:
        """Run compiled SQL; column names and rows."""
        if not sql:
            return [], []
        with self.con.cursor() as cursor:
            cursor.execute(sql)
            if cursor.description is None:
                return [], []
            return [d[0] for d in cursor.description], list(cursor.fetchall())

    def tables(self) -> dict[str, str]:
        """Lower-cased name → actual name of the tables and views in the database."""
        _, rows = self.fetch(f"SELECT table_name FROM information_schema.tables WHERE table_schema = "
                             f"'{self.schema.replace(chr(39), chr(39) * 2)}'")
        return {name.lower(): name for (name,) in rows}

    def columns(self, relation: str) -> dict[str, str]:
        """Column name → kind of a table, in table order."""
        with self.con.cursor() as cursor:
            cursor.execute(self.compile(f"SELECT * FROM {relation} LIMIT 0"))
            return {d[0]: _MYSQL_KINDS.get(d[1], TEXT) for d in cursor.description}

    def is_nan(self, expr: str) -> str:
        """MySQL doubles hold no NaN."""
        return "FALSE"

    def close(self) -> None:
        """Release the connection (temporary tables go with it)."""
        self.con.close()
