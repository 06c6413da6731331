"""Excel and Parquet inputs give the same facts as CSV, and bad rows in them get the same clear errors."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from drafter.errors import UserError
from drafter.metrics import compute_facts


def _facts(data: Path, period: str, tmp_path: Path) -> dict[str, float]:
    return {f.id: f.value for f in compute_facts(data, period, tmp_path / "cache").facts}


def _as_frame(tiny_data: Path) -> pd.DataFrame:
    frame = pd.read_csv(tiny_data / "orders.csv", dtype=str)
    frame["下单时间"] = pd.to_datetime(frame["下单时间"])
    frame["实付金额"] = frame["实付金额"].astype(float)
    return frame


def test_xlsx_orders_with_real_excel_dates(tiny_data, tmp_path):
    from_csv = _facts(tiny_data, "2025", tmp_path)
    folder = tmp_path / "xlsx"
    folder.mkdir()
    # Excel stores these as date cells and numbers, not as text.
    _as_frame(tiny_data).to_excel(folder / "orders.xlsx", index=False)
    from_xlsx = _facts(folder, "2025", tmp_path)
    assert from_xlsx["gmv.2025"] == 3000 and from_xlsx["repurchase_rate.2025"] == 25
    assert from_xlsx.keys() == from_csv.keys()
    assert all(math.isclose(from_xlsx[k], v) for k, v in from_csv.items())


def test_xlsx_bad_amount_names_the_sheet_row(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    pd.DataFrame({"订单号": ["A1", "A2", "A3"], "用户ID": ["u1", "u2", "u3"],
                  "下单时间": ["2025-01-01", "2025-01-02", "2025-01-03"], "实付金额": [10, 20, "二十"]},
                 ).to_excel(folder / "订单.xlsx", index=False)
    with pytest.raises(UserError) as err:
        compute_facts(folder, "2025", tmp_path / "cache")
    # Row 4 of the sheet: the header is row 1.
    assert "订单.xlsx" in str(err.value) and "实付金额" in str(err.value) and "row 4: '二十'" in str(err.value)


def test_parquet_typed_columns(tiny_data, tmp_path):
    from_csv = _facts(tiny_data, "2025", tmp_path)
    folder = tmp_path / "parquet"
    folder.mkdir()
    _as_frame(tiny_data).to_parquet(folder / "orders.parquet", index=False)
    from_parquet = _facts(folder, "2025", tmp_path)
    assert from_parquet.keys() == from_csv.keys()
    assert all(math.isclose(from_parquet[k], v) for k, v in from_csv.items())


@pytest.mark.parametrize(
    ("change", "needles"),
    [
        (lambda f: f.assign(实付金额=f["实付金额"].where(f.index != 2, -1.0)), ["negative", "row 3"]),
        (lambda f: f.assign(订单号=f["订单号"].where(f.index != 4, "A1")), ["duplicated", "row 1:", "row 5:"]),
        (lambda f: f.assign(下单时间=f["下单时间"].where(f.index != 1, pd.NaT)), ["下单时间", "empty", "row 2"]),
    ],
    ids=["negative", "duplicate", "empty-time"],
)
def test_parquet_validation(tiny_data, tmp_path, change, needles):
    folder = tmp_path / "bad"
    folder.mkdir()
    change(_as_frame(tiny_data)).to_parquet(folder / "orders.parquet", index=False)
    with pytest.raises(UserError) as err:
        compute_facts(folder, "2025", tmp_path / "cache")
    assert "orders.parquet" in str(err.value)
    for needle in needles:
        assert needle in str(err.value)
