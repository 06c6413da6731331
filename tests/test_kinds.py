"""The quarterly review and the annual plan: each drafts on the demo workspace with every figure verified,
and the plan's proposed targets follow their documented rules."""

from __future__ import annotations

import json
import re

import pytest
from conftest import run_cli

from drafter.metrics.proposals import propose_targets
from drafter.models import Fact, fact_id
from drafter.outline import load_outline

BAD = ("mismatch", "unsupported", "claim_error")


def _draft(workspace, tmp_path, period: str, kind: str) -> tuple[str, dict, dict]:
    out = tmp_path / f"{period}-{kind}"
    result = run_cli("write", "--period", period, "--kind", kind, "--out", str(out), cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    report = (out / "report.md").read_text(encoding="utf-8")
    verification = json.loads((out / "verification.json").read_text(encoding="utf-8"))
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    return report, verification, run


def _sections(report: str) -> dict[str, str]:
    parts = re.split(r"^<!-- drafter:section id=([\w.-]+) hash=[0-9a-f]+ -->$", report, flags=re.M)
    return {parts[k]: re.split(r"^## ", parts[k + 1], flags=re.M)[0].strip() for k in range(1, len(parts), 2)}


def _assert_clean(verification: dict) -> None:
    bad = [f for f in verification["findings"] if f["verdict"] in BAD]
    assert not bad, "\n".join(f"{f['line']}:{f['col']} {f['verdict']} {f['text']} {f['message']}" for f in bad)
    for verdict in BAD:
        assert verification["counts"][verdict] == 0


@pytest.mark.parametrize("period", ["2025Q3", "2025Q2"])
def test_quarterly_review_drafts_verified(workspace, tmp_path, period):
    report, verification, run = _draft(workspace, tmp_path, period, "quarterly-review")
    sections = _sections(report)
    assert list(sections) == [s.id for s in load_outline("quarterly-review").sections]
    assert all(sections.values()), [k for k, v in sections.items() if not v]
    quarter = "2025年第三季度" if period == "2025Q3" else "2025年第二季度"
    assert quarter in report
    assert "环比" in sections["overview"] and "同比" in sections["overview"]
    assert verification["counts"]["verified"] > 100
    _assert_clean(verification)
    assert run["period"] == period
    # the year's targets (data/targets.csv) are facts of a quarter's report, stated as its pace and verified
    assert "的年度目标" in sections["overview"] and "年度计划的GMV同比增速目标为25.0%" in sections["overview"]
    checked = {f["fact_id"] for f in verification["findings"] if f["verdict"] == "verified"}
    assert {"gmv.target_yoy.2025", "refund_rate.target.2025"} <= checked


def test_a_quarterly_review_needs_a_quarter(workspace):
    refused = run_cli("write", "--period", "2025-07", "--kind", "quarterly-review", cwd=workspace)
    assert refused.returncode == 2 and "written for a quarter (2025Q3), not 2025-07" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_annual_plan_drafts_verified_with_targets(workspace, tmp_path):
    report, verification, run = _draft(workspace, tmp_path, "2026", "annual-plan")
    sections = _sections(report)
    assert list(sections) == [s.id for s in load_outline("annual-plan").sections]
    assert all(sections.values()), [k for k, v in sections.items() if not v]
    assert report.startswith("# ") and "2026年运营计划" in report.splitlines()[0]
    assert run["period"] == "2026" and run["basis_period"] == "2025"
    _assert_clean(verification)
    # proposals are stated as 2026 targets, and the verifier checked them against the proposed target facts
    facts = {f["id"]: f for f in json.loads((tmp_path / "2026-annual-plan" / "facts.json").read_text("utf-8"))}
    proposed = {i for i, f in facts.items() if f["period"] == "2026" and f["kind"] == "target"}
    assert {"gmv.target_yoy.2026", "repurchase_rate.target.2026", "refund_rate.target.2026"} <= proposed
    checked = {f["fact_id"] for f in verification["findings"] if f["verdict"] == "verified"}
    assert {"gmv.target_yoy.2026", "repurchase_rate.target.2026", "refund_rate.target.2026"} <= checked
    assert "2026年GMV增长目标为" in sections["targets"] and "2026年复购率目标为" in sections["targets"]
    assert all(facts[i]["formula"].startswith("建议目标：") for i in proposed)


# propose_targets: hand-made facts in, exact targets out -------------------------------------------------------

def _f(metric: str, measure: str, value: float, unit: str, period: str = "2025", dim: str = "",
       kind: str = "computed") -> Fact:
    return Fact(id=fact_id(metric, measure, period, dim), metric=metric, label=metric, measure=measure, value=value,
                unit=unit, period=period, dimension=dim, kind=kind)


BASE = [
    _f("gmv", "value", 28_693_517.0, "元"), _f("gmv", "yoy", 23.21, "%"), _f("gmv", "yoy", 16.1, "%", "2024"),
    _f("repurchase_rate", "value", 25.51, "%"),
    _f("aov", "value", 310.15, "元"), _f("aov", "yoy", -9.0, "%"),
    _f("refund_rate", "value", 7.62, "%"),
    _f("member_share", "value", 29.04, "%"),
    _f("marketing_roi", "value", 4.379, "倍"),
    _f("gmv", "share", 27.0, "%", dim="channel=抖音"), _f("gmv", "yoy", 92.0, "%", dim="channel=抖音"),
    _f("gmv", "share_pp", 9.7, "pp", dim="channel=抖音"),
    _f("gmv", "share", 28.9, "%", dim="channel=天猫"), _f("gmv", "yoy", 3.2, "%", dim="channel=天猫"),
    _f("gmv", "share", 3.0, "%", dim="channel=新渠道"), _f("gmv", "yoy", 300.0, "%", dim="channel=新渠道"),
]


def _values(facts: list[Fact]) -> dict[str, float]:
    return {f.id: round(f.value, 6) for f in facts}


def test_propose_targets_exact_values():
    got = propose_targets(BASE, "2025", "2026")
    assert _values(got) == {
        "gmv.target_yoy.2026": 20.0,  # mean(23.21, 16.1) = 19.655 → 20
        "gmv.target.2026": round(28_693_517.0 * 1.2, 6),
        "repurchase_rate.target.2026": 27.0,  # 25.51 + 1 = 26.51 → up to 27.0
        "aov.target.2026": 310.0,  # falling: 310.15 down to 310
        "refund_rate.target.2026": 7.0,  # 7.62 - 0.5 = 7.12 → down to 7.0
        "member_share.target.2026": 31.0,  # 29.04 + 2 = 31.04 → 31.0
        "marketing_roi.target.2026": 4.4,  # 4.379 → 4.4
        "gmv.target_share.2026[channel=抖音]": 30.0,  # 27.0 + min(3, 9.7 / 2) = 30.0; 新渠道 is under 5% share
    }
    for fact in got:
        assert fact.kind == "target" and fact.period == "2026" and fact.formula.startswith("建议目标：")
        assert fact.measure in ("target", "target_yoy", "target_share")
    assert next(f for f in got if f.measure == "target_yoy").unit == "%"


def test_propose_targets_floor_rising_aov_and_last_years_channel():
    facts = [
        _f("gmv", "value", 1000.0, "元"), _f("gmv", "yoy", 1.2, "%"),  # no earlier year: own growth, floored at 5%
        _f("aov", "value", 200.0, "元"), _f("aov", "yoy", 4.0, "%"),  # rising: 200 × 1.03 = 206 → 205
        _f("refund_rate", "value", 0.8, "%"),  # 0.3 → at least 0.5
        _f("gmv", "share", 40.0, "%", dim="channel=天猫"), _f("gmv", "yoy", 2.0, "%", dim="channel=天猫"),
        _f("gmv", "share_pp", -1.0, "pp", dim="channel=天猫"),
        _f("gmv", "share", 20.0, "%", dim="channel=京东"), _f("gmv", "yoy", 1.0, "%", dim="channel=京东"),
        _f("gmv", "target_share", 22.0, "%", dim="channel=京东", kind="target"),  # last year's plan had one
    ]
    got = _values(propose_targets(facts, "2025", "2026"))
    assert got["gmv.target_yoy.2026"] == 5.0
    assert got["aov.target.2026"] == 205.0
    assert got["refund_rate.target.2026"] == 0.5
    assert got["gmv.target_share.2026[channel=天猫]"] == 41.0  # fastest: 40 + 1 (at least 1 pp)
    assert got["gmv.target_share.2026[channel=京东]"] == 21.0  # kept from last year's plan: 20 + 1
    assert "repurchase_rate.target.2026" not in got  # no actual, no proposal


def test_propose_targets_keeps_targets_the_team_set():
    team = _f("repurchase_rate", "target", 30.0, "%", period="2026", kind="target")
    got = _values(propose_targets([*BASE, team], "2025", "2026"))
    assert "repurchase_rate.target.2026" not in got  # the team's 30.0% stands; nothing proposed over it
    assert got["gmv.target_yoy.2026"] == 20.0
    assert propose_targets([], "2025", "2026") == []
