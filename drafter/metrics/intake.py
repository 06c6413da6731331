"""Traffic, ad-report, order-line and product-list downloads read into canonical rows, one file at a time, then
merged: a day downloaded twice counts once (the later download), one ad platform's finer reports never add to
its coarser ones."""

from __future__ import annotations

from pathlib import Path

from drafter.metrics.downloads import Download
from drafter.metrics.exports import FileReport, channel_for
from drafter.metrics.exports import column_cells as _cells
from drafter.metrics.platforms import Platform
from drafter.metrics.sheets import dates, is_total, numbers

TRAFFIC_COLUMNS = ["date", "channel", "visitors", "page_views", "paid_buyers", "visitor_basis"]
ADS_COLUMNS = ["date", "channel", "platform", "spend", "clicks", "attributed_gmv"]


def _channels(fmt: Download, path: Path, frame, mapping: dict[str, str]):
    shop = _cells(frame, fmt.shop or None)
    as_platform = Platform(fmt.key, fmt.title, fmt.channel, (), "", "", "", "", "", shop_channels=fmt.shop_channels)
    return channel_for(as_platform, path.name, shop, mapping)


def _gaps(days) -> list[str]:
    """Days missing between the first and the last day of a daily series, as ranges."""
    import pandas as pd

    have = pd.DatetimeIndex(sorted(set(days)))
    if len(have) < 2:
        return []
    missing = pd.date_range(have[0], have[-1]).difference(have)
    spans, start = [], None
    for i, day in enumerate(missing):
        start = day if start is None else start
        if i + 1 == len(missing) or missing[i + 1] - day > pd.Timedelta(days=1):
            spans.append(f"{start:%Y-%m-%d}" + (f"～{day:%Y-%m-%d}" if day != start else ""))
            start = None
    return spans


def _days(fmt: Download, frame, report: FileReport):
    """The rows that are days of their own: 合计/全部 rows and undated rows left out (and counted)."""
    day = dates(_cells(frame, fmt.column(frame.columns, "date")))
    cut_columns, level = [], 0
    total = is_total(_cells(frame, fmt.column(frame.columns, "date")))
    for depth, cut in enumerate(fmt.cuts, 1):  # cuts run from the coarsest (场景) to the finest (创意)
        name = next((n for n in cut.split("|") if n in frame.columns), None)
        if name:
            cut_columns.append(name)
            level = depth
    if total.any():
        report.excluded["合计/总计/全部 rows (totals of other rows)"] = int(total.sum())
    undated = day.isna() & ~total
    if undated.any():
        report.excluded["rows without a readable day"] = int(undated.sum())
    return day, ~day.isna(), cut_columns, level


def read_traffic(path: Path, fmt: Download, frame, mapping: dict[str, str]):
    """Daily traffic rows of one download, and its report."""
    import pandas as pd

    report = FileReport(path.name, fmt.title, "traffic", rows=len(frame))
    day, keep, cuts, _level = _days(fmt, frame, report)
    for cut in cuts:  # people counts do not add over 载体/渠道 rows: read only their 全部 row
        whole = is_total(_cells(frame, cut))
        if not whole[keep].any():
            report.table, report.reason = "", (f"one row per {cut} and day without a 全部 row: visitors counted per "
                                               f"{cut} cannot be added (one person is in several rows); download "
                                               f"the report for all {cut}s")
            return None, report
        report.excluded[f"rows of one {cut} (the 全部 row of the day is read)"] = int((keep & ~whole).sum())
        keep &= whole
    rows = pd.DataFrame({"date": day, "channel": _channels(fmt, path, frame, mapping)})
    for field in ("visitors", "page_views", "paid_buyers"):
        header = fmt.column(frame.columns, field)
        rows[field] = numbers(frame[header]) if header else float("nan")
    empty = keep & rows["visitors"].isna()
    if empty.any():
        report.excluded[f"days with no {fmt.column(frame.columns, 'visitors')} value"] = int(empty.sum())
    rows = rows[keep & ~empty].copy()
    rows["visitor_basis"] = fmt.column(frame.columns, "visitors")
    describe_days(report, rows["date"])
    report.columns = {f: h for f, h in ((f, fmt.column(frame.columns, f)) for f, _ in fmt.fields) if h}
    return rows[TRAFFIC_COLUMNS], report


def read_ads(path: Path, fmt: Download, frame, mapping: dict[str, str]):
    """Daily ad rows of one download (per cut: scene, plan, product …), and its report."""
    import pandas as pd

    report = FileReport(path.name, fmt.title, "marketing", rows=len(frame))
    day, keep, cuts, level = _days(fmt, frame, report)
    for cut in cuts:
        whole = is_total(_cells(frame, cut))
        if whole.any():  # 千川: a 全部 row per product before its days
            report.excluded.setdefault("合计/总计/全部 rows (totals of other rows)", 0)
            report.excluded["合计/总计/全部 rows (totals of other rows)"] += int((keep & whole).sum())
            keep &= ~whole
    rows = pd.DataFrame({"date": day, "channel": _channels(fmt, path, frame, mapping), "platform": fmt.platform})
    for field in ("spend", "clicks", "attributed_gmv"):
        header = fmt.column(frame.columns, field)
        rows[field] = numbers(frame[header]).fillna(0.0) if header else float("nan")
    rows["cut"] = ["|".join(v) for v in zip(*(_cells(frame, c) for c in cuts), strict=True)] if cuts else ""
    rows["level"] = level
    report.columns = {f: h for f, h in ((f, fmt.column(frame.columns, f)) for f, _ in fmt.fields) if h}
    if cuts:
        report.columns["rows per"] = " × ".join(cuts)
    describe_days(report, rows["date"][keep])
    return rows[keep].copy(), report


def describe_days(report: FileReport, days) -> None:
    """First and last day, and the days missing in between, of a daily download as read."""
    if len(days):
        report.first, report.last = f"{days.min():%Y-%m-%d}", f"{days.max():%Y-%m-%d}"
        report.gaps = _gaps(days)


def merge_traffic(parts: list, reports: list[FileReport]):
    """One row per channel and day: a day in two downloads is taken from the later one (by file time)."""
    import pandas as pd

    if not parts:
        return None
    frame = pd.concat([p.assign(_file=r.file, _order=i) for i, (p, r) in enumerate(zip(parts, reports, strict=True))],
                      ignore_index=True).sort_values("_order", kind="stable")
    later = frame.duplicated(["channel", "date"], keep="last")
    _count(frame[later], reports, "days also in a later download (the later one is read)")
    return frame[~later][TRAFFIC_COLUMNS].reset_index(drop=True)


def merge_ads(parts: list, reports: list[FileReport]):
    """Per ad platform, its coarsest reports only (a 计划报表 beside the 营销场景报表 cuts the same spend), one row per
    cut and day (the later download), summed to one row per platform, channel and day."""
    import pandas as pd

    if not parts:
        return None
    frame = pd.concat([p.assign(_file=r.file, _order=i) for i, (p, r) in enumerate(zip(parts, reports, strict=True))],
                      ignore_index=True).sort_values("_order", kind="stable")
    coarsest = frame.groupby("platform")["level"].transform("min")
    finer = frame["level"] > coarsest
    _count(frame[finer], reports, "a finer cut of the same ad spend as another report of this ad platform "
                                  "(counted once, from the coarser report)")
    frame = frame[~finer]
    later = frame.duplicated(["platform", "cut", "date"], keep="last")
    _count(frame[later], reports, "days also in a later download (the later one is read)")
    frame = frame[~later]
    summed = frame.groupby(["date", "channel", "platform"], as_index=False)[["spend", "clicks", "attributed_gmv"]].sum(
        min_count=1)
    return summed[ADS_COLUMNS]


def _count(dropped, reports: list[FileReport], reason: str) -> None:
    for name, count in dropped["_file"].value_counts().items():
        report = next(r for r in reports if r.file == name)
        report.excluded[reason] = report.excluded.get(reason, 0) + int(count)
