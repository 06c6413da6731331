"""Load the team's data files into the engine under canonical names, and reject bad data clearly."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from drafter.errors import UserError

# Canonical columns per table, each with the headers real exports use for it.
SCHEMA: dict[str, dict[str, tuple[str, ...]]] = {
    "orders": {
        "order_id": ("订单号", "订单编号", "订单ID", "订单id", "主订单号"),
        "user_id": ("用户ID", "用户id", "买家ID", "会员ID", "客户ID", "买家昵称", "用户"),
        "order_time": ("下单时间", "订单时间", "创建时间", "支付时间", "下单日期", "付款时间", "日期"),
        "amount": ("实付金额", "支付金额", "订单金额", "实收金额", "成交金额", "金额", "付款金额"),
        "channel": ("渠道", "销售渠道", "平台", "店铺", "来源渠道"),
        "category": ("品类", "类目", "商品类目", "一级类目", "商品品类"),
        "status": ("订单状态", "状态", "交易状态"),
    },
    "users": {
        "user_id": ("用户ID", "用户id", "会员ID", "客户ID", "买家ID"),
        "register_time": ("注册时间", "注册日期", "创建时间"),
        "source_channel": ("注册渠道", "来源渠道", "渠道"),
        "is_member": ("是否会员", "会员", "会员标识"),
    },
    "traffic": {
        "date": ("日期", "统计日期"),
        "channel": ("渠道", "平台"),
        "visitors": ("访客数", "UV", "访客", "访问人数"),
    },
    "marketing": {
        "date": ("月份", "日期", "统计月份"),
        "channel": ("渠道", "平台"),
        "spend": ("投放金额", "花费", "营销费用", "推广费用", "消耗"),
        "new_customers": ("新客数", "新增客户", "新客", "拉新人数"),
    },
    "kpis": {
        "period": ("期间", "周期", "年份", "时间"),
        "metric": ("指标", "指标名称", "KPI"),
        "value": ("数值", "值", "指标值"),
        "unit": ("单位",),
    },
    "targets": {
        "period": ("期间", "周期", "年份"),
        "metric": ("指标",),
        "measure": ("度量", "口径"),
        "value": ("数值", "目标值", "值"),
        "unit": ("单位",),
        "dimension": ("维度",),
    },
}
REQUIRED = {
    "orders": ("order_id", "user_id", "order_time", "amount"),
    "users": ("user_id", "register_time"),
    "traffic": ("date", "visitors"),
    "marketing": ("date", "spend"),
    "kpis": ("period", "metric", "value"),
    "targets": ("period", "metric", "measure", "value"),
}
FILE_NAMES = {
    "orders": ("orders", "订单"),
    "users": ("users", "用户"),
    "traffic": ("traffic", "流量"),
    "marketing": ("marketing", "营销"),
    "kpis": ("kpis", "kpi", "指标"),
    "targets": ("targets", "目标"),
}
SUFFIXES = (".csv", ".parquet", ".xlsx")
TIMESTAMP_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M",
                     "%Y/%m/%d", "%Y-%m-%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m", "%Y/%m"]
CANCELLED = ("已取消", "取消", "交易关闭", "已关闭", "cancelled", "canceled", "closed")
REFUNDED = ("已退款", "退款", "退款成功", "已退货", "refunded", "refund", "returned")


@dataclass
class LoadedData:
    """Which tables were found, from which files, and which were absent."""

    files: dict[str, Path] = field(default_factory=dict)
    columns: dict[str, set[str]] = field(default_factory=dict)

    def has(self, table: str, column: str | None = None) -> bool:
        """Whether a table (and optionally a column of it) is available."""
        return table in self.files and (column is None or column in self.columns[table])


def find_file(data_dir: Path, table: str) -> Path | None:
    """The file holding a table, by its English or Chinese name."""
    for stem in FILE_NAMES[table]:
        for suffix in SUFFIXES:
            path = data_dir / f"{stem}{suffix}"
            if path.exists():
                return path
    return None


def _utf8_copy(path: Path, cache_dir: Path) -> Path:
    """DuckDB reads UTF-8 only: give it a transcoded copy of a GBK/GB18030 file."""
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
        return path
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: neither UTF-8 nor GBK/GB18030 text; save it as UTF-8 CSV") from exc
    cache_dir.mkdir(parents=True, exist_ok=True)
    copy = cache_dir / f"{path.stem}.utf8.csv"
    copy.write_text(text, encoding="utf-8")
    return copy


def _map_columns(path: Path, table: str, present: list[str], overrides: dict[str, str]) -> dict[str, str]:
    """canonical column → source header, from overrides, canonical names and aliases."""
    by_key = {c.strip().lower(): c for c in present}
    mapping: dict[str, str] = {}
    for canonical, aliases in SCHEMA[table].items():
        wanted = [overrides[canonical]] if canonical in overrides else [canonical, *aliases]
        for name in wanted:
            if name.strip().lower() in by_key:
                mapping[canonical] = by_key[name.strip().lower()]
                break
    missing = [c for c in REQUIRED[table] if c not in mapping]
    if missing:
        hints = ", ".join(f"{c} (e.g. {'/'.join(SCHEMA[table][c][:3])})" for c in missing)
        raise UserError(
            f"{path.name}: required column missing: {hints}. Columns found: {', '.join(present)}. "
            f"Rename the header or map it in drafter.toml under [columns.{table}]."
        )
    return mapping


def _load_raw(engine, table: str, path: Path, cache_dir: Path) -> list[str]:
    name = f"raw_{table}"
    if path.suffix == ".csv":
        if path.stat().st_size == 0:
            raise UserError(f"{path.name}: the file is empty; export the table again with a header row")
        engine.read_csv(name, _utf8_copy(path, cache_dir))
    elif path.suffix == ".parquet":
        engine.read_parquet(name, path)
    else:
        import pandas as pd

        frame = pd.read_excel(path, dtype=str)
        frame.insert(0, "_row", range(2, len(frame) + 2))
        engine.register(f"{name}_frame", frame)
        engine.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_frame")
    columns = engine.query(f"SELECT * FROM {name} LIMIT 0").columns
    return [c for c in columns if c != "_row"]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _timestamp(expr: str) -> str:
    formats = ", ".join(f"'{f}'" for f in TIMESTAMP_FORMATS)
    text = f"trim(CAST({expr} AS VARCHAR))"
    return f"COALESCE(TRY_CAST({text} AS TIMESTAMP), try_strptime({text}, [{formats}]))"


def _number(expr: str) -> str:
    text = f"replace(replace(replace(trim(CAST({expr} AS VARCHAR)), ',', ''), '¥', ''), '￥', '')"
    return f"TRY_CAST({text} AS DOUBLE)"


def _bad_rows(engine, path: Path, column: str, condition: str, table: str, problem: str, fix: str) -> None:
    rows = engine.query(
        f"SELECT _row, CAST({_quote(column)} AS VARCHAR) AS v FROM raw_{table} WHERE {condition} ORDER BY _row LIMIT 5"
    )
    if len(rows):
        total = engine.query(f"SELECT COUNT(*) AS n FROM raw_{table} WHERE {condition}")["n"][0]
        sample = "; ".join(f"row {r}: {v!r}" for r, v in zip(rows["_row"], rows["v"], strict=True))
        raise UserError(f"{path.name}: column {column!r} has {total} {problem} ({sample}). {fix}")


def _canonical_sql(table: str, mapping: dict[str, str]) -> str:
    """SELECT that renames and types the columns of raw_<table>."""
    def col(name: str) -> str:
        return _quote(mapping[name])

    parts = ["_row"]
    for canonical in SCHEMA[table]:
        if canonical not in mapping:
            continue
        source = col(canonical)
        if canonical in {"order_time", "register_time", "date"}:
            parts.append(f"{_timestamp(source)} AS {canonical}")
        elif canonical in {"amount", "visitors", "spend", "new_customers", "value"}:
            parts.append(f"{_number(source)} AS {canonical}")
        elif canonical == "status":
            lowered = f"lower(trim(CAST({source} AS VARCHAR)))"
            cancelled = ", ".join(f"'{s}'" for s in CANCELLED)
            refunded = ", ".join(f"'{s}'" for s in REFUNDED)
            parts.append(
                f"CASE WHEN {lowered} IN ({cancelled}) THEN 'cancelled' "
                f"WHEN {lowered} IN ({refunded}) THEN 'refunded' ELSE 'paid' END AS status"
            )
        elif canonical == "is_member":
            truthy = "'是', '1', 'true', 'y', 'yes', '会员'"
            parts.append(f"lower(trim(CAST({source} AS VARCHAR))) IN ({truthy}) AS is_member")
        else:
            parts.append(f"trim(CAST({source} AS VARCHAR)) AS {canonical}")
    if table == "orders" and "status" not in mapping:
        parts.append("'paid' AS status")
    return f"SELECT {', '.join(parts)} FROM raw_{table}"


def _validate(engine, table: str, path: Path, mapping: dict[str, str]) -> None:
    fix_dates = "Use dates like 2025-06-18 or 2025-06-18 14:30:00."
    for canonical in ("order_time", "register_time", "date"):
        if canonical in mapping:
            src = _quote(mapping[canonical])
            _bad_rows(engine, path, mapping[canonical], f"{src} IS NOT NULL AND {_timestamp(src)} IS NULL",
                      table, "values that are not dates", fix_dates)
    for canonical in ("amount", "visitors", "spend", "value"):
        if canonical in mapping:
            src = _quote(mapping[canonical])
            _bad_rows(engine, path, mapping[canonical],
                      f"{src} IS NULL OR {_number(src)} IS NULL OR isnan({_number(src)})",
                      table, "missing or non-numeric values", "Fix or remove those rows.")
            if canonical != "value":
                _bad_rows(engine, path, mapping[canonical], f"{_number(src)} < 0", table,
                          "negative values", "Amounts must be zero or more; record refunds in the status column.")
    if table == "orders":
        for canonical in ("order_id", "user_id"):
            src = _quote(mapping[canonical])
            _bad_rows(engine, path, mapping[canonical], f"{src} IS NULL OR trim(CAST({src} AS VARCHAR)) = ''",
                      table, "empty values", "Every order needs an order id and a user id.")
        src = _quote(mapping["order_id"])
        _bad_rows(engine, path, mapping["order_id"],
                  f"{src} IN (SELECT {src} FROM raw_orders GROUP BY {src} HAVING COUNT(*) > 1)",
                  table, "rows with duplicated order ids", "Each order id must appear once; remove duplicates.")


def load_data(engine, data_dir: Path, cache_dir: Path, overrides: dict[str, dict[str, str]]) -> LoadedData:
    """Load every table found in `data_dir`; orders are required, the rest optional."""
    if not data_dir.is_dir():
        raise UserError(f"data folder {data_dir} does not exist; pass --data DIR or run `drafter init`")
    loaded = LoadedData()
    for table in SCHEMA:
        path = find_file(data_dir, table)
        if path is None:
            if table == "orders":
                raise UserError(f"{data_dir}: no orders table (orders.csv, orders.parquet or orders.xlsx) found")
            continue
        present = _load_raw(engine, table, path, cache_dir)
        mapping = _map_columns(path, table, present, overrides.get(table, {}))
        _validate(engine, table, path, mapping)
        engine.execute(f"CREATE OR REPLACE TABLE {table} AS {_canonical_sql(table, mapping)}")
        loaded.files[table] = path
        loaded.columns[table] = set(mapping) | ({"status"} if table == "orders" else set())
    return loaded
