"""What every metrics engine shares: column kinds, quoting, parsing text in SQL, and URLs without passwords."""

from __future__ import annotations

import re

# Source column types, reduced to what the canonical casts need to know.
TIME, NUMBER, BOOL, TEXT = "time", "number", "bool", "text"
_NUMERIC = re.compile(r"^(u?(tiny|small|big|huge)?int(eger)?\d*|float\d*|double|decimal|numeric|real|money)\b")


def type_kind(sql_type: str) -> str:
    """time, number, bool or text for an engine's type name."""
    lowered = sql_type.lower()
    if lowered.startswith(("timestamp", "date")):
        return TIME
    if _NUMERIC.match(lowered):
        return NUMBER
    return BOOL if lowered.startswith("bool") else TEXT


def quote(name: str) -> str:
    """A double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


# A plain decimal number (what is left of an amount once separators and currency signs are gone); the pattern guards
# the cast because MySQL's CAST('ten' AS DOUBLE) gives 0, not NULL.
NUMBER_PATTERN = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


# The time formats real exports write, tried in order when a time column is text.
TIMESTAMP_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M",
                     "%Y/%m/%d", "%Y-%m-%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m", "%Y/%m"]


def parse_time(text: str) -> str:
    """SQL (base dialect) parsing a text expression into a timestamp with the formats real exports use, else NULL."""
    # A month alone (2025-07) is read as its first day, spelled out: MySQL's STR_TO_DATE would give day 0 (2025-07-00).
    tries = ", ".join(f"try_strptime({text}, '{f}')" if "%d" in f else f"try_strptime({text} || '-01', '{f}-%d')"
                      for f in TIMESTAMP_FORMATS)
    return f"COALESCE(TRY_CAST({text} AS TIMESTAMP), {tries})"


def parse_number(text: str) -> str:
    """SQL (base dialect) parsing a text expression into a double, else NULL."""
    return f"CASE WHEN regexp_matches({text}, '{NUMBER_PATTERN}') THEN TRY_CAST({text} AS DOUBLE) END"


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"^([a-z][a-z0-9+.-]*://[^:/@]*):[^@/]*@", r"\1:***@", url, flags=re.IGNORECASE)
