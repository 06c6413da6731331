"""A data folder's files: canonical tables by name, platform order exports by their headers, the rest listed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from drafter.errors import UserError
from drafter.files import is_skipped
from drafter.metrics.downloads import closest_download, download_headers, recognise_download
from drafter.metrics.exports import FileReport, merge_exports, peek_headers, read_export, read_sheet
from drafter.metrics.intake import merge_ads, merge_traffic, read_ads, read_traffic
from drafter.metrics.lines import (
    categorise,
    line_coverage,
    merge_lines,
    order_categories,
    read_lines,
    read_products,
)
from drafter.metrics.platforms import known_headers, recognise
from drafter.metrics.schema import FILE_NAMES, SCHEMA, SUFFIXES
from drafter.metrics.sheets import forget_books, peek, read_table

READABLE = (".csv", ".xlsx", ".xls", ".zip")


@dataclass
class Folder:
    """What a data folder holds: canonical table files, the exports' orders, and a report per file."""

    tables: dict[str, list[Path]] = field(default_factory=dict)
    exports: object = None  # a pandas DataFrame of canonical order rows, or None
    reports: list[FileReport] = field(default_factory=list)
    traffic: object = None  # daily traffic rows read from the platforms' downloads (pandas), or None
    marketing: object = None  # daily ad rows per ad platform, or None
    lines: object = None  # order lines with their category and how it was found, or None
    categories: object = None  # (order_id, category, amount) rows; amount NaN: the order's own total
    mixed: int = 0  # orders whose lines state no amounts and fall in several categories: not split


@dataclass
class _Downloads:
    """What the download files gave, kind by kind, before merging: (file time, rows, report)."""

    parts: dict[str, list] = field(default_factory=lambda: {"traffic": [], "ads": [], "lines": [], "products": []})

    def add(self, kind: str, path: Path, rows, report: FileReport) -> None:
        self.parts[kind].append((path.stat().st_mtime, path.name, rows, report))

    def sorted(self, kind: str) -> tuple[list, list[FileReport]]:
        """Oldest download first, so a later one overrides it."""
        got = sorted(self.parts[kind], key=lambda p: (p[0], p[1]))
        return [p[2] for p in got], [p[3] for p in got]


def canonical_files(data_dir: Path, table: str) -> list[Path]:
    """Every file holding a table by its English or Chinese name (orders.csv and 订单.csv are both read)."""
    return [data_dir / f"{stem}{suffix}" for stem in FILE_NAMES[table] for suffix in SUFFIXES
            if (data_dir / f"{stem}{suffix}").is_file()]


def scan(data_dir: Path, channels: dict[str, str] | None = None, errors: list | None = None,
         need_orders: bool = True, keywords: dict[str, str] | None = None) -> Folder:
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
    parts, read, downloads = [], [], _Downloads()
    for path in sorted(data_dir.iterdir()):
        if path in named or not path.is_file() or is_skipped(path.name):
            continue
        if path.suffix.lower() not in READABLE:
            folder.reports.append(FileReport(path.name, reason="not a table drafter reads (.csv, .xlsx, .xls, .zip)"))
            continue
        try:
            _read_file(path, channels or {}, folder, parts, read, downloads)
        except UserError as exc:
            if errors is None:
                raise
            errors.append(str(exc))
            folder.reports.append(FileReport(path.name, reason=f"cannot be read: {exc}"))
    forget_books()
    folder.exports = merge_exports(parts, read)
    folder.reports = read + _merge_downloads(folder, downloads, keywords or {}) + folder.reports
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


def _known() -> set[str]:
    return known_headers() | download_headers()


def _read_file(path: Path, channels: dict[str, str], folder: Folder, parts: list, read: list,
               downloads: _Downloads) -> None:
    """Read one file as every kind it is: orders, order lines (an export can be both), traffic, ads, products."""
    if not path.stat().st_size:
        folder.reports.append(FileReport(path.name, reason="the file is empty"))
        return
    order_headers = peek_headers(path) if path.suffix.lower() == ".csv" else []
    try:
        headers = peek(path, _known())
    except UserError as exc:
        if path.suffix.lower() != ".xls":
            raise
        # Old .xls files were never read before: one that cannot be opened is listed, not an error.
        folder.reports.append(FileReport(path.name, reason=f"{exc}, or save it as .xlsx"))
        return
    platform, why = recognise(order_headers or headers)
    formats = recognise_download(headers)
    if platform is not None and not platform.note:
        frame, rows = read_sheet(path)
        orders, report = read_export(path, platform, frame, rows, channels)
        parts.append(orders)
        read.append(report)
        formats = [f for f in formats if f.kind == "lines"]
        for fmt in formats:  # the export states its lines too: one report for the file
            lines, _own = read_lines(path, fmt, frame)
            report.columns["order lines"] = fmt.title
            downloads.add("lines", path, lines, report)
        return
    if not formats:
        if platform is not None:
            folder.reports.append(FileReport(path.name, platform.title, reason=platform.note))
        else:
            folder.reports.append(FileReport(path.name, reason=_unmatched(headers, why)))
        return
    frame, _header, repeated = read_table(path, _known())
    for fmt in formats:
        if fmt.note:
            folder.reports.append(FileReport(path.name, fmt.title, reason=fmt.note))
            continue
        reader = {"traffic": lambda f=fmt: read_traffic(path, f, frame, channels),
                  "ads": lambda f=fmt: read_ads(path, f, frame, channels),
                  "lines": lambda f=fmt: read_lines(path, f, frame),
                  "products": lambda f=fmt: read_products(path, f, frame)}[fmt.kind]
        rows_read, report = reader()
        if repeated:
            report.excluded["header lines repeated inside the file"] = repeated
        if fmt.assumed:
            report.columns["layout"] = "assumed (no real download of this report was seen)"
        if rows_read is None:
            folder.reports.append(report)
        else:
            downloads.add(fmt.kind, path, rows_read, report)


def _unmatched(headers: list[str], why: str) -> str:
    """Why a file was not read: the closest format (orders or downloads) and what it lacks."""
    fmt, missing = closest_download(headers)
    shared = len(fmt.signature) - len(missing)
    if shared and (why.startswith("its headers") or shared / len(fmt.signature) > 0.5):
        return f"closest to {fmt.title}, but it lacks {', '.join(missing)}"
    return f"{why}; canonical tables are read by name (orders.csv, users.csv …)"


def _merge_downloads(folder: Folder, downloads: _Downloads, keywords: dict[str, str]) -> list[FileReport]:
    """Merge each kind across files; give every order line its category. Returns the downloads' reports."""
    traffic, traffic_reports = downloads.sorted("traffic")
    ads, ads_reports = downloads.sorted("ads")
    lines, line_reports = downloads.sorted("lines")
    products, product_reports = downloads.sorted("products")
    folder.traffic = merge_traffic(traffic, traffic_reports)
    folder.marketing = merge_ads(ads, ads_reports)
    merged = merge_lines(lines, line_reports)
    if merged is not None:
        import pandas as pd

        catalogue = pd.concat(products, ignore_index=True) if products else None
        folder.lines = categorise(merged, catalogue, keywords)
        folder.categories, folder.mixed = order_categories(folder.lines)
        for report in line_reports:
            report.coverage = line_coverage(folder.lines[folder.lines["_file"] == report.file])
    for report, part in zip(product_reports, products, strict=True):
        report.coverage = {"products": len(part), "categories": int(part["category"].nunique())}
    own = [r for r in line_reports if r.table == "lines"]  # an order export's lines are told in its own report
    return traffic_reports + ads_reports + own + product_reports


def summary(reports: list[FileReport], canonical: list[str], scope: dict | None) -> str:
    """One line on what was read, for standard error."""
    read = [r for r in reports if r.platform and r.table == "orders"]
    parts = []
    if read:
        paid = sum(r.paid for r in read)
        left = sum(r.unpaid + r.cancelled for r in read)
        platforms = sorted({c for r in read for c in r.channels})
        parts.append(f"{len(read)} order export(s) read ({', '.join(platforms)}): {paid} paid orders, "
                     f"{left} unpaid/cancelled left out")
    kinds = {"traffic": "daily traffic", "marketing": "ad report", "lines": "order lines", "products": "product list"}
    downloads = [f"{sum(r.table == t and bool(r.platform) for r in reports)} {name}" for t, name in kinds.items()
                 if any(r.table == t and r.platform for r in reports)]
    if downloads:
        parts.append("downloads read: " + ", ".join(downloads))
    if canonical:
        parts.append(" + ".join(canonical))
    unread = [r.file for r in reports if not r.table or r.reason]
    if unread:
        parts.append(f"{len(unread)} file(s) not read ({', '.join(unread[:3])}{' …' if len(unread) > 3 else ''})")
    if scope and scope.get("without"):
        covered = f"cover {'、'.join(scope['with'])} only" if scope.get("with") else "left out"
        parts.append(f"buyer metrics {covered} ({'、'.join(scope['without'])}: no buyer account)")
    return "data: " + "; ".join(parts) + ". Run `drafter data check` for details." if parts else ""
