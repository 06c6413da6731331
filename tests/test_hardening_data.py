"""Bad data files: each gets metrics that are right or a clear error naming file, column and rows (exit 2)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from conftest import run_cli

from drafter.errors import UserError
from drafter.metrics import compute_facts

HEADER = "订单号,用户ID,下单时间,渠道,实付金额"
ROWS = [["A1", "u1", "2025-01-01", "天猫", 10], ["A2", "u2", "2025-02-01", "天猫", 20],
        ["A3", "u3", "2025-03-01", "抖音", 30]]


def _csv(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    (folder / "orders.csv").write_text(text, encoding="utf-8")
    return folder


def _facts(folder: Path, tmp_path: Path, period: str = "2025"):
    return compute_facts(folder, period, tmp_path / "cache")


def _values(folder: Path, tmp_path: Path) -> dict[str, float]:
    return {f.id: f.value for f in _facts(folder, tmp_path).facts}


def _error(folder: Path, tmp_path: Path) -> str:
    with pytest.raises(UserError) as err:
        _facts(folder, tmp_path)
    return str(err.value)


def _sheet(tmp_path: Path, rows: list[list], merges: tuple[str, ...] = ()) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    book.save(folder / "orders.xlsx")
    return folder


def test_extra_columns_are_ignored(tmp_path):
    text = ("订单号,备注,用户ID,下单时间,客服,实付金额,Unnamed: 9\n"
            "A1,加急,u1,2025-01-01,小王,10,\nA2,,u2,2025-02-01,,20,x\n")
    f = _values(_csv(tmp_path, text), tmp_path)
    assert f["gmv.2025"] == 30 and f["orders.2025"] == 2


def test_text_in_a_numeric_column_names_the_rows_through_the_cli(tmp_path):
    folder = _csv(tmp_path, f"{HEADER}\nA1,u1,2025-01-01,天猫,10\nA2,u1,2025-01-02,天猫,十元\n"
                            "A3,u2,2025-01-03,京东,abc\n")
    result = run_cli("metrics", "--period", "2025", "--data", str(folder))
    assert result.returncode == 2
    assert "orders.csv" in result.stderr and "'实付金额'" in result.stderr and "2 values that are not numbers" in \
        result.stderr
    assert "row 3: '十元'" in result.stderr and "row 4: 'abc'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout and result.stdout == ""


def test_mixed_date_formats_in_one_column_are_all_parsed(tmp_path):
    text = (f"{HEADER}\nA1,u1,2025-01-02,天猫,10\nA2,u1,2025/01/03,天猫,20\n"
            "A3,u2,2025年1月4日,京东,30\nA4,u3,20250105,京东,40\n")
    f = _values(_csv(tmp_path, text), tmp_path)
    assert f["gmv.2025"] == 100 and f["orders.2025"] == 4 and f["gmv.2025[month=1月]"] == 100


def test_unparseable_dates_among_mixed_formats_are_named(tmp_path):
    text = (f"{HEADER}\nA1,u1,2025-01-02,天猫,10\nA2,u1,01/03/2025,天猫,20\n"
            "A3,u2,Jan 4 2025,京东,30\nA4,u3,20250105,京东,4\n")
    message = _error(_csv(tmp_path, text), tmp_path)
    assert "'下单时间' has 2 values that are not dates" in message
    assert "row 3: '01/03/2025'" in message and "row 4: 'Jan 4 2025'" in message and "2025-06-18" in message


def test_an_empty_file_through_the_cli(tmp_path):
    folder = _csv(tmp_path, "")
    result = run_cli("metrics", "--period", "2025", "--data", str(folder))
    assert result.returncode == 2 and "orders.csv: the file is empty" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_header_only_file(tmp_path):
    message = _error(_csv(tmp_path, HEADER + "\n"), tmp_path)
    assert message.startswith("orders.csv: has a header row but no orders")


@pytest.mark.parametrize("bad", ["NaN", "nan", ""], ids=["NaN", "nan-lower", "empty"])
def test_nan_and_empty_amounts_are_named(tmp_path, bad):
    message = _error(_csv(tmp_path, f"{HEADER}\nA1,u1,2025-01-01,天猫,10\nA2,u2,2025-01-02,天猫,{bad}\n"), tmp_path)
    assert "orders.csv: column '实付金额' has 1 empty or non-numeric values (row 3: " in message
    assert "Fix or remove those rows" in message
    if not bad:
        assert "row 3: (empty)" in message


def test_a_one_row_dataset_leaves_out_yoy_with_a_note(tmp_path):
    result = _facts(_csv(tmp_path, f"{HEADER}\nA1,u1,2025-03-01,天猫,88.5\n"), tmp_path)
    f = {x.id: x.value for x in result.facts}
    assert f["gmv.2025"] == 88.5 and f["orders.2025"] == 1 and f["buyers.2025"] == 1
    assert f["repurchase_rate.2025"] == 0 and f["gmv.share.2025[channel=天猫]"] == 100
    assert not [x for x in result.facts if x.measure in ("yoy", "yoy_pp")]
    assert any("2024" in note and "year-on-year" in note for note in result.notes)


def test_huge_amounts_and_long_ids(tmp_path):
    long_id = "订单" + "X" * 200
    text = f"{HEADER}\nA1,u1,2025-01-01,天猫,1000000000000\n{long_id},{'u' * 120},2025-01-02,抖音,1e12\n"
    folder = _csv(tmp_path, text)
    f = _values(folder, tmp_path)
    assert f["gmv.2025"] == 2e12 and f["aov.2025"] == 1e12 and f["buyers.2025"] == 2
    shown = run_cli("metrics", "--period", "2025", "--data", str(folder))
    assert shown.returncode == 0 and "20,000亿元" in shown.stdout


def test_excel_title_row_above_the_header_is_detected(tmp_path):
    folder = _sheet(tmp_path, [["2025年订单明细（导出时间2026-01-05）"], *[list(r) for r in [HEADER.split(",")]],
                               *ROWS], merges=("A1:E1",))
    f = _values(folder, tmp_path)
    assert f["gmv.2025"] == 60 and f["orders.2025"] == 3


def test_excel_two_header_rows_use_the_one_naming_the_columns_and_keep_sheet_row_numbers(tmp_path):
    rows = [["订单信息", None, None, "商品信息", "金额"], HEADER.split(","), *ROWS]
    rows[3] = ["A2", "u2", "2025-02-01", "天猫", "二十"]
    message = _error(_sheet(tmp_path, rows, merges=("A1:C1",)), tmp_path)
    # Sheet row 4: two header rows, then A1 on row 3.
    assert "orders.xlsx: column '实付金额' has 1 values that are not numbers (row 4: '二十')" in message


def test_excel_without_a_recognisable_header_says_where_it_looked(tmp_path):
    folder = _sheet(tmp_path, [["说明"], ["编号", "客户", "时间", "钱"], ["A1", "u1", "2025-01-01", 3]])
    result = run_cli("metrics", "--period", "2025", "--data", str(folder))
    assert result.returncode == 2
    assert "required column missing: order_id" in result.stderr and "Columns found: 说明, column B" in result.stderr
    assert "[columns.orders]" in result.stderr and "first 10 rows of the first sheet" in result.stderr


def test_excel_merged_text_cells_are_filled_down(tmp_path):
    rows = [HEADER.split(","), *ROWS]
    rows[2] = ["A2", "u2", "2025-02-01", None, 20]
    f = _values(_sheet(tmp_path, rows, merges=("D2:D3",)), tmp_path)
    assert f["gmv.2025[channel=天猫]"] == 30 and f["gmv.2025[channel=抖音]"] == 30
    assert f["orders.2025[channel=天猫]"] == 2


def test_excel_merged_amount_cells_are_refused(tmp_path):
    rows = [HEADER.split(","), *ROWS]
    rows[2] = ["A2", "u2", "2025-02-01", "天猫", None]
    message = _error(_sheet(tmp_path, rows, merges=("E2:E3",)), tmp_path)
    assert message.startswith("orders.xlsx: cells E2:E3 of column '实付金额' are merged")
    assert "Unmerge them" in message
