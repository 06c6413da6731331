"""The script a draft is rendered in: Simplified as written, or Traditional characters by OpenCC."""

from __future__ import annotations

from functools import lru_cache

SCRIPTS = ("simplified", "traditional")


def check_script(script: str | None) -> str:
    """Normalise --script; UserError when unknown."""
    from drafter.errors import UserError

    value = (script or "simplified").strip().lower()
    value = {"s": "simplified", "zh-hans": "simplified", "t": "traditional", "zh-hant": "traditional"}.get(value, value)
    if value not in SCRIPTS:
        raise UserError(f"--script {script!r}: use simplified or traditional")
    return value


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Simplified → Traditional characters; digits, units' numbers and Markdown syntax are left as they are."""
    return _s2t().convert(text)
