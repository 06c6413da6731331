"""Expose the team's tables to the engine under canonical names, and reject bad data clearly."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from drafter.backends.engine import BOOL, NUMBER, TIME, quote
from drafter.errors import UserError
from drafter.metrics.excel import read_excel
from drafter.metrics.loaded import LoadedData
from drafter.metrics.schema import (
    CANCELLED,
    FILE_NAMES,
    MAX_AMOUNT,
    NUMBER_COLUMNS,
    REFUNDED,
    REQUIRED,
    SCHEMA,
    SUFFIXES,
    TIME_COLUMNS,
)

__all__ = ["LoadedData", "SCHEMA", "find_file", "load_data"]


@dataclass
class Source:
    """Where one table's raw rows are: a staged file or a warehouse table."""

    table: str
    relation: str
    name: str
    kinds: dict[str, str]
    path: Path | None = None
    # CSV and Excel cells carry stray spaces; typed Parquet and warehouse columns are taken as they are
    # (trimming 10 million strings on every scan costs seconds).
    loose: bool = False
    # Parquet and warehouse tables stay where they are (a view); staged CSV/Excel text is parsed once into a table.
    relation_kind: str = "TABLE"
    # Excel: header → first merged range (e.g. "E2:E3") spanning several data rows, filled with its top-left value.
    merged: dict[str, str] = field(default_factory=dict)
    # False for platform exports: 抖店, 拼多多 and 微信小店 orders carry no buyer account.
    accounts: bool = True
    # False for platform exports: already canonical rows, read and checked by drafter.metrics.exports.
    canonical: bool = True


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
    from drafter.files import utf8_or_gbk

    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
        return path
    except UnicodeDecodeError:
        pass
    text = utf8_or_gbk(raw, str(path))
    cache_dir.mkdir(parents=True, exist_ok=True)
    copy = cache_dir / f"{path.stem}.utf8.csv"
    copy.write_text(text, encoding="utf-8")
    return copy


def _stage_file(engine, table: str, path: Path, cache_dir: Path, overrides: dict | None, name: str) -> Source:
    if path.suffix == ".csv":
        if path.stat().st_size == 0:
            raise UserError(f"{path.name}: the file is empty; export the table again with a header row")
        engine.read_csv(name, _utf8_copy(path, cache_dir))
    elif path.suffix == ".parquet":
        engine.read_parquet(name, path)
    else:
        frame, header, merged = read_excel(path, table, overrides or {})
        engine.read_frame(name, frame)
        if header:  # a title row above the header: keep row numbers those of the sheet
            engine.execute(f"UPDATE {name} SET _row = _row + {header}")
    kinds = {c: k for c, k in engine.columns(name).items() if c != "_row"}
    parquet = path.suffix == ".parquet"
    source = Source(table, name, path.name, kinds, path, loose=not parquet,
                    relation_kind="VIEW" if parquet else "TABLE")
    if path.suffix == ".xlsx":
        source.merged = merged
    return source


def _sources(engine, data_dir: Path, cache_dir: Path, overrides: dict | None, loaded: LoadedData,
             channels: dict[str, str] | None, errors: list | None = None,
             keywords: dict[str, str] | None = None) -> list[Source]:
    """The raw tables: files and platform exports in the data folder (DuckDB) or tables in the warehouse's schema."""
    from drafter.metrics.folder import scan

    sources = []
    if engine.name == "duckdb":
        if not data_dir.is_dir():
            raise UserError(f"data folder {data_dir} does not exist; pass --data DIR or run `drafter init`")
        folder = scan(data_dir, channels, errors, keywords=keywords)
        loaded.reports = folder.reports
        for table, paths in folder.tables.items():
            for i, path in enumerate(paths):
                sources.append(_stage_file(engine, table, path, cache_dir, (overrides or {}).get(table),
                                           f"raw_{table}{i or ''}"))
        if folder.exports is not None:
            engine.read_frame("raw_exports", folder.exports)
            names = [r.file for r in folder.reports if r.platform and r.table == "orders"]
            sources.append(Source("orders", "raw_exports", " + ".join(names), engine.columns("raw_exports"),
                                  accounts=False, canonical=False))
        for table, frame in (("traffic", folder.traffic), ("marketing", folder.marketing)):
            if frame is not None and len(frame):
                relation = f"raw_{table}_downloads"
                engine.read_frame(relation, frame)
                names = [r.file for r in folder.reports if r.table == table and r.platform]
                sources.append(Source(table, relation, " + ".join(names), engine.columns(relation), canonical=False))
        if folder.categories is not None:
            engine.read_frame("order_categories", folder.categories)
            loaded.lines, loaded.mixed = folder.lines, folder.mixed
        return sources
    present = engine.tables()
    for table in SCHEMA:
        actual = next((present[n.lower()] for n in FILE_NAMES[table] if n.lower() in present), None)
        if actual is None and table == "orders":
            raise UserError(f"{engine.name} schema {engine.schema!r}: no orders table (orders or 订单) found; "
                            f"tables there: {', '.join(sorted(present.values())) or 'none'}")
        if actual is not None:
            relation = engine.relation(actual)
            sources.append(Source(table, relation, f"table {engine.schema}.{actual}", engine.columns(relation),
                                  relation_kind="TEMP VIEW"))
    return sources


def _map_columns(source: Source, overrides: dict[str, str]) -> dict[str, str]:
    """canonical column → source header, from overrides, canonical names and aliases."""
    present = list(source.kinds)
    by_key = {c.strip().lower(): c for c in present}
    mapping: dict[str, str] = {}
    for canonical, aliases in SCHEMA[source.table].items():
        wanted = [overrides[canonical]] if canonical in overrides else [canonical, *aliases]
        for name in wanted:
            if name.strip().lower() in by_key:
                mapping[canonical] = by_key[name.strip().lower()]
                break
    missing = [c for c in REQUIRED[source.table] if c not in mapping]
    if missing:
        hints = ", ".join(f"{c} (e.g. {'/'.join(SCHEMA[source.table][c][:3])})" for c in missing)
        raise UserError(
            f"{source.name}: required column missing: {hints}. Columns found: {', '.join(present)}. "
            f"Rename the header or map it in drafter.toml under [columns.{source.table}]."
            + (" (In Excel the header row is looked for among the first 10 rows of the first sheet.)"
               if source.path is not None and source.path.suffix == ".xlsx" else "")
        )
    return mapping


def _check_merged(source: Source, mapping: dict[str, str]) -> None:
    """A merged cell over several rows is filled down; but an amount or an id filled down would count twice."""
    for canonical in ("order_id", *NUMBER_COLUMNS):
        header = mapping.get(canonical)
        if header in source.merged:
            raise UserError(f"{source.name}: cells {source.merged[header]} of column {header!r} are merged; each row "
                            f"needs its own value there. Unmerge them, fill in every row, and save again.")


def _text(expr: str) -> str:
    return f"trim(CAST({expr} AS VARCHAR))"


def _money_text(expr: str) -> str:
    # Exports write 1,200.50 and ¥99; the separators are not part of the number.
    return f"replace(replace(replace({_text(expr)}, ',', ''), '¥', ''), '￥', '')"


def _parsed(engine, canonical: str, src: str, kind: str) -> str | None:
    """SQL parsing a text source column into its canonical type; None when the source is already typed."""
    if canonical in TIME_COLUMNS and kind != TIME:
        return engine.parse_time(_text(src))
    if canonical in NUMBER_COLUMNS and kind != NUMBER:
        return engine.parse_number(_money_text(src))
    return None


def _status_sql(engine, source: Source, src: str) -> str:
    """cancelled / refunded / paid from the export's status words."""
    lowered = f"lower({_text(src)})"
    cancelled = ", ".join(f"'{s}'" for s in CANCELLED)
    refunded = ", ".join(f"'{s}'" for s in REFUNDED)
    general = f"CASE WHEN {lowered} IN ({cancelled}) THEN 'cancelled' WHEN {lowered} IN ({refunded}) THEN 'refunded' " \
              f"ELSE 'paid' END"
    words = engine.query(f"SELECT DISTINCT CAST({src} AS VARCHAR) AS v FROM {source.relation} LIMIT 201")["v"]
    if len(words) > 200 or any("'" in str(w) for w in words if w is not None):
        return general
    # A status column holds a handful of words: classify them once here, so each scan compares raw values only.
    cases = []
    for word in words:
        if word is None:
            continue
        plain = str(word).strip().lower()
        label = "cancelled" if plain in CANCELLED else "refunded" if plain in REFUNDED else None
        if label:
            cases.append(f"WHEN '{word}' THEN '{label}'")
    return f"CASE CAST({src} AS VARCHAR) {' '.join(cases)} ELSE 'paid' END" if cases else "'paid'"


def _canonical_sql(engine, source: Source, mapping: dict[str, str]) -> str:
    """SELECT that renames and types the columns of the raw table."""
    parts = ["_row"] if engine.row_numbers else []
    for canonical in SCHEMA[source.table]:
        if canonical not in mapping:
            continue
        src, kind = quote(mapping[canonical]), source.kinds[mapping[canonical]]
        parsed = _parsed(engine, canonical, src, kind)
        if parsed:
            parts.append(f"{parsed} AS {canonical}")
        elif canonical in TIME_COLUMNS:
            parts.append(f"CAST({src} AS TIMESTAMP) AS {canonical}")
        elif canonical in NUMBER_COLUMNS:
            parts.append(f"CAST({src} AS DOUBLE PRECISION) AS {canonical}")
        elif canonical == "status":
            parts.append(f"{_status_sql(engine, source, src)} AS status")
        elif canonical == "is_member":
            truthy = "'是', '1', 'true', 'y', 'yes', '会员'"
            expr = f"COALESCE({src}, false)" if kind == BOOL else f"COALESCE(lower({_text(src)}) IN ({truthy}), false)"
            parts.append(f"{expr} AS is_member")
        else:
            parts.append(f"{_text(src) if source.loose else f'CAST({src} AS VARCHAR)'} AS {canonical}")
    if source.table == "orders" and "status" not in mapping:
        parts.append("'paid' AS status")
    select = f"SELECT {', '.join(parts)} FROM {source.relation}"
    if source.table != "orders":
        return select
    # Refunded money: the refund column where there is one, else all of a refunded order's amount.
    names = [p.rsplit(" AS ", 1)[-1] for p in parts if p.rsplit(" AS ", 1)[-1] != "refund_amount"]
    given = "COALESCE(refund_amount, " if "refund_amount" in mapping else "("
    return (f"SELECT {', '.join(names)}, {given}CASE WHEN status = 'refunded' THEN amount ELSE 0 END) "
            f"AS refund_amount FROM ({select}) c")


@dataclass
class _Check:
    column: str  # the source header, as the user knows it
    condition: str
    value: str
    problem: str
    fix: str


def _first_failure(engine, source: Source, relation: str, checks: list[_Check], key: tuple[str, str] | None) -> None:
    """Count every check in one scan; raise for the first that fails, with up to 5 sample rows."""
    if not checks:
        return
    # Clean data is the rule: one WHERE (which Parquet statistics often answer without reading the rows) first,
    # and the per-check counts only when something is wrong.
    anything = engine.query(f"SELECT COUNT(*) AS n FROM {relation} WHERE "
                            + " OR ".join(f"({c.condition})" for c in checks))
    if not int(anything["n"][0]):
        return
    counts = engine.query(
        "SELECT " + ", ".join(f"COUNT(CASE WHEN {c.condition} THEN 1 END) AS c{i}" for i, c in enumerate(checks))
        + f" FROM {relation}"
    ).iloc[0]
    for i, check in enumerate(checks):
        if counts[f"c{i}"]:
            _raise_with_sample(engine, source, relation, check, int(counts[f"c{i}"]), key)


def _raise_with_sample(engine, source: Source, relation: str, check: _Check, total: int,
                       key: tuple[str, str] | None) -> None:
    """key: (SQL expression, header) naming rows where the engine has no row numbers."""
    if engine.row_numbers:
        where, order, label = "_row", "_row", "row"
    elif key:
        where, order, label = key[0], key[0], key[1]
    else:
        # A warehouse table has no row order and this one no key: show the values alone.
        where, order, label = "NULL", check.value, ""
    rows = engine.query(f"SELECT CAST({where} AS VARCHAR) AS k, CAST({check.value} AS VARCHAR) AS v FROM {relation} "
                        f"WHERE {check.condition} ORDER BY {order} LIMIT 5")
    values = ["(empty)" if v is None or v != v else repr(v) for v in rows["v"]]  # v != v: NaN
    sample = "; ".join(f"{label} {k}: {v}" if k is not None else v
                       for k, v in zip(rows["k"], values, strict=True))
    raise UserError(f"{source.name}: column {check.column!r} has {total} {check.problem} ({sample}). {check.fix}")


def _validate(engine, source: Source, mapping: dict[str, str], relation: str) -> None:
    """Unparseable values in the raw table, then empty, negative and duplicate values in the canonical one."""
    table = source.table
    fix_dates = "Use dates like 2025-06-18 or 2025-06-18 14:30:00."
    raw_key = (quote(mapping["order_id"]), mapping["order_id"]) if table == "orders" else None
    parse_checks = []
    for canonical, header in mapping.items():
        src = quote(header)
        parsed = _parsed(engine, canonical, src, source.kinds[header])
        if parsed:
            is_time = canonical in TIME_COLUMNS
            parse_checks.append(_Check(
                header, f"{src} IS NOT NULL AND {_text(src)} <> '' AND {parsed} IS NULL", src,
                "values that are not dates" if is_time else "values that are not numbers",
                fix_dates if is_time else "Write plain numbers such as 1200.50."))
    _first_failure(engine, source, source.relation, parse_checks, raw_key)

    checks = []
    if table == "orders":
        for canonical in ("order_id", "user_id") if source.accounts else ("order_id",):
            checks.append(_Check(mapping[canonical], f"{canonical} IS NULL OR {canonical} = ''", canonical,
                                 "empty values", "Every order needs an order id and a user id."))
        checks.append(_Check(mapping["order_time"], "order_time IS NULL", "order_time", "empty values",
                             "Every order needs the time it was placed. " + fix_dates))
        if source.accounts:
            # 138****5443 or 张** is one of many people: counting those as buyers would be confidently wrong.
            checks.append(_Check(mapping["user_id"], "user_id LIKE '%**%'", "user_id", "masked values",
                                 "Masked phones or names are not buyer accounts: map a buyer account or member id "
                                 "column as user_id under [columns.orders]."))
    for canonical in ("amount", "visitors", "spend", "value"):
        if canonical in mapping:
            checks.append(_Check(mapping[canonical], f"{canonical} IS NULL OR {engine.is_nan(canonical)}",
                                 canonical, "empty or non-numeric values", "Fix or remove those rows."))
            if canonical != "value":
                checks.append(_Check(mapping[canonical], f"{canonical} < 0", canonical, "negative values",
                                     "Amounts must be zero or more; record refunds in the status column."))
    if table == "orders":
        checks.append(_Check(mapping["amount"], f"amount >= {MAX_AMOUNT}", "amount", "amounts of 10^14 or more",
                             "No single order is that large: check the column holds amounts, not ids or codes."))
    _first_failure(engine, source, relation, checks, ("order_id", mapping["order_id"]) if table == "orders" else None)
    if table == "orders" and engine.may_repeat(relation, "order_id"):
        dups = f"SELECT order_id FROM {relation} GROUP BY order_id HAVING COUNT(*) > 1"
        total = int(engine.query(f"SELECT COUNT(*) AS n FROM {relation} WHERE order_id IN ({dups})")["n"][0])
        if total:
            _raise_with_sample(engine, source, relation, _Check(
                mapping["order_id"], f"order_id IN ({dups})", "order_id", "rows with duplicated order ids",
                "Each order id must appear once; remove duplicates."), total, None)


def load_data(engine, data_dir: Path, cache_dir: Path, overrides: dict[str, dict[str, str]],
              channels: dict[str, str] | None = None, errors: list | None = None,
              describe: bool = False, keywords: dict[str, str] | None = None) -> LoadedData:
    """Expose every table found; orders are required, the rest optional. Several orders sources are stacked.

    errors: collect each unreadable export there instead of stopping; describe: a report per canonical file too.
    """
    from drafter.metrics.scope import buyer_scope
    from drafter.metrics.stack import describe_source, stack

    loaded = LoadedData()
    parts: dict[str, list[tuple[Source, set[str], str]]] = {}
    sources = _sources(engine, Path(data_dir), Path(cache_dir), overrides, loaded, channels, errors, keywords)
    for i, source in enumerate(sources):
        mapping = _map_columns(source, overrides.get(source.table, {}) if source.canonical else {})
        _check_merged(source, mapping)
        stacked = sum(s.table == source.table for s in sources) > 1
        relation = f"{source.table}_part{i}" if stacked else source.table
        engine.execute(f"CREATE OR REPLACE {'TABLE' if stacked else source.relation_kind} {relation} AS "
                       f"{_canonical_sql(engine, source, mapping)}")
        _validate(engine, source, mapping, relation)
        if source.table == "orders" and not int(engine.query(f"SELECT COUNT(*) AS n FROM {relation}")["n"][0]):
            raise UserError(f"{source.name}: has a header row but no orders; export the table again with its rows")
        if source.path is not None:
            loaded.files.setdefault(source.table, source.path)
            if source.table == "orders":
                loaded.canonical.append(source.path.name)
            if describe:
                loaded.reports.append(describe_source(engine, source.name, source.table, mapping, relation))
        names = set(mapping) | ({"status", "refund_amount"} if source.table == "orders" else set())
        parts.setdefault(source.table, []).append((source, names, relation))
    for table, group in parts.items():
        loaded.names[table] = " + ".join(s.name for s, _, _ in group)
        loaded.columns[table] = set().union(*(names for _, names, _ in group))
        if len(group) > 1:
            stack(engine, table, [(s.name, names, relation) for s, names, relation in group], loaded.columns[table])
    if "orders" in parts:
        loaded.scope = buyer_scope(engine)
    return loaded
