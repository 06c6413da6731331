"""Any downloaded table as text cells: CSV (UTF-8 or GBK, a ZIP holding one), xlsx or xls, header row found.

Back-office downloads put title rows above the header, start a pasted sheet at B2, repeat the header inside the
file and add 合计 rows; numbers arrive as text with separators and percent signs, dates in several forms.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from drafter.errors import UserError
from drafter.files import head_text, utf8_or_gbk
from drafter.metrics.exports import clean_header

# Where a header row may sit: 生意参谋 .xls downloads carry up to 7 title rows.
HEADER_SEARCH = 15
# Cells meaning "no value" in these downloads.
NO_VALUE = {"", "-", "--", "—", "/", "\\n", "null", "nan", "none", "n/a"}
# Rows that add up the others (or the header repeated): never a day of their own.
TOTAL_WORDS = {"合计", "总计", "全部", "汇总", "总和", "total", "sum"}
_ICONS = re.compile("[\ue000-\uf8ff]")  # private-use glyphs a copied web table leaves in header names
_SERIAL = re.compile(r"\d{5}(\.\d+)?")  # an Excel date serial (45658 = 2025-01-01)


def header_name(cell) -> str:
    """A header cell as matched: icon glyphs and their trailing words dropped, quotes and spaces stripped,
    full-width brackets as half-width."""
    text = str(cell if cell is not None else "")
    if _ICONS.search(text):
        text = text[:_ICONS.search(text).start()]
    return clean_header(text.strip().strip("'\""))


def _csv_text(path: Path) -> str:
    raw = path.read_bytes()
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.namelist() if m.lower().endswith(".csv")]
            if len(members) != 1:
                raise UserError(f"{path.name}: a ZIP download should hold one CSV; it holds {len(members)}")
            raw = archive.read(members[0])
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    return utf8_or_gbk(raw, path.name)


def _csv_rows(text: str, known: set[str], limit: int | None = None) -> tuple[list[list[str]], str]:
    """The CSV's rows split at commas or at tabs, whichever gives a line more known header names."""
    lines = text.splitlines()[:limit] if limit else text.splitlines()
    best, chosen = -1, ","
    for sep in (",", "\t"):
        top = list(csv.reader(io.StringIO("\n".join(lines[:HEADER_SEARCH])), delimiter=sep))
        score = max((len({header_name(c) for c in row} & known) for row in top), default=0)
        if score > best:
            best, chosen = score, sep
    return list(csv.reader(io.StringIO("\n".join(lines)), delimiter=chosen)), chosen


# The last workbook read whole: recognising a file and reading it take the same sheet, and calamine parses a
# sheet whole even for its first rows (a million-row export costs seconds per parse).
_LAST_BOOK: dict = {}


def _book(path: Path):
    import pandas as pd

    key = (str(path), path.stat().st_mtime_ns, path.stat().st_size)
    if key not in _LAST_BOOK:
        _LAST_BOOK.clear()
        try:
            # calamine reads xls (BIFF8) and xlsx alike, and a sheet declaring <dimension ref="A1"> in full.
            _LAST_BOOK[key] = pd.read_excel(path, header=None, dtype=str, engine="calamine").fillna("")
        except Exception as exc:  # calamine raises several kinds for a damaged workbook
            raise UserError(f"{path.name}: cannot read this Excel file ({exc}); download it again") from exc
    return _LAST_BOOK[key]


def forget_books() -> None:
    """Free the workbook kept from the last read."""
    _LAST_BOOK.clear()


def raw_rows(path: Path, known: set[str], limit: int | None = None) -> list[list[str]]:
    """The first sheet's (or the CSV's) rows as lists of text, untouched but for None → ''."""
    if path.suffix.lower() in (".csv", ".txt") and limit:
        with path.open("rb") as stream:  # the first lines only: a million-order export is 200 MB
            head = stream.read(1 << 16)
        return _csv_rows(head_text(head.removeprefix(b"\xef\xbb\xbf")), known, limit)[0]
    if path.suffix.lower() in (".csv", ".zip", ".txt"):
        return _csv_rows(_csv_text(path), known, limit)[0]
    frame = _book(path)
    return (frame.iloc[:limit] if limit else frame).astype(str).values.tolist()


def find_header(rows: list[list[str]], known: set[str]) -> int | None:
    """The row among the first few holding the most known header names (at least two), or None."""
    best, at = 1, None
    for index, row in enumerate(rows[:HEADER_SEARCH]):
        hits = len({header_name(c) for c in row} & known)
        if hits > best:
            best, at = hits, index
    return at


def peek(path: Path, known: set[str]) -> list[str]:
    """The header names of a file from its first rows, or [] when no row names known headers."""
    rows = raw_rows(path, known, HEADER_SEARCH)
    at = find_header(rows, known)
    return [] if at is None else [header_name(c) for c in rows[at]]


def read_table(path: Path, known: set[str]):
    """(frame of text cells under cleaned header names, header row index, rows dropped as repeated headers).

    Leading empty columns (a sheet starting at B2) are dropped; a header repeated inside the file is dropped."""
    import pandas as pd

    top = raw_rows(path, known, HEADER_SEARCH)
    at = find_header(top, known)
    if at is None:
        raise UserError(f"{path.name}: no header row found among its first {HEADER_SEARCH} rows")
    if path.suffix.lower() in (".csv", ".zip", ".txt"):
        text = _csv_text(path)
        sep = _csv_rows(text, known, HEADER_SEARCH)[1]
        try:
            frame = pd.read_csv(io.StringIO(text), sep=sep, skiprows=at, header=None, dtype=str,
                                keep_default_na=False, skip_blank_lines=False, engine="c", on_bad_lines="skip")
        except (pd.errors.ParserError, ValueError) as exc:
            raise UserError(f"{path.name}: not a readable CSV table ({exc}); download it again") from exc
    else:
        frame = _book(path).iloc[at:].astype(str)
    names = [header_name(c) for c in frame.iloc[0]]
    frame = frame.iloc[1:]
    frame.columns = _unique(names)
    lead = next((i for i, n in enumerate(names) if n), 0)
    frame = frame.iloc[:, lead:].fillna("")
    repeated = frame.iloc[:, 0] == frame.columns[0]
    empty = (frame == "").all(axis=1)
    return frame[~repeated & ~empty].reset_index(drop=True), at, int(repeated.sum())


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def numbers(cells):
    """Text cells as numbers: '1,234.56', '3.10%' (→ 3.10), ' 12 ', '¥9'; '-', '\\N', ranges, empty → NaN."""
    import pandas as pd

    text = cells.astype(str).str.strip().str.replace(r"[,，¥￥%\s\t]", "", regex=True)
    text = text.where(~text.str.lower().isin(NO_VALUE), None)
    return pd.to_numeric(text, errors="coerce")


def dates(cells):
    """Day cells as dates: 2025-01-01, 2025/1/1, 20250101, 2025年1月1日, a datetime, an Excel serial; NaT else."""
    import pandas as pd

    text = cells.astype(str).str.strip().str.replace(r"\s+00:00:00$", "", regex=True)
    compact = text.str.fullmatch(r"\d{8}")
    serial = text.str.fullmatch(_SERIAL.pattern)
    text = text.str.replace(r"[年月]", "-", regex=True).str.replace("日", "", regex=False).str.replace("/", "-")
    out = pd.to_datetime(text.where(~compact & ~serial, None), errors="coerce", format="mixed")
    out = out.where(~compact, pd.to_datetime(text.where(compact, None), format="%Y%m%d", errors="coerce"))
    days = pd.to_numeric(text.where(serial, None), errors="coerce")
    out = out.where(~serial, pd.Timestamp("1899-12-30") + pd.to_timedelta(days, unit="D"))
    return out.dt.normalize()


def is_total(cells):
    """Cells that mark a row adding up the others (合计, 总计, 全部, 汇总)."""
    return cells.astype(str).str.strip().str.lower().isin(TOTAL_WORDS)
