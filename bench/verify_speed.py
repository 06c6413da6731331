"""Time verify_markdown on a ~10,000-character report (target: under 0.5 s)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from drafter.models import Fact, fact_id  # noqa: E402
from drafter.verify import summarize, verify_markdown  # noqa: E402

CHANNELS = ["天猫", "京东", "抖音", "拼多多", "小红书", "快手", "微信小程序", "线下门店"]


def _fact(metric, label, measure, value, unit, dimension=""):
    return Fact(id=fact_id(metric, measure, "2025", dimension), metric=metric, label=label, measure=measure,
                value=value, unit=unit, period="2025", dimension=dimension)


def build() -> tuple[str, list[Fact]]:
    """A synthetic report of prose and tables over many channels, and its facts."""
    facts = [_fact("gmv", "GMV", "value", 1_862_000_000, "元"), _fact("gmv", "GMV", "yoy", 26.1, "%"),
             _fact("repurchase_rate", "复购率", "value", 28.7, "%"),
             _fact("repurchase_rate", "复购率", "yoy_pp", 1.3, "pp")]
    parts = ["# 一、运营成果概览", "<!-- drafter:section id=overview hash=0 -->"]
    for k, ch in enumerate(CHANNELS * 11):
        value = 100_000_000 + 7_000_000 * (k % 8)
        dim = f"channel={ch}"
        if k < len(CHANNELS):
            facts += [_fact("gmv", "GMV", "value", value, "元", dim), _fact("gmv", "GMV", "yoy", 10 + k, "%", dim),
                      _fact("gmv", "GMV", "share", 5 + k, "%", dim)]
        parts.append(f"{ch}渠道GMV为{value / 1e8:.2f}亿元，占比{5 + k % 8}%，同比增长{10 + k % 8}%，"
                     f"全年GMV达到18.62亿元，同比增长26.1%，复购率为28.7%，同比提升1.3个百分点。"
                     "2025年11月11日大促期间，推荐算法3.0上线，Top10商品贡献显著。")
    parts.append("| 渠道 | GMV（亿元） | 占比 |\n| --- | --- | --- |")
    for k, ch in enumerate(CHANNELS):
        parts.append(f"| {ch} | {(100_000_000 + 7_000_000 * k) / 1e8:.2f} | {5 + k}% |")
    return "\n".join(parts), facts


def main() -> int:
    text, facts = build()
    verify_markdown("GMV为1亿元。", facts)  # warm-up: opencc dictionaries, regex compilation
    started = time.perf_counter()
    findings = verify_markdown(text, facts)
    seconds = time.perf_counter() - started
    print(f"{len(text)} characters, {len(findings)} findings {summarize(findings)} in {seconds:.3f} s "
          f"({'ok' if seconds < 0.5 else 'SLOW'}; target < 0.5 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
