"""Base metric values for every period a report needs, in a few scans of the orders (portable SQL)."""

from __future__ import annotations

import math
import re

from drafter.errors import UserError
from drafter.metrics.loaded import LoadedData
from drafter.metrics.schema import MONEY
from drafter.metrics.values import NEW_BUYERS, RETURNING_BUYERS, Values
from drafter.metrics.values import between as _between
from drafter.metrics.values import put as _put
from drafter.metrics.values import ratio as _ratio
from drafter.metrics.values import zero_if_null as _zero_if_null
from drafter.periods import Period

DEFAULT_PROMO_WINDOWS = {"618": ["06-01", "06-18"], "双11": ["10-20", "11-11"]}

# Where each buyer bought is one BIGINT of flags, a bit per (period, channel); past 62 bits, a query per period.
MAX_FLAGS = 62
# DuckDB's hash table of buyers per paid order (about 180 bytes a buyer, four orders a buyer, on 100 million
# generated orders): past half its memory limit, the buyer table is built in slices (see _buyer_table). There, 1 slice
# under an 11.8 GiB cap took 17-21 s; under 6 GiB, 2 slices took 25 s, and 1 slice spilled (7 GB: 37 s).
BUYER_BYTES_PER_ORDER = 48
# A new buyer came back when another paid order follows the first within 30 days (in microseconds). Orders are put
# in 30-day buckets; inside one, an order's distance from the bucket's end fits below PLACE, so one BIGINT holds both.
WINDOW_US = 30 * 86_400 * 1_000_000
PLACE = 2**42
# Whole ten-thousandths of a yuan summed in doubles stay exact below 2**53; where the engine rounds amounts to them as
# its DECIMAL cast does and all the periods' amounts stay below this (amounts are never negative, so no partial sum is
# larger), orders' and buyers' amounts are summed so (on DuckDB the buyer pass measured a tenth faster, 100 million
# orders' sales scan a second).
EXACT_UNITS = 2**52
UNITS = 10_000
DECIMAL_AMOUNT = f"CAST(amount AS {MONEY})"  # an amount as summed where units are not exact


def _period_index(column: str, periods: list[Period]) -> str:
    """SQL giving the index of the (disjoint) period a timestamp falls in, NULL outside them all."""
    return "CASE " + " ".join(f"WHEN {_between(column, p)} THEN {k}" for k, p in enumerate(periods)) + " END"


def _in_any(column: str, periods: list[Period]) -> str:
    # Spelled out as ranges (not via the CASE) so engines can skip row groups outside every period.
    return " OR ".join(f"({_between(column, p)})" for p in periods)


def _count_if(condition: str) -> str:
    # CASE rather than FILTER: the same count, measured twice as fast over a buyer table on DuckDB 2.0.
    return f"COUNT(CASE WHEN {condition} THEN 1 END)"


def _sum_if(condition: str, expr: str) -> str:
    return f"SUM(CASE WHEN {condition} THEN {expr} END)"


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _month_day(text: str, name: str) -> int:
    match = re.fullmatch(r"\s*(\d{1,2})-(\d{1,2})\s*", str(text))
    if not match or not (1 <= int(match[1]) <= 12 and 1 <= int(match[2]) <= 31):
        raise UserError(f"promo window {name!r}: {text!r} is not a month-day; write it like \"06-18\"")
    return int(match[1]) * 100 + int(match[2])


def _promo_condition(windows: dict[str, list[str]]) -> str:
    """SQL on md (month × 100 + day) that is true inside any promotion window."""
    clauses = []
    for name, (start, end) in (windows or DEFAULT_PROMO_WINDOWS).items():
        clauses.append(f"(md BETWEEN {_month_day(start, name)} AND {_month_day(end, name)})")
    return " OR ".join(clauses)


def _sales_cells(engine, periods: list[Period], dimensions: list[str], windows: dict, money: str):
    """The sales scan's cells (money: the SQL of an order's amount, as summed)."""
    keys = "".join(f", {d}" for d in dimensions)
    # The groupings (period; period × month; period × each dimension), numbered: each cell is repeated once per
    # grouping and the key columns outside it are blanked. Written out rather than as GROUPING SETS, which MariaDB,
    # StarRocks and Doris lack in part and no library rewrites; the cells are few, so this costs nothing.
    grouped = ["m", *dimensions]
    sets = " UNION ALL ".join(f"SELECT {i} AS s" for i in range(len(grouped) + 1))
    flags = "".join(f"CASE WHEN g.s = {i} THEN 0 ELSE 1 END AS g_{d}, CASE WHEN g.s = {i} THEN c.{d} END AS {d}, "
                    for i, d in enumerate(grouped, 1))
    # Plain COUNT/SUM over the few distinct (day, status, channel, category) first, each order's date read once (its
    # month, promotion and period follow from the day: 2 s of 9 on 100 million orders); the groupings and conditional
    # sums then run on that small table instead of on every order once per grouping.
    return engine.query(
        f"""SELECT k, {flags}
                   SUM(n) AS all_orders, SUM(amount) AS all_amount,
                   {_sum_if("status <> 'cancelled'", 'amount')} AS gmv,
                   {_sum_if("status <> 'cancelled'", 'n')} AS orders,
                   {_sum_if("status <> 'cancelled'", 'refund')} AS refund_amount,
                   {_sum_if("status = 'refunded'", 'n')} AS refund_orders,
                   {_sum_if("status <> 'cancelled' AND promo", 'amount')} AS promo_gmv
            FROM (SELECT {_period_index('d', periods)} AS k, m, promo, status{keys}, SUM(n) AS n,
                         SUM(amount) AS amount, SUM(refund) AS refund
                  FROM (SELECT *, EXTRACT(month FROM d) AS m, ({_promo_condition(windows)}) AS promo
                        FROM (SELECT *, EXTRACT(month FROM d) * 100 + EXTRACT(day FROM d) AS md
                              FROM (SELECT CAST(order_time AS DATE) AS d, status{keys}, COUNT(*) AS n,
                                           SUM({money}) AS amount,
                                           SUM(CAST(refund_amount AS {MONEY})) AS refund
                                    FROM orders WHERE {_in_any('order_time', periods)}
                                    GROUP BY d, status{keys}) o) s) t
                  GROUP BY k, m, promo, status{keys}) c
            CROSS JOIN ({sets}) g
            GROUP BY g.s, k{''.join(f', CASE WHEN g.s = {i} THEN c.{d} END' for i, d in enumerate(grouped, 1))}"""
    )


def _sales(engine, periods: list[Period], dimensions: list[str], windows: dict) -> tuple[list[int], list[Values]]:
    """Orders (any status) and sales values of every period, from one scan of the orders."""
    units = engine.money_units("amount")
    frame = _sales_cells(engine, periods, dimensions, windows, units or DECIMAL_AMOUNT)
    if units:
        totals = frame[(frame[[f"g_{d}" for d in ["m", *dimensions]]] == 1).all(axis=1)]  # one row per period
        if totals["all_amount"].sum() >= EXACT_UNITS:  # a partial sum may have lost a unit: sum DECIMALs
            units, frame = None, _sales_cells(engine, periods, dimensions, windows, DECIMAL_AMOUNT)
    scale = UNITS if units else 1
    counts, values = [0] * len(periods), [{} for _ in periods]

    def order(row) -> tuple:
        # Totals first; then by name, so equal values always rank the same way (engines return groups in any order).
        grouped = [d for d in [*dimensions, "m"] if not row[f"g_{d}"]]
        return len(grouped), grouped, str(row[grouped[0]]) if grouped else ""

    for row in sorted(frame.to_dict("records"), key=order):
        k, into = int(row["k"]), values[int(row["k"])]
        grouped = [d for d in dimensions if not row[f"g_{d}"]]
        gmv, orders = _zero_if_null(row["gmv"]) / scale, int(_zero_if_null(row["orders"]))
        if not row["g_m"]:
            if orders and periods[k].grain in {"year", "half", "quarter"}:
                _put(into, "gmv", f"month={int(row['m'])}月", gmv)
            continue
        if grouped and (row[grouped[0]] is None or not orders):
            continue
        dim = f"{grouped[0]}={row[grouped[0]]}" if grouped else ""
        _put(into, "gmv", dim, gmv)
        _put(into, "orders", dim, orders)
        _put(into, "aov", dim, _ratio(gmv, orders))
        _put(into, "refund_rate", dim, _ratio(_zero_if_null(row["refund_amount"]), gmv, 100))
        if not dim:
            counts[k] = int(row["all_orders"])
            _put(into, "refund_order_rate", dim, _ratio(_zero_if_null(row["refund_orders"]), orders, 100))
            _put(into, "promo_gmv_share", dim, _ratio(_zero_if_null(row["promo_gmv"]) / scale, gmv, 100))
    return counts, values


def _slices(engine) -> int:
    """How many passes the buyer table is built in: one, unless DuckDB's hash table of buyers would outgrow memory."""
    if engine.name != "duckdb":
        return 1
    row = engine.query("SELECT (SELECT COUNT(*) FROM orders) AS n, current_setting('memory_limit') AS m").iloc[0]
    amount, unit = re.fullmatch(r"([\d.]+)\s*(\w+)", row["m"]).groups()
    limit = float(amount) * 1024 ** ["bytes", "KiB", "MiB", "GiB", "TiB"].index(unit)
    # Half the memory for one slice's hash table, the rest for the buyer rows already made and everything else.
    return max(1, math.ceil(int(row["n"]) * BUYER_BYTES_PER_ORDER / (limit / 2)))


def _came_back(engine) -> tuple[str, list[str], list[str]]:
    """A column of the paid orders, aggregates over a buyer's, and the columns they give: the first order, and
    whether another followed within 30 days, exactly (ties at the first instant do not count; +30 days does).

    Another order in the first one's bucket follows it within 30 days; so does the earliest order of the buckets
    of the other parity when it falls within 30 days (it lies in the next bucket at the earliest), and nothing else
    can: three MINs where a list of the two smallest times cost a heap per buyer.
    """
    origin = int(engine.query(f"SELECT {engine.epoch_us('MIN(order_time)')} AS t FROM orders")["t"][0])

    def offset(time: str) -> str:  # microseconds since the first order, never negative: // and % floor
        return f"({engine.epoch_us(time)} - {origin})"

    def place(micros: str) -> str:  # the bucket, then the distance from its end: the smallest is the bucket's last
        return f"({micros} // {WINDOW_US} * {PLACE} + {WINDOW_US - 1} - {micros} % {WINDOW_US})"

    first = "LEAST(even_first, odd_first)"
    aggregates = [f"MIN(CASE WHEN us // {WINDOW_US} % 2 = 0 THEN order_time END) AS even_first",
                  f"MIN(CASE WHEN us // {WINDOW_US} % 2 = 1 THEN order_time END) AS odd_first",
                  f"MIN({place('us')}) AS place"]
    other_parity = f"CASE WHEN {offset(first)} // {WINDOW_US} % 2 = 0 THEN odd_first ELSE even_first END"
    again = f"place < {place(offset(first))} OR {other_parity} <= {first} + INTERVAL '30 days'"
    outer = [f"{first} AS first_time", f"COALESCE({again}, FALSE) AS again", "* EXCLUDE (even_first, odd_first, place)"]
    return f"{offset('order_time')} AS us", aggregates, outer


def _buyer_table(engine, periods: list[Period], channels: list[str], units: str | None) -> None:
    """One row per buyer: first paid order ever, whether another followed within 30 days (where the engine can
    tell) and, per period, orders, GMV (in units when given, the SQL of an amount in ten-thousandths) and channel
    flags."""
    flags = 0 < len(channels) * len(periods) <= MAX_FLAGS
    index = "CASE channel " + " ".join(f"WHEN {_literal(c)} THEN {i}" for i, c in enumerate(channels)) + " END"
    # Engines without exact microseconds keep the first order only; a join then finds who came back.
    us, columns, outer = _came_back(engine) if engine.epoch_us("order_time") else (
        "", ["MIN(order_time) AS first_time"], ["*"])
    money = units or DECIMAL_AMOUNT
    for k in range(len(periods)):
        # Conditional aggregates over one GROUP BY user_id: one hash table of buyers for every period.
        columns.append(f"{_count_if(f'k = {k}')} AS n{k}, {_sum_if(f'k = {k}', money)} AS g{k}")
    if flags:  # one plain aggregate for all periods: a conditional one per period costs a pass over the hash table each
        columns.append(f"bit_or(CAST(1 AS BIGINT) << CAST(k * {len(channels)} + c AS INTEGER)) AS flags")
    slices = _slices(engine)
    engine.execute("DROP TABLE IF EXISTS drafter_buyers")
    for i in range(slices):
        # Each slice of buyers (by a hash of their id) is complete in its own pass, at the price of one more scan of
        # the orders: the hash table of one slice stays in memory, where that of all 25 million buyers of 100 million
        # orders spilled gigabytes to disk.
        where = f" AND hash(user_id) % {slices} = {i}" if slices > 1 else ""
        engine.execute(
            f"""{'INSERT INTO drafter_buyers' if i else 'CREATE TEMP TABLE drafter_buyers AS'}
                SELECT {', '.join(outer)} FROM (
                    SELECT user_id, {', '.join(columns)}
                    FROM (SELECT user_id, order_time, amount, {_period_index('order_time', periods)} AS k,
                                 {index if flags else 'NULL'} AS c{', ' + us if us else ''}
                          FROM orders WHERE status <> 'cancelled' AND user_id IS NOT NULL{where}) p
                    GROUP BY user_id) b"""
        )


def _repeated_within_30_days(engine, k: int, period: Period) -> int:
    """New buyers with another paid order in the 30 days after their first, checked against the orders."""
    start, end = f"TIMESTAMP '{period.start} 00:00:00'", f"TIMESTAMP '{period.end} 00:00:00'"
    # A join rather than a correlated EXISTS: MariaDB runs the EXISTS once per buyer over the whole orders view.
    # A new buyer's first order lies in the period, so the orders that can follow it lie in the period or the 30 days
    # after: said of the orders themselves, that range lets engines skip the rest of the file.
    return int(engine.query(
        f"""SELECT COUNT(DISTINCT b.user_id) AS n FROM drafter_buyers b
            JOIN orders o ON o.user_id = b.user_id
            WHERE b.n{k} > 0 AND b.first_time >= {start} AND o.status <> 'cancelled'
              AND o.order_time > {start} AND o.order_time <= {end} + INTERVAL '30 days'
              AND o.order_time > b.first_time AND o.order_time <= b.first_time + INTERVAL '30 days'"""
    )["n"][0])


def _buyer_rows(engine, periods: list[Period], channels: list[str] | None, scale: int) -> list[dict]:
    """Each period's buyers, repeaters, new buyers and GMV split (GMV in the buyer table's units: scale of them a
    yuan), from one scan of the buyer table."""
    flags = channels is not None and 0 < len(channels) * len(periods) <= MAX_FLAGS
    joined = engine.epoch_us("order_time") is None  # the buyer table does not say who came back: join the orders
    parts = []
    for k, period in enumerate(periods):
        # A new buyer's first paid order ever falls inside the period; everyone else who bought is returning.
        start = f"TIMESTAMP '{period.start} 00:00:00'"
        bought, new = f"n{k} > 0", f"n{k} > 0 AND first_time >= {start}"
        parts += [f"{_count_if(bought)} AS buyers_{k}", f"{_count_if(f'n{k} >= 2')} AS repeaters_{k}",
                  f"{_count_if(new)} AS new_buyers_{k}", f"{_sum_if(new, f'g{k}')} AS new_gmv_{k}",
                  f"{_sum_if(f'{bought} AND first_time < {start}', f'g{k}')} AS old_gmv_{k}",
                  f"{'NULL' if joined else _count_if(f'{new} AND again')} AS again_{k}"]
        if flags:
            parts += [f"{_count_if(f'(flags & {1 << (k * len(channels) + i)}) <> 0')} AS c{i}_{k}"
                      for i in range(len(channels))]
    row = engine.query(f"SELECT {', '.join(parts)} FROM drafter_buyers").to_dict("records")[0]
    rows: list[dict] = [{} for _ in periods]
    for name, value in row.items():
        base, k = name.rsplit("_", 1)
        rows[int(k)][base] = value
    for k, period in enumerate(periods):
        for money in ("new_gmv", "old_gmv"):
            rows[k][money] = None if rows[k][money] is None else rows[k][money] / scale
        if joined:
            rows[k]["again"] = _repeated_within_30_days(engine, k, period)
        if channels is not None:
            rows[k]["channels"] = {c: rows[k][f"c{i}"] for i, c in enumerate(channels)} if flags else \
                _channel_buyers(engine, period)
    return rows


def _channel_buyers(engine, period: Period) -> dict:
    frame = engine.query(f"SELECT channel AS dim, COUNT(DISTINCT user_id) AS buyers FROM orders "
                         f"WHERE status <> 'cancelled' AND {_between('order_time', period)} GROUP BY channel")
    return dict(zip(frame["dim"], frame["buyers"], strict=True))


def _buyers(row: dict, values: Values) -> None:
    buyers, new_buyers = row["buyers"], row["new_buyers"]
    _put(values, "buyers", "", buyers)
    _put(values, "aov_buyer", "", _ratio(values.get(("gmv", "")), buyers))
    _put(values, "purchase_frequency", "", _ratio(values.get(("orders", "")), buyers))
    _put(values, "repurchase_rate", "", _ratio(row["repeaters"], buyers, 100))
    _put(values, "new_buyers", "", new_buyers)
    _put(values, "returning_buyers", "", buyers - new_buyers)
    _put(values, "new_buyer_repurchase_30d", "", _ratio(row["again"], new_buyers, 100))
    if buyers:
        _put(values, "gmv", NEW_BUYERS, _zero_if_null(row["new_gmv"]))
        _put(values, "gmv", RETURNING_BUYERS, _zero_if_null(row["old_gmv"]))
    for dim, count in row.get("channels", {}).items():
        if dim is not None and count and ("orders", f"channel={dim}") in values:  # 0: that platform has no accounts
            _put(values, "buyers", f"channel={dim}", count)


def _users(engine, k: int, period: Period, values: Values) -> None:
    # The member share is divided here, not by AVG in SQL: MySQL averages a 0/1 decimal to four places only.
    row = engine.query(
        f"""SELECT (SELECT COUNT(*) FROM users WHERE {_between('register_time', period)}) AS new_users,
                   j.members, j.buyers
            FROM (SELECT COUNT(CASE WHEN u.is_member THEN 1 END) AS members, COUNT(*) AS buyers
                  FROM (SELECT user_id FROM drafter_buyers WHERE n{k} > 0) b
                  LEFT JOIN users u ON u.user_id = b.user_id) j"""
    ).to_dict("records")[0]
    _put(values, "new_users", "", row["new_users"])
    _put(values, "member_share", "", _ratio(row["members"], row["buyers"], 100))


def period_values(engine, loaded: LoadedData, periods: list[Period], promo_windows: dict | None = None) -> dict:
    """Every base metric value the data supports, by period label, for the periods that have orders.

    The periods must not overlap; nothing more is computed when the first one (the one asked for) has no orders.
    """
    dimensions = [d for d in ("channel", "category") if loaded.has("orders", d)]
    counts, sales = _sales(engine, periods, dimensions, promo_windows or {})
    if not counts[0]:
        return {}
    active = [k for k, n in enumerate(counts) if n]
    chosen = [periods[k] for k in active]
    by_channel = loaded.has("orders", "channel")
    channels = sorted({d.split("=", 1)[1] for k in active for (m, d) in sales[k] if d.startswith("channel=")})
    # Amounts are validated as zero or more, so no buyer's GMV in these periods exceeds their total.
    gmv = sum(sales[k].get(("gmv", ""), 0.0) for k in active)
    units = engine.money_units("amount") if gmv * UNITS < EXACT_UNITS else None
    _buyer_table(engine, chosen, channels, units)
    buyer_rows = _buyer_rows(engine, chosen, channels if by_channel else None, UNITS if units else 1)
    out = {}
    for j, (k, period) in enumerate(zip(active, chosen, strict=True)):
        values = sales[k]
        _buyers(buyer_rows[j], values)
        if loaded.has("users"):
            _users(engine, j, period, values)
        out[period.label] = values
    engine.execute("DROP TABLE drafter_buyers")  # a buyer table can hold millions of rows: free it now
    return out


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
