"""Real data no one here wrote: the CDNOW log shipped in the `lifetimes` wheel, through the CLI, checked with pandas."""

from __future__ import annotations

import importlib.util
import io
import math
from pathlib import Path

import pandas as pd
import pytest
from conftest import run_cli


@pytest.fixture(scope="module")
def cdnow(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    """CDNOW_master.txt as an orders CSV (one synthetic order id per row), and the same rows for pandas."""
    spec = importlib.util.find_spec("lifetimes")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("the CDNOW log ships in the lifetimes wheel: pip install lifetimes (the test extra)", pytrace=False)
    source = Path(spec.submodule_search_locations[0]) / "datasets" / "CDNOW_master.txt"
    raw = pd.read_csv(source, sep=r"\s+", dtype={"customer_id": str, "date": str})
    assert len(raw) == 69_659 and raw["customer_id"].nunique() == 23_570
    orders = pd.DataFrame({
        "order_id": [f"CD{i:06d}" for i in range(1, len(raw) + 1)],
        "user_id": raw["customer_id"],
        "order_time": pd.to_datetime(raw["date"], format="%Y%m%d"),
        "amount": raw["dollar_value"].astype(float),
    })
    folder = tmp_path_factory.mktemp("cdnow") / "data"
    folder.mkdir()
    orders.to_csv(folder / "orders.csv", index=False, date_format="%Y-%m-%d")
    return folder, orders


def _expected(orders: pd.DataFrame, start: str, end: str) -> dict[str, float]:
    inside = orders[(orders["order_time"] >= start) & (orders["order_time"] < end)]
    per_buyer = inside.groupby("user_id").size()
    first = orders.groupby("user_id")["order_time"].min()
    return {
        "gmv": inside["amount"].sum(),
        "orders": len(inside),
        "buyers": inside["user_id"].nunique(),
        "aov": inside["amount"].sum() / len(inside),
        "repurchase_rate": (per_buyer >= 2).mean() * 100,
        "new_buyers": int((first[per_buyer.index] >= start).sum()),
    }


def _cli_facts(folder: Path, period: str) -> tuple[dict[str, float], str]:
    done = run_cli("metrics", "--period", period, "--data", str(folder), "--format", "csv", cwd=folder.parent)
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(io.StringIO(done.stdout), keep_default_na=False)
    assert list(table.columns[:7]) == ["metric", "label", "measure", "value", "unit", "period", "dimension"]
    rows = table[table["dimension"] == ""]
    return {f"{m}.{s}.{p}": float(v) for m, s, p, v in zip(rows["metric"], rows["measure"], rows["period"],
                                                              rows["value"], strict=True)}, done.stderr


def test_cdnow_1997_through_the_cli(cdnow):
    folder, orders = cdnow
    facts, stderr = _cli_facts(folder, "1997")
    expected = _expected(orders, "1997-01-01", "1998-01-01")
    for metric, value in expected.items():
        assert math.isclose(facts[f"{metric}.value.1997"], value, rel_tol=1e-9), metric
    # Nothing before 1997: the yoy facts are left out, with a note, and the command still succeeds.
    assert not [k for k in facts if ".yoy." in k]
    assert "no orders in 1996" in stderr
    assert expected["new_buyers"] == expected["buyers"] == 23_570


def test_cdnow_1998h1_with_yoy_against_1997h1(cdnow):
    folder, orders = cdnow
    facts, _ = _cli_facts(folder, "1998H1")
    now = _expected(orders, "1998-01-01", "1998-07-01")
    before = _expected(orders, "1997-01-01", "1997-07-01")
    for metric in ("gmv", "orders", "buyers", "aov", "repurchase_rate"):
        assert math.isclose(facts[f"{metric}.value.1998H1"], now[metric], rel_tol=1e-9), metric
        assert math.isclose(facts[f"{metric}.value.1997H1"], before[metric], rel_tol=1e-9), metric
        assert math.isclose(facts[f"{metric}.yoy.1998H1"], (now[metric] / before[metric] - 1) * 100, rel_tol=1e-9)
    assert math.isclose(facts["repurchase_rate.yoy_pp.1998H1"], now["repurchase_rate"] - before["repurchase_rate"])
    # Every CDNOW customer first bought in early 1997: 1998 has returning buyers only.
    assert now["new_buyers"] == facts["new_buyers.value.1998H1"] == 0
    assert facts["returning_buyers.value.1998H1"] == now["buyers"]
