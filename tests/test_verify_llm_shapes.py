"""A model that phrases correct figures the way writers do drafts its section with no repair round and no 【待核】."""

from __future__ import annotations

import json
import re

from llm_stub import fact_rows, fact_value
from test_llm import stub_config

from drafter.draft.write import write_draft

OVERVIEW = "一、年度运营成果概览"


def _number(written: str) -> tuple[float, str]:
    m = re.fullmatch(r"([-+]?[\d.]+)(.*)", written.replace(",", ""))
    return float(m.group(1)), m.group(2)


def writer_shapes(prompt: str) -> str:
    """The overview as an analyst writes it: base then current, rounding, bounds, 按年, targets told as a story,
    a difference, a multiple, a share of 个百分点, and a Traditional sentence."""
    def w(label: str, measure: str = "数值", period: str = "2025") -> str:
        return fact_value(prompt, label, measure, period)

    gmv, unit = _number(w("GMV"))
    gmv_before, _ = _number(w("GMV", period="2024"))
    growth, _ = _number(w("GMV", "同比变化"))
    orders_growth, _ = _number(w("订单量", "同比变化"))
    aov = next(r["label"] for r in fact_rows(prompt) if r["label"].startswith("客单价"))
    return (
        f"年初确定了“GMV增长{w('GMV', '目标增速')}、复购率达到{w('复购率', '目标值')}”的年度目标。"
        f"全年GMV由上年的{w('GMV', period='2024')}增至{w('GMV')}，净增约{gmv - gmv_before:.1f}{unit}，"
        f"约为上年的{1 + growth / 100:.2f}倍，按年增长逾{int(growth)}%。"
        f"按整数计，GMV约{round(gmv)}{unit}。订单量同比增长近{int(orders_growth) + 1}%，达到{w('订单量')}。"
        f"复购率由上年的{w('复购率', period='2024')}降至{w('复购率')}，"
        f"下降{w('复购率', '同比变化（百分点）').lstrip('-')}，未达成年度目标。"
        f"客單價由上年的{w(aov, period='2024')}降至{w(aov)}，按年下降{w(aov, '同比变化').lstrip('-')}。\n"
    )


def test_writer_shapes_draft_with_no_repair_round_and_no_flag(folder, stub):
    stub.script(OVERVIEW, writer_shapes)
    result = write_draft(stub_config(folder, stub), "2025")
    overview = result.draft.sections[0]
    assert "年初确定了“GMV增长" in overview.text and "由上年的" in overview.text and "按年" in overview.text
    assert overview.repair_rounds == 0 and overview.flagged == 0
    report = (result.folder / "report.md").read_text(encoding="utf-8")
    assert "【待核】" not in report
    findings = json.loads((result.folder / "verification.json").read_text(encoding="utf-8"))["findings"]
    start = report.splitlines().index(next(line for line in report.splitlines() if "年初确定了" in line)) + 1
    mine = [f for f in findings if f["line"] == start]
    assert len(mine) >= 14 and {f["verdict"] for f in mine} == {"verified"}, mine
    assert all({"metric", "measure", "period", "dimension"} <= set(f["reading"]) for f in mine)
