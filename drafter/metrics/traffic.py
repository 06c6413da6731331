"""Traffic and marketing values of a period: visitors, page views, paying buyers and conversion as each platform
defines them; spend, its share of GMV, and per ad platform its clicks, attributed GMV and ROI.

Attributed GMV is the ad platform's claim about orders already in the shop's GMV: it is stated per ad platform and
never added to GMV or across ad platforms."""

from __future__ import annotations

from drafter.metrics.loaded import LoadedData
from drafter.metrics.values import Values, between, put, ratio
from drafter.periods import Period

# A traffic download whose people count is not 访客数 states it under its own metric (抖店罗盘: 商品点击人数).
BASIS_METRICS = {"商品点击人数": "click_visitors"}
# A day's people counts add up over days only: a year's figure is the sum of its day rows.
_SUM = "SUM({0}) AS {0}"


def add_traffic(engine, period: Period, values: Values, loaded: LoadedData) -> None:
    """Visitors and conversion (orders ÷ visitors, the factor of GMV), and where downloads state them page views,
    paying buyers and the platform's own conversion (paying buyers ÷ its visitors)."""
    if not loaded.has("traffic"):
        return
    by_channel = loaded.has("traffic", "channel") and loaded.has("orders", "channel")
    keys = [k for k, ok in (("channel", by_channel), ("visitor_basis", loaded.has("traffic", "visitor_basis"))) if ok]
    measures = [c for c in ("visitors", "page_views", "paid_buyers") if loaded.has("traffic", c)]
    group = f"GROUP BY {', '.join(keys)}" if keys else ""
    frame = engine.query(f"SELECT {''.join(k + ', ' for k in keys)}{', '.join(_SUM.format(c) for c in measures)} "
                         f"FROM traffic WHERE {between('date', period)} {group}")
    rows = frame.to_dict("records")
    basis = [BASIS_METRICS.get(str(r.get("visitor_basis") or ""), "visitors") for r in rows]
    if all(b == "visitors" for b in basis):  # no total over unlike people counts
        total = sum(r["visitors"] or 0 for r in rows)
        put(values, "visitors", "", total or None)
        put(values, "conversion_rate", "", ratio(values.get(("orders", "")), total, 100))
        if "page_views" in measures:
            put(values, "page_views", "", sum(r["page_views"] or 0 for r in rows) or None)
    if not by_channel:
        return
    for row, metric in zip(rows, basis, strict=True):
        dim = f"channel={row['channel']}"
        put(values, metric, dim, row["visitors"])
        if metric == "visitors":
            put(values, "conversion_rate", dim, ratio(values.get(("orders", dim)), row["visitors"], 100))
        for column in ("page_views", "paid_buyers"):
            if column in measures and row[column]:
                put(values, column, dim, row[column])
        if "paid_buyers" in measures and row["paid_buyers"]:
            put(values, "platform_conversion", dim, ratio(row["paid_buyers"], row["visitors"], 100))


def add_marketing(engine, period: Period, values: Values, loaded: LoadedData) -> None:
    """Spend (in total, per channel, per month, per ad platform), its share of GMV, ROI on the shop's GMV of the
    channels with spend, and the ad platforms' own attributed GMV and ROI."""
    if not loaded.has("marketing"):
        return
    has_new = loaded.has("marketing", "new_customers")
    by_channel = loaded.has("marketing", "channel") and loaded.has("orders", "channel")
    frame = engine.query(
        f"""SELECT {'channel AS dim,' if by_channel else ''} SUM(spend) AS spend,
                   {'SUM(new_customers)' if has_new else 'NULL'} AS new_customers FROM marketing
            WHERE {between('date', period)} {'GROUP BY channel' if by_channel else ''}"""
    )
    if not len(frame) or not frame["spend"].sum():
        return
    spend, new = frame["spend"].sum(), frame["new_customers"].sum() if has_new else None
    put(values, "marketing_spend", "", spend)
    put(values, "ad_spend_share", "", ratio(spend, values.get(("gmv", "")), 100))
    if by_channel:
        funded = sum(values.get(("gmv", f"channel={d}"), 0.0) for d in frame["dim"])
        put(values, "marketing_roi", "", ratio(funded, spend))
        for row in frame.to_dict("records"):
            dim = f"channel={row['dim']}"
            put(values, "marketing_spend", dim, row["spend"])
            put(values, "marketing_roi", dim, ratio(values.get(("gmv", dim)), row["spend"]))
            if has_new:
                put(values, "cac", dim, ratio(row["spend"], row["new_customers"]))
    else:
        put(values, "marketing_roi", "", ratio(values.get(("gmv", "")), spend))
    if has_new:
        put(values, "cac", "", ratio(spend, new))
    if period.grain in {"year", "half", "quarter"}:
        months = engine.query(f"SELECT EXTRACT(month FROM date) AS m, SUM(spend) AS spend FROM marketing "
                              f"WHERE {between('date', period)} GROUP BY 1")
        for row in months.to_dict("records"):
            put(values, "marketing_spend", f"month={int(row['m'])}月", row["spend"] or None)
    if loaded.has("marketing", "platform"):
        _ad_platforms(engine, period, values, loaded)


def _ad_platforms(engine, period: Period, values: Values, loaded: LoadedData) -> None:
    claims = "SUM(attributed_gmv)" if loaded.has("marketing", "attributed_gmv") else "NULL"
    clicks = "SUM(clicks)" if loaded.has("marketing", "clicks") else "NULL"
    frame = engine.query(f"SELECT platform, SUM(spend) AS spend, {clicks} AS clicks, {claims} AS claimed "
                         f"FROM marketing WHERE platform IS NOT NULL AND {between('date', period)} GROUP BY platform")
    for row in frame.to_dict("records"):
        dim = f"ad={row['platform']}"
        put(values, "marketing_spend", dim, row["spend"] or None)
        put(values, "ad_clicks", dim, row["clicks"] or None)
        put(values, "attributed_gmv", dim, row["claimed"] or None)
        put(values, "ad_roi", dim, ratio(row["claimed"], row["spend"]))
        put(values, "attributed_gmv_share", dim, ratio(row["claimed"], values.get(("gmv", "")), 100))
