"""The metric SQL is written once, in DuckDB's dialect; SQLGlot compiles it for every other engine."""

from __future__ import annotations

from functools import cache

# The definitions' own dialect: DuckDB runs them as written, the fastest path stays untouched.
BASE = "duckdb"


@cache
def _dialects() -> dict:
    """SQLGlot's dialects, each with the one gap it leaves for the definitions filled (see the comments)."""
    from sqlglot import exp
    from sqlglot.dialects.mysql import MySQL
    from sqlglot.dialects.spark import Spark

    class SparkSQL(Spark):
        class Generator(Spark.Generator):
            # SQLGlot writes TO_TIMESTAMP even for a safe parse, and that raises on a bad value under Spark's ANSI
            # mode (the default since 4.0); TRY_TO_TIMESTAMP returns NULL as DuckDB's TRY_STRPTIME does.
            TRANSFORMS = {**Spark.Generator.TRANSFORMS, exp.StrToTime: lambda self, e: self.func(
                "TRY_TO_TIMESTAMP" if e.args.get("safe") else "TO_TIMESTAMP", e.this, self.format_time(e))}

    def _mysql_str_to_time(self, e) -> str:
        # STR_TO_DATE gives 2025-02-30 as it reads it; a cast from text refuses what is not a real date, as DuckDB does.
        parsed = self.func("STR_TO_DATE", e.this, self.format_time(e))
        return f"CAST(CAST({parsed} AS CHAR) AS DATETIME)" if e.args.get("safe") else parsed

    class MySQLProtocol(MySQL):
        class Generator(MySQL.Generator):
            # SQLGlot writes REGEXP_LIKE(), which MySQL 8 has but MariaDB does not; the REGEXP operator is in
            # MySQL, MariaDB, TiDB, StarRocks and Doris alike.
            TRANSFORMS = {**MySQL.Generator.TRANSFORMS, exp.RegexpLike: lambda self, e: self.binary(e, "REGEXP"),
                          exp.StrToTime: _mysql_str_to_time}

    return {"spark": SparkSQL, "mysql": MySQLProtocol, "postgres": "postgres"}


def _safe_strptime(node):
    """DuckDB's try_strptime(text, format) as SQLGlot's safe string-to-time, which it knows how to write elsewhere."""
    from sqlglot import exp

    # SQLGlot's DuckDB reader leaves TRY_STRPTIME an unknown function, so other dialects would get it verbatim.
    if isinstance(node, exp.Anonymous) and node.name.upper() == "TRY_STRPTIME" and len(node.expressions) == 2:
        return exp.StrToTime(this=node.expressions[0], format=node.expressions[1], safe=True)
    return node


def parse(sql: str):
    """The syntax tree of one statement in the base dialect."""
    import sqlglot

    return sqlglot.parse_one(sql, read=BASE).transform(_safe_strptime)


def render(tree, dialect: str) -> str:
    """A syntax tree as SQL for an engine."""
    from sqlglot import ErrorLevel

    return tree.sql(dialect=_dialects()[dialect], unsupported_level=ErrorLevel.RAISE)


@cache
def transpile(sql: str, dialect: str) -> str:
    """One statement of the definitions, compiled for an engine's dialect."""
    return render(parse(sql), dialect)
