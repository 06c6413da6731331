"""A data folder's files: canonical tables by name, platform order exports by their headers, the rest listed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from drafter.errors import UserError
from drafter.metrics.exports import FileReport, merge_exports, peek_headers, read_export, read_sheet
from drafter.metrics.platforms import recognise
from drafter.metrics.schema import FILE_NAMES, SCHEMA, SUFFIXES

READABLE = (".csv", ".xlsx")


@dataclass
class Folder:
    """What a data folder holds: canonical table files, the exports' orders, and a report per file."""

    tables: dict[str, list[Path]] = field(default_factory=dict)
    exports: object = None  # a pandas DataFrame of canonical order rows, or None
    reports: list[FileReport] = field(default_factory=list)


def canonical_files(data_dir: Path, table: str) -> list[Path]:
    """Every file holding a table by its English or Chinese name (orders.csv and 订单.csv are both read)."""
    return [data_dir / f"{stem}{suffix}" for stem in FILE_NAMES[table] for suffix in SUFFIXES
            if (data_dir / f"{stem}{suffix}").is_file()]


def scan(data_dir: Path, channels: dict[str, str] | None = None, errors: list | None = None,
         need_orders: bool = True) -> Folder:
    """Sort every file of the folder: canonical tables, recognised exports (read now), and the unread.

    A file that cannot be read stops the scan, unless errors is a list: then its message goes there."""
    folder = Folder()
    named: set[Path] = set()
    for table in SCHEMA:
        # An export saved as orders.csv or 订单.xlsx is still read as the export its headers say it is.
        paths = [p for p in canonical_files(data_dir, table)
                 if table != "orders" or p.suffix.lower() not in READABLE or not _is_export(p)]
        if paths:
            folder.tables[table] = paths if table == "orders" else paths[:1]
            named.update(paths)
            folder.reports += [FileReport(p.name, table=table, reason=f"a second {table} table; "
                                          f"{paths[0].name} is read") for p in paths[1:] if table != "orders"]
    parts, read = [], []
    for path in sorted(data_dir.iterdir()):
        if path in named or not path.is_file() or path.name.startswith((".", "~$")):
            continue
        if path.suffix.lower() not in READABLE:
            reason = ("an old Excel file: save it as .xlsx" if path.suffix.lower() == ".xls" else
                      "not a table drafter reads (.csv or .xlsx)")
            folder.reports.append(FileReport(path.name, reason=reason))
            continue
        try:
            _read_file(path, channels or {}, folder, parts, read)
        except UserError as exc:
            if errors is None:
                raise
            errors.append(str(exc))
            folder.reports.append(FileReport(path.name, reason=f"cannot be read: {exc}"))
    folder.exports = merge_exports(parts, read)
    folder.reports = read + folder.reports
    if need_orders and "orders" not in folder.tables and folder.exports is None:
        unread = "; ".join(f"{r.file}: {r.reason}" for r in folder.reports)
        raise UserError(f"{data_dir}: no orders found: no orders table (orders.csv, orders.parquet or orders.xlsx) "
                        f"and no platform order export (淘宝/天猫, 京东, 抖店, 拼多多, 微信小店)"
                        + (f". Files not read: {unread}" if unread else "")
                        + ". Put the exports as downloaded into the folder; run `drafter data check` to see more")
    return folder


def _is_export(path: Path) -> bool:
    platform, _why = recognise(peek_headers(path)) if path.stat().st_size else (None, "")
    return platform is not None and not platform.note


def _read_file(path: Path, channels: dict[str, str], folder: Folder, parts: list, read: list) -> None:
    headers = peek_headers(path) if path.stat().st_size else []
    if not any(headers):
        folder.reports.append(FileReport(path.name, reason="the file is empty"))
        return
    platform, why = recognise(headers)
    if platform is None or platform.note:
        reason = platform.note if platform else f"{why}; canonical tables are read by name (orders.csv, users.csv …)"
        folder.reports.append(FileReport(path.name, platform.title if platform else "", reason=reason))
        return
    frame, rows = read_sheet(path)
    orders, report = read_export(path, platform, frame, rows, channels)
    parts.append(orders)
    read.append(report)


def summary(reports: list[FileReport], canonical: list[str], scope: dict | None) -> str:
    """One line on what was read, for standard error."""
    read = [r for r in reports if r.platform and r.table]
    parts = []
    if read:
        paid = sum(r.paid for r in read)
        left = sum(r.unpaid + r.cancelled for r in read)
        platforms = sorted({c for r in read for c in r.channels})
        parts.append(f"{len(read)} order export(s) read ({', '.join(platforms)}): {paid} paid orders, "
                     f"{left} unpaid/cancelled left out")
    if canonical:
        parts.append(" + ".join(canonical))
    unread = [r.file for r in reports if not r.table or r.reason]
    if unread:
        parts.append(f"{len(unread)} file(s) not read ({', '.join(unread[:3])}{' …' if len(unread) > 3 else ''})")
    if scope and scope.get("without"):
        covered = f"cover {'、'.join(scope['with'])} only" if scope.get("with") else "left out"
        parts.append(f"buyer metrics {covered} ({'、'.join(scope['without'])}: no buyer account)")
    return "data: " + "; ".join(parts) + ". Run `drafter data check` for details." if parts else ""
