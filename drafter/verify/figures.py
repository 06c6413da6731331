"""The Figure type, unit tables, and the rules that tell claims from names, years and dates."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

INF = math.inf


@dataclass
class Figure:
    """One figure found in a text: span, value and unit as written, normalised base value, tolerance."""

    start: int
    end: int
    text: str
    value: float
    unit: str
    base: float
    base_unit: str
    bound: str = "="  # "=", "~" (约), ">=" (超/突破/以上), "<=" (近/不到)
    low: float = 0.0
    high: float = 0.0
    kind: str = "number"  # number percent pp currency multiple duration count fraction ratio rank
    # non-claims: year date month day quarter festival name ordinal list
    claim: bool = True
    signed: bool = False  # the sign is written (-8.4%, 负0.4%, +3%)
    range_with: int = -1  # index of the other end of a range (20%-30%)
    step: float = 0.0  # half-width of the rounding interval, in base units
    loss: bool = False  # written as a loss (亏损141亿元): negative as a profit, positive as a loss metric's amount
    profit: bool = False  # written as a profit (经营溢利146亿元): as a loss metric's amount, negative
    outflow: bool = False  # written as an outflow (净流出12.6亿元): as a signed flow, negative


CN_BIG_CHARS = "万萬亿億兆"
NON_CLAIM_KINDS = {"year", "date", "month", "day", "quarter", "festival", "name", "ordinal", "list", "time_phrase"}

# currency words after a number: written form → base unit
CURRENCIES = {
    "瑞士法郎": "瑞士法郎", "新台币": "台币", "人民币": "元", "比特币": "比特币", "美元": "美元",
    "美圆": "美元", "美金": "美元", "美刀": "美元", "欧元": "欧元", "英镑": "英镑", "日元": "日元",
    "港元": "港元", "港币": "港元", "台币": "台币", "奈拉": "奈拉", "元": "元", "圆": "元", "块": "元",
}
_CURRENCY_RE = re.compile(r"\s*(?:个)?(" + "|".join(sorted(CURRENCIES, key=len, reverse=True)) + r")")
# durations, in seconds, for comparisons across units
DURATIONS = {"秒": 1, "秒钟": 1, "分钟": 60, "小时": 3600, "个小时": 3600, "天": 86400, "周": 604800,
             "个月": 2592000, "年": 31536000}
DURATION_BASE = {"秒钟": "秒", "个小时": "小时", "个月": "月"}
COUNT_UNITS = {
    "人次": "次", "人": "人", "位": "人", "名": "名", "单": "单", "笔": "单", "次": "次", "件": "件",
    "个": "个", "家": "家", "款": "款", "场": "场", "台": "台", "份": "份", "条": "条", "项": "项",
    "分": "分", "斤": "斤", "吨": "吨", "千米": "千米", "公里": "千米", "米": "米", "双": "双", "对": "对",
    "只": "只", "单品": "款", "SKU": "款", "sku": "款", "店": "家", "座": "座", "户": "户", "票": "单",
}
_UNIT_RE = re.compile(
    r"(" + "|".join(sorted(list(DURATIONS) + list(COUNT_UNITS), key=len, reverse=True)) + r")"
)
# words where a numeral character is not a number
_EXCLUDED = (
    "一切 一看 一些 一起 一直 一定 一般 一样 一致 一体 统一 唯一 一旦 万一 一方面 进一步 一站式 一线 一键 "
    "一系列 一部分 四川 大陆 陆地 登陆 着陆 海陆 陆续 队伍 入伍 退伍 伍仁 收拾 拾取 拾起 拾到 夕拾 放肆 "
    "肆意 肆无忌惮 十足 十分 半岛 两岸 两两 千万不 千万别 千万要 百货 百度 千牛 万达 三星 一号店 一体化 "
    "专一 同一 之一 第一时间 一步 一手 一流 一方 一面 两者 两端 零售 零食 零件 零部件 零星 零碎 零散 零钱 零花 零用 "
    "零距离 零容忍"
)
EXCLUDED_WORDS = _EXCLUDED.split()
EXCLUDED_RE = re.compile("|".join(sorted(EXCLUDED_WORDS, key=len, reverse=True)))

_BOUND_BEFORE = [
    # 约占三分之二, 近占七成: a share verb may stand between the bound word and the figure
    (re.compile(r"(?:超过|超出|突破|逾|多于|不低于|不少于|至少|高达|超|(?<![经通])过)\s*了?\s*(?:占|达)?\s*$"), ">="),
    (re.compile(r"(?:将近|接近|近|不到|不足)\s*(?:占|达)?\s*$"), "<~"),
    (re.compile(r"(?:低于|少于|不超过|至多|最多)\s*$"), "<="),
    (re.compile(r"(?:大约|约为|约合|大概|约|估计|预计约)\s*(?:占|达)?\s*$"), "~"),
]
_BOUND_AFTER = [
    (re.compile(r"^\s*(?:以上|多|余|\+)"), ">="),
    (re.compile(r"^\s*(?:以下|以内)"), "<="),
    (re.compile(r"^\s*(?:左右|上下)"), "~"),
]
_CLAIM_CUE = re.compile(
    r"(?:为|是|达|达到|至|到|约|近|超|破|了|长|降|升|少|加|共|计|分|得|值|:|：|\(|（|\||均|仅|高|低|差|比)\s*$"
)


def set_interval(fig: Figure, before: str, after: str) -> None:
    """Fill bound, low, high from the written precision and the approximation words around the figure."""
    v = fig.base
    step = fig.step
    lo, hi = v - step, v + step
    bound = "="
    for pattern, b in _BOUND_BEFORE:
        if pattern.search(before):
            bound = b
            break
    else:
        for pattern, b in _BOUND_AFTER:
            if pattern.search(after):
                bound = b
                break
    mag = abs(v)
    if bound == "~":
        lo, hi = min(lo, v - 0.05 * mag), max(hi, v + 0.05 * mag)
    elif bound == ">=":
        # 超过四成 is more than 40%: the coarse step of 成 (±5 points) must not let 35% pass as "over 40%"
        lo, hi = (v - min(step, 0.01 * mag) if v > 0 else lo), (INF if v >= 0 else hi)
    elif bound == "<~":
        lo = min(lo, v - 0.1 * mag)
        bound = "<="
    elif bound == "<=":
        lo = -INF if v > 0 else lo
    eps = 1e-9 * max(1.0, mag)
    fig.bound, fig.low, fig.high = bound, lo - eps, hi + eps


def as_percent(fig: Figure) -> Figure:
    """A fraction in prose (三分之二) is a proportion: as a percentage, written loosely (±1.5 points)."""
    if fig.kind != "fraction":
        return fig
    low, high = min(fig.low * 100, fig.base * 100 - 1.5), max(fig.high * 100, fig.base * 100 + 1.5)
    return replace(fig, base=fig.base * 100, base_unit="%", unit="%", low=low, high=high, step=1.5)


def classify(s: str, fig: Figure, raw_digits: str) -> None:
    """Set kind/claim for figures that are not claims: years, dates, quarters, names, list numbers."""
    before = s[max(0, fig.start - 6): fig.start]
    after = s[fig.end: fig.end + 4]
    plain = fig.kind == "number" and fig.unit == ""
    integer = fig.base == int(fig.base) and "." not in raw_digits
    if fig.kind == "number" and integer and after[:1] == "年" and (
        len(raw_digits) == 4 or (len(raw_digits) == 2 and before[-1:] in ("", " ", "-"))
    ):
        _non_claim(fig, "year")
    elif plain and integer and 1900 <= fig.base <= 2100 and len(raw_digits) == 4:
        _non_claim(fig, "year")  # 2025 as a table header or in 2025Q3
    elif plain and integer and after.startswith(("月", "月份")) and 1 <= fig.base <= 12:
        _non_claim(fig, "month")
    elif plain and integer and after[:1] in ("日", "号") and 1 <= fig.base <= 31:
        _non_claim(fig, "day")
    elif plain and re.match(r"\s*(?:季度|季)", after):
        _non_claim(fig, "quarter")
    elif before.endswith("双") or (plain and fig.base in (618, 1111) and not before.endswith(("为", "达"))):
        _non_claim(fig, "festival")
    elif plain and re.search(r"(?:[A-Za-z]|[Tt][Oo][Pp]\s*)$", before):
        _non_claim(fig, "name")  # Top10, Q3, H1, iPhone15
    elif plain and re.match(r"[A-Za-z]", after) and not re.match(r"[kKM]\b", after):
        _non_claim(fig, "name")  # 5G, 3C
    elif before.endswith("第"):
        if re.match(r"\s*(?:名|位)", after) or re.search(r"(?:排名|排|位列|位居|居)第$", before):
            fig.kind, fig.base_unit = "rank", "名"
        elif re.match(r"\s*(?:季度|季)", after):
            _non_claim(fig, "quarter")
        else:
            _non_claim(fig, "ordinal")
    elif fig.kind == "duration" and not raw_digits[:1].isdigit() and (
            re.search(r"[上下近前后每这此]$", before) or re.match(r"\s*(?:以来|来|内|度|间)", after)):
        _non_claim(fig, "time_phrase")  # 上一年度, 近一年来, 三年内: time words in Chinese numerals, not figures
    elif plain and _is_list_marker(s, fig):
        _non_claim(fig, "list")
    elif plain and not raw_digits[:1].isdigit() and fig.step <= 1:
        fig.claim = False  # 三大渠道, 一是: bare Chinese numerals carry no figure
    elif plain and not _CLAIM_CUE.search(before) and before.strip() and not before.endswith(" "):
        fig.claim = False  # 推荐算法3.0: a number glued to a word is a name
    elif fig.kind == "count" and not raw_digits[:1].isdigit() and fig.base <= 10 and fig.step <= 1:
        fig.claim = False  # 两个方面, 三家仓: small counts in words are phrasing, not figures


def _non_claim(fig: Figure, kind: str) -> None:
    fig.kind = kind
    fig.claim = False


def _is_list_marker(s: str, fig: Figure) -> bool:
    line_start = s.rfind("\n", 0, fig.start) + 1
    head = s[line_start: fig.start]
    return bool(re.fullmatch(r"\s*[(（]?", head)) and bool(re.match(r"[.、)）]", s[fig.end: fig.end + 1]))


def currency_at(s: str, i: int) -> tuple[int, str] | None:
    """A currency word at i: (end, base unit)."""
    m = _CURRENCY_RE.match(s, i)
    if not m:
        return None
    word = m.group(1)
    if word == "块" and s[m.end(): m.end() + 1] in ("状", "头", "面", "地", "板"):
        return None
    return m.end(), CURRENCIES[word]


def unit_at(s: str, i: int) -> tuple[int, str, str] | None:
    """A duration or count unit at i: (end, written unit, base unit)."""
    m = _UNIT_RE.match(s, i)
    if not m:
        return None
    word = m.group(1)
    nxt = s[m.end(): m.end() + 1]
    if word == "分" and nxt in ("之", "别", "析", "布", "享", "类", "期", "拆", "销", "钟", "成"):
        return None
    if word in ("年", "个月", "天", "周") or word in DURATIONS:
        return m.end(), word, DURATION_BASE.get(word, word)
    return m.end(), word, COUNT_UNITS[word]
