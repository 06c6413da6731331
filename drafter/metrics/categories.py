"""Category values of a period from order lines: GMV and orders per category, and the share of GMV that found one.

A category's GMV is the sum of its lines' paid amounts as the platform states them (an order total where all of
an order's lines share one category and the platform states no line amounts); paid orders only, refunded ones
included, as in GMV. Shipping and unmatched codes belong to no category, so categories add up to the coverage."""

from __future__ import annotations

from drafter.metrics.lines import UNCATEGORISED
from drafter.metrics.schema import MONEY
from drafter.metrics.values import Values, between, put, ratio
from drafter.periods import Period

# Below this share of GMV found in a category, the breakdown is partial and every draft says so.
FULL_COVERAGE = 95.0


def category_rows(engine, period: Period | None = None):
    """(category, gmv, orders) of paid orders, largest first; 未分类 included."""
    when = f"AND {between('o.order_time', period)}" if period else ""
    return engine.query(
        f"""SELECT c.category, SUM(CAST(COALESCE(c.amount, o.amount) AS {MONEY})) AS gmv,
                   COUNT(DISTINCT o.order_id) AS orders
            FROM order_categories c JOIN orders o ON o.order_id = c.order_id
            WHERE o.status <> 'cancelled' {when} GROUP BY c.category ORDER BY gmv DESC, c.category""")


def add_categories(engine, period: Period, values: Values, has_lines: bool) -> None:
    """GMV, orders and order value per category, and the coverage; nothing when the orders carry categories
    themselves (then the sales scan gives them) or no order lines were read."""
    if not has_lines or any(d.startswith("category=") for (_m, d) in values):
        return
    total = values.get(("gmv", ""))
    frame = category_rows(engine, period)
    found = 0.0
    for row in frame.to_dict("records"):
        gmv = float(row["gmv"] or 0)
        if row["category"] == UNCATEGORISED or not gmv:
            continue
        found += gmv
        dim = f"category={row['category']}"
        put(values, "gmv", dim, gmv)
        put(values, "orders", dim, row["orders"])
        put(values, "aov", dim, ratio(gmv, row["orders"]))
    if total:
        put(values, "category_coverage", "", min(found / total * 100, 100.0))


def coverage_note(values: Values, period: Period) -> str:
    """The run's note when the category breakdown covers less than FULL_COVERAGE of GMV."""
    share = values.get(("category_coverage", ""))
    if share is None or share >= FULL_COVERAGE:
        return ""
    return (f"category figures of {period.label} cover {share:.1f}% of GMV (the rest: shipping, orders without "
            f"order lines, codes the product list lacks, mixed orders without line amounts)")
