"""The CLI end to end on a small generated dataset, as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import shutil

from conftest import run_cli


def test_help_lists_every_command():
    result = run_cli("--help", own_process=True)
    assert result.returncode == 0
    for command in ("init", "demo", "write", "metrics", "verify", "corpus"):
        assert command in result.stdout


def test_version_prints_the_package_version():
    from drafter import __version__

    result = run_cli("--version", own_process=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"drafter {__version__}"
    assert "Traceback" not in result.stderr


def test_write_produces_a_verified_draft_folder(workspace):
    result = run_cli("write", "--period", "2025", "--dir", str(workspace), own_process=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "offline writer" in result.stdout
    assert "sections: 7" in result.stdout and "verified:" in result.stdout and "time:" in result.stdout
    folder = workspace / "drafts" / "2025-annual-summary"
    for name in ("report.md", "facts.json", "sources.json", "verification.json", "run.json"):
        assert (folder / name).exists(), name
    verification = json.loads((folder / "verification.json").read_text(encoding="utf-8"))
    counts = verification["counts"]
    assert counts["mismatch"] == 0 and counts["unsupported"] == 0 and counts["claim_error"] == 0
    assert counts["verified"] >= 60
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert run["writer"] == "offline" and run["period"] == "2025" and len(run["sections"]) == 7
    assert any(name.startswith("offline/") for name in run["prompts"])
    sources = json.loads((folder / "sources.json").read_text(encoding="utf-8"))
    assert sum(len(v) for v in sources.values()) >= 5
    report = (folder / "report.md").read_text(encoding="utf-8")
    assert report.count("<!-- drafter:section id=") == 7
    assert "《云禾优品2025年度运营计划》" in report


def test_rerun_refuses_to_overwrite_hand_edits(workspace, tmp_path):
    out = tmp_path / "draft"
    assert run_cli("write", "--period", "2025", "--out", str(out), "--dir", str(workspace)).returncode == 0
    report = out / "report.md"
    text = report.read_text(encoding="utf-8")
    edited = text.replace("分渠道看，", "分渠道看（人工补充），", 1)
    assert edited != text
    report.write_text(edited, encoding="utf-8")
    again = run_cli("write", "--period", "2025", "--out", str(out), "--dir", str(workspace))
    assert again.returncode == 2 and "channels" in again.stderr and "--force" in again.stderr
    assert "Traceback" not in again.stdout + again.stderr
    assert report.read_text(encoding="utf-8") == edited
    forced = run_cli("write", "--period", "2025", "--out", str(out), "--force", "--dir", str(workspace))
    assert forced.returncode == 0
    assert "人工补充" not in report.read_text(encoding="utf-8")


def test_verify_flags_a_changed_figure(workspace, tmp_path):
    out = tmp_path / "draft"
    assert run_cli("write", "--period", "2025", "--out", str(out), "--dir", str(workspace)).returncode == 0
    clean = run_cli("verify", str(out), "--dir", str(workspace))
    assert clean.returncode == 0, clean.stdout
    facts = {f["id"]: f for f in json.loads((out / "facts.json").read_text(encoding="utf-8"))}
    report = out / "report.md"
    text = report.read_text(encoding="utf-8")
    written = next(line for line in text.split("\n") if line.startswith("| 复购率"))
    wrong = written.replace(written.split("|")[2].strip(), "31.9%", 1)
    report.write_text(text.replace(written, wrong), encoding="utf-8")
    flagged = run_cli("verify", str(out), "--json", "--dir", str(workspace))
    assert flagged.returncode == 1
    payload = json.loads(flagged.stdout)
    bad = [f for f in payload["findings"] if f["verdict"] == "mismatch"]
    assert len(bad) == 1 and bad[0]["text"].startswith("31.9")
    assert f"{facts['repurchase_rate.2025']['value']:.1f}" in bad[0]["expected"]
    assert json.loads((out / "verification.json").read_text(encoding="utf-8"))["counts"]["mismatch"] == 1


def test_metrics_csv_is_the_facts_table(workspace):
    result = run_cli("metrics", "--period", "2025", "--format", "csv", "--dir", str(workspace))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0])[:7] == ["metric", "label", "measure", "value", "unit", "period", "dimension"]
    gmv = next(r for r in rows if r["metric"] == "gmv" and r["measure"] == "value" and r["period"] == "2025"
               and not r["dimension"])
    assert float(gmv["value"]) > 0 and gmv["unit"] == "元"


def test_metrics_csv_names_skipped_metrics_on_stderr(tiny_data):
    result = run_cli("metrics", "--period", "2025", "--data", str(tiny_data), "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert "skipped visitors: no traffic table" in result.stderr
    assert "skipped new_users: no users table" in result.stderr
    assert "skipped" not in result.stdout and result.stdout.startswith("metric,label,measure,value")


def table_rows(printed: str, title: str) -> list[list[str]]:
    """The cells of each row of the rich table with this title in a command's output."""
    section = printed[printed.index(title):].split("└")[0]
    return [[cell.strip() for cell in line.split("│")[1:-1]] for line in section.splitlines() if line.startswith("│")]


def test_metrics_shows_each_target_against_the_actual(tiny_data):
    # 2025 in tiny_data: GMV +76.5% on 2024, refund rate 3.3% (lower is better), 抖音 60% of GMV.
    (tiny_data / "targets.csv").write_text(
        "period,metric,measure,value,unit,dimension\n2025,gmv,target_yoy,80,%,\n2025,refund_rate,target,5,%,\n"
        "2025,gmv,target_share,50,%,channel=抖音\n", encoding="utf-8")
    shown = run_cli("metrics", "--period", "2025", "--data", str(tiny_data), env={"COLUMNS": "120"})
    assert shown.returncode == 0, shown.stderr
    rows = {cells[0]: " ".join(cells) for cells in table_rows(shown.stdout, "目标达成 · 2025")}
    assert "80.0%" in rows["GMV同比增速"] and "76.5%" in rows["GMV同比增速"] and "未达成" in rows["GMV同比增速"]
    assert "-3.5个百分点" in rows["GMV同比增速"]
    assert "达成" in rows["退款率"] and "未达成" not in rows["退款率"]
    assert "抖音" in rows["GMV占比"] and "未达成" not in rows["GMV占比"]
    exported = run_cli("metrics", "--period", "2025", "--data", str(tiny_data), "--format", "csv")
    table = list(csv.DictReader(io.StringIO(exported.stdout)))
    status = {(r["measure"], r["dimension"]): r["status"] for r in table if r["period"] == "2025"}
    assert status[("gap_yoy", "")] == "missed" and status[("gap", "")] == "met"
    assert status[("gap_share", "channel=抖音")] == "met" and status[("value", "")] == ""


def test_metrics_table_lists_months_in_order_and_marks_the_peak(tiny_data):
    shown = run_cli("metrics", "--period", "2025", "--data", str(tiny_data), env={"COLUMNS": "120"})
    assert shown.returncode == 0, shown.stderr
    rows = table_rows(shown.stdout, "月度GMV · 2025")
    assert [r[0] for r in rows] == ["1月", "3月", "6月", "7月", "11月"]
    assert [r[0] for r in rows if "峰值" in r[-1]] == ["11月"]


def test_metrics_definitions_list_the_registry():
    from drafter.metrics.registry import METRICS

    listed = run_cli("metrics", "--definitions", "--format", "csv")
    assert listed.returncode == 0, listed.stderr
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(listed.stdout))}
    assert set(METRICS) <= set(rows)
    assert all(r["label"] and r["definition"] and r["formula"] for r in rows.values())
    assert rows["aov"]["label"] == "客单价（按订单）" and rows["aov_buyer"]["label"] == "人均消费金额（按买家）"
    assert "2笔及以上" in rows["repurchase_rate"]["definition"]
    missing = run_cli("metrics")
    assert missing.returncode == 2 and "--period is required" in missing.stderr


def test_user_errors_are_clear_and_without_traceback(workspace, tmp_path):
    bad = tmp_path / "ws"
    shutil.copytree(workspace / "data", bad / "data")
    orders = bad / "data" / "orders.csv"
    lines = orders.read_text(encoding="utf-8").split("\n")
    lines[5] = lines[5].replace("2023-", "2023/13/")
    orders.write_text("\n".join(lines), encoding="utf-8")
    result = run_cli("metrics", "--period", "2025", "--dir", str(bad))
    assert result.returncode == 2
    assert "orders.csv" in result.stderr and "下单时间" in result.stderr and "row 6" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    missing = run_cli("write", "--period", "2030", "--dir", str(workspace))
    assert missing.returncode == 2 and "2030" in missing.stderr


def test_no_exports_skips_and_removes_the_exports_and_later_commands_follow(workspace, tmp_path):
    out = tmp_path / "draft"
    assert run_cli("write", "--period", "2025", "--out", str(out), "--dir", str(workspace)).returncode == 0
    assert (out / "report.docx").exists() and (out / "review.html").exists() and list((out / "charts").glob("*.png"))
    quick = run_cli("write", "--period", "2025", "--out", str(out), "--no-exports", "--dir", str(workspace))
    assert quick.returncode == 0, quick.stderr
    assert not (out / "report.docx").exists() and not (out / "review.html").exists()
    assert not list((out / "charts").glob("*.png"))
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["exports"] is False
    assert run_cli("verify", str(out), "--dir", str(workspace)).returncode == 0
    assert not (out / "report.docx").exists() and (out / "verification.json").exists()
