"""Fresh verifier probes on the demo's 2025 facts: annual-summary shapes, each correct with a wrong twin, and the
qualifier vocabulary the insertion property inserts into every correct sentence.

The correct values are computed here from the facts (a half year summed from the months, GMV of 新客 over 新客
buyers, …), independently of the verifier. Shared by the tests and bench/qualifier_probe.py."""

from __future__ import annotations

import re
from dataclasses import dataclass

from drafter.models import Fact


@dataclass(frozen=True)
class Probe:
    """A correct sentence, its wrong twin, and the shape it exercises."""

    shape: str
    right: str
    wrong: str


def _wan(x: float) -> str:
    return f"{x / 1e4:.1f}万元"


def _pct(x: float) -> str:
    return f"{x:.1f}%"


def probes(facts: list[Fact]) -> list[Probe]:
    """The probes on the demo company's 2025 facts (its year and the year before)."""
    by = {f.id: f.value for f in facts}

    def v(key: str) -> float:
        return by[key]

    def months(year: str, first: int, last: int) -> float:
        return sum(v(f"gmv.{year}[month={m}月]") for m in range(first, last + 1))

    gmv, gmv_prev = v("gmv.2025"), v("gmv.2024")
    h1, h2, q4, q2, m12 = months("2025", 1, 6), months("2025", 7, 12), months("2025", 10, 12), \
        months("2025", 4, 6), v("gmv.2025[month=12月]")
    first9, first5 = months("2025", 1, 9), months("2025", 1, 5)
    target = gmv_prev * 1.25
    new_per_head = v("gmv.2025[buyer=新客]") / v("new_buyers.2025")
    old_per_head = v("gmv.2025[buyer=老客]") / v("returning_buyers.2025")
    categories = [f for f in facts if f.metric == "gmv" and f.measure == "yoy" and f.period == "2025"
                  and f.dimension.startswith("category=")]
    grew = sum(f.value > 0 for f in categories)
    one_in = round(100 / v("conversion_rate.2025"))
    dy, tm, jd, app = "[channel=抖音]", "[channel=天猫]", "[channel=京东]", "[channel=小程序]"
    two_contrib = v(f"gmv.contribution.2025{dy}") + v(f"gmv.contribution.2025{app}")
    two_share = v(f"gmv.share.2025{tm}") + v(f"gmv.share.2025{dy}")
    two_gmv = v(f"gmv.2025{tm}") + v(f"gmv.2025{jd}")
    growth_now, growth_then = v("gmv.yoy.2025"), v("gmv.yoy.2024")
    growth_pp = growth_now - growth_then
    refund, refund_target = v("refund_rate.2025"), v("refund_rate.target.2025")
    h1_prev = months("2024", 1, 6)

    def both(shape: str, template: str, right: str, wrong: str) -> Probe:
        return Probe(shape, template.format(x=right), template.format(x=wrong))

    return [
        both("half", "上半年GMV合计{x}。", _wan(h1), _wan(gmv)),
        both("half", "下半年，GMV为{x}，旺季效应明显。", _wan(h2), _wan(h2 * 1.12)),
        both("half", "2025年上半年GMV同比增长{x}。", _pct((h1 / h1_prev - 1) * 100), _pct(v("gmv.yoy.2025"))),
        both("quarter", "第四季度GMV为{x}。", _wan(q4), _wan(q4 * 0.88)),
        both("quarter", "二季度实现GMV{x}，占全年的" + _pct(q2 / gmv * 100) + "。", _wan(q2), _wan(q2 * 1.12)),
        both("quarter", "二季度GMV占全年的{x}。", _pct(q2 / gmv * 100), _pct(q2 / gmv * 112)),
        both("cumulative", "前三季度GMV累计{x}。", _wan(first9), _wan(first9 * 1.12)),
        both("cumulative", "前5个月GMV为{x}。", _wan(first5), _wan(first5 * 0.88)),
        both("month", "12月单月GMV为{x}。", _wan(m12), _wan(m12 * 1.12)),
        both("per-day", "按365天计，全年日均GMV约{x}。", _wan(gmv / 365), _wan(gmv)),
        both("per-day", "日均订单量约{x}单。", f"{v('orders.2025') / 365:.0f}", f"{v('orders.2025') / 365 * 1.12:.0f}"),
        both("per-month", "月均GMV为{x}。", _wan(gmv / 12), _wan(gmv / 12 * 1.12)),
        both("per-buyer", "新客人均贡献GMV约{x}元。", f"{new_per_head:.0f}", f"{new_per_head * 1.12:.0f}"),
        both("per-buyer", "老客人均消费{x}元，明显高于新客。", f"{old_per_head:.0f}", f"{v('aov_buyer.2025'):.0f}"),
        both("per-order", "每单平均成交金额为{x}元。", f"{gmv / v('orders.2025'):.1f}",
             f"{gmv / v('orders.2025') * 1.12:.1f}"),
        both("target-amount", "以25%的增速目标计，GMV目标约{x}。", _wan(target), _wan(target * 1.12)),
        both("target-amount", "全年GMV目标完成率为{x}。", _pct(gmv / target * 100), _pct(gmv / target * 112)),
        both("count", "8大品类中有{x}个实现增长。", str(grew), str(grew - 2)),
        both("count", "抖音GMV连续两年保持增长，同比增长{x}。", _pct(v(f"gmv.yoy.2025{dy}")),
             _pct(v(f"gmv.yoy.2025{dy}") * 1.12)),
        both("one-in-n", "每{x}个访客中约有1人下单。", str(one_in), str(round(one_in * 0.6))),
        both("member-sum", "抖音和小程序合计贡献了增量的{x}。", _pct(two_contrib), _pct(two_contrib * 1.12)),
        both("member-sum", "天猫与抖音GMV合计占比{x}。", _pct(two_share), _pct(two_share * 0.88)),
        both("member-sum", "天猫和京东两大渠道GMV合计{x}。", _wan(two_gmv), _wan(two_gmv * 1.12)),
        both("growth-pp", "GMV增速从上年的" + _pct(growth_then) + "调整至" + _pct(growth_now) + "，{x}。",
             f"{'提高' if growth_pp > 0 else '回落'}{abs(growth_pp):.1f}个百分点",
             f"{'提高' if growth_pp > 0 else '回落'}{abs(growth_pp) * 1.5:.1f}个百分点"),
        both("ceiling", "退款率为" + _pct(refund) + "，高于{x}的控制目标。", _pct(refund_target), _pct(refund)),
        both("ceiling", "退款率{x}，高于7.0%的控制目标。", _pct(refund), _pct(refund * 1.12)),
        both("plain", "全年GMV为{x}，同比增长" + _pct(growth_now) + "。", _wan(gmv), _wan(gmv * 1.12)),
        both("plain", "GMV同比增长{x}。", _pct(growth_now), _pct(growth_now * 1.12)),
        both("plain", "抖音渠道GMV达{x}。", _wan(v(f"gmv.2025{dy}")), _wan(v(f"gmv.2025{dy}") * 0.88)),
        both("plain", "复购率为{x}，同比提升0.5个百分点。", _pct(v("repurchase_rate.2025")),
             _pct(v("repurchase_rate.2025") * 1.12)),
        both("plain", "订单量{x}，同比增长" + _pct(v("orders.yoy.2025")) + "。", f"{v('orders.2025') / 1e4:.2f}万单",
             f"{v('orders.2025') / 1e4 * 1.12:.2f}万单"),
        both("plain", "客单价为{x}元，低于上年。", f"{v('aov.2025'):.1f}", f"{v('aov.2025') * 1.12:.1f}"),
    ]


def later_probes(facts: list[Fact]) -> list[Probe]:
    """A second set in other phrasings, written after the reader was built and measured untouched."""
    by = {f.id: f.value for f in facts}

    def v(key: str) -> float:
        return by[key]

    def months(year: str, first: int, last: int) -> float:
        return sum(v(f"gmv.{year}[month={m}月]") for m in range(first, last + 1))

    def both(shape: str, template: str, right: str, wrong: str) -> Probe:
        return Probe(shape, template.format(x=right), template.format(x=wrong))

    gmv = v("gmv.2025")
    q3, h2_prev, q1 = months("2025", 7, 9), months("2024", 7, 12), months("2025", 1, 3)
    h2 = months("2025", 7, 12)
    jd, tm = "[channel=京东]", "[channel=天猫]"
    per_buyer_jd = v(f"gmv.2025{jd}") / v(f"buyers.2025{jd}")
    return [
        both("quarter", "2025年第三季度，GMV实现{x}。", _wan(q3), _wan(q3 * 1.15)),
        both("quarter", "一季度GMV占全年比重为{x}。", _pct(q1 / gmv * 100), _pct(q1 / gmv * 120)),
        both("half", "下半年GMV较上年同期增长{x}。", _pct((h2 / h2_prev - 1) * 100), _pct((h2 / h2_prev - 1) * 140)),
        both("cumulative", "1-6月累计实现GMV{x}。", _wan(months("2025", 1, 6)), _wan(months("2025", 1, 6) * 1.1)),
        both("per-day", "全年平均每天成交{x}。", _wan(gmv / 365), _wan(gmv / 365 * 1.2)),
        both("per-buyer", "京东渠道人均贡献GMV约{x}元。", f"{per_buyer_jd:.0f}", f"{per_buyer_jd * 1.15:.0f}"),
        both("per-order", "天猫渠道每单平均金额为{x}元。", f"{v(f'aov.2025{tm}'):.1f}",
             f"{v(f'aov.2025{tm}') * 1.1:.1f}"),
        both("member-sum", "天猫、京东两个渠道合计贡献了增量的{x}。",
             _pct(v(f"gmv.contribution.2025{tm}") + v(f"gmv.contribution.2025{jd}")),
             _pct((v(f"gmv.contribution.2025{tm}") + v(f"gmv.contribution.2025{jd}")) * 1.5)),
        both("count", "5个渠道中有{x}个渠道GMV实现同比增长。", "5", "3"),
        both("one-in-n", "平均每{x}位访客中就有1人完成购买。", str(round(100 / v("conversion_rate.2025"))),
             str(round(100 / v("conversion_rate.2025") * 0.7))),
        both("month", "11月单月GMV达到{x}，为全年最高。", _wan(v("gmv.2025[month=11月]")),
             _wan(v("gmv.2025[month=11月]") * 1.1)),
        both("target-amount", "按照25%的增长目标，全年GMV目标应为{x}。", _wan(v("gmv.2024") * 1.25),
             _wan(v("gmv.2024") * 1.4)),
        both("plain", "新客数达到{x}，同比增长" + _pct(v("new_buyers.yoy.2025")) + "。",
             f"{v('new_buyers.2025') / 1e4:.2f}万人", f"{v('new_buyers.2025') / 1e4 * 1.1:.2f}万人"),
        both("plain", "营销投放{x}，同比增长" + _pct(v("marketing_spend.yoy.2025")) + "。",
             _wan(v("marketing_spend.2025")), _wan(v("marketing_spend.2025") * 1.12)),
    ]


# Words that change what a figure states, by class, from the language (Simplified and Traditional): inserted
# before a figure's metric, none of them leaves the claim it qualifies the same.
QUALIFIERS: dict[str, tuple[str, ...]] = {
    "time": ("上半年", "下半年", "一季度", "第二季度", "前三季度", "双11当天", "618期间", "大促期间", "12月单月",
             "月均", "日均", "周均", "上半年度", "雙11當天", "大促期間"),
    "aggregation": ("人均", "单均", "每单", "每位", "平均每天", "中位数", "單均", "中位數", "平均每天"),
    "scope": ("直播间", "新品", "会员", "自营", "海外", "线下", "某品类", "直播間", "會員", "線下", "爆款", "头部商家"),
    "exclusion": ("剔除家电后", "不含抖音", "除天猫以外", "剔除大促后", "不含退款", "剔除家電後"),
    "measure": ("毛利", "净利", "利润", "成本", "预算", "预计", "计划", "淨利", "預算", "預計"),
    "base": ("较目标", "较上月", "较2023年", "較2023年", "较上季度"),
}
SHIFTS = ("2024年", "去年", "去年同期")

_METRIC_AT = re.compile(r"GMV|订单量|复购率|客单价|退款率|成交额")
_CHANGE_AT = re.compile(r"(?P<said>同比)?(?=增长|提升|下降|回落|上升)")


def insertions(sentence: str) -> list[tuple[str, str, str]]:
    """(class, word, sentence) for each qualifier inserted before the first metric name where it reads naturally;
    time shifts are class "shift"."""
    m = _METRIC_AT.search(sentence)
    if m is None:
        return []
    at = m.start()
    # a word already scoping the metric (抖音渠道GMV, 全年GMV) stays: the qualifier goes right before the name
    out = []
    for cls, words in QUALIFIERS.items():
        for word in dict.fromkeys(words):
            if word in sentence:
                continue  # 月均月均GMV: a word the sentence has already
            if cls == "base":  # a comparison base stands where 同比 stood, or before the verb of change
                verb = _CHANGE_AT.search(sentence, at)
                if verb is None:
                    continue
                out.append((cls, word, sentence[:verb.start()] + word + sentence[verb.end():]))
            else:
                out.append((cls, word, sentence[:at] + word + sentence[at:]))
    for word in SHIFTS:
        out.append(("shift", word, sentence[:at] + word + sentence[at:]))
    return out
