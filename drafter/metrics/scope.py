"""Buyer metrics when some platforms' exports carry no buyer account: they cover only the platforms that do."""

from __future__ import annotations

from drafter.metrics.schema import MONEY
from drafter.metrics.values import NEW_BUYERS, RETURNING_BUYERS, Values
from drafter.metrics.values import between as _between
from drafter.periods import Period

BUYER_METRICS = ("buyers", "aov_buyer", "purchase_frequency", "repurchase_rate", "new_buyers", "returning_buyers",
                 "new_buyer_repurchase_30d", "member_share")


def buyer_scope(engine, period: Period | None = None, whole: dict | None = None) -> dict[str, list[str]]:
    """Channels whose paid orders (in the period) all carry a buyer account ("with"), and those with orders that
    carry none ("without"); both empty when the orders have no channel column.

    whole: the scope of all the orders; when every order there has an account, so has every period's (no scan).
    """
    if whole and not whole["without"]:
        return whole
    if "channel" not in engine.columns("orders"):
        return {"with": [], "without": []}  # canonical orders without channels: every order has its user id
    when = f"AND {_between('order_time', period)}" if period else ""
    frame = engine.query(f"SELECT channel, COUNT(*) - COUNT(user_id) AS missing FROM orders "
                         f"WHERE status <> 'cancelled' AND channel IS NOT NULL {when} GROUP BY channel")
    rows = frame.to_dict("records")
    return {"with": sorted(str(r["channel"]) for r in rows if not r["missing"]),
            "without": sorted(str(r["channel"]) for r in rows if r["missing"])}


def scope_dimension(scope: dict[str, list[str]]) -> str | None:
    """'' when every order has a buyer account; 'scope=淘宝、京东' when only some do; None when none does."""
    if not scope.get("without"):
        return ""
    return f"scope={'、'.join(scope['with'])}" if scope.get("with") else None


def scope_note(scope: dict[str, list[str]]) -> str:
    """The run's note on what the buyer metrics cover."""
    without = "、".join(scope["without"])
    if not scope.get("with"):
        return f"buyer metrics left out: no export carries a buyer account ({without})"
    return (f"buyer metrics (buyers, repurchase, new vs returning) cover {'、'.join(scope['with'])} only, with "
            f"dimension {scope_dimension(scope)}: the {without} exports carry no buyer account")


def apply_scope(engine, values: Values, period: Period, whole: dict) -> None:
    """Move the buyer metrics of one period from the shop total to the platforms with accounts that period (or drop
    them); a year whose scope differs gets another dimension, so no change is computed across unlike scopes."""
    dim = scope_dimension(buyer_scope(engine, period, whole))
    if dim == "":
        return
    moved = {m: values.pop((m, "")) for m in BUYER_METRICS if (m, "") in values}
    for key in (("gmv", NEW_BUYERS), ("gmv", RETURNING_BUYERS)):
        values.pop(key, None)  # a split of only part of the GMV would read as shares of all of it
    if dim is None or not moved.get("buyers"):
        return
    # Per-buyer averages divide the accounted platforms' own GMV and orders, not the whole shop's.
    row = engine.query(f"SELECT SUM(CAST(amount AS {MONEY})) AS gmv, COUNT(*) AS orders FROM orders "
                       f"WHERE status <> 'cancelled' AND user_id IS NOT NULL AND {_between('order_time', period)}"
                       ).to_dict("records")[0]
    buyers = moved["buyers"]
    moved["aov_buyer"] = float(row["gmv"] or 0) / buyers
    moved["purchase_frequency"] = float(row["orders"] or 0) / buyers
    for metric, value in moved.items():
        values[(metric, dim)] = value
