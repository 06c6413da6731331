"""Report periods: a year 2025, a quarter 2025Q3, a half 2025H1 or a month 2025-07."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from drafter.errors import UserError

_PATTERNS = [
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{4})[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})[Hh]([12])$"), "half"),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "month"),
]
_MONTHS = {"year": 12, "half": 6, "quarter": 3, "month": 1}


@dataclass(frozen=True)
class Period:
    """A calendar period with its half-open date range [start, end)."""

    label: str
    grain: str
    year: int
    index: int

    @property
    def start(self) -> date:
        """First day of the period."""
        return date(self.year, (self.index - 1) * _MONTHS[self.grain] + 1, 1)

    @property
    def end(self) -> date:
        """First day after the period."""
        month = self.index * _MONTHS[self.grain] + 1
        return date(self.year + 1, 1, 1) if month > 12 else date(self.year, month, 1)

    def shifted(self, years: int = 0, steps: int = 0) -> Period:
        """The same kind of period `years` years and `steps` periods away."""
        per_year = 12 // _MONTHS[self.grain]
        ordinal = (self.year + years) * per_year + (self.index - 1) + steps
        return make_period(self.grain, ordinal // per_year, ordinal % per_year + 1)

    def previous_year(self) -> Period:
        """The same period a year earlier (同比)."""
        return self.shifted(years=-1)

    def whole_year(self) -> Period:
        """The year the period lies in (a quarter's report states its year's targets)."""
        return make_period("year", self.year, 1)

    def previous(self) -> Period:
        """The period just before (环比); for a year, the previous year."""
        return self.shifted(steps=-1)

    def chinese(self) -> str:
        """How prose names it: 2025年, 2025年第三季度, 2025年上半年, 2025年7月."""
        if self.grain == "year":
            return f"{self.year}年"
        if self.grain == "quarter":
            return f"{self.year}年第{'一二三四'[self.index - 1]}季度"
        if self.grain == "half":
            return f"{self.year}年{'上下'[self.index - 1]}半年"
        return f"{self.year}年{self.index}月"


def make_period(grain: str, year: int, index: int) -> Period:
    """Build a period from its parts."""
    label = {
        "year": f"{year}",
        "quarter": f"{year}Q{index}",
        "half": f"{year}H{index}",
        "month": f"{year}-{index:02d}",
    }[grain]
    return Period(label, grain, year, index)


def as_period(value: Period | str) -> Period:
    """A Period as it is; text (2025, 2025Q3…) parsed — callers pass the Period the CLI parsed once."""
    return value if isinstance(value, Period) else parse_period(value)


def parse_period(text: str) -> Period:
    """Parse 2025, 2025Q3, 2025H1 or 2025-07; a clear error otherwise."""
    text = str(text).strip()
    for pattern, grain in _PATTERNS:
        match = pattern.match(text)
        if match:
            year = int(match.group(1))
            index = int(match.group(2)) if grain != "year" else 1
            if grain == "month" and not 1 <= index <= 12:
                break
            return make_period(grain, year, index)
    raise UserError(f"period {text!r} is not understood: use 2025, 2025Q3, 2025H1 or 2025-07")
