"""Units a figure and a fact may be written in, and the factor between them."""

from __future__ import annotations

COUNTS = {"人", "单", "次", "件", "个", "家", "款", "场", "台", "份", "条", "项", "户", "座", "只", "双", "对", "斤",
          "吨", "米", "千米"}
SECONDS = {"秒": 1, "分钟": 60, "小时": 3600, "天": 86400, "周": 604800, "月": 2592000, "年": 31536000}
RATE_UNITS = {"%", "pp"}


def unit_factor(fig_unit: str, fact_unit: str) -> float | None:
    """Factor turning a fact value into the figure's base unit, or None when the units cannot match."""
    if fig_unit == fact_unit:
        return 1.0
    if fig_unit in SECONDS and fact_unit in SECONDS:
        return SECONDS[fact_unit] / SECONDS[fig_unit]
    if fig_unit == "" and (fact_unit in COUNTS or fact_unit in ("倍", "score", "分", "元")):
        return 1.0
    if fact_unit == "" and (fig_unit in COUNTS or fig_unit in ("分", "倍")):
        return 1.0
    if fig_unit == "分" and fact_unit == "score":
        return 1.0
    if fig_unit == "名" and fact_unit in ("人", ""):
        return 1.0
    return None
