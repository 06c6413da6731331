"""Length-preserving text normalisation: full-width to half-width, Traditional to Simplified."""

from __future__ import annotations

from functools import lru_cache

_FULLWIDTH_DIGITS = set("０１２３４５６７８９")


@lru_cache(maxsize=1)
def _t2s():
    # opencc loads its dictionaries on first use; only texts with CJK characters need it
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a declared dependency
        return None
    return opencc.OpenCC("t2s")


def _half(ch: str, prev: str, nxt: str) -> str:
    code = ord(ch)
    if ch == "，":
        # a full-width comma is a thousands separator only between full-width digits (４，５６５);
        # elsewhere it separates clauses and must stay one
        return "," if prev in _FULLWIDTH_DIGITS and nxt in _FULLWIDTH_DIGITS else ch
    if ch == "．":
        return "." if prev in _FULLWIDTH_DIGITS or nxt in _FULLWIDTH_DIGITS else ch
    if ch in "：（）；！？":
        return ch  # keep Chinese punctuation recognisable for clause splitting
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    if ch == "\u3000":
        return " "
    if ch in "−—–" and nxt.isdigit():
        return "-" if ch == "−" else ch
    return ch


def _simplify(text: str) -> str:
    conv = _t2s()
    if conv is None:
        return text
    out = conv.convert(text)
    if len(out) == len(text):
        return out
    # a phrase conversion changed the length; convert char by char so offsets stay valid
    return "".join(c if len(c := conv.convert(ch)) == 1 else ch for ch in text)


@lru_cache(maxsize=64)
def normalize(text: str) -> str:
    """Same-length copy of `text` with half-width digits/letters and Simplified characters."""
    chars = []
    n = len(text)
    for i, ch in enumerate(text):
        if ord(ch) < 128:
            chars.append(ch)
            continue
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < n else ""
        chars.append(_half(ch, prev, nxt))
    out = "".join(chars)
    if any(ord(c) > 0x2E80 for c in out):
        out = _simplify(out)
    return out
