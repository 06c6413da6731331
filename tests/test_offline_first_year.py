"""A team's first year of data has no 同比: the offline writer leaves out what it cannot state, never crashes."""

from __future__ import annotations

import csv

from conftest import run_cli

from drafter.write.offline import UNSTATED, drop_unstated


def test_a_clause_needing_a_missing_fact_is_left_out_and_the_rest_kept():
    text = f"2025年，公司全年实现GMV88.79万元，同比{UNSTATED}，较2024年的{UNSTATED}有明显提升。订单量{UNSTATED}。"
    assert drop_unstated(text) == "2025年，公司全年实现GMV88.79万元。"


def test_a_sentence_left_with_only_a_year_goes_and_a_table_cell_becomes_a_dash():
    text = f"2025年，同比{UNSTATED}。\n| GMV | 88.79万元 | {UNSTATED} |"
    assert drop_unstated(text) == "\n| GMV | 88.79万元 | — |"


def _keep_only_2025(path) -> None:
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    kept = [rows[0]] + [r for r in rows[1:] if any(cell.startswith("2025") for cell in r)]
    assert 1 < len(kept) < len(rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(kept)


def test_a_first_year_of_orders_drafts_a_verified_summary(folder):
    for name in ("orders", "users", "traffic", "marketing"):
        _keep_only_2025(folder / "data" / f"{name}.csv")
    result = run_cli("write", "--period", "2025", "--no-exports", "--dir", str(folder))
    assert result.returncode == 0, result.stdout + result.stderr
    report = (folder / "drafts" / "2025-annual-summary" / "report.md").read_text(encoding="utf-8")
    assert UNSTATED not in report and "Traceback" not in result.stderr
    overview = report.split("## 一、")[1].split("## 二、")[0]
    assert "GMV" in overview and "同比" not in overview.split("|")[0]
    assert "unsupported: 0" in result.stdout and "mismatch: 0" in result.stdout
