"""A month's or a week's own facts: its daily series, its promotion days and its month-to-date."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from drafter.errors import UserError
from drafter.metrics.compute import Values, _between
from drafter.metrics.schema import MONEY
from drafter.periods import Period

SHORT_GRAINS = ("month", "week")
CALENDAR = Path(__file__).with_name("promotions.toml")


def day_dimension(day: date) -> str:
    """A day as a fact's dimension: day=11月17日 (the period names the year)."""
    return f"day={day.month}月{day.day}日"


@cache
def promotion_calendar(path: Path = CALENDAR) -> tuple[tuple[str, dict], ...]:
    """(name, its raw entry) for each promotion of the calendar file."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise UserError(f"{path}: promotion calendar not readable ({error}); fix or restore the file") from error
    return tuple((str(p["name"]), p) for p in raw.get("promotion", ()))


def _month_day(year: int, text: str, name: str) -> date | None:
    try:
        month, day = (int(part) for part in str(text).split("-"))
        return date(year, month, day)
    except ValueError:
        if str(text).strip() == "02-29":
            return None  # a leap day in a year without one
        raise UserError(f"promotion calendar, {name!r}: {text!r} is not a month-day such as \"11-11\"") from None


def promotion_days(period: Period) -> dict[str, list[date]]:
    """The promotions with days inside the period, each with those days (a year's dates when it has its own)."""
    found: dict[str, list[date]] = {}
    for year in sorted({period.start.year, period.last_day.year}):
        for name, entry in promotion_calendar():
            dated = entry.get("years", {}).get(str(year))
            if dated:
                first, last = (_month_day(year, d, name) for d in dated)
                days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
            else:
                days = [d for d in (_month_day(year, text, name) for text in entry.get("days", ())) if d]
            inside = [d for d in days if period.start <= d < period.end]
            if inside:
                found.setdefault(name, []).extend(inside)
    return found


def daily_values(engine, periods: list[Period]) -> dict[str, Values]:
    """GMV and orders per day, and GMV on each promotion's days, of each month or week (by label), in one scan."""
    short = [p for p in periods if p.grain in SHORT_GRAINS]
    if not short:
        return {}
    ranges = " OR ".join(f"({_between('order_time', p)})" for p in short)
    frame = engine.query(
        f"""SELECT CAST(order_time AS DATE) AS d, SUM(CAST(amount AS {MONEY})) AS gmv, COUNT(*) AS orders
            FROM orders WHERE status <> 'cancelled' AND ({ranges}) GROUP BY CAST(order_time AS DATE)"""
    )
    by_day = {_as_date(d): (float(g or 0), int(n)) for d, g, n in zip(frame["d"], frame["gmv"], frame["orders"],
                                                                       strict=True)}
    out: dict[str, Values] = {}
    for period in short:
        values: Values = {}
        days = period.days()
        if not any(d in by_day for d in days):
            continue
        for day in days:  # a day without orders is a zero in the series, not a gap
            gmv, orders = by_day.get(day, (0.0, 0))
            values[("gmv", day_dimension(day))] = gmv
            values[("orders", day_dimension(day))] = float(orders)
        for name, promo in promotion_days(period).items():
            values[("gmv", f"promo={name}")] = sum(by_day.get(d, (0.0, 0))[0] for d in promo)
        out[period.label] = values
    return out


def _as_date(value) -> date:
    import pandas as pd

    return pd.Timestamp(value).date()


def month_to_date(engine, period: Period) -> tuple[Period, float] | None:
    """A week's month-to-date GMV: from the first of the month holding its last day through that day."""
    if period.grain != "week":
        return None
    month = period.month_of_end()
    span = Span(month.start, period.end)
    row = engine.query(f"SELECT SUM(CAST(amount AS {MONEY})) AS gmv FROM orders "
                       f"WHERE status <> 'cancelled' AND {_between('order_time', span)}").to_dict("records")[0]
    gmv = row["gmv"]
    return (month, float(gmv)) if gmv is not None and gmv == gmv else None


@dataclass(frozen=True)
class Span:
    """Any date range [start, end), as the SQL range helpers read a Period."""

    start: date
    end: date


def marketing_is_monthly(engine) -> bool:
    """Whether the marketing table holds one row per month (every date a first of the month)."""
    row = engine.query("SELECT COUNT(*) AS n, COUNT(CASE WHEN EXTRACT(day FROM date) = 1 THEN 1 END) AS firsts "
                       "FROM marketing").to_dict("records")[0]
    return bool(row["n"]) and row["n"] == row["firsts"]


MARKETING_METRICS = ("marketing_spend", "marketing_roi", "cac")


def drop_monthly_marketing(values: Values) -> None:
    """A week's slice of a monthly spend table would be a whole month's spend (or none): leave it out."""
    for key in [k for k in values if k[0] in MARKETING_METRICS]:
        del values[key]


def partial_note(engine, period: Period) -> str:
    """A note when the orders end inside the month or week: its figures are to date, its changes against whole
    periods understated."""
    last = engine.query("SELECT MAX(order_time) AS t FROM orders")["t"][0]
    if last is None or last != last or _as_date(last) >= period.last_day:
        return ""
    return (f"the orders end on {_as_date(last):%Y-%m-%d}, inside {period.label}: its figures run to that day, and "
            f"its changes against whole periods (环比, 同比) understate it")
