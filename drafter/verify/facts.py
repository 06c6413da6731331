"""The facts table: reading it (CSV, UTF-8 or GBK, or a draft folder's facts.json) and the latest period it names."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from pydantic import ValidationError

from drafter.errors import UserError
from drafter.files import utf8_or_gbk
from drafter.models import Fact, fact_id
from drafter.periods import read_period
from drafter.verify.lexicon import canonical_metric, lower_is_better

MEASURES = {"value", "yoy", "yoy_pp", "pop", "pop_pp", "share", "share_pp", "target", "target_yoy", "gap",
            "gap_yoy", "target_share", "gap_share", "rank", "contribution", "attainment", "diff", "driver"}
_MEASURE_NAMES = {
    "": "value", "值": "value", "数值": "value", "实际": "value", "实际值": "value", "同比": "yoy",
    "同比增长": "yoy", "增速": "yoy", "环比": "pop", "占比": "share", "目标": "target", "目标值": "target",
    "目标增速": "target_yoy", "增长目标": "target_yoy", "同比目标": "target_yoy", "目标占比": "target_share",
    "占比目标": "target_share", "排名": "rank",
    "贡献": "contribution", "差距": "gap", "完成率": "attainment", "驱动": "driver", "因素贡献": "driver",
}
_HEADERS = {
    "指标": "metric", "指标名": "metric", "名称": "label", "标签": "label", "口径": "measure", "度量": "measure",
    "类型": "measure", "数值": "value", "值": "value", "单位": "unit", "期间": "period", "周期": "period",
    "时间": "period", "维度": "dimension", "别名": "aliases", "状态": "status",
}
# units a hand-made sheet may use, scaled to the base units of the facts table
_UNIT_SCALE = {
    "万元": (1e4, "元"), "亿元": (1e8, "元"), "千元": (1e3, "元"), "万人": (1e4, "人"), "万单": (1e4, "单"),
    "万次": (1e4, "次"), "万": (1e4, ""), "亿": (1e8, ""), "百分比": (1.0, "%"), "percent": (1.0, "%"),
    "个百分点": (1.0, "pp"), "百分点": (1.0, "pp"), "人次": (1.0, "次"), "笔": (1.0, "单"), "块": (1.0, "元"),
    "h": (1.0, "小时"), "分钟": (1.0, "分钟"),
}
TARGET_MEASURES = {"target", "target_yoy", "target_share"}
# of two periods in one year the finer one is the later report's
_FINENESS = ("year", "half", "quarter", "month", "week")


def _number(raw: str) -> tuple[float, str]:
    """A cell value and a unit written inside it (28.7%, 1,860,000,000, 18.6亿)."""
    text = raw.strip().replace(",", "").replace("，", "")
    unit = ""
    m = re.fullmatch(r"([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*(%|个百分点|pp|万元|亿元|万|亿|元)?", text)
    if not m:
        raise ValueError(raw)
    if m.group(2):
        unit = {"pp": "pp", "个百分点": "pp"}.get(m.group(2), m.group(2))
    return float(m.group(1)), unit


def load_facts_csv(path) -> list[Fact]:
    """Read a facts table (metric,label,measure,value,unit,period,dimension[,aliases]) into Facts; a draft
    folder's facts.json (a JSON list of facts) is read as such, told apart by its extension or its first character."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path}: facts file not found")
    text = utf8_or_gbk(path.read_bytes(), str(path))
    if path.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{"):
        return _json_facts(path, text)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise UserError(f"{path}: the facts file is empty; it needs a header row metric,measure,value,unit,…")
    header = [_HEADERS.get(h.strip(), h.strip().lower()) for h in rows[0]]
    for required in ("metric", "value"):
        if required not in header:
            raise UserError(f"{path}: no `{required}` column in the header ({','.join(rows[0])}); "
                            "expected metric,label,measure,value,unit,period,dimension[,aliases]")
    facts: list[Fact] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {name: (row[k].strip() if k < len(row) else "") for k, name in enumerate(header)}
        facts.append(_row_fact(path, number, cells))
    return facts


def _json_facts(path: Path, text: str) -> list[Fact]:
    """The facts.json drafter writes in a draft folder: a list of facts (id, metric, label, measure, value, …)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg}); give the draft folder's facts.json "
                        "or a facts CSV (metric,label,measure,value,unit,period,dimension)") from None
    if isinstance(data, dict) and isinstance(data.get("facts"), list):
        data = data["facts"]
    if not isinstance(data, list):
        raise UserError(f"{path}: a facts JSON file is a list of facts, as drafter writes facts.json; "
                        f"this one holds a {type(data).__name__}")
    facts: list[Fact] = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise UserError(f"{path}: item {number} is not a fact object (it is a {type(item).__name__})")
        item = {"label": item.get("metric", ""), **item}
        if "id" not in item and "metric" in item:
            item["id"] = fact_id(str(item["metric"]), str(item.get("measure", "value")), str(item.get("period", "")),
                                 str(item.get("dimension", "")))
        try:
            facts.append(Fact(**item))
        except ValidationError as exc:
            where = ", ".join(".".join(map(str, e["loc"])) + f": {e['msg']}" for e in exc.errors()[:3])
            raise UserError(f"{path}: item {number} is not a fact ({where}); each needs metric, measure, value, unit, "
                            "period, dimension as drafter writes them") from None
    return facts


def _row_fact(path: Path, number: int, cells: dict[str, str]) -> Fact:
    where = f"{path}: row {number}"
    metric = cells.get("metric", "")
    if not metric:
        raise UserError(f"{where}, column metric: empty; give a metric id or a name such as 复购率")
    raw_measure = cells.get("measure", "")
    measure = _MEASURE_NAMES.get(raw_measure, raw_measure.lower())
    if measure not in MEASURES:
        raise UserError(f"{where}, column measure: unknown measure {raw_measure!r}; "
                        f"use one of {', '.join(sorted(MEASURES))}")
    try:
        value, cell_unit = _number(cells.get("value", ""))
    except ValueError:
        raise UserError(f"{where}, column value: {cells.get('value', '')!r} is not a number") from None
    unit = cells.get("unit", "") or cell_unit
    if cell_unit in _UNIT_SCALE and cells.get("unit"):
        unit = cell_unit  # a unit written in the cell wins over the column
    scale, unit = _UNIT_SCALE.get(unit, (1.0, unit))
    value *= scale
    if measure in ("yoy_pp", "pop_pp", "share_pp", "gap_yoy", "gap_share") and unit == "%":
        unit = "pp"
    period = cells.get("period", "")
    dimension = cells.get("dimension", "").replace("：", "=").replace(":", "=")
    label = cells.get("label", "") or metric
    aliases = [a.strip() for a in re.split(r"[|｜]", cells.get("aliases", "")) if a.strip()]
    status = {"达成": "met", "未达成": "missed"}.get(cells.get("status", ""), cells.get("status", "").lower())
    return Fact(
        id=fact_id(metric, measure, period, dimension), metric=metric, label=label, measure=measure,
        value=value, unit=unit, period=period, dimension=dimension, aliases=aliases,
        kind="target" if measure in TARGET_MEASURES else "manual", source=f"{path.name}:{number}",
        status=status if status in ("met", "missed") else "",
    )


def latest_period(facts: list[Fact]) -> str:
    """The most recent period among the facts (the report's period by default)."""
    periods = [(p, f.period) for f in facts if f.kind != "target" and (p := read_period(f.period))]
    if not periods:
        periods = [(p, f.period) for f in facts if (p := read_period(f.period))]
    if not periods:
        return ""
    return max(periods, key=lambda x: (x[0].year, _FINENESS.index(x[0].grain), x[0].index))[1]


def is_lower_better(fact: Fact) -> bool:
    """Whether a value below target meets it for this fact's metric."""
    return lower_is_better(canonical_metric(fact.metric) or fact.metric, fact.label)
