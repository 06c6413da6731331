"""Targets proposed from a plan's text: the parser on hand-written plans, the merge, and `drafter targets`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from drafter.cli.targets import targets_command
from drafter.errors import UserError
from drafter.metrics import compute_facts
from drafter.metrics.targets import ProposedTarget, merge_targets, parse_plan

PLAN = """# 某公司2026年度经营计划

## 一、2025年回顾
2025年GMV为1.2亿元，同比增长18.0%，较计划目标差2.0个百分点。2025年复购率目标为30%，实际为27.5%。

| 指标 | 2025年目标 | 2025年实际 |
| --- | --- | --- |
| 复购率 | 30.0% | 27.5% |

## 二、2026年目标
| 指标 | 目标值 | 备注 |
| --- | --- | --- |
| GMV同比增长 | 20% | 规模 |
| 客单价（按订单） | 320元 | 下限 |
| 京东渠道GMV占比 | 22.5% | |
| 退款率 | 6.5% | 上限 |

具体如下：全年GMV目标为1.45亿元；力争复购率目标达到30.0%，新客数目标为8.5万人；母婴品类GMV同比增速目标为35%；
营销ROI目标不低于5倍，获客成本目标下降10%；会员占比目标提升3个百分点；天猫GMV占比目标为28%。
2026年客单价目标为330元。
"""


def by_key(targets) -> dict[tuple[str, str, str], float]:
    return {(t.metric, t.measure, t.dimension): t.value for t in targets}


def test_parser_reads_tables_and_statements():
    plan = parse_plan(PLAN, "2026", dimensions={"天猫": "channel"})
    got = by_key(plan.targets)
    assert got == {
        ("gmv", "target_yoy", ""): 20.0,
        ("aov", "target", ""): 320.0,
        ("gmv", "target_share", "channel=京东"): 22.5,
        ("refund_rate", "target", ""): 6.5,
        ("gmv", "target", ""): 1.45e8,
        ("repurchase_rate", "target", ""): 30.0,
        ("new_buyers", "target", ""): 85_000,
        ("gmv", "target_yoy", "category=母婴"): 35.0,
        ("marketing_roi", "target", ""): 5.0,
        ("cac", "target_yoy", ""): -10.0,
        ("gmv", "target_share", "channel=天猫"): 28.0,
    }
    assert all(t.period == "2026" for t in plan.targets)
    assert {t.unit for t in plan.targets if t.measure != "target"} == {"%"}
    # 2025's targets in the review section, and the 2025 column of its table, are not 2026 targets.
    assert not [t for t in plan.targets if "2025" in t.source]
    reasons = dict(plan.not_understood)
    assert "about 2025" in reasons["2025年复购率目标为30%"]
    assert "percentage points" in reasons["会员占比目标提升3个百分点"]
    # Restated with another value: the first statement wins and the conflict is reported.
    assert [(a.value, b.value) for a, b in plan.conflicts] == [(320.0, 330.0)]


def test_tables_need_a_target_heading_or_header():
    text = "## 三、渠道策略\n| 渠道 | 占比 |\n| --- | --- |\n| 抖音渠道GMV占比 | 25% |\n"
    assert not parse_plan(text, "2026").targets
    assert parse_plan(text, "2026", heading="二、2026年目标定位").targets[0].dimension == "channel=抖音"


def test_unknown_qualifier_is_not_guessed():
    plan = parse_plan("天猫GMV占比目标为28%。", "2026")
    assert not plan.targets and plan.not_understood


def test_merge_keeps_existing_rows_and_encoding(tmp_path):
    existing = "期间,指标,度量,目标值,单位,维度\n2026,复购率,target,29,%,\n2026,gmv,target_yoy,20,%,\n"
    (tmp_path / "targets.csv").write_bytes(existing.encode("gbk"))
    proposed = [ProposedTarget("2026", "gmv", "target_yoy", 20.0, "%"),
                ProposedTarget("2026", "repurchase_rate", "target", 30.0, "%"),
                ProposedTarget("2026", "gmv", "target_share", 22.5, "%", "channel=京东")]
    dry = merge_targets(tmp_path, proposed, write=False)
    assert (tmp_path / "targets.csv").read_bytes() == existing.encode("gbk")
    assert [t.metric for t in dry.present] == ["gmv"] and dry.differing[0][1] == "29"
    merge_targets(tmp_path, proposed, write=True)
    again = merge_targets(tmp_path, proposed, write=True)
    text = (tmp_path / "targets.csv").read_bytes().decode("gbk")
    assert text == existing + "2026,gmv,target_share,22.5,%,channel=京东\n"
    assert not again.added and len(again.present) == 2


def test_merge_creates_a_targets_file(tmp_path):
    merge_targets(tmp_path, [ProposedTarget("2026", "aov", "target", 320.0, "元")], write=True)
    assert (tmp_path / "targets.csv").read_text(encoding="utf-8") == (
        "period,metric,measure,value,unit,dimension\n2026,aov,target,320,元,\n")
    (tmp_path / "targets.csv").unlink()
    (tmp_path / "targets.xlsx").write_bytes(b"")
    with pytest.raises(UserError, match="only a CSV targets file"):
        merge_targets(tmp_path, [], write=True)


@pytest.fixture
def own_workspace(workspace, tmp_path) -> Path:
    """A private copy of the `drafter init` folder: this test rewrites its targets.csv."""
    folder = tmp_path / "ws"
    shutil.copytree(workspace, folder)
    return folder


def test_targets_command_proposes_and_writes(own_workspace):
    app = typer.Typer()
    app.command("targets")(targets_command)
    app.command("other")(lambda: None)  # two commands keep `targets` a named subcommand
    targets = own_workspace / "data" / "targets.csv"
    original = targets.read_text(encoding="utf-8")
    # Forget two of the 2025 plan's targets and disagree on a third.
    kept = [line for line in original.splitlines() if not line.startswith(("2025,aov", "2025,refund_rate"))]
    targets.write_text("\n".join(kept).replace("2025,repurchase_rate,target,28.0", "2025,repurchase_rate,target,27")
                       + "\n", encoding="utf-8")
    runner = CliRunner()
    shown = runner.invoke(app, ["targets", "--period", "2025", "--dir", str(own_workspace)], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "2025年度运营计划" in shown.output and "file has 27" in shown.output
    assert "--write to add 2 rows" in shown.output
    assert targets.read_text(encoding="utf-8").count("\n") == len(kept)
    written = runner.invoke(app, ["targets", "--period", "2025", "--write", "--dir", str(own_workspace)])
    assert written.exit_code == 0, written.output
    lines = targets.read_text(encoding="utf-8").splitlines()
    assert lines[-2:] == ["2025,aov,target,305,元,", "2025,refund_rate,target,7,%,"]
    assert "2025,repurchase_rate,target,27,%," in lines  # a human's value is never overwritten
    assert runner.invoke(app, ["targets", "-p", "2025", "--write", "--dir", str(own_workspace)]).exit_code == 0
    assert targets.read_text(encoding="utf-8").splitlines() == lines
    facts = {f.id: f for f in compute_facts(own_workspace / "data", "2025", own_workspace / ".cache").facts}
    assert facts["aov.target.2025"].value == 305 and facts["aov.gap.2025"].status in ("met", "missed")


def test_targets_command_without_a_plan(own_workspace):
    from drafter.cli.targets import targets_from_plan
    from drafter.config import load_config

    with pytest.raises(UserError, match="no plan for 2030"):
        targets_from_plan(load_config(own_workspace), "2030")
