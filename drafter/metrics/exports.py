"""Platform order exports, as downloaded, read into canonical order rows with each platform's semantics."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path

from drafter.errors import UserError
from drafter.files import head_text, utf8_or_gbk
from drafter.metrics.platforms import NO_TIME, Platform, known_headers, normal, present


@dataclass
class FileReport:
    """What one file in the data folder turned out to be, and what was read from it."""

    file: str
    platform: str = ""  # the export's title; empty for a canonical table
    table: str = ""  # "orders" (or another canonical table); empty when not read
    channels: dict[str, int] = field(default_factory=dict)  # channel → paid orders
    rows: int = 0
    orders: int = 0  # distinct main orders
    paid: int = 0
    unpaid: int = 0
    cancelled: int = 0
    refunded: int = 0
    first: str = ""  # the first and last paid order's time
    last: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # canonical field → header used
    excluded: dict[str, int] = field(default_factory=dict)  # reason → rows
    buyer: str | None = None  # the buyer account column; None: the export has none
    reason: str = ""  # why the file was not read
    gaps: list[str] = field(default_factory=list)  # days missing inside a daily download's series
    coverage: dict = field(default_factory=dict)  # order lines / product lists: what found a category
    gone: set[str] = field(default_factory=set)  # ids that are no orders in any file of the platform (split parents)

    def as_dict(self) -> dict:
        """The JSON shape of `drafter data check --json`."""
        return {k: v for k, v in self.__dict__.items() if k != "gone"}


def decode(path: Path) -> str:
    """A CSV's text: UTF-8 (with or without BOM), else GBK/GB18030."""
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    return utf8_or_gbk(raw, path.name)


def clean_header(name) -> str:
    """Headers carry trailing spaces (淘宝 '订单付款时间 '), a BOM or ="…" quoting."""
    return normal(_clean(str(name)))


def _clean(text: str) -> str:
    text = text.strip().strip("\ufeff").strip()
    match = re.fullmatch(r'="?(.*?)"?', text)  # ="6953…" keeps 19 digits as text in Excel
    if match:
        text = match[1]
    return text.lstrip("'").strip()  # '138… (a phone kept as text)


def read_sheet(path: Path):
    """The file's table as text cells (empty for a missing cell) and each row's label for messages.

    An Excel export may split its orders over several sheets with the same header (快递订单 …): all are read."""
    import io

    import pandas as pd

    if path.suffix.lower() != ".csv":
        return _read_book(path)
    text = decode(path)
    header, sep = _csv_header(text)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, skiprows=header, dtype=str, keep_default_na=False,
                            skip_blank_lines=True)
    except (pd.errors.ParserError, ValueError) as exc:
        raise UserError(f"{path.name}: not a readable CSV table ({exc}); export it again") from exc
    frame.columns = [clean_header(c) for c in frame.columns]
    return frame, _labels(frame, header)


def _labels(frame, header: int, sheet: str = ""):
    import pandas as pd

    numbers = range(header + 2, header + 2 + len(frame))
    return pd.Series([f"{sheet}!{n}" for n in numbers] if sheet else list(numbers), index=frame.index)


def _read_book(path: Path):
    import pandas as pd

    from drafter.metrics.excel import read_excel

    frame, header, _merged = read_excel(path, "orders", {}, known_headers())
    frame = frame.fillna("")
    frame.columns = [clean_header(c) for c in frame.columns]
    names = pd.ExcelFile(path, engine="calamine").sheet_names
    if len(names) == 1:
        return frame, _labels(frame, header)
    frames, labels = [frame], [_labels(frame, header, names[0])]
    known = known_headers()
    for name in names[1:]:
        raw = pd.read_excel(path, sheet_name=name, dtype=str, header=None, engine="calamine").fillna("")
        top = next((i for i in range(min(10, len(raw)))
                    if len({clean_header(v) for v in raw.iloc[i]} & known) >= 3), None)
        if top is None or [clean_header(v) for v in raw.iloc[top]] != list(frame.columns):
            continue  # a notes sheet, or another table
        part = raw.iloc[top + 1:].reset_index(drop=True)
        part.columns = frame.columns
        frames.append(part)
        labels.append(_labels(part, top, name))
    merged = pd.concat(frames, ignore_index=True)
    return merged, pd.Series(pd.concat(labels, ignore_index=True).tolist(), index=merged.index)


def peek_headers(path: Path) -> list[str]:
    """The header row of a file from its first lines only, to recognise it before reading it whole."""
    import pandas as pd

    if path.suffix.lower() == ".csv":
        raw = path.read_bytes()[:1 << 16]
        text = raw[3:].decode("utf-8", "ignore") if raw.startswith(b"\xef\xbb\xbf") else head_text(raw)
        header, sep = _csv_header(text)
        lines = text.splitlines()
        return [clean_header(c.strip('"')) for c in lines[header].split(sep)] if lines else []
    try:
        top = pd.read_excel(path, header=None, nrows=10, dtype=str, engine="calamine").fillna("")
    except Exception as exc:  # calamine raises several kinds for a damaged workbook
        raise UserError(f"{path.name}: cannot read this Excel file ({exc}); save it again as .xlsx") from exc
    rows = [[clean_header(v) for v in top.iloc[i]] for i in range(len(top))]
    known = known_headers()
    return max(rows, key=lambda r: len(set(r) & known), default=[])


def _csv_header(text: str) -> tuple[int, str]:
    """The header line among the first 10 (a title line may sit above it) and the separator: comma or tab."""
    known = known_headers()
    lines = text.splitlines()[:10]
    header = next((i for i, line in enumerate(lines)
                   if sum(clean_header(c.strip().strip('"')) in known for c in re.split(r"[,\t]", line)) >= 3), 0)
    line = lines[header] if lines else ""
    return header, "\t" if line.count("\t") > line.count(",") else ","


def column_cells(frame, header: str | None):
    """A column's cells cleaned of export quirks; empty cells where the export lacks the column."""
    import pandas as pd

    header = present(frame.columns, header)
    if header is None:
        return pd.Series([""] * len(frame), index=frame.index, dtype=object)
    cells = frame[header].astype(str).str.strip()
    cells = cells.str.replace(r'^="?(.*?)"?$', r"\1", regex=True).str.lstrip("'").str.strip()
    return cells.where(~cells.str.lower().isin(("nan", "none")), "")


def _money(cells, name: str, header: str, rows, must):
    """Amount cells as numbers; a non-number where one is needed stops with the rows named."""
    import pandas as pd

    text = cells.str.replace(r"[,¥￥\s]", "", regex=True)
    text = text.where(~text.str.lower().isin(NO_TIME), "")  # '-' in an amount cell (微信小店 退款金额) means none
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna() & (text != "") & must
    if bad.any():
        _raise_rows(name, header, "values that are not amounts", rows[bad], cells[bad],
                    "Write plain amounts such as 59.90.")
    return values.fillna(0.0).astype(float)  # whole-yuan cells parse as integers, a refund may add cents


def _times(cells, name: str, header: str, rows, must):
    import pandas as pd

    empty = cells.str.lower().isin(NO_TIME)
    times = pd.to_datetime(cells.where(~empty, None), errors="coerce", format="mixed")
    bad = times.isna() & ~empty & must
    if bad.any():
        _raise_rows(name, header, "values that are not times", rows[bad], cells[bad],
                    "Use times like 2025-06-18 14:30:00.")
    return times


def _raise_rows(name: str, header: str, problem: str, rows, cells, fix: str) -> None:
    sample = "; ".join(f"row {r}: {c!r}" for r, c in list(zip(rows, cells, strict=True))[:5])
    raise UserError(f"{name}: column {header!r} has {len(rows)} {problem} ({sample}). {fix}")


def channel_for(platform: Platform, file_name: str, shops, mapping: dict[str, str]):
    """Each row's channel: [channels] in drafter.toml by file name, shop name or the platform's own channel name
    (淘宝 = "天猫"), else the platform's channel."""
    for pattern, channel in mapping.items():
        if fnmatch.fnmatch(file_name, pattern):
            return shops.map(lambda _s, named=channel: named)
    names = {k: v for k, v in mapping.items() if not any(ch in k for ch in "*?[")}

    def pick(shop: str) -> str:
        if shop in names:
            return names[shop]
        own = next((c for pattern, c in platform.shop_channels if shop and re.search(pattern, shop)), platform.channel)
        return names.get(own, own)

    return shops.map(pick)


def _columns_used(platform: Platform, headers) -> dict[str, str | None]:
    """The header read for each field (the first of its names the export has)."""
    return {field: present(headers, name) for field, name in (
        ("order_id", platform.order_id), ("user_id", platform.buyer), ("order_time", platform.paid_time),
        ("amount", platform.amount), ("refund", platform.refund_amount), ("status", platform.status))}


def _rows(path: Path, platform: Platform, frame, rows, used: dict, mapping: dict[str, str]):
    """One cleaned row per export row: id, buyer, paid or not, money, refunded money, status, time, channel."""
    import pandas as pd

    ids = column_cells(frame, used["order_id"])
    if (ids == "").any():
        _raise_rows(path.name, used["order_id"], "empty order ids", rows[ids == ""], ids[ids == ""],
                    "Every row needs its order id; export the file again.")
    shortened = ids.str.fullmatch(r"\d(\.\d+)?[eE]\+?\d+")
    if shortened.any():
        _raise_rows(path.name, used["order_id"], "order ids in scientific notation", rows[shortened],
                    ids[shortened], "Excel shortened them (6.95E+18), so distinct orders can no longer be told "
                    "apart: use the export as downloaded, not a copy opened and saved in Excel.")
    paid_cells = column_cells(frame, used["order_time"])
    paid = ~paid_cells.str.lower().isin(NO_TIME)
    amount = _money(column_cells(frame, used["amount"]), path.name, used["amount"], rows, paid)
    refund = _money(column_cells(frame, used["refund"]), path.name, used["refund"] or "", rows, paid)
    for column, pattern in platform.refund_words:  # a row marked refunded gave back all of its money
        refund = refund.where(~column_cells(frame, column).str.contains(pattern, regex=True), amount)
    charged = float("nan")
    if platform.charged and all(present(frame.columns, c) for c in platform.charged):
        charged = sum(_money(column_cells(frame, c), path.name, c, rows, paid) for c in platform.charged)
    return pd.DataFrame({
        "order_id": ids, "user_id": column_cells(frame, used["user_id"]), "paid": paid, "amount": amount,
        "refund": refund, "charged": charged, "status": column_cells(frame, used["status"]),
        "time": _times(paid_cells, path.name, used["order_time"], rows, paid),
        "channel": channel_for(platform, path.name, column_cells(frame, platform.shop), mapping), "row": rows})


def _same_order_agrees(name: str, lines, used: dict, sum_rows: bool) -> None:
    """Rows of one order share its payment time (and, where totals repeat per row, its amount). Rows that do not
    are most often different orders whose ids lost digits (19-digit ids stored as numbers): stop, not merge."""
    checks = {"time": used["order_time"]} | ({} if sum_rows else {"amount": used["amount"]})
    for column, header in checks.items():
        split = lines[column].astype(str).groupby(lines["order_id"]).transform("nunique") > 1
        if split.any():
            sample = "; ".join(f"rows {', '.join(map(str, part['row'][:3]))}: {oid}"
                               for oid, part in list(lines[split].groupby("order_id"))[:3])
            raise UserError(f"{name}: rows with the same order id ({used['order_id']}) differ in {header} ({sample}), "
                            f"so they cannot be read as one order. Most often they are different orders whose ids "
                            f"lost digits (19-digit ids kept as numbers in Excel are rounded): use the export as "
                            f"downloaded, or keep the id column as text.")


def read_export(path: Path, platform: Platform, frame, rows, mapping: dict[str, str]):
    """One export's paid orders as canonical rows, and the report of what was read and left out.

    rows: each row's label in messages (its line, or sheet!line)."""
    import pandas as pd

    report = FileReport(path.name, platform.title, "orders", rows=len(frame))
    keep = pd.Series(True, index=frame.index)
    for rule in platform.drop:
        hit = keep.copy()
        for column, pattern in rule.when:
            hit &= column_cells(frame, column).str.contains(pattern, regex=True)
        if hit.any():
            report.excluded[rule.reason] = int(hit.sum())
            if rule.everywhere:
                report.gone |= set(column_cells(frame, platform.order_id)[hit])
        keep &= ~hit
    used = _columns_used(platform, frame.columns)
    lines = _rows(path, platform, frame[keep], rows[keep], used, mapping)
    _same_order_agrees(path.name, lines, used, platform.sum_rows)
    # Sub-order rows (抖店) add up to their main order; order totals repeated on SKU rows (京东) count once.
    orders = lines.groupby("order_id", sort=False).agg(
        user_id=("user_id", "first"), paid=("paid", "any"), amount=("amount", "sum" if platform.sum_rows else "first"),
        refund=("refund", "sum" if platform.sum_rows else "max"), charged=("charged", "first"),
        status=("status", "first"),
        order_time=("time", "min"), channel=("channel", "first"), row=("row", "first")).reset_index()
    closed = orders["status"].str.contains(platform.closed, regex=True) if platform.closed else orders["paid"] & False
    report.orders = len(orders)
    report.cancelled = int((~orders["paid"] & closed).sum())
    report.unpaid = int((~orders["paid"] & ~closed).sum())
    if report.cancelled:
        report.excluded["orders cancelled before payment"] = report.cancelled
    if report.unpaid:
        report.excluded["orders not paid (no payment time)"] = report.unpaid
    orders = orders[orders["paid"]].copy()
    closed = closed[orders.index]
    if platform.refund_moved:
        orders, closed = _moved_refunds(orders, closed, used["refund"], report)
    # Closed after payment: the money went back in full.
    orders["refund_amount"] = orders["refund"].where(~closed, orders["amount"]).clip(upper=orders["amount"]).round(2)
    orders["amount"] = orders["amount"].round(2)
    orders["status"] = orders["refund_amount"].gt(0).map({True: "refunded", False: "paid"})
    # A masked 买家会员名 (t**8) is many people, not an account: such orders count as having none.
    named = (orders["user_id"] != "") & ~orders["user_id"].str.contains("**", regex=False)
    orders["user_id"] = orders["user_id"].where(named, None)
    _describe(report, orders, platform, used, frame.columns)
    return orders[["order_id", "user_id", "order_time", "amount", "refund_amount", "channel", "status", "row"]], report


def _moved_refunds(orders, closed, refund_column: str | None, report: FileReport):
    """淘宝: a refunded order shows less paid (0.00 when closed), its money moved to 退款金额: added back. A row whose
    paid + refunded equals what the buyer was charged (goods + shipping) was reduced; without those columns, one
    whose paid column holds less than the refund was (more cannot have been given back than was paid), so an order
    still showing its money is not counted twice. Without a refund column what a closed order showing 0.00 was
    paid is unknown: it is left out and said so, not counted as 0.00."""
    if refund_column is None:
        unknown = closed & orders["amount"].eq(0)
        if unknown.any():
            report.excluded["orders closed after payment showing 0.00 paid, with no 退款金额 column: "
                            "what was paid is unknown (export the report with 退款金额)"] = int(unknown.sum())
        return orders[~unknown], closed[~unknown]
    reduced = orders["refund"].gt(0) & (orders["amount"] + orders["refund"] - orders["charged"]).abs().lt(0.005)
    moved = orders["amount"].lt(orders["refund"]) | reduced
    orders.loc[moved, "amount"] = orders.loc[moved, "amount"] + orders.loc[moved, "refund"]
    return orders, closed


def _describe(report: FileReport, orders, platform: Platform, used: dict, headers) -> None:
    """Counts, period and the columns read, for `drafter data check`."""
    report.paid, report.refunded = len(orders), int((orders["status"] == "refunded").sum())
    report.channels = {str(k): int(v) for k, v in orders["channel"].value_counts().sort_index().items()}
    if len(orders):
        report.first = f"{orders['order_time'].min():%Y-%m-%d %H:%M:%S}"
        report.last = f"{orders['order_time'].max():%Y-%m-%d %H:%M:%S}"
    refunds = [used["refund"], *(present(headers, c) for c, _ in platform.refund_words)]
    report.buyer = used["user_id"]
    moved = f" (+ {used['refund']} when closed)" if platform.refund_moved and used["refund"] else ""
    report.columns = {
        "order_id": used["order_id"], "user_id": used["user_id"] or "(none: no buyer account)",
        "order_time": used["order_time"], "amount": used["amount"] + moved,
        "refund_amount": " / ".join([*filter(None, refunds), f"{used['status']} (closed after payment)"]),
        "status": used["status"],
        "channel": f"{platform.channel} (platform)" if set(report.channels) <= {platform.channel} else
        f"{'、'.join(report.channels)} (by {present(headers, platform.shop) or 'file name'} or drafter.toml)"}


def merge_exports(parts: list, reports: list[FileReport]):
    """All exports' orders in one frame; an order downloaded twice (overlapping exports) counts once."""
    import pandas as pd

    if not parts:
        return None
    for part, report in zip(parts, reports, strict=True):
        part["file"] = report.file
    frame = pd.concat(parts, ignore_index=True)
    frame = _drop_gone(frame, reports)
    copies = frame.groupby(["channel", "order_id"], sort=False)
    # A later download knows of refunds an earlier one does not: the order keeps the most money given back.
    frame["refund_amount"] = copies["refund_amount"].transform("max")
    frame["status"] = frame["refund_amount"].gt(0).map({True: "refunded", False: "paid"})
    # The copy in an export with buyer accounts (淘宝 CSV) lends its account to the copy in one without (千牛 xlsx).
    accounts = copies["user_id"].transform("first")
    frame["user_id"] = accounts.where(accounts.notna(), None)
    twice = frame.duplicated(["channel", "order_id"], keep="first")
    for name, count in frame[twice]["file"].value_counts().items():
        report = next(r for r in reports if r.file == name)
        report.excluded["orders also in an earlier file (overlapping exports): counted once"] = int(count)
    frame = frame[~twice].copy()
    _one_scope_per_channel(frame, reports)
    return frame.drop(columns=["file", "row"]).reset_index(drop=True)


def _drop_gone(frame, reports: list[FileReport]):
    """Orders another download of the same platform shows split (京东): counted through their children only."""
    platform = {r.file: r.platform for r in reports}
    gone = {(r.platform, i) for r in reports for i in r.gone}
    if not gone:
        return frame
    hit = [(platform[f], i) in gone for f, i in zip(frame["file"], frame["order_id"], strict=True)]
    for name, count in frame[hit]["file"].value_counts().items():
        report = next(r for r in reports if r.file == name)
        report.excluded["orders another download shows split (their child orders are counted instead)"] = int(count)
    return frame[[not h for h in hit]]


def _one_scope_per_channel(frame, reports: list[FileReport]) -> None:
    """A channel some of whose orders carry no buyer account (淘宝 from the 千牛 xlsx beside the classic CSV) is
    out of the buyer metrics: its other accounts are dropped too, so no buyer figure covers part of a channel."""
    partial = frame.groupby("channel")["user_id"].agg(lambda ids: ids.isna().any() and ids.notna().any())
    dropped = frame["channel"].isin(partial[partial].index) & frame["user_id"].notna()
    for name, count in frame[dropped]["file"].value_counts().items():
        report = next(r for r in reports if r.file == name)
        report.excluded["buyer accounts not used: other exports of the channel carry none"] = int(count)
    frame.loc[dropped, "user_id"] = None
