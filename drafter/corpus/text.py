"""Corpus text basics: decoding bytes, Traditional → Simplified, widths and punctuation, broken conversions."""

from __future__ import annotations

import contextlib
import functools
import re

from drafter.errors import UserError

CJK = "\u4e00-\u9fff"


@functools.cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified (a no-op on Simplified text)."""
    return _t2s().convert(text) if text else text


# --- decoding -------------------------------------------------------------------------------------


def _plausibility(text: str) -> float:
    """Share of Chinese characters that are common ones (GB2312 level 1 once simplified)."""
    cjk = "".join(re.findall(f"[{CJK}]", text[:20000]))
    if not cjk:
        bad = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t" or 0xE000 <= ord(c) <= 0xF8FF)
        return 0.0 if bad else 1.0
    common = 0
    for ch in to_simplified(cjk):
        with contextlib.suppress(UnicodeEncodeError):
            common += 0xB0 <= ch.encode("gb2312")[0] <= 0xD7
    return common / len(cjk)


def decode_bytes(data: bytes, name: str = "file") -> str:
    """Decode UTF-8, GBK/GB18030 or Big5: strict UTF-8, then strict GB18030, then a detector."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its BOM (Windows Notepad's "Unicode")
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    # Big5 bytes usually decode as (nonsense) GB18030 too, so strict success is not enough:
    # keep whichever decoding reads as common Chinese.
    candidates = []
    for enc in ("gb18030", "big5hkscs"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append((_plausibility(text), enc, text))
    candidates.sort(key=lambda c: -c[0])
    if candidates and candidates[0][0] >= 0.6:
        return candidates[0][2]
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and _plausibility(str(best)) >= 0.5:
        return str(best)
    if candidates:
        return candidates[0][2]
    raise UserError(f"{name}: cannot tell its text encoding; save it as UTF-8 and add it again")


# --- normalisation and repair ------------------------------------------------------------------

_FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH.update({i: i - 0xFEE0 for i in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH.update({i: i - 0xFEE0 for i in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_WIDE, _NARROW = "％．＋－／＝＜＞（）［］｛｝＃＆＊＠　\u00a0", "%.+-/=<>()[]{}#&*@  "
_FULLWIDTH.update({ord(a): b for a, b in zip(_WIDE, _NARROW, strict=True)})
# ASCII punctuation a web copy left between Chinese characters → the Chinese form (quotable prose).
# Only , ; : — a "?" may be a mis-decoded byte, which repair_conversions still needs to see.
_ASCII_PUNCT = re.compile(f"(?<=[{CJK}）)\"”%])([,;:])")
_CN_PUNCT = dict(zip(",;:", "，；：", strict=True))
# `務(wù)`: a broken Traditional conversion left the pinyin (with tone marks) after the character;
# a mis-decoded neighbour may stand before it (`園l(fā)`), and a "(" may be swallowed (`?nèi)`).
# Toned pinyin in parentheses has no place in an operations report, so it goes wherever it is.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
_PINYIN = re.compile(
    f"\\((?=[a-z{_TONED}]*[{_TONED}])[a-z{_TONED}]{{1,7}}\\)|\\?+(?=[a-z{_TONED}]*[{_TONED}])"
    f"[a-z{_TONED}]{{1,7}}\\)"
)


def normalise(text: str) -> tuple[str, int]:
    """Unify newlines and widths (full-width digits, letters, symbols); count the changed characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    changed = sum(1 for c in text if ord(c) in _FULLWIDTH)
    return text.translate(_FULLWIDTH), changed


def chinese_punctuation(text: str) -> str:
    """ASCII , ; : right after Chinese text → ，；： (web copies often flatten them)."""
    return _ASCII_PUNCT.sub(lambda m: _CN_PUNCT[m.group(1)], text)


def repair_conversions(text: str) -> tuple[str, int]:
    """Drop pinyin left behind by broken Traditional conversions: 務(wù) → 務."""
    return _PINYIN.subn("", text)
