"""Arabic, Chinese and mixed numerals (1280万, 一千二百八十万, 三点五万, 4.78万亿) parsed at a position."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

CN_DIGITS = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6,
    "七": 7, "八": 8, "九": 9, "幺": 1, "壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3, "肆": 4, "伍": 5,
    "陆": 6, "陸": 6, "柒": 7, "捌": 8, "玖": 9, "兩": 2, "倆": 2,
}
CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG = {"万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8, "兆": 1e12}
ZEROS = set("零〇○")
APPROX = set("余多几幾餘")
POINT = set("点點")
NUMERAL_CHARS = set(CN_DIGITS) | set(CN_UNITS) | set(CN_BIG) | {"廿", "卅"}

_ARABIC = re.compile(r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|\.\d+")
_EXP = re.compile(r"[eE]([-+]?\d{1,2})(?!\d)")  # 1e12; not 1e1258…, whose 10**n would never finish
_POW = re.compile(r"\^([-+]*)(\d+(?:\.\d+)?)")
_KM = re.compile(r" ?([kKM])(?![A-Za-z])")


@dataclass
class Num:
    """A parsed numeral: value, span, written precision and the trailing 万/亿 scale."""

    start: int
    end: int
    value: float
    decimals: int = 0  # digits after the decimal point as written
    scale: float = 1.0  # trailing 万/亿 multiplier: 18.6亿 → value 1.86e9, scale 1e8
    approx: bool = False  # 余/多/几 inside (十余万, 一千多万)
    chinese: bool = False
    arabic: bool = False
    positional: bool = False  # digit-by-digit reading (一二三, 二〇〇二)
    step: float = 0.0  # smallest written place when it is not 10^-decimals * scale (三万五 → 1000)


@dataclass
class _Tok:
    kind: str  # A arabic, D digit, Z zero, U unit, B big, P point, X approx
    value: float
    start: int
    end: int
    decimals: int = 0
    text: str = ""


def _arabic_at(s: str, i: int) -> _Tok | None:
    m = _ARABIC.match(s, i)
    if not m:
        return None
    text = m.group()
    end = m.end()
    # 2222.2222.22222 is a list of integers, not a decimal (and 3.0.1 is a version)
    if "." in text and end < len(s) - 1 and s[end] == "." and s[end + 1].isdigit():
        text = text.split(".")[0]
        end = i + len(text)
        if not text:
            return None
    value = float(text.replace(",", ""))
    decimals = len(text.split(".")[1]) if "." in text else 0
    e = _EXP.match(s, end)
    if e and not (end + len(e.group()) < len(s) and s[end + len(e.group())].isalpha()
                  and s[end + len(e.group())].isascii()):
        value *= 10 ** int(e.group(1))
        end = e.end()
        decimals = max(0, decimals - int(e.group(1)))
    p = _POW.match(s, end)
    if p:
        sign = -1 if p.group(1).count("-") % 2 else 1
        try:
            value = value ** (sign * float(p.group(2)))
            end = p.end()
        except (OverflowError, ZeroDivisionError):  # 10^999, 0^-1: not a figure anyone states
            pass
    k = _KM.match(s, end)
    if k:
        value *= 1e3 if k.group(1) in "kK" else 1e6
        end = k.end()
        decimals = 0
    return _Tok("A", value, i, end, decimals, s[i:end])


def _tokens(s: str, i: int) -> list[_Tok]:
    """Numeral tokens from i; spaces are allowed only before a Chinese numeral (一百 五 十 二, 1000  万)."""
    toks: list[_Tok] = []
    n = len(s)
    j = i
    while j < n:
        ch = s[j]
        if ch == " " and toks:
            k = j
            while k < n and s[k] == " ":
                k += 1
            if k < n and (s[k] in NUMERAL_CHARS or s[k] in POINT or s[k] in APPROX) and s[k] not in "两俩":
                if toks[-1].kind == "A" and s[k] in CN_DIGITS:
                    break  # "5 五" is two numbers
                j = k
                continue
            break
        if ch.isdigit() and ch.isascii() or (ch == "." and j + 1 < n and s[j + 1].isdigit() and not toks):
            if toks and toks[-1].kind == "A":
                break
            tok = _arabic_at(s, j)
            if tok is None:
                break
            toks.append(tok)
            j = tok.end
            continue
        if ch in ZEROS:
            toks.append(_Tok("Z", 0, j, j + 1))
        elif ch in CN_DIGITS:
            toks.append(_Tok("D", CN_DIGITS[ch], j, j + 1, text=ch))
        elif ch in "廿卅":
            toks.append(_Tok("D", 2 if ch == "廿" else 3, j, j + 1, text=ch))
            toks.append(_Tok("U", 10, j + 1, j + 1))
        elif ch in CN_UNITS:
            toks.append(_Tok("U", CN_UNITS[ch], j, j + 1))
        elif ch in CN_BIG:
            toks.append(_Tok("B", CN_BIG[ch], j, j + 1))
        elif ch in POINT and toks:
            toks.append(_Tok("P", 0, j, j + 1))
        elif ch in APPROX and toks:
            toks.append(_Tok("X", 0, j, j + 1))
        else:
            break
        j += 1
    return toks


def _positional(toks: list[_Tok]) -> int:
    """Number of leading digit tokens read digit by digit (一二三, 二〇〇二), or 0."""
    k = 0
    while k < len(toks) and toks[k].kind in "DZ" and toks[k].text not in ("两", "俩", "兩", "倆"):
        k += 1
    if k >= 2 and (k == len(toks) or toks[k].kind not in "UBX"):
        return k
    return 0


def _decimal_digits(toks: list[_Tok], k: int) -> tuple[str, int]:
    """Digits after 点: Chinese digits one by one, or an Arabic integer (一百点123)."""
    digits = ""
    while k < len(toks):
        t = toks[k]
        if t.kind in "DZ" and t.text not in ("两", "俩", "兩", "倆") and t.end - t.start == 1:
            digits += str(int(t.value))
        elif t.kind == "A" and not digits and t.decimals == 0 and "," not in t.text:
            digits = t.text
            k += 1
            break
        else:
            break
        k += 1
    return digits, k


def _structured(toks: list[_Tok]) -> tuple[float, int, float, bool, float] | None:
    """Parse 一亿五千万零六千三百五十五 style tokens: value, tokens used, last big unit, approx, step."""
    levels: dict[float, float] = {}
    sec = 0.0
    num: float | None = None
    num_arabic = False
    last_unit = 0.0
    last_big = 0.0
    prev = ""
    approx = False
    used = 0
    k = 0
    while k < len(toks):
        t = toks[k]
        if t.kind in "DA":
            if num is not None:
                break
            num, num_arabic = t.value, t.kind == "A"
        elif t.kind == "Z":
            if num is not None:
                break
            last_unit = 0.0  # 一千零五: the digit after 零 is not elided (not 一千五)
        elif t.kind == "X":
            nxt = toks[k + 1].kind if k + 1 < len(toks) else ""
            if nxt not in "UB" or (num is None and prev not in "UZB"):
                break
            approx = True
            if num is None:
                num = 0.0
        elif t.kind == "U":
            if num is None:
                if prev in ("", "Z", "B") or (prev == "U" and t.value < last_unit):
                    num = 1.0  # 十五, 百三, 零十, 一百十一
                else:
                    break
            if last_unit and t.value >= last_unit:
                break  # 五十千: 千 cannot follow 十
            sec += num * t.value
            last_unit = t.value
            num = None
        elif t.kind == "B":
            if prev == "B":
                # 万万 = 亿, 万亿 = 1e12: scale the group just closed
                top = min(levels)
                levels[top * t.value] = levels.pop(top) * t.value
                last_big = top * t.value
            else:
                below = sec + (num or 0.0) + sum(v for lv, v in levels.items() if lv < t.value)
                if below == 0 and not levels and num is None:
                    break
                if t.value in levels:
                    break
                levels = {lv: v for lv, v in levels.items() if lv > t.value}
                levels[t.value] = below * t.value
                last_big = t.value
            sec, num, last_unit = 0.0, None, 0.0
        else:
            break
        prev = t.kind if t.kind != "X" else prev
        k += 1
        used = k
    if used == 0:
        return None
    while used and toks[used - 1].kind in "ZX":
        used -= 1  # a trailing 零 or 多 is not part of the number
        if toks[used].kind == "X":
            approx = False
    if used == 0:
        return None
    tail = 0.0
    step = 0.0
    if num is not None:
        last = toks[used - 1]
        before = toks[used - 2].kind if used >= 2 else ""
        if last.kind == "D" and not num_arabic and before in "UB" and before:
            # 三万五 = 35000, 两千四百五 = 2450: the digit takes the next lower place
            place = (last_unit if before == "U" else last_big) / 10
            tail = num * max(place, 1.0)
            step = max(place, 1.0)
        else:
            tail = num
    value = sum(levels.values()) + sec + tail
    if not levels and sec == 0 and num is None:
        return None
    return value, used, last_big if prev == "B" else 1.0, approx, step


def parse_number(s: str, i: int) -> Num | None:
    """The longest numeral starting exactly at `i` (no sign), or None."""
    toks = _tokens(s, i)
    if not toks or toks[0].kind in "BPX" or (toks[0].kind == "U" and len(toks) == 1 and toks[0].start != i):
        return None
    chinese = any(t.kind != "A" for t in toks)
    arabic = any(t.kind == "A" for t in toks)
    k = _positional(toks)
    if toks[0].kind == "Z" and (len(toks) == 1 or toks[1].kind == "P"):
        value, used, scale, approx, decimals, step, positional = 0.0, 1, 1.0, False, 0, 0.0, False  # 零, 零点五
    elif k:
        value = float("".join(str(int(t.value)) for t in toks[:k]))
        used, scale, approx, decimals, step = k, 1.0, False, 0, 0.0
        positional = True
    else:
        positional = False
        if toks[0].kind == "A" and (len(toks) == 1 or toks[1].kind not in "UBZDX"):
            value, used, scale, approx, decimals = toks[0].value, 1, 1.0, False, toks[0].decimals
            step = 0.0
        else:
            parsed = _structured(toks)
            if parsed is None:
                return None
            value, used, scale, approx, step = parsed
            decimals = toks[0].decimals if used == 1 else 0
            if used > 1 and toks[used - 1].kind == "B" and all(t.kind in "AB" for t in toks[:used]):
                decimals = toks[0].decimals  # 18.6亿: precision of the Arabic part
    # decimal part after 点 (十五点七, 三点五万, 两千万点五五四四)
    if used < len(toks) and toks[used].kind == "P" and toks[used - 1].kind != "P":
        digits, k2 = _decimal_digits(toks, used + 1)
        if digits:
            had_big = any(t.kind == "B" for t in toks[:used])
            value += float("0." + digits)
            decimals = len(digits)
            used = k2
            scale, step = 1.0, 0.0
            big = 1.0
            while used < len(toks) and toks[used].kind == "B" and not had_big:
                big *= toks[used].value
                used += 1
            if big > 1:
                value *= big
                scale = big
    value = _delegate(s, toks, used, value)
    end = toks[used - 1].end
    if scale == 1.0 and toks[used - 1].kind == "B":
        scale = toks[used - 1].value
        j = used - 2
        while j >= 0 and toks[j].kind == "B":
            scale *= toks[j].value
            j -= 1
    return Num(i, end, value, decimals, scale, approx, chinese, arabic, positional, step)


@lru_cache(maxsize=4096)
def _cn2an(text: str) -> float | None:
    """A pure Chinese numeral's value by cn2an, or None when cn2an cannot read it."""
    import cn2an  # lazily: ~0.15-0.3 s to import, and most texts have no Chinese numerals to convert

    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def _delegate(s: str, toks: list[_Tok], used: int, value: float) -> float:
    """The value of a Chinese numeral from cn2an, the well-kept library (一千二百八十万, 十五点七, 两千四百五).

    This module keeps only what cn2an cannot do: finding where a numeral ends in running text, the written
    precision and scale (18.6亿 is rounded to 0.1亿), a 万/亿 after a decimal (三点五万), approximations
    (十余万, 一千多万), Arabic digits mixed with units (1280万, 4.78万亿), 廿/卅 and 万万."""
    span = toks[:used]
    if len(span) < 2 or any(t.kind in "AX" for t in span) or any(s[t.start] in "廿卅" for t in span):
        return value  # one digit needs no library; the rest is ours (see above)
    if span[-1].kind == "B" and any(t.kind == "P" for t in span):
        return value  # 三点五万: cn2an rejects a scale after a decimal
    text = "".join(s[t.start:t.end] for t in span)
    converted = _cn2an(text)
    return value if converted is None else converted


def starts_number(s: str, i: int) -> bool:
    """True when a numeral may start at i."""
    ch = s[i]
    return (ch.isascii() and ch.isdigit()) or ch in CN_DIGITS or ch in CN_UNITS or ch in "廿卅" or (
        ch == "." and i + 1 < len(s) and s[i + 1].isdigit()
    )
