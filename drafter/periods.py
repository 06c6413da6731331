"""Report periods (a year 2025, a quarter 2025Q3, a half 2025H1, a month 2025-07, an ISO week 2025-W47) and the one
reader of their names: strict for a period a user gives, lenient for one a facts table or a sentence states."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from drafter.errors import UserError

# A label, or a looser spelling of one (2025年Q3, 2025 H1): a joint between year and part only the lenient reader takes
_NAME = re.compile(r"(?P<year>\d{4})(?:(?P<joint>\s*年?)(?:(?P<part>[QH])(?P<n>\d)|-?W(?P<week>\d{1,2})|"
                   r"-(?P<month>\d{1,2})))?", re.I)
_PARTS = {"Q": "quarter", "H": "half"}
_FIRST_YEAR = 1000  # a year of four digits; 0999 names none
_MONTHS = {"year": 12, "half": 6, "quarter": 3, "month": 1}
PERIOD_FORMS = "2025, 2025Q3, 2025H1, 2025-07 or 2025-W47"


def iso_weeks(year: int) -> int:
    """How many ISO weeks a year has (52 or 53): 28 December always lies in its last week."""
    return date(year, 12, 28).isocalendar().week


@dataclass(frozen=True)
class Period:
    """A calendar period with its half-open date range [start, end); a week is an ISO week, Monday to Sunday."""

    label: str
    grain: str
    year: int  # for a week, its ISO year (2026-W01 starts on 29 December 2025)
    index: int

    @property
    def start(self) -> date:
        """First day of the period."""
        if self.grain == "week":
            return date.fromisocalendar(self.year, self.index, 1)
        return date(self.year, (self.index - 1) * _MONTHS[self.grain] + 1, 1)

    @property
    def end(self) -> date:
        """First day after the period."""
        if self.grain == "week":
            return self.start + timedelta(days=7)
        month = self.index * _MONTHS[self.grain] + 1
        return date(self.year + 1, 1, 1) if month > 12 else date(self.year, month, 1)

    @property
    def last_day(self) -> date:
        """The period's last day."""
        return self.end - timedelta(days=1)

    def days(self) -> list[date]:
        """Every day of the period, in order."""
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days)]

    def shifted(self, years: int = 0, steps: int = 0) -> Period:
        """The same kind of period `years` years and `steps` periods away."""
        if self.grain == "week":
            # a year away: the same ISO week number (week 53 falls back to 52 in a year that has none)
            year = self.year + years
            moved = date.fromisocalendar(year, min(self.index, iso_weeks(year)), 1) + timedelta(weeks=steps)
            iso = moved.isocalendar()
            return make_period("week", iso.year, iso.week)
        per_year = 12 // _MONTHS[self.grain]
        ordinal = (self.year + years) * per_year + (self.index - 1) + steps
        return make_period(self.grain, ordinal // per_year, ordinal % per_year + 1)

    def previous_year(self) -> Period:
        """The same period a year earlier (同比); for a week, the same ISO week number."""
        return self.shifted(years=-1)

    def whole_year(self) -> Period:
        """The year the period lies in (a quarter's report states its year's targets); a week's ISO year."""
        return make_period("year", self.year, 1)

    def month_of_end(self) -> Period:
        """The month holding the period's last day (a week's month-to-date runs from its first day)."""
        return make_period("month", self.last_day.year, self.last_day.month)

    def previous(self) -> Period:
        """The period just before (环比); for a year, the previous year."""
        return self.shifted(steps=-1)

    def chinese(self) -> str:
        """How prose names it: 2025年, 2025年第三季度, 2025年上半年, 2025年7月, 2025年第47周."""
        if self.grain == "year":
            return f"{self.year}年"
        if self.grain == "quarter":
            return f"{self.year}年第{'一二三四'[self.index - 1]}季度"
        if self.grain == "half":
            return f"{self.year}年{'上下'[self.index - 1]}半年"
        if self.grain == "week":
            return f"{self.year}年第{self.index}周"
        return f"{self.year}年{self.index}月"

    def span_chinese(self) -> str:
        """Its first and last day as prose writes them: 11月17日—11月23日 (with years when they differ)."""
        first, last = self.start, self.last_day
        years = first.year != last.year
        lead = f"{first.year}年" if years else ""
        tail = f"{last.year}年" if years else ""
        return f"{lead}{first.month}月{first.day}日—{tail}{last.month}月{last.day}日"


def make_period(grain: str, year: int, index: int) -> Period:
    """Build a period from its parts."""
    label = {
        "year": f"{year}",
        "quarter": f"{year}Q{index}",
        "half": f"{year}H{index}",
        "month": f"{year}-{index:02d}",
        "week": f"{year}-W{index:02d}",
    }[grain]
    return Period(label, grain, year, index)


def _periods_in(grain: str, year: int) -> int:
    """How many periods of a grain a year has: 1 year, 2 halves, 4 quarters, 12 months, 52 or 53 ISO weeks."""
    return iso_weeks(year) if grain == "week" else 12 // _MONTHS[grain]


def _named(match: re.Match) -> Period | None:
    """The period a matched name names, or None when a number is out of range (0999, 2025Q5, 2025-13, 2021-W53)."""
    year = int(match["year"])
    if year < _FIRST_YEAR:
        return None
    if match["part"]:
        grain, index = _PARTS[match["part"].upper()], int(match["n"])
    elif match["week"]:
        grain, index = "week", int(match["week"])
    elif match["month"]:
        grain, index = "month", int(match["month"])
    else:
        grain, index = "year", 1
    return make_period(grain, year, index) if 1 <= index <= _periods_in(grain, year) else None


def read_period(text: str) -> Period | None:
    """The period a facts table or a sentence names (2025, 2025Q3, 2025年Q3, 2025 H1, 2025-07, 2025W47, 2025-W47);
    None when the text is not a period."""
    match = _NAME.fullmatch(str(text).strip())
    return _named(match) if match else None


def parse_period(text: str) -> Period:
    """Parse 2025, 2025Q3, 2025H1, 2025-07 or 2025-W47; a clear error otherwise."""
    text = str(text).strip()
    match = _NAME.fullmatch(text)
    if match and not match["joint"]:
        period = _named(match)
        if period is not None:
            return period
        year = int(match["year"])
        if match["week"] and year >= _FIRST_YEAR:
            raise UserError(f"period {text!r}: {year} has ISO weeks 1 to {iso_weeks(year)}")
    raise UserError(f"period {text!r} is not understood: use {PERIOD_FORMS}")


def as_period(value: Period | str) -> Period:
    """A Period as it is; text (2025, 2025Q3…) parsed — callers pass the Period the CLI parsed once."""
    return value if isinstance(value, Period) else parse_period(value)


def shift_period(label: str, years: int = 0, steps: int = 0) -> str:
    """The label of the period `years` years and `steps` periods away from the one `label` names; "" if none."""
    period = read_period(label)
    return period.shifted(years, steps).label if period else ""


def period_days(label: str) -> int:
    """How many days the period `label` names spans (a year 365 or 366, a month, a week 7); 0 if it names none."""
    period = read_period(label)
    return (period.end - period.start).days if period else 0
