"""extract_figures: every figure in a Chinese text, with value, unit, base value and rounding interval."""

from __future__ import annotations

import re
from dataclasses import dataclass

from drafter.verify.figures import (
    CN_BIG_CHARS,
    DURATIONS,
    EXCLUDED_RE,
    Figure,
    classify,
    currency_at,
    set_interval,
    unit_at,
)
from drafter.verify.lexicon import LOSS_BEFORE, PROFIT_BEFORE
from drafter.verify.normalize import normalize
from drafter.verify.numerals import CN_DIGITS, Num, parse_number, starts_number

_PCT_PREFIX = re.compile(r"(百万万|百万|千万|万万|[百佰千仟万])\s*分\s*之\s*")
_PCT_DENOM = {"百": 100, "佰": 100, "千": 1e3, "仟": 1e3, "万": 1e4, "百万": 1e6, "千万": 1e7, "万万": 1e8,
              "百万万": 1e10}
_PP = re.compile(r"\s*个\s*百\s*分\s*点|\s*个?\s*(?:pp|PP|pct|PCT|Pct)(?![A-Za-z])")
_FRACTION = re.compile(r"\s*分\s*之\s*")
_CHENG = re.compile(r"\s*成(?![交本功为长员立果熟绩就效都套型品])")
_ZHE = re.compile(r"\s*折(?![扣合算叠旧射线腾损])")
_DOUBLING = re.compile(r"翻了?(?:(一|两|二|三)番|倍)|翻番")
_SPACED_ZHE = re.compile(r"([0-9一二三四五六七八九])\s+([0-9一二三四五六七八九])\s*折")
_CURRENCY_PREFIX = re.compile(r"(人民币|RMB|US\$|\$|￥|¥)\s*")
_RATIO = re.compile(r"(\d+(?:\.\d+)?)\s*[:：比]\s*(\d+(?:\.\d+)?)(?![\d:])")
_VAGUE = re.compile(r"([一二三四五六七八])([二三四五六七八九])(?=[十百千万亿个])")
# 2024-05, 2024.5.1; but 2006.5万元 is money (a year and month take no scale or unit)
_DATE = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*[-/.]\s*\d{1,2}(?:\s*[-/.]\s*\d{1,2})?(?!\d|\s*[%万亿元倍])")
_JIAO = re.compile(r"\s*(零)?\s*([0-9一二三四五六七八九壹贰叁肆伍陆柒捌玖两])\s*(角|毛)")
_FEN = re.compile(r"\s*(零)?\s*([0-9一二三四五六七八九壹贰叁肆伍陆柒捌玖两])\s*分")
_YUAN_TAIL = re.compile(r"整|正")
_CAPITALS = set("壹贰叁肆伍陆柒捌玖拾佰仟")


@dataclass
class _Raw:
    """A figure before its interval is set: span, signed base value, unit text and kind."""

    start: int
    end: int
    base: float
    unit: str
    base_unit: str
    kind: str
    num: Num
    scale_text: str = ""
    signed: bool = False
    step: float = 0.0
    loss: bool = False
    profit: bool = False
    outflow: bool = False


def _sign_at(s: str, i: int) -> tuple[int, int]:
    """(sign, index after the sign) for 负/-/+ at i; (1, i) when there is none."""
    ch = s[i]
    if ch == "负" or (ch in "-+" and (i == 0 or not (s[i - 1].isalnum() and s[i - 1].isascii()))
                      and (i == 0 or s[i - 1] not in "-+%")):
        j = i + 1
        if j < len(s) and (starts_number(s, j) or _PCT_PREFIX.match(s, j)):
            return (-1 if ch in "负-" else 1), j
    return 1, i


def _step(num: Num) -> float:
    if num.step:
        return num.step / 2
    return 0.5 * 10 ** (-num.decimals) * num.scale


def _percent_prefix(s: str, i: int) -> _Raw | None:
    m = _PCT_PREFIX.match(s, i)
    if not m or (i > 0 and (starts_number(s, i - 1) or s[i - 1] in "点")):
        return None
    sign, j = _sign_at(s, m.end())
    num = parse_number(s, j) if j < len(s) and starts_number(s, j) else None
    if num is None:
        return None
    factor = 100 / _PCT_DENOM[m.group(1)]
    return _Raw(i, num.end, sign * num.value * factor, "%", "%", "percent", num, signed=sign < 0,
                step=_step(num) * factor)


def _fraction(s: str, num: Num, sign: int, start: int) -> _Raw | None:
    m = _FRACTION.match(s, num.end)
    if m:
        nsign, j = _sign_at(s, m.end())
        numer = parse_number(s, j) if j < len(s) and starts_number(s, j) else None
        if numer is None or num.value == 0:
            return None
        value = sign * nsign * numer.value / num.value
        return _Raw(start, numer.end, value, "", "", "fraction", numer, step=0.0)
    if num.arabic and not num.chinese and s[num.end: num.end + 1] == "/" and num.decimals == 0:
        den = parse_number(s, num.end + 1) if num.end + 1 < len(s) and s[num.end + 1].isdigit() else None
        if den and den.value and not den.chinese:
            return _Raw(start, den.end, sign * num.value / den.value, "", "", "fraction", den)
    return None


def _mixed_fraction(s: str, raw: _Raw) -> _Raw:
    """3又一千分之23, 1 3/5: an integer plus a fraction."""
    m = re.match(r"\s*又\s*| (?=\d+/\d)", s[raw.end:])
    if not m or raw.kind != "number":
        return raw
    j = raw.end + m.end()
    if not starts_number(s, j):
        return raw
    den = parse_number(s, j)
    frac = _fraction(s, den, 1, j) if den else None
    if frac is None:
        return raw
    sign = -1 if raw.base < 0 else 1
    return _Raw(raw.start, frac.end, raw.base + sign * frac.base, "", "", "number", raw.num)


def _money_tail(s: str, end: int, base: float) -> tuple[int, float]:
    """元 followed by 角/毛 and 分 (50元6角三分), or 整."""
    m = _JIAO.match(s, end)
    if m:
        base += _digit(m.group(2)) / 10
        end = m.end()
    m = _FEN.match(s, end)
    if m and s[m.end(): m.end() + 1] != "之":
        base += _digit(m.group(2)) / 100
        end = m.end()
    m = _YUAN_TAIL.match(s, end)
    return (m.end() if m else end), base


def _digit(ch: str) -> int:
    return int(ch) if ch.isdigit() else CN_DIGITS[ch]


def _suffix(s: str, num: Num, sign: int, start: int) -> _Raw:
    """What follows the numeral decides the kind: %, 个百分点, 成, 折, 倍, currency, units."""
    n = len(s)
    e = num.end
    value = sign * num.value
    step = _step(num)
    signed = sign < 0 or (start > 0 and s[start - 1] == "+") or s[start] in "负-+"
    if sign > 0 and LOSS_BEFORE.search(s[max(0, start - 4):start]):
        value, signed = -value, True  # 亏损157亿 is a negative profit (or, of a loss metric, its positive amount)
    if e < n and s[e] in "%‰":
        factor = 0.1 if s[e] == "‰" else 1.0
        return _Raw(start, e + 1, value * factor, s[e], "%", "percent", num, signed=signed,
                    step=step * factor)
    m = _PP.match(s, e)
    if m:
        return _Raw(start, m.end(), value, m.group().strip(), "pp", "pp", num, signed=signed, step=step)
    m = _CHENG.match(s, e)
    if m and 0 < num.value <= 10 and num.scale == 1:
        pct, end = value * 10, m.end()
        tail = re.match(r"\s*(半|[一二三四五六七八九])", s[end:])
        if tail:
            pct += 5 if tail.group(1) == "半" else CN_DIGITS[tail.group(1)]
            end += tail.end()
        return _Raw(start, end, pct, "成", "%", "percent", num, step=5 if not num.decimals else 0.5)
    m = _ZHE.match(s, e)
    if m and num.scale == 1 and not num.approx:
        if 0 < num.value < 10:
            return _Raw(start, m.end(), num.value * 10, "折", "%", "percent", num, step=step * 10)
        if 10 < num.value < 100 and num.value == int(num.value):
            return _Raw(start, m.end(), num.value, "折", "%", "percent", num, step=0.5)
    if re.match(r"\s*倍", s[e:]):
        end = e + re.match(r"\s*倍", s[e:]).end()
        return _Raw(start, end, value, "倍", "倍", "multiple", num, signed=signed, step=step)
    cur = currency_at(s, e)
    if cur:
        end, base_unit = cur
        base = value
        if base_unit == "元":
            end, base = _money_tail(s, end, base)
            if s.startswith("人民币", end):
                end += 3
        elif base_unit == "美元":
            m = re.match(r"\s*又\s*([0-9一二三四五六七八九]+)\s*美分", s[end:])
            if m:
                base += _digit(m.group(1)[0]) / 100 if len(m.group(1)) == 1 else int(m.group(1)) / 100
                end += m.end()
        return _Raw(start, end, base, s[e:end].strip(), base_unit, "currency", num, signed=signed, step=step)
    if num.chinese and any(c in _CAPITALS for c in s[num.start:e]) and re.match(r"[角分]", s[e:e + 1]):
        # 壹角, 壹分: capitals are financial writing, so 角/分 are money here (not 五角大楼)
        factor = 0.1 if s[e] == "角" else 0.01
        return _Raw(start, e + 1, value * factor, s[e], "元", "currency", num, step=step * factor)
    if s[e:e + 1] == "年" and num.decimals == 0 and 1900 <= num.value <= 2100 and num.scale == 1:
        return _Raw(start, e, value, "", "", "number", num, signed=signed, step=step)  # 2024年 is a year
    if s[e:e + 1] == "分" and re.match(r"分\s*(?:\d+|[一二三四五六七八九十]+)\s*秒", s[e:]):
        end2, secs = _compound_duration(s, e + 1, value * 60)
        return _Raw(start, end2, secs, s[e:end2], "秒", "duration", num, step=0.5)
    u = unit_at(s, e)
    if u:
        end, word, base_unit = u
        if word in DURATIONS or word in ("个月", "天", "年", "周"):
            end2, secs = _compound_duration(s, end, value * DURATIONS.get(word, 1))
            if end2 > end:
                return _Raw(start, end2, secs, s[e:end2], "秒", "duration", num, step=0.5)
            return _Raw(start, end, value, word, base_unit, "duration", num, signed=signed, step=step)
        if word == "打" or s[e:e + 1] == "打":
            return _Raw(start, e + 1, value * 12, "打", "", "count", num, step=step * 12)
        return _Raw(start, end, value, word, base_unit, "count", num, signed=signed, step=step)
    if s[e:e + 1] == "打" and not re.match(r"[造通开响破折击印卡包败算]", s[e + 1:e + 2]):
        return _Raw(start, e + 1, value * 12, "打", "", "count", num, step=step * 12)
    return _Raw(start, e, value, "", "", "number", num, signed=signed, step=step)


def _with_loss(raw: _Raw, s: str) -> _Raw:
    """Mark a figure negated by the loss word before it, so a loss metric can take it as a positive amount, and
    one a profit word names (经营溢利146亿元), which a loss metric takes as a negative loss."""
    before = s[max(0, raw.start - 6):raw.start]
    raw.loss = raw.base < 0 and bool(LOSS_BEFORE.search(before))
    raw.profit = not raw.loss and bool(PROFIT_BEFORE.search(before))
    raw.outflow = bool(re.search(r"净流出了?\s*$", before))  # 净流出12.6亿元: a negative flow, written positive
    return raw


def _compound_duration(s: str, end: int, secs: float) -> tuple[int, float]:
    """2分15秒, 1小时30分: a smaller unit right after a duration."""
    m = re.match(r"(\d+|[一二三四五六七八九十]+)\s*(分钟|分|秒钟|秒)(?!之)", s[end:])
    if not m:
        return end, secs
    num = parse_number(s, end)
    if num is None:
        return end, secs
    return end + m.end(), secs + num.value * (60 if m.group(2).startswith("分") else 1)


def _special_at(s: str, i: int) -> _Raw | None:
    """Forms that do not start with a numeral: 翻一番, 半成, 打对折, 1:3.5, 7 2 折."""
    ch = s[i]
    if ch == "翻":
        m = _DOUBLING.match(s, i)
        if m:
            times = {"一": 2, "两": 4, "二": 4, "三": 8}.get(m.group(1) or "一", 2)
            return _Raw(i, m.end(), times, "倍", "倍", "multiple", Num(i, m.end(), times))
    if ch == "半":
        nxt = s[i + 1: i + 2]
        value = {"成": 5.0, "折": 50.0, "百": 50.0}.get(nxt)
        if value is not None:
            kind = "number" if nxt == "百" else "percent"
            return _Raw(i, i + 2, value, "" if kind == "number" else nxt, "" if kind == "number" else "%",
                        kind, Num(i, i + 2, value))
        if s[i - 1: i] in ("过", "逾") and not re.match(r"[年月天小斤个张杯日]", nxt):
            return _Raw(i, i + 1, 50.0, "%", "%", "percent", Num(i, i + 1, 50.0))  # 过半: more than half
        if re.match(r"(?:斤|个|年|天|小时|月|张|杯)", nxt):
            return _Raw(i, i + 1, 0.5, "", "", "number", Num(i, i + 1, 0.5))
    if s.startswith("对折", i) and s[i - 1: i] == "打":
        return _Raw(i, i + 2, 50.0, "折", "%", "percent", Num(i, i + 2, 50.0))
    m = _SPACED_ZHE.match(s, i)
    if m:
        v = _digit(m.group(1)) * 10 + _digit(m.group(2))
        return _Raw(i, m.end(), float(v), "折", "%", "percent", Num(i, m.end(), v))
    m = _RATIO.match(s, i)
    if m and (m.group(1) == "1" or "比" not in m.group()) and float(m.group(1)) and (
        m.group(1) == "1" or "." in m.group()
    ):
        left, right = float(m.group(1)), float(m.group(2))
        decimals = len((m.group(2) + ".").split(".")[1])
        sep = m.group()[len(m.group(1)):len(m.group()) - len(m.group(2))]
        return _Raw(i, m.end(), right / left, sep, "倍", "ratio", Num(i, m.end(), right / left, decimals),
                    step=0.5 * 10 ** -decimals / left)
    return None


def _raw_at(s: str, i: int) -> _Raw | None:
    special = _special_at(s, i)
    if special:
        return special
    m = _CURRENCY_PREFIX.match(s, i)
    if m:
        sign, j = _sign_at(s, m.end()) if m.end() < len(s) else (1, m.end())
        num = parse_number(s, j) if j < len(s) and starts_number(s, j) else None
        if num:
            end = num.end
            cur = currency_at(s, end)
            if cur and cur[1] == "元":
                end = cur[0]
            unit = "元" if m.group(1) in ("人民币", "RMB", "￥", "¥") else "美元"
            return _Raw(i, end, sign * num.value, m.group(1).strip(), unit, "currency", num, step=_step(num))
    pct = _percent_prefix(s, i)
    if pct:
        return pct
    sign, j = _sign_at(s, i)
    if j >= len(s):
        return None
    if j != i and _PCT_PREFIX.match(s, j):
        pct = _percent_prefix(s, j)
        if pct:
            pct.start, pct.base, pct.signed = i, -pct.base, True
            return pct
    if not starts_number(s, j):
        return None
    num = parse_number(s, j)
    if num is None:
        return None
    frac = _fraction(s, num, sign, i)
    if frac:
        return frac
    return _with_loss(_mixed_fraction(s, _suffix(s, num, sign, i)), s)


def _excluded(s: str) -> set[int]:
    blocked: set[int] = set()
    for m in EXCLUDED_RE.finditer(s):
        blocked.update(range(m.start(), m.end()))
    for m in _VAGUE.finditer(s):
        if CN_DIGITS[m.group(2)] == CN_DIGITS[m.group(1)] + 1:
            blocked.update(range(m.start(), m.end() + 1))  # 二三十: a vague range, not a figure
    return blocked


def extract_figures(text: str) -> list[Figure]:
    """Every figure in `text`, in order; non-claims (years, dates, names) have claim=False."""
    s = normalize(text)
    n = len(s)
    blocked = _excluded(s)
    dates = [m.span() for m in _DATE.finditer(s)]
    out: list[Figure] = []
    i = 0
    while i < n:
        if i in blocked:
            i += 1
            continue
        raw = _raw_at(s, i)
        if raw is None or raw.end <= raw.start:
            i += 1
            continue
        fig = _finish(text, s, raw)
        if any(a <= fig.start < b for a, b in dates):
            fig.kind, fig.claim = "date", False
        out.append(fig)
        i = raw.end
    _link_ranges(s, out)
    return out


def _finish(text: str, s: str, raw: _Raw) -> Figure:
    num = raw.num
    digits_text = s[num.start:num.end]
    scale_text = ""
    if num.scale > 1 and raw.kind in ("number", "currency", "count", "duration"):
        stripped = digits_text.rstrip(CN_BIG_CHARS + " ")
        scale_text = text[num.start + len(stripped):num.end].strip()
    unit_written = (scale_text + text[num.end:raw.end].strip()) if raw.unit else scale_text
    if raw.kind == "percent" and raw.unit == "%":
        unit_written = "%"
    divisor = num.scale if scale_text else 1.0
    fig = Figure(
        start=raw.start, end=raw.end, text=text[raw.start:raw.end], value=raw.base / divisor,
        unit=unit_written or raw.unit, base=raw.base, base_unit=raw.base_unit, kind=raw.kind,
        signed=raw.signed, step=raw.step, loss=raw.loss, profit=raw.profit,
        outflow=raw.outflow,
    )
    classify(s, fig, digits_text)
    set_interval(fig, s[max(0, raw.start - 6):raw.start], s[raw.end:raw.end + 3])
    return fig


def _link_ranges(s: str, figs: list[Figure]) -> None:
    """20%-30%, 5-20%, 1.2至1.5亿: link the two ends and give the first the unit of the second."""
    for k in range(len(figs) - 1):
        a, b = figs[k], figs[k + 1]
        gap = s[a.end:b.start]
        if not re.fullmatch(r"\s*(?:-|~|～|—|至|到)\s*", gap) or not (a.claim or b.claim):
            continue
        if a.kind in ("year", "date") or b.kind in ("year", "date"):
            continue
        if a.base_unit != b.base_unit and not (a.unit == "" and a.kind == "number"):
            continue  # 提升34.7%至7.06万人: a change and the level reached, not a range
        a.range_with, b.range_with = k + 1, k
        if a.unit == "" and b.unit and a.kind == "number":
            factor = b.base / b.value if b.value else 1.0
            a.unit, a.base_unit, a.kind, a.claim = b.unit, b.base_unit, b.kind, True
            a.base, a.step = a.value * factor, a.step * factor
            a.low, a.high = a.base - a.step, a.base + a.step
