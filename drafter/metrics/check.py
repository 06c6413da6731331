"""`drafter data check`: what each file of a data folder turned out to be, read through the whole loading path."""

from __future__ import annotations

from pathlib import Path

from drafter.errors import UserError
from drafter.metrics.folder import scan, summary


def check_folder(data_dir: Path, cache_dir: Path, columns: dict | None = None,
                 channels: dict[str, str] | None = None, categories: dict | None = None) -> dict:
    """Everything `drafter data check` shows: a report per file, the buyer scope, what could not be read."""
    from drafter.backends.engine import DuckDBEngine
    from drafter.metrics.data import load_data
    from drafter.metrics.lines import keyword_table

    errors: list[str] = []
    engine = DuckDBEngine()
    try:
        loaded = load_data(engine, data_dir, cache_dir, columns or {}, channels, errors=errors, describe=True,
                           keywords=keyword_table(categories or {}))
        reports, scope = loaded.reports, loaded.scope
        line = summary(reports, loaded.canonical, scope)
        coverage = _category_coverage(engine, loaded) if loaded.lines is not None else {}
    except UserError as exc:
        errors.append(str(exc))
        # Still list what the folder holds, so the user sees what was recognised and what not.
        reports = scan(data_dir, channels, [], need_orders=False, keywords=keyword_table(categories or {})).reports \
            if data_dir.is_dir() else []
        scope, line, coverage = {}, "", {}
    finally:
        engine.close()
    return {"data": str(data_dir), "files": [r.as_dict() for r in reports], "buyers": scope, "errors": errors,
            "summary": line, "categories": coverage}


def _category_coverage(engine, loaded) -> dict:
    """Per year of paid orders: the share of GMV that found a category, and the largest categories and codes
    that did not."""
    from drafter.metrics.categories import FULL_COVERAGE, category_rows
    from drafter.metrics.lines import UNCATEGORISED
    from drafter.metrics.values import between
    from drafter.periods import parse_period

    years = engine.query("SELECT DISTINCT EXTRACT(year FROM order_time) AS y FROM orders "
                         "WHERE status <> 'cancelled' ORDER BY 1")["y"]
    out: dict = {"mixed_orders_not_split": loaded.mixed, "years": {}}
    for year in years:
        period = parse_period(str(int(year)))
        gmv = engine.query(f"SELECT SUM(amount) AS g FROM orders WHERE status <> 'cancelled' "
                           f"AND {between('order_time', period)}")["g"][0]
        rows = category_rows(engine, period).to_dict("records")
        found = sum(float(r["gmv"]) for r in rows if r["category"] != UNCATEGORISED)
        share = round(found / float(gmv) * 100, 2) if gmv else None
        out["years"][period.label] = {
            "coverage": share, "partial": share is not None and share < FULL_COVERAGE,
            "categories": {str(r["category"]): round(float(r["gmv"]), 2) for r in rows}}
    lines = loaded.lines
    missing = lines[lines["category"] == UNCATEGORISED]
    key = missing["code"].where(missing["code"] != "", missing["title"])
    top = missing["amount"].fillna(0).groupby(key).agg(["sum", "size"]).sort_values(["sum", "size"], ascending=False)
    out["largest_uncategorised"] = [{"code": str(k) or "(no code)", "amount": round(float(r["sum"]), 2),
                                     "lines": int(r["size"])} for k, r in top.head(10).iterrows()]
    return out
