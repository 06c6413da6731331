"""Base metric values for one period, computed with portable SQL on the engine."""

from __future__ import annotations

from drafter.metrics.data import LoadedData
from drafter.metrics.periods import Period

DEFAULT_PROMO_WINDOWS = {"618": ["06-01", "06-18"], "双11": ["10-20", "11-11"]}

# (metric, dimension) → value, e.g. ("gmv", "channel=抖音") → 6.87e6
Values = dict[tuple[str, str], float]


def _between(column: str, period: Period) -> str:
    return f"{column} >= TIMESTAMP '{period.start} 00:00:00' AND {column} < TIMESTAMP '{period.end} 00:00:00'"


def _ratio(numerator: float | None, denominator: float | None, scale: float = 1.0) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator * scale


def _put(values: Values, metric: str, dimension: str, value) -> None:
    if value is not None and value == value:
        values[(metric, dimension)] = float(value)


def order_count(engine, period: Period) -> int:
    """Orders placed in the period (any status)."""
    return int(engine.query(f"SELECT COUNT(*) AS n FROM orders WHERE {_between('order_time', period)}")["n"][0])


def _sales(engine, period: Period, values: Values, dimension: str | None) -> None:
    group = f", {dimension}" if dimension else ""
    frame = engine.query(
        f"""SELECT {dimension + ' AS dim,' if dimension else ''}
               SUM(amount) FILTER (WHERE status <> 'cancelled') AS gmv,
               COUNT(*) FILTER (WHERE status <> 'cancelled') AS orders,
               COUNT(DISTINCT user_id) FILTER (WHERE status <> 'cancelled') AS buyers,
               SUM(amount) FILTER (WHERE status = 'refunded') AS refund_amount,
               COUNT(*) FILTER (WHERE status = 'refunded') AS refund_orders
            FROM orders WHERE {_between('order_time', period)} {'GROUP BY ' + group[2:] if group else ''}"""
    )
    for row in frame.to_dict("records"):
        dim = f"{dimension}={row['dim']}" if dimension else ""
        if dimension and (row["dim"] is None or not row["orders"]):
            continue
        gmv, orders, buyers = row["gmv"] or 0.0, row["orders"], row["buyers"]
        _put(values, "gmv", dim, gmv)
        _put(values, "orders", dim, orders)
        _put(values, "aov", dim, _ratio(gmv, orders))
        _put(values, "refund_rate", dim, _ratio(row["refund_amount"] or 0.0, gmv, 100))
        if dimension != "category":
            _put(values, "buyers", dim, buyers)
        if not dimension:
            _put(values, "aov_buyer", dim, _ratio(gmv, buyers))
            _put(values, "purchase_frequency", dim, _ratio(orders, buyers))
            _put(values, "refund_order_rate", dim, _ratio(row["refund_orders"], orders, 100))


def _buyers(engine, period: Period, values: Values) -> None:
    row = engine.query(
        f"""WITH paid AS (SELECT user_id, order_time FROM orders WHERE status <> 'cancelled'),
                 firsts AS (SELECT user_id, MIN(order_time) AS first_time FROM paid GROUP BY user_id),
                 inside AS (SELECT user_id, COUNT(*) AS n FROM paid WHERE {_between('order_time', period)}
                            GROUP BY user_id),
                 fresh AS (SELECT f.user_id, f.first_time FROM firsts f JOIN inside i USING (user_id)
                           WHERE {_between('f.first_time', period)}),
                 again AS (SELECT DISTINCT fr.user_id FROM fresh fr JOIN paid p USING (user_id)
                           WHERE p.order_time > fr.first_time
                             AND p.order_time <= fr.first_time + INTERVAL '30 days')
            SELECT (SELECT COUNT(*) FROM inside) AS buyers,
                   (SELECT COUNT(*) FROM inside WHERE n >= 2) AS repeaters,
                   (SELECT COUNT(*) FROM fresh) AS new_buyers,
                   (SELECT COUNT(*) FROM again) AS new_again"""
    ).to_dict("records")[0]
    _put(values, "repurchase_rate", "", _ratio(row["repeaters"], row["buyers"], 100))
    _put(values, "new_buyers", "", row["new_buyers"])
    _put(values, "returning_buyers", "", row["buyers"] - row["new_buyers"])
    _put(values, "new_buyer_repurchase_30d", "", _ratio(row["new_again"], row["new_buyers"], 100))


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
        clauses.append(f"(strftime(order_time, '%m-%d') BETWEEN '{start}' AND '{end}')")
    row = engine.query(
        f"""SELECT SUM(amount) FILTER (WHERE {' OR '.join(clauses)}) AS promo, SUM(amount) AS gmv FROM orders
            WHERE status <> 'cancelled' AND {_between('order_time', period)}"""
    ).to_dict("records")[0]
    _put(values, "promo_gmv_share", "", _ratio(row["promo"] or 0.0, row["gmv"], 100))


def _users(engine, period: Period, values: Values) -> None:
    row = engine.query(
        f"""SELECT (SELECT COUNT(*) FROM users WHERE {_between('register_time', period)}) AS new_users,
                   (SELECT AVG(CASE WHEN u.is_member THEN 1.0 ELSE 0.0 END) FROM
                       (SELECT DISTINCT user_id FROM orders WHERE status <> 'cancelled'
                        AND {_between('order_time', period)}) b
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


def period_values(engine, loaded: LoadedData, period: Period, promo_windows: dict | None = None) -> Values:
    """Every base metric value the data supports for one period."""
    values: Values = {}
    _sales(engine, period, values, None)
    for dimension in ("channel", "category"):
        if loaded.has("orders", dimension):
            _sales(engine, period, values, dimension)
    _buyers(engine, period, values)
    if period.grain in {"year", "half", "quarter"}:
        _monthly(engine, period, values)
    _promo(engine, period, values, promo_windows or {})
    if loaded.has("users"):
        _users(engine, period, values)
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
