"""How a fact's value is written in Chinese prose (the forms the verifier must accept)."""

from __future__ import annotations

from drafter.models import Fact

RATE_UNITS = {"%", "pp"}


def _trim(number: float, decimals: int) -> str:
    text = f"{number:,.{decimals}f}" if abs(number) >= 10000 else f"{number:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def scaled(value: float, unit: str = "") -> str:
    """A magnitude with 万/亿 scaling: 186234567 → 1.86亿, 35620 → 3.56万."""
    magnitude = abs(value)
    if magnitude >= 1e8:
        return f"{_trim(magnitude / 1e8, 2)}亿{unit}"
    if magnitude >= 1e4:
        decimals = 0 if magnitude >= 1e7 else (1 if magnitude >= 1e6 else 2)
        return f"{_trim(magnitude / 1e4, decimals)}万{unit}"
    decimals = 0 if unit in {"人", "单", "次", ""} and magnitude == int(magnitude) else 1
    if unit == "元" and magnitude < 1000:
        decimals = 1
    return f"{_trim(magnitude, decimals)}{unit}"


def display(fact: Fact, signed: bool = False) -> str:
    """The written form of a fact; magnitude only unless `signed` (direction words carry the sign)."""
    value = fact.value if signed else abs(fact.value)
    unit = fact.unit
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "pp":
        return f"{value:.1f}个百分点"
    if unit == "倍":
        return f"{value:.2f}倍"
    if unit == "次" and value < 100:  # a frequency (1.35次); counts of views and clicks scale like other counts
        return f"{value:.2f}次"
    if unit in {"小时", "天", "秒"}:
        return f"{_trim(value, 1)}{unit}"
    if unit == "分":
        return f"{_trim(value, 2)}分"
    if unit == "月":
        return f"{int(value)}月"
    if unit == "名":
        return f"第{int(value)}"
    text = scaled(value, unit)
    return f"-{text}" if signed and fact.value < 0 else text
