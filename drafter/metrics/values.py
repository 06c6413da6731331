"""The shapes every metrics module shares: a period's values, the buyer dimensions, and small SQL/number helpers."""

from __future__ import annotations

from drafter.periods import Period

NEW_BUYERS, RETURNING_BUYERS = "buyer=新客", "buyer=老客"

# (metric, dimension) → value, e.g. ("gmv", "channel=抖音") → 6.87e6
Values = dict[tuple[str, str], float]


def between(column: str, period: Period) -> str:
    """SQL that is true when a timestamp column falls inside the period."""
    return f"{column} >= TIMESTAMP '{period.start} 00:00:00' AND {column} < TIMESTAMP '{period.end} 00:00:00'"


def ratio(numerator: float | None, denominator: float | None, scale: float = 1.0) -> float | None:
    """numerator / denominator × scale, or None when either is missing or the denominator is 0."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator * scale


def zero_if_null(value) -> float:
    """A SQL SUM over no rows (NULL, NaN once pandas holds it) as 0.0: nothing was bought."""
    return 0.0 if value is None or value != value else float(value)


def put(values: Values, metric: str, dimension: str, value) -> None:
    """Store a value unless it is missing (None or NaN)."""
    if value is not None and value == value:
        values[(metric, dimension)] = float(value)
