"""Prose probe: correct sentences in the shapes a model or a person writes must verify; altered, they must not.

The perturbation bench checks the offline writer's and the demo corpus's own phrasing. A model phrases the same
facts in other ways (同比上升至7.6%, 由17.3%提升至27.0%, 仍有1.8个百分点的差距, 近七成（68.7%）…). Each sentence
below names its facts by id; they are filled in with the facts' written forms for the demo company's 2025 and
2025Q3 data and its 2026 plan (fixed seed: the direction words are true of it). Then every figure of every
sentence is altered by 12% and must be flagged. Targets: no false alarm, no miss.

    python bench/prose_probe.py [--show]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DY, TM, JD = "[channel=抖音]", "[channel=天猫]", "[channel=京东]"
SENTENCES = [
    "全年实现GMV约{gmv.2025}，同比增长{gmv.yoy.2025}，但较{gmv.target_yoy.2025}的增长目标仍有{gmv.gap_yoy.2025}的差距。",
    "GMV增速为{gmv.yoy.2025}，低于年初设定的{gmv.target_yoy.2025}目标。",
    "GMV同比增速{gmv.yoy.2025}，较目标低{gmv.gap_yoy.2025}。",
    "GMV未能完成年度目标，增速差{gmv.gap_yoy.2025}。",
    "2025年全年GMV达{gmv.2025}，较2024年的{gmv.2024}增长{gmv.yoy.2025}。",
    "全年订单量{orders.2025}，同比增长{orders.yoy.2025}；买家数{buyers.2025}，同比增长{buyers.yoy.2025}。",
    "订单量同比增长{orders.yoy.2025}，达到{orders.2025}；买家数增长{buyers.yoy.2025}至{buyers.2025}。",
    "订单量从{orders.2024}增至{orders.2025}。",
    "受客单价下滑影响，GMV增速（{gmv.yoy.2025}）明显低于订单量增速（{orders.yoy.2025}）。",
    "抖音渠道表现亮眼，GMV达{gmv.2025" + DY + "}，同比接近翻倍（+{gmv.yoy.2025" + DY + "}），占比由{gmv.share.2024" + DY
    + "}提升至{gmv.share.2025" + DY + "}。",
    "抖音渠道GMV同比增长{gmv.yoy.2025" + DY + "}，增量贡献率达{gmv.contribution.2025" + DY
    + "}，是全年增长的主要来源。",
    "抖音贡献了全年GMV增量的近七成（{gmv.contribution.2025" + DY + "}）。",
    "抖音GMV占比达到{gmv.share.2025" + DY + "}，超额完成{gmv.target_share.2025" + DY + "}的占比目标。",
    "抖音GMV占比{gmv.share.2025" + DY + "}，较年度目标{gmv.target_share.2025" + DY + "}高出{gmv.gap_share.2025" + DY
    + "}。",
    "天猫依然是第一大渠道，GMV为{gmv.2025" + TM + "}，占比{gmv.share.2025" + TM + "}。",
    "天猫渠道GMV为{gmv.2025" + TM + "}，同比增长{gmv.yoy.2025" + TM + "}，占比下降{gmv.share_pp.2025" + TM
    + "}至{gmv.share.2025" + TM + "}。",
    "京东渠道GMV为{gmv.2025" + JD + "}，同比增长{gmv.yoy.2025" + JD + "}。",
    "自营APP转化率为{conversion_rate.2025[channel=自营APP]}，为各渠道最高。",
    "11月受双11大促带动，GMV达到{gmv.2025[month=11月]}，占全年的{gmv.share.2025[month=11月]}，为全年峰值。",
    "全年GMV的{gmv.share.2025[month=11月]}来自11月。",
    "双11所在的11月GMV为{gmv.2025[month=11月]}，居全年各月之首。",
    "复购率为{repurchase_rate.2025}，同比提升{repurchase_rate.yoy_pp.2025}，距{repurchase_rate.target.2025}的目标尚差"
    "{repurchase_rate.gap.2025}。",
    "复购率达到{repurchase_rate.2025}，比上年提高{repurchase_rate.yoy_pp.2025}，但仍未达到{repurchase_rate.target.2025}的年度目标。",
    "复购率较上年的{repurchase_rate.2024}提升{repurchase_rate.yoy_pp.2025}。",
    "复购率为{repurchase_rate.2025}，与{repurchase_rate.target.2025}的目标仍有{repurchase_rate.gap.2025}的差距。",
    "客单价同比下降{aov.yoy.2025}至{aov.2025}，但仍高于{aov.target.2025}的目标。",
    "客单价{aov.2025}，同比下降{aov.yoy.2025}，仍高于{aov.target.2025}的年度目标。",
    "客单价为{aov.2025}，比目标{aov.target.2025}高{aov.gap.2025}。",
    "人均消费金额为{aov_buyer.2025}，同比下降{aov_buyer.yoy.2025}。",
    "退款率同比上升至{refund_rate.2025}。",
    "退款率升至{refund_rate.2025}，高出目标{refund_rate.gap.2025}。",
    "退款率为{refund_rate.2025}，比目标值{refund_rate.target.2025}高{refund_rate.gap.2025}。",
    "2025年退款率为{refund_rate.2025}，较2024年的{refund_rate.2024}上升{refund_rate.yoy_pp.2025}。",
    "新客数达{new_buyers.2025}，新客30天复购率为{new_buyer_repurchase_30d.2025}。",
    "全年新客{new_buyers.2025}，老客{returning_buyers.2025}。",
    "会员买家占比达到{member_share.2025}。",
    "家电仍是第一大品类，GMV为{gmv.2025[category=家电]}。",
    "家电品类GMV同比下降{gmv.yoy.2025[category=家电]}，占比减少{gmv.share_pp.2025[category=家电]}。",
    "全年营销投放{marketing_spend.2025}，整体营销ROI为{marketing_roi.2025}。",
    "抖音投放{marketing_spend.2025" + DY + "}，ROI仅{marketing_roi.2025" + DY + "}，明显低于天猫的{marketing_roi.2025"
    + TM + "}。",
    "天猫、抖音的营销ROI分别为{marketing_roi.2025" + TM + "}和{marketing_roi.2025" + DY + "}。",
    "抖音的获客成本为{cac.2025" + DY + "}。",
    "新客贡献GMV{gmv.2025[buyer=新客]}。",
    "会员占比{member_share.2025}，较上年提升{member_share.yoy_pp.2025}。",
    "全年访客数{visitors.2025}，转化率{conversion_rate.2025}。",
    "购买频次为{purchase_frequency.2025}，大促GMV占比为{promo_gmv_share.2025}。",
]
# A quarter's review (2025Q3): against the quarter before (环比) and the same quarter a year ago (同比).
QUARTER_SENTENCES = [
    "三季度实现GMV{gmv.2025Q3}，同比增长{gmv.yoy.2025Q3}，环比下降{gmv.pop.2025Q3}。",
    "本季度GMV为{gmv.2025Q3}，较上季度下降{gmv.pop.2025Q3}，主要受618大促结束影响。",
    "与上季度相比，GMV下降{gmv.pop.2025Q3}。",
    "与二季度相比，GMV下降{gmv.pop.2025Q3}。",
    "GMV较Q2下降{gmv.pop.2025Q3}。",
    "2024年第三季度GMV为{gmv.2024Q3}。",
    "Q3 GMV同比增长{gmv.yoy.2025Q3}，略低于年度{gmv.target_yoy.2025}的增长目标。",
    "年度计划的GMV增速目标为{gmv.target_yoy.2025}，三季度同比增速{gmv.yoy.2025Q3}，进度略慢于目标。",
    "订单量环比减少{orders.pop.2025Q3}。",
    "复购率环比下降{repurchase_rate.pop_pp.2025Q3}。",
    "退款率为{refund_rate.2025Q3}，同比上升{refund_rate.yoy_pp.2025Q3}，需重点关注。",
    "退款率同比上升{refund_rate.yoy_pp.2025Q3}至{refund_rate.2025Q3}。",
    "抖音渠道GMV为{gmv.2025Q3" + DY + "}，环比下降{gmv.pop.2025Q3" + DY + "}，占比{gmv.share.2025Q3" + DY + "}。",
    "9月GMV为{gmv.2025Q3[month=9月]}。",
]
# A plan for 2026 drafted from 2025's actuals: its targets are facts of 2026 (proposed from the data).
PLAN_SENTENCES = [
    "2026年GMV目标同比增长{gmv.target_yoy.2026}，达到{gmv.target.2026}。",
    "明年GMV目标为{gmv.target.2026}，同比增长{gmv.target_yoy.2026}。",
    "GMV目标同比增长{gmv.target_yoy.2026}，较2025年实际增速{gmv.yoy.2025}略有放缓。",
    "2025年GMV为{gmv.2025}，同比增长{gmv.yoy.2025}，未完成{gmv.target_yoy.2025}的增长目标。",
    "与上一年度相比，GMV增长{gmv.yoy.2025}。",
    "复购率目标为{repurchase_rate.target.2026}，较2025年的{repurchase_rate.2025}提升明显。",
    "退款率目标控制在{refund_rate.target.2026}以内。",
    "下一年度，抖音渠道GMV占比目标为{gmv.target_share.2026" + DY + "}。",
    "明年复购率目标为{repurchase_rate.target.2026}，退款率目标为{refund_rate.target.2026}。",
    "客单价目标为{aov.target.2026}，2025年实际为{aov.2025}。",
]
PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def demo_facts(root: Path) -> dict[str, list]:
    """Freshly generated demo data's facts: 2025, 2025Q3, and 2025 with the 2026 plan's proposed targets."""
    from drafter.demo import generate_tables, write_tables
    from drafter.metrics import compute_facts
    from drafter.metrics.proposals import propose_targets

    write_tables(generate_tables(), root / "data")
    facts = {period: compute_facts(root / "data", period, root / "cache").facts for period in ("2025", "2025Q3")}
    facts["plan"] = facts["2025"] + propose_targets(facts["2025"], "2025", "2026")
    return facts


def fill(template: str, facts: dict) -> str:
    """The sentence with each {fact id} written as the report would write it."""
    from drafter.display import display

    return PLACEHOLDER.sub(lambda m: display(facts[m[1]]), template)


def altered(sentence: str, finding) -> tuple[str, int] | None:
    """The sentence with this finding's number 12% larger (same decimals) and where, or None without a number."""
    number = NUMBER.search(finding.text or "")
    if number is None:
        return None
    digits = number.group()
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    new = f"{float(digits) * 1.12:.{decimals}f}"
    at = sentence.find(finding.text, max(0, finding.col - 3))
    if new == digits or at < 0:
        return None
    return sentence[:at] + finding.text.replace(digits, new, 1) + sentence[at + len(finding.text):], at


def main() -> int:
    from drafter.verify import verify_markdown

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every sentence and its verdicts")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        facts = demo_facts(Path(tmp))
    alarms = misses = checked = 0
    # (sentence, which facts, the period they describe, the plan's period)
    probes = [(t, "2025", "2025", None) for t in SENTENCES] + [(t, "2025Q3", "2025Q3", None) for t in QUARTER_SENTENCES]
    probes += [(t, "plan", "2025", "2026") for t in PLAN_SENTENCES]
    for template, which, period, plan in probes:
        sentence = fill(template, {f.id: f for f in facts[which]})
        findings = verify_markdown(sentence, facts[which], period=period, plan=plan)
        bad = [f for f in findings if f.verdict != "verified"]
        alarms += len(bad)
        if bad or args.show:
            print(("FALSE ALARM " if bad else "ok ") + sentence, [(f.text, f.verdict) for f in findings])
        for finding in findings:
            change = altered(sentence, finding)
            if change is None:
                continue
            wrong, at = change
            checked += 1
            flagged = [g for g in verify_markdown(wrong, facts[which], period=period, plan=plan)
                       if g.verdict != "verified" and abs((g.col - 1) - at) <= 2]
            if not flagged:
                misses += 1
                print(f"MISSED {wrong}")
    print(f"sentences {len(probes)}, false alarms {alarms}; figures altered by 12% {checked}, missed {misses} "
          f"({time.perf_counter() - started:.1f}s)")
    ok = not alarms and not misses
    print("PASS (no false alarm, no miss)" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
