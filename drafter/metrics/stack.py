"""Several orders sources as one table, what each source holds, and which channels carry buyer accounts."""

from __future__ import annotations

from drafter.errors import UserError
from drafter.metrics.exports import FileReport
from drafter.metrics.schema import NUMBER_COLUMNS, TIME_COLUMNS


def _null_type(column: str) -> str:
    return "TIMESTAMP" if column in TIME_COLUMNS else "DOUBLE PRECISION" if column in NUMBER_COLUMNS else "VARCHAR"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def stack(engine, table: str, group: list[tuple[str, set[str], str]], columns: set[str]) -> None:
    """One table from (name, canonical columns, relation) sources, e.g. orders.csv, 订单.csv and the exports;
    an order id may appear in one of them only."""
    from drafter.metrics.schema import SCHEMA

    wanted = [c for c in SCHEMA[table] if c in columns]

    def cell(column: str, names: set[str]) -> str:
        return column if column in names else f"CAST(NULL AS {_null_type(column)}) AS {column}"

    selects = [f"SELECT {', '.join(cell(c, names) for c in wanted)}, {_literal(name)} AS _source FROM {relation}"
               for name, names, relation in group]
    engine.execute(f"CREATE OR REPLACE TABLE {table} AS {' UNION ALL '.join(selects)}")
    if table != "orders":
        return
    dups = engine.query("SELECT order_id, string_agg(DISTINCT _source, ' and ') AS files FROM orders "
                        "GROUP BY order_id HAVING COUNT(*) > 1 ORDER BY order_id LIMIT 5")
    if len(dups):
        sample = "; ".join(f"{r.order_id} in {r.files}" for r in dups.itertuples())
        raise UserError(f"the same order ids appear in more than one orders source ({sample}). Keep each order in "
                        f"one file: remove the copy (e.g. an orders.csv made from the exports beside them).")


def describe_source(engine, name: str, table: str, mapping: dict[str, str], relation: str) -> FileReport:
    """What a canonical table file holds, for `drafter data check`."""
    report = FileReport(name, table=table, columns=dict(mapping))
    if table != "orders":
        report.rows = int(engine.query(f"SELECT COUNT(*) AS n FROM {relation}")["n"][0])
        return report
    row = engine.query(
        f"""SELECT COUNT(*) AS n, COUNT(DISTINCT order_id) AS orders,
                   COUNT(CASE WHEN status <> 'cancelled' THEN 1 END) AS paid,
                   COUNT(CASE WHEN status = 'cancelled' THEN 1 END) AS cancelled,
                   COUNT(CASE WHEN status = 'refunded' THEN 1 END) AS refunded,
                   MIN(CASE WHEN status <> 'cancelled' THEN order_time END) AS first,
                   MAX(CASE WHEN status <> 'cancelled' THEN order_time END) AS last FROM {relation}"""
    ).to_dict("records")[0]
    report.rows, report.orders, report.paid = int(row["n"]), int(row["orders"]), int(row["paid"])
    report.cancelled, report.refunded = int(row["cancelled"]), int(row["refunded"])
    if report.paid:
        report.first, report.last = f"{row['first']:%Y-%m-%d %H:%M:%S}", f"{row['last']:%Y-%m-%d %H:%M:%S}"
    if "channel" in mapping:
        frame = engine.query(f"SELECT channel, COUNT(*) AS n FROM {relation} WHERE status <> 'cancelled' "
                             f"GROUP BY channel ORDER BY channel")
        report.channels = {str(c): int(n) for c, n in zip(frame["channel"], frame["n"], strict=True)}
    if report.cancelled:
        report.excluded["orders cancelled (status column)"] = report.cancelled
    report.buyer = mapping.get("user_id")
    return report


def partly_covered(engine, reports: list[FileReport], periods) -> dict[str, str]:
    """Earlier periods that platform exports cover only in part (label → why): exports are downloaded for a chosen
    date range, so a year whose first weeks hold no orders is a cut, not a slow start, and no base for a change."""
    if not any(r.platform and r.table == "orders" for r in reports):
        return {}
    first = engine.query("SELECT MIN(order_time) AS t FROM orders WHERE status <> 'cancelled'")["t"][0]
    if first is None or first != first:  # no paid orders (NaT)
        return {}
    first = first.date()
    return {p.label: f"the orders start on {first:%Y-%m-%d}, so {p.label} is only partly covered"
            for p in periods if first > p.start + (p.end - p.start) / 12}
