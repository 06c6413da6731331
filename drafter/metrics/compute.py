"""Base metric values for one period, computed with portable SQL on the engine."""

from __future__ import annotations

from drafter.metrics.data import LoadedData
from drafter.metrics.periods import Period

DEFAULT_PROMO_WINDOWS = {"618": ["06-01", "06-18"], "双11": ["10-20", "11-11"]}

NEW_BUYERS, RETURNING_BUYERS = "buyer=新客", "buyer=老客"

# (metric, dimension) → value, e.g. ("gmv", "channel=抖音") → 6.87e6
Values = dict[tuple[str, str], float]


def _between(column: str, period: Period) -> str:
    return f"{column} >= TIMESTAMP '{period.start} 00:00:00' AND {column} < TIMESTAMP '{period.end} 00:00:00'"


def _ratio(numerator: float | None, denominator: float | None, scale: float = 1.0) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator * scale


def _zero_if_null(value) -> float:
    # SUM over no rows is NULL in SQL and NaN once pandas holds it; here it means nothing was bought.
    return 0.0 if value is None or value != value else float(value)


def _put(values: Values, metric: str, dimension: str, value) -> None:
    if value is not None and value == value:
        values[(metric, dimension)] = float(value)


def order_count(engine, period: Period) -> int:
    """Orders placed in the period (any status)."""
    return int(engine.query(f"SELECT COUNT(*) AS n FROM orders WHERE {_between('order_time', period)}")["n"][0])


def _sales(engine, period: Period, values: Values, dimensions: list[str]) -> None:
    # One scan for the total and every breakdown (GROUPING SETS), rather than one scan per dimension.
    flags = "".join(f"GROUPING({d}) AS g_{d}, {d}, " for d in dimensions)
    sets = f"GROUP BY GROUPING SETS ((), {', '.join(f'({d})' for d in dimensions)})" if dimensions else ""
    frame = engine.query(
        f"""SELECT {flags}
               SUM(amount) FILTER (WHERE status <> 'cancelled') AS gmv,
               COUNT(*) FILTER (WHERE status <> 'cancelled') AS orders,
               SUM(amount) FILTER (WHERE status = 'refunded') AS refund_amount,
               COUNT(*) FILTER (WHERE status = 'refunded') AS refund_orders
            FROM orders WHERE {_between('order_time', period)} {sets}"""
    )
    for row in frame.to_dict("records"):
        grouped = [d for d in dimensions if not row[f"g_{d}"]]
        dim = f"{grouped[0]}={row[grouped[0]]}" if grouped else ""
        if grouped and (row[grouped[0]] is None or not row["orders"]):
            continue
        gmv, orders = _zero_if_null(row["gmv"]), row["orders"]
        _put(values, "gmv", dim, gmv)
        _put(values, "orders", dim, orders)
        _put(values, "aov", dim, _ratio(gmv, orders))
        _put(values, "refund_rate", dim, _ratio(_zero_if_null(row["refund_amount"]), gmv, 100))
        if not dim:
            _put(values, "refund_order_rate", dim, _ratio(row["refund_orders"], orders, 100))


def prepare_buyers(engine, loaded: LoadedData, periods: list[Period]) -> dict[str, int]:
    """One pass over the paid orders: per buyer and channel, first order, 30-day repeat and each period's orders."""
    channel = "channel" if loaded.has("orders", "channel") else "''"
    columns = []
    for k, period in enumerate(periods):
        inside = _between("p.order_time", period)
        columns.append(f"COUNT(*) FILTER (WHERE {inside}) AS n{k}, SUM(p.amount) FILTER (WHERE {inside}) AS g{k}")
    engine.execute("DROP TABLE IF EXISTS drafter_buyers")
    # Buyer metrics need millions of per-user groups; computing them once for all periods beats once per period.
    engine.execute(
        f"""CREATE TEMP TABLE drafter_buyers AS
            WITH paid AS (SELECT user_id, {channel} AS channel, order_time, amount FROM orders
                          WHERE status <> 'cancelled'),
                 firsts AS (SELECT user_id, MIN(order_time) AS first_time FROM paid GROUP BY user_id)
            SELECT p.user_id, p.channel, MIN(f.first_time) AS first_time,
                   COUNT(*) FILTER (WHERE p.order_time > f.first_time
                                      AND p.order_time <= f.first_time + INTERVAL '30 days') AS again,
                   {', '.join(columns)}
            FROM paid p JOIN firsts f USING (user_id) GROUP BY p.user_id, p.channel"""
    )
    return {period.label: k for k, period in enumerate(periods)}


def _buyers(engine, k: int, period: Period, values: Values, by_channel: bool) -> None:
    # A new buyer's first paid order ever falls inside the period; everyone else who bought is returning.
    start = f"TIMESTAMP '{period.start} 00:00:00'"
    row = engine.query(
        f"""WITH u AS (SELECT user_id, SUM(n{k}) AS n, SUM(g{k}) AS gmv, MIN(first_time) AS first_time,
                              SUM(again) AS again
                       FROM drafter_buyers WHERE n{k} > 0 GROUP BY user_id)
            SELECT COUNT(*) AS buyers, COUNT(*) FILTER (WHERE n >= 2) AS repeaters,
                   COUNT(*) FILTER (WHERE first_time >= {start}) AS new_buyers,
                   SUM(gmv) FILTER (WHERE first_time >= {start}) AS new_gmv,
                   SUM(gmv) FILTER (WHERE first_time < {start}) AS old_gmv,
                   COUNT(*) FILTER (WHERE first_time >= {start} AND again > 0) AS new_again
            FROM u"""
    ).to_dict("records")[0]
    buyers = row["buyers"]
    _put(values, "buyers", "", buyers)
    _put(values, "aov_buyer", "", _ratio(values.get(("gmv", "")), buyers))
    _put(values, "purchase_frequency", "", _ratio(values.get(("orders", "")), buyers))
    _put(values, "repurchase_rate", "", _ratio(row["repeaters"], buyers, 100))
    _put(values, "new_buyers", "", row["new_buyers"])
    _put(values, "returning_buyers", "", buyers - row["new_buyers"])
    _put(values, "new_buyer_repurchase_30d", "", _ratio(row["new_again"], row["new_buyers"], 100))
    if buyers:
        _put(values, "gmv", NEW_BUYERS, _zero_if_null(row["new_gmv"]))
        _put(values, "gmv", RETURNING_BUYERS, _zero_if_null(row["old_gmv"]))
    if by_channel:
        frame = engine.query(f"SELECT channel AS dim, COUNT(*) AS buyers FROM drafter_buyers WHERE n{k} > 0 "
                             f"GROUP BY channel")
        for dim, count in zip(frame["dim"], frame["buyers"], strict=True):
            if dim is not None and ("orders", f"channel={dim}") in values:
                _put(values, "buyers", f"channel={dim}", count)


def _monthly(engine, period: Period, values: Values) -> None:
    frame = engine.query(
        f"""SELECT EXTRACT(month FROM order_time) AS m, SUM(amount) AS gmv FROM orders
            WHERE status <> 'cancelled' AND {_between('order_time', period)} GROUP BY 1 ORDER BY 1"""
    )
    for m, gmv in zip(frame["m"], frame["gmv"], strict=True):
        _put(values, "gmv", f"month={int(m)}月", gmv)


def _promo(engine, period: Period, values: Values, windows: dict[str, list[str]]) -> None:
    clauses = []
    for start, end in (windows or DEFAULT_PROMO_WINDOWS).values():
        clauses.append(f"({engine.month_day('order_time')} BETWEEN '{start}' AND '{end}')")
    row = engine.query(
        f"""SELECT SUM(amount) FILTER (WHERE {' OR '.join(clauses)}) AS promo, SUM(amount) AS gmv FROM orders
            WHERE status <> 'cancelled' AND {_between('order_time', period)}"""
    ).to_dict("records")[0]
    _put(values, "promo_gmv_share", "", _ratio(_zero_if_null(row["promo"]), row["gmv"], 100))


def _users(engine, k: int, period: Period, values: Values) -> None:
    row = engine.query(
        f"""SELECT (SELECT COUNT(*) FROM users WHERE {_between('register_time', period)}) AS new_users,
                   (SELECT AVG(CASE WHEN u.is_member THEN 1.0 ELSE 0.0 END) FROM
                       (SELECT DISTINCT user_id FROM drafter_buyers WHERE n{k} > 0) b
                    LEFT JOIN users u USING (user_id)) AS member_share"""
    ).to_dict("records")[0]
    _put(values, "new_users", "", row["new_users"])
    if row["member_share"] is not None:
        _put(values, "member_share", "", row["member_share"] * 100)


def _traffic(engine, period: Period, values: Values, loaded: LoadedData) -> None:
    by_channel = loaded.has("traffic", "channel") and loaded.has("orders", "channel")
    frame = engine.query(
        f"""SELECT {'channel AS dim,' if by_channel else ''} SUM(visitors) AS visitors FROM traffic
            WHERE {_between('date', period)} {'GROUP BY channel' if by_channel else ''}"""
    )
    total = frame["visitors"].sum() if len(frame) else 0
    _put(values, "visitors", "", total or None)
    _put(values, "conversion_rate", "", _ratio(values.get(("orders", "")), total, 100))
    if by_channel:
        for dim, visitors in zip(frame["dim"], frame["visitors"], strict=True):
            _put(values, "visitors", f"channel={dim}", visitors)
            _put(values, "conversion_rate", f"channel={dim}",
                 _ratio(values.get(("orders", f"channel={dim}")), visitors, 100))


def _marketing(engine, period: Period, values: Values, loaded: LoadedData) -> None:
    has_new = loaded.has("marketing", "new_customers")
    by_channel = loaded.has("marketing", "channel") and loaded.has("orders", "channel")
    frame = engine.query(
        f"""SELECT {'channel AS dim,' if by_channel else ''} SUM(spend) AS spend,
                   {'SUM(new_customers)' if has_new else 'NULL'} AS new_customers FROM marketing
            WHERE {_between('date', period)} {'GROUP BY channel' if by_channel else ''}"""
    )
    if not len(frame) or not frame["spend"].sum():
        return
    spend, new = frame["spend"].sum(), frame["new_customers"].sum() if has_new else None
    _put(values, "marketing_spend", "", spend)
    if by_channel:
        funded = sum(values.get(("gmv", f"channel={d}"), 0.0) for d in frame["dim"])
        _put(values, "marketing_roi", "", _ratio(funded, spend))
        for row in frame.to_dict("records"):
            dim = f"channel={row['dim']}"
            _put(values, "marketing_spend", dim, row["spend"])
            _put(values, "marketing_roi", dim, _ratio(values.get(("gmv", dim)), row["spend"]))
            if has_new:
                _put(values, "cac", dim, _ratio(row["spend"], row["new_customers"]))
    else:
        _put(values, "marketing_roi", "", _ratio(values.get(("gmv", "")), spend))
    if has_new:
        _put(values, "cac", "", _ratio(spend, new))


def period_values(engine, loaded: LoadedData, period: Period, prepared: dict[str, int],
                  promo_windows: dict | None = None) -> Values:
    """Every base metric value the data supports for one period (prepared by `prepare_buyers`)."""
    values: Values = {}
    _sales(engine, period, values, [d for d in ("channel", "category") if loaded.has("orders", d)])
    _buyers(engine, prepared[period.label], period, values, loaded.has("orders", "channel"))
    if period.grain in {"year", "half", "quarter"}:
        _monthly(engine, period, values)
    _promo(engine, period, values, promo_windows or {})
    if loaded.has("users"):
        _users(engine, prepared[period.label], period, values)
    if loaded.has("traffic"):
        _traffic(engine, period, values, loaded)
    if loaded.has("marketing"):
        _marketing(engine, period, values, loaded)
    return values


def skipped_metrics(loaded: LoadedData) -> dict[str, str]:
    """Metrics the data cannot give, with the reason."""
    from drafter.metrics.registry import METRICS

    skipped = {}
    for metric in METRICS.values():
        missing = [t for t in metric.needs if not loaded.has(t)]
        if missing:
            skipped[metric.id] = f"no {', '.join(missing)} table"
    if not loaded.has("orders", "channel"):
        skipped["gmv by channel"] = "orders has no channel column"
    if not loaded.has("orders", "category"):
        skipped["gmv by category"] = "orders has no category column"
    return skipped
