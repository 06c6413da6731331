"""Spark SQL as a metrics engine: an in-process local Spark, a standalone cluster, or a Spark Connect server."""

from __future__ import annotations

from urllib.parse import unquote

from drafter.backends.dialects import parse, render
from drafter.backends.sql import redact, type_kind
from drafter.backends.warehouse import Warehouse
from drafter.errors import UserError


def spark_session(url: str):
    """The Spark session a URL names (spark://local[N], spark://host:7077 or sc://host:15002), and its database.

    A session already running in this process is reused: a local Spark takes seconds to start.
    """
    from pyspark.sql import SparkSession

    # Split by hand: urlsplit rejects the brackets of local[4].
    scheme, _, rest = url.partition("://")
    netloc, _, path = rest.partition("/")
    path, _, params = path.partition(";")
    database = unquote(path.strip("/")) or "default"
    if scheme.lower() == "sc":
        builder = SparkSession.builder.remote(f"sc://{netloc}/" + (f";{params}" if params else ""))
    elif netloc.startswith("local"):
        # Few shuffle partitions: the default 200 makes each small query hundreds of tasks on a laptop.
        builder = SparkSession.builder.master(netloc).config("spark.sql.shuffle.partitions", "8") \
            .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
    else:
        builder = SparkSession.builder.master(f"spark://{netloc}")
    session = builder.appName("drafter").getOrCreate()
    session.conf.set("spark.sql.session.timeZone", "UTC")  # timestamps must not shift with the machine's zone
    return session, database


class SparkEngine(Warehouse):
    """Spark SQL; the schema is the URL's database (default: default)."""

    name, dialect = "spark", "spark"

    def __init__(self, url: str) -> None:
        try:
            import pyspark  # noqa: F401
        except ImportError as exc:
            raise UserError("a Spark engine URL is set but pyspark is not installed: pip install 'drafter[spark]' "
                            "(a local Spark also needs a Java 17+ runtime, e.g. apt-get install "
                            "default-jre-headless)") from exc
        try:
            self.spark, self.schema = spark_session(url)
        except Exception as exc:  # pyspark raises its own errors for a missing Java, a refused connection…
            raise UserError(f"cannot start or reach Spark at {redact(url)}: {str(exc).strip().splitlines()[0]}. "
                            f"A local Spark needs Java 17+ (apt-get install default-jre-headless).") from exc
        if not self.spark.catalog.databaseExists(self.schema):
            raise UserError(f"{redact(url)}: Spark has no database {self.schema!r}; name the one holding the orders "
                            f"table, e.g. spark://local/sales")
        self.temporary: set[str] = set()

    def compile(self, sql: str) -> str:
        """The statement in Spark's dialect; a temporary table becomes a cached temporary view."""
        from sqlglot import exp

        tree = parse(sql)
        if isinstance(tree, exp.Create) and tree.find(exp.TemporaryProperty):
            self.temporary.add(tree.this.name)
            if tree.kind == "TABLE":
                # Spark has no temporary tables, and SQLGlot makes them plain views, computed again at each use;
                # CACHE TABLE … AS computes the rows once, as a temporary table would.
                return f"CACHE TABLE {render(tree.this, self.dialect)} AS {render(tree.expression, self.dialect)}"
        return render(tree, self.dialect)

    def fetch(self, sql: str) -> tuple[list[str], list]:
        """Run compiled SQL; column names and rows."""
        frame = self.spark.sql(sql)
        return frame.columns, frame.collect()

    def tables(self) -> dict[str, str]:
        """Lower-cased name → actual name of the tables and views in the database."""
        return {t.name.lower(): t.name for t in self.spark.catalog.listTables(self.schema) if not t.isTemporary}

    def columns(self, relation: str) -> dict[str, str]:
        """Column name → kind of a table, in table order."""
        fields = self.spark.sql(self.compile(f"SELECT * FROM {relation} LIMIT 0")).schema.fields
        return {f.name: type_kind(f.dataType.simpleString()) for f in fields}

    def close(self) -> None:
        """Drop this run's temporary views; the session stays for the process (it ends with it)."""
        for name in self.temporary:
            self.spark.catalog.dropTempView(name)
