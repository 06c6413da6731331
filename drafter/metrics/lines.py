"""Order lines and product lists: each line's category, from the product list's codes, else `[categories]` keywords
in drafter.toml, else 未分类 — and the amount it carries, as the platform states it (never a split of an order)."""

from __future__ import annotations

from pathlib import Path

from drafter.metrics.downloads import Download
from drafter.metrics.exports import FileReport
from drafter.metrics.exports import column_cells as _cells
from drafter.metrics.sheets import numbers

UNCATEGORISED = "未分类"
LINE_COLUMNS = ["order_id", "code", "style", "item", "title", "amount", "format"]
PRODUCT_COLUMNS = ["code", "style", "item", "category"]


def _code(cells):
    """Codes as text: tabs, spaces and ="…" quoting stripped; 0880012 stays 0880012."""
    return cells.str.replace(r"\s+", "", regex=True).str.replace(r"\.0$", "", regex=True)


def read_lines(path: Path, fmt: Download, frame):
    """One row per order line: its order, codes, title and stated amount (NaN where the platform states only the
    order's total), and the file's report."""
    import pandas as pd

    report = FileReport(path.name, fmt.title, "lines", rows=len(frame))
    rows = pd.DataFrame({f: _code(_cells(frame, fmt.column(frame.columns, f))) for f in ("order_id", "code", "style",
                                                                                          "item")})
    rows["title"] = _cells(frame, fmt.column(frame.columns, "title"))
    amount = fmt.column(frame.columns, "amount")
    rows["amount"] = numbers(frame[amount]) if amount else float("nan")
    rows["format"] = fmt.key
    empty = rows["order_id"] == ""
    if empty.any():
        report.excluded["rows without an order id"] = int(empty.sum())
    report.orders = int(rows.loc[~empty, "order_id"].nunique())
    report.columns = {f: h for f, h in ((f, fmt.column(frame.columns, f)) for f, _ in fmt.fields) if h}
    if not amount:
        report.columns["amount"] = ("none per line: an order whose lines share one category counts its order "
                                    "total there; a mixed order is not split")
    return rows[~empty][LINE_COLUMNS], report


def read_products(path: Path, fmt: Download, frame):
    """code / style / platform item id → category rows of a product list, and the file's report."""
    import pandas as pd

    report = FileReport(path.name, fmt.title, "products", rows=len(frame))
    rows = pd.DataFrame({f: _code(_cells(frame, fmt.column(frame.columns, f))) for f in ("code", "style", "item")})
    rows["category"] = _cells(frame, fmt.column(frame.columns, "category"))
    empty = rows["category"] == ""
    if empty.any():
        report.excluded["products without a category"] = int(empty.sum())
    report.columns = {f: h for f, h in ((f, fmt.column(frame.columns, f)) for f, _ in fmt.fields) if h}
    return rows[~empty][PRODUCT_COLUMNS], report


def merge_lines(parts: list, reports: list[FileReport]):
    """All lines; an order downloaded twice in one format keeps the lines of its later download only."""
    import pandas as pd

    if not parts:
        return None
    frame = pd.concat([p.assign(_order=i, _file=r.file) for i, (p, r) in enumerate(zip(parts, reports, strict=True))],
                      ignore_index=True)
    latest = frame.groupby(["format", "order_id"])["_order"].transform("max")
    older = frame["_order"] < latest
    for name, count in frame[older]["_file"].value_counts().items():
        report = next(r for r in reports if r.file == name)
        report.excluded["lines of orders also in a later download (the later one is read)"] = int(count)
    return frame[~older].drop(columns=["_order"]).reset_index(drop=True)


def _lookup(products, key: str) -> dict[str, str]:
    rows = products[products[key] != ""]
    return dict(zip(rows[key], rows["category"], strict=True))


def categorise(lines, products, keywords: dict[str, str]):
    """Each line's category and how it was found: the SKU-level code in the list's codes, then the style-level code
    (or the SKU code typed as a style), then the platform's item id, then a title keyword; else 未分类."""
    import pandas as pd

    codes, styles, items = (_lookup(products, k) if products is not None else {} for k in ("code", "style", "item"))
    category = pd.Series([None] * len(lines), index=lines.index, dtype=object)
    how = pd.Series([""] * len(lines), index=lines.index, dtype=object)
    steps = (("商家编码", "code", codes), ("款式编码", "style", styles), ("款式编码", "code", styles),
             ("商家编码", "style", codes), ("商品ID", "item", items))
    for label, column, table in steps:
        found = lines[column].map(table).where(category.isna())
        how = how.where(found.isna(), label)
        category = category.fillna(found)
    for word, name in keywords.items():
        found = lines["title"].str.contains(word, regex=False) & category.isna()
        how = how.where(~found, "标题关键词")
        category = category.where(~found, name)
    how = how.where(category.notna(), UNCATEGORISED)
    return lines.assign(category=category.fillna(UNCATEGORISED), how=how)


def order_categories(lines):
    """(order_id, category, amount) rows: stated line amounts summed per category; where a format states none, the
    order's own total (amount NaN) when all its lines share one category; mixed orders without amounts left out."""
    stated = lines[lines["amount"].notna()]
    by_order = stated.groupby(["order_id", "category"], as_index=False)["amount"].sum()
    bare = lines[lines["amount"].isna()]
    kinds = bare.groupby("order_id")["category"].nunique()
    single = bare[bare["order_id"].isin(kinds[kinds == 1].index)].drop_duplicates("order_id")
    mixed = int((kinds > 1).sum())
    whole = single[["order_id", "category"]].assign(amount=float("nan"))
    import pandas as pd

    return pd.concat([by_order, whole], ignore_index=True), mixed


def line_coverage(lines, largest: int = 5) -> dict:
    """How a file's lines found their category: lines per way, the share of stated amounts found, and the largest
    uncategorised codes (by amount where stated, else by lines)."""
    found = lines["category"] != UNCATEGORISED
    stated = lines["amount"].notna()
    amount = float(lines.loc[stated, "amount"].sum())
    missing = lines[~found]
    key = missing["code"].where(missing["code"] != "", missing["title"])
    weight = missing["amount"].fillna(1.0) if stated.any() else missing["amount"].notna().astype(float) + 1
    top = weight.groupby(key).sum().sort_values(ascending=False).head(largest)
    return {"lines": len(lines), "found_by": {str(k): int(v) for k, v in lines["how"].value_counts().items()},
            "amount_share": round(float(lines.loc[stated & found, "amount"].sum()) / amount * 100, 2)
            if amount else None,
            "uncategorised": [str(k) or "(no code)" for k in top.index]}


def keyword_table(raw: dict) -> dict[str, str]:
    """[categories] in drafter.toml as keyword → category: `关键词 = "品类"` or `品类 = ["关键词", …]`."""
    table: dict[str, str] = {}
    for key, value in (raw or {}).items():
        if isinstance(value, list):
            table.update({str(word): str(key) for word in value})
        else:
            table[str(key)] = str(value)
    return table
