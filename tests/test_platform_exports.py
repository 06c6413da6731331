"""Platform order exports as downloaded (淘宝/天猫, 京东, 抖店, 拼多多, 微信小店) give the generator's ground truth."""

from __future__ import annotations

import json
import random
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import run_cli
from platform_exports import (
    Truth,
    write_all,
    write_douyin,
    write_jd,
    write_pinduoduo,
    write_qianniu,
    write_taobao,
)

from drafter.metrics import compute_facts


def _values(result, period: str = "2025") -> dict[tuple[str, str], float]:
    return {(f.metric, f.dimension): f.value for f in result.facts if f.period == period and f.measure == "value"}


def _check_sales(values: dict, truth: Truth) -> None:
    """GMV, orders and refund rate, in total and per platform, to the cent."""
    total = sum(truth.gmv.values(), Decimal(0))
    assert Decimal(str(values[("gmv", "")])) == total
    assert values[("orders", "")] == sum(truth.orders.values())
    refund = sum(truth.refund.values(), Decimal(0))
    assert values[("refund_rate", "")] == pytest.approx(float(refund / total * 100), abs=1e-9)
    assert values[("refund_order_rate", "")] == pytest.approx(
        sum(truth.refunded_orders.values()) / sum(truth.orders.values()) * 100, abs=1e-9)
    for channel, gmv in truth.gmv.items():
        assert Decimal(str(values[("gmv", f"channel={channel}")])) == gmv, channel
        assert values[("orders", f"channel={channel}")] == truth.orders[channel], channel
        assert values[("refund_rate", f"channel={channel}")] == pytest.approx(
            float(truth.refund[channel] / gmv * 100), abs=1e-9), channel


@pytest.fixture(scope="module")
def five(tmp_path_factory) -> tuple[Path, Truth]:
    folder = tmp_path_factory.mktemp("exports") / "data"
    return folder, write_all(folder)


def test_five_platforms_as_downloaded_give_the_ground_truth(five, tmp_path):
    folder, truth = five
    result = compute_facts(folder, "2025", tmp_path / "cache")
    values = _values(result)
    _check_sales(values, truth)
    assert set(truth.gmv) == {"淘宝", "京东", "抖音", "拼多多", "微信小店"}
    # Buyers come from 淘宝 and 京东 accounts only, and say so: no shop-wide buyer count.
    scope = "scope=京东、淘宝"
    assert values[("buyers", scope)] == len(truth.buyers)
    assert not [k for k in values if k[0] in ("buyers", "repurchase_rate", "new_buyers", "aov_buyer") and k[1] == ""]
    assert ("buyers", "channel=抖音") not in values and ("buyers", "channel=拼多多") not in values
    accounted = truth.gmv["淘宝"] + truth.gmv["京东"]
    assert values[("aov_buyer", scope)] == pytest.approx(float(accounted) / len(truth.buyers))
    assert any("京东、淘宝 only" in n and "抖音" in n for n in result.notes)
    assert "5 order export(s) read" in result.data_summary and "buyer metrics cover 京东、淘宝 only" in \
        result.data_summary


def test_each_export_quirk_is_cleaned(tmp_path):
    """GBK with ="…" ids, tab-led ids, trailing-space headers, lone tabs and '-' for times, JD split parents."""
    import duckdb  # noqa: F401  (the engine the reader feeds)

    from drafter.metrics.folder import scan

    rng, truth = random.Random(3), Truth()
    taobao = write_taobao(tmp_path, rng, truth, count=30)
    jd = write_jd(tmp_path, rng, truth, count=30)
    douyin = write_douyin(tmp_path, rng, truth, count=30, bom=False)
    assert taobao.read_bytes().decode("gbk").count('="') >= 30 and b"\t" in douyin.read_bytes()
    folder = scan(tmp_path)
    ids = folder.exports["order_id"]
    assert not ids.str.contains(r'[="\t\s]').any()
    assert ids.str.fullmatch(r"\d+").all()
    reports = {r.file: r for r in folder.reports}
    assert reports[jd.name].excluded["rows of split parent orders (their child orders are counted instead)"] > 0
    assert reports[douyin.name].rows > reports[douyin.name].orders  # sub-order rows, one main order each
    assert reports[taobao.name].columns["order_time"] == "订单付款时间"
    assert sum(r.paid for r in folder.reports) == sum(truth.orders.values())


def test_several_files_per_platform_with_canonical_orders_and_overlaps(tmp_path):
    """Two 淘宝 shops (one a 天猫 旗舰店), a second 京东 month, orders.csv and 订单.csv; an export downloaded twice."""
    rng, truth = random.Random(11), Truth()
    data = tmp_path / "data"
    data.mkdir()
    write_taobao(data, rng, truth, count=40, name="ExportOrderList202601011200.csv")
    write_taobao(data, rng, truth, count=40, name="ExportOrderList202601021200.csv", shop="云杉家居旗舰店")
    write_jd(data, rng, truth, count=30)
    jd2 = write_jd(data, rng, truth, count=30)
    shutil.copy(jd2, data / "11223344.csv")  # the same month exported again
    (data / "orders.csv").write_text("订单号,用户ID,下单时间,实付金额,渠道\nA1,u1,2025-03-01 10:00:00,100.50,自营APP\n"
                                     "A2,buyer_001,2025-04-01 10:00:00,20.25,自营APP\n", encoding="utf-8")
    (data / "订单.csv").write_bytes("订单号,用户ID,下单时间,实付金额,渠道\nB1,u2,2025-05-01 09:00:00,9.90,小程序\n"
                                  .encode("gbk"))
    truth.gmv["自营APP"] += Decimal("120.75")
    truth.orders["自营APP"] += 2
    truth.gmv["小程序"] += Decimal("9.90")
    truth.orders["小程序"] += 1
    truth.buyers |= {"u1", "u2"}
    result = compute_facts(data, "2025", tmp_path / "cache")
    values = _values(result)
    _check_sales(values, truth)
    assert truth.gmv["天猫"] and truth.gmv["淘宝"]
    # Every platform here has accounts: buyers are shop-wide (buyer_001 bought on 自营APP and the platforms).
    assert values[("buyers", "")] == len(truth.buyers)
    assert "orders.csv + 订单.csv" in result.data_summary


def test_the_same_order_in_orders_csv_and_an_export_stops_with_both_named(tmp_path):
    rng, truth = random.Random(5), Truth()
    path = write_jd(tmp_path, rng, truth, count=10)
    from drafter.metrics.folder import scan

    first = scan(tmp_path).exports["order_id"][0]
    (tmp_path / "orders.csv").write_text(f"订单号,用户ID,下单时间,实付金额\n{first},u1,2025-03-01,1\n",
                                         encoding="utf-8")
    result = run_cli("metrics", "--period", "2025", "--data", str(tmp_path), "--dir", str(tmp_path))
    assert result.returncode == 2
    assert first in result.stderr and "orders.csv" in result.stderr and path.name in result.stderr


def test_newer_qianniu_xlsx_has_no_buyer_account(tmp_path):
    rng, truth = random.Random(8), Truth()
    write_qianniu(tmp_path, rng, truth, count=40)
    write_jd(tmp_path, rng, truth, count=20)
    result = compute_facts(tmp_path, "2025", tmp_path / "cache")
    values = _values(result)
    _check_sales(values, truth)
    assert values[("buyers", "scope=京东")] == len(truth.buyers)


def test_data_check_lists_every_file_and_metrics_prints_a_summary(five, tmp_path):
    folder, truth = five
    data = tmp_path / "data"
    shutil.copytree(folder, data)
    (data / "说明.csv").write_text("列1,列2\n1,2\n", encoding="utf-8")
    (data / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    result = run_cli("data", "check", "--data", str(data), "--json", "--dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    files = {f["file"]: f for f in payload["files"]}
    read = [f for f in files.values() if f["platform"] and not f["reason"]]
    assert sorted(c for f in read for c in f["channels"]) == sorted(truth.gmv)
    assert sum(f["paid"] for f in read) == sum(truth.orders.values())
    assert sum(f["refunded"] for f in read) == sum(truth.refunded_orders.values())
    assert all(f["first"].startswith("2025") and f["columns"]["amount"] for f in read)
    assert "match no known order export" in files["说明.csv"]["reason"]
    assert ".xlsx" in files["old.xls"]["reason"]
    assert payload["buyers"] == {"with": ["京东", "淘宝"], "without": ["微信小店", "抖音", "拼多多"]}
    table = run_cli("data", "check", "--data", str(data), "--dir", str(tmp_path))
    assert "说明.csv" in table.stdout and "not read" in table.stdout and "抖店 订单标准报表" in table.stdout

    metrics = run_cli("metrics", "--period", "2025", "--data", str(data), "--format", "json", "--dir", str(tmp_path))
    assert metrics.returncode == 0, metrics.stderr
    assert "data: 5 order export(s) read" in metrics.stderr and "2 file(s) not read" in metrics.stderr
    # Money is printed as the exact decimal sum.
    total = sum(truth.gmv.values(), Decimal(0))
    assert f'"value": {total},' in metrics.stdout


def test_an_unreadable_export_is_named_with_its_rows_and_exit_2(five, tmp_path):
    folder, _ = five
    data = tmp_path / "data"
    shutil.copytree(folder, data)
    pdd = next(data.glob("*orders_export*.csv"))
    lines = pdd.read_text(encoding="utf-8-sig").splitlines()
    paid = next(i for i, line in enumerate(lines) if ",2025-" in line)
    lines[paid] = lines[paid].replace(",2025-", ",昨天2025-", 1)
    pdd.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    check = run_cli("data", "check", "--data", str(data), "--dir", str(tmp_path))
    assert check.returncode == 2
    assert pdd.name in check.stderr and "订单成交时间" in check.stderr and f"row {paid + 1}" in check.stderr
    assert "ExportOrderList" in check.stdout  # the other files are still shown
    metrics = run_cli("metrics", "--period", "2025", "--data", str(data), "--dir", str(tmp_path))
    assert metrics.returncode == 2 and "订单成交时间" in metrics.stderr and "Traceback" not in metrics.stderr


def test_a_folder_without_orders_lists_what_it_saw(tmp_path):
    (tmp_path / "export.csv").write_text("订单编号,金额\n1,2\n", encoding="utf-8")
    result = run_cli("data", "check", "--data", str(tmp_path), "--dir", str(tmp_path))
    assert result.returncode == 2
    assert "export.csv" in result.stderr and "no platform order export" in result.stderr
    assert "export.csv" in result.stdout and "lacks" in result.stdout  # still listed, with what it lacks


def test_config_maps_a_file_or_a_shop_to_a_channel(tmp_path):
    rng, truth = random.Random(2), Truth()
    data = tmp_path / "data"
    data.mkdir()
    write_taobao(data, rng, truth, count=20, shop="云杉小铺")
    jd = write_jd(data, rng, truth, count=20)
    write_pinduoduo(data, rng, truth, count=10)
    (tmp_path / "drafter.toml").write_text(f'[channels]\n"云杉小铺" = "淘宝C店"\n"{jd.name[:4]}*.csv" = "京东自营"\n'
                                           f'"拼多多" = "PDD"\n', encoding="utf-8")
    result = run_cli("metrics", "--period", "2025", "--data", str(data), "--format", "csv", "--dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "channel=淘宝C店" in result.stdout and "channel=京东自营" in result.stdout and "channel=PDD" in result.stdout
    assert "channel=淘宝," not in result.stdout and "channel=京东," not in result.stdout


def test_scoped_buyer_figures_verify_and_a_shop_wide_one_does_not(five, tmp_path):
    from drafter.verify import verify_markdown

    folder, truth = five
    facts = compute_facts(folder, "2025", tmp_path / "cache").facts
    n = len(truth.buyers)
    expected = {f"全年京东、淘宝买家数为{n}人。": ["verified"], f"全年买家数为{n}人。": ["unsupported"],
                f"全年京东、淘宝买家数为{n + 1}人。": ["mismatch"]}
    assert {text: [f.verdict for f in verify_markdown(text, facts, [], period="2025")] for text in expected} == expected


def test_a_draft_from_exports_states_buyers_with_their_scope(five, tmp_path):
    """2024 from a canonical orders.csv (every order with a buyer), 2025 from the five exports."""
    folder, truth = five
    work = tmp_path / "work"
    shutil.copytree(folder, work / "data")
    channels = ["淘宝", "京东", "抖音"]
    (work / "data" / "orders.csv").write_text("订单号,用户ID,下单时间,实付金额,渠道\n" + "".join(
        f"P{i},buyer_{i % 30:03d},2024-{i % 12 + 1:02d}-15 10:00:00,{100 + i}.50,{channels[i % 3]}\n"
        for i in range(90)), encoding="utf-8")
    (work / "drafter.toml").write_text('company = "云杉"\n[embedder]\nname = "hash"\n', encoding="utf-8")
    result = run_cli("write", "--period", "2025", "--no-exports", "--dir", str(work))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "buyer metrics cover 京东、淘宝 only" in result.stderr
    report = (work / "drafts" / "2025-annual-summary" / "report.md").read_text(encoding="utf-8")
    assert f"京东、淘宝买家数为{len(truth.buyers)}人" in report
    assert "全年买家数" not in report and "，买家数" not in report
    facts = json.loads((work / "drafts" / "2025-annual-summary" / "facts.json").read_text(encoding="utf-8"))
    # 2024's buyers covered every platform, 2025's two: no change between unlike scopes (per platform, yes).
    changes = {f["dimension"] for f in facts if f["metric"] == "buyers" and f["measure"] == "yoy"}
    assert changes == {"channel=京东", "channel=淘宝"}
    run = json.loads((work / "drafts" / "2025-annual-summary" / "run.json").read_text(encoding="utf-8"))
    assert "5 order export(s) read" in run["data"] and any("京东、淘宝 only" in n for n in run["notes"])


def test_export_versions_title_lines_and_tab_separated_files(tmp_path):
    """下单账号 for 下单帐号, a title line above the header, 支付时间 in older 拼多多 exports, a tab-separated copy,
    a workbook with its orders over two sheets and a notes sheet."""
    import csv
    import io

    import openpyxl
    from platform_exports import write_weixin

    rng, truth = random.Random(4), Truth()
    jd = write_jd(tmp_path, rng, truth, count=20)
    text = jd.read_bytes().decode("gbk").replace("下单帐号", "下单账号", 1)
    jd.write_bytes(("导出时间：2026-01-05 12:00:00\r\n" + text).encode("gbk"))
    pdd = write_pinduoduo(tmp_path, rng, truth, count=20)
    pdd.write_text(pdd.read_text(encoding="utf-8-sig").replace("订单成交时间", "支付时间", 1), encoding="utf-8-sig")
    taobao = write_taobao(tmp_path, rng, truth, count=20)
    rows = list(csv.reader(io.StringIO(taobao.read_bytes().decode("gbk"))))
    out = io.StringIO()
    csv.writer(out, delimiter="\t").writerows(rows)
    taobao.write_bytes(out.getvalue().encode("gbk"))
    taobao.rename(tmp_path / "订单.csv")  # renamed by hand: still read as the 淘宝 export it is
    weixin = write_weixin(tmp_path, rng, truth, count=20, sheets=("快递订单", "同城配送订单"))
    book = openpyxl.load_workbook(weixin)
    book.create_sheet("说明").append(["本表由系统导出"])
    book.save(weixin)
    result = compute_facts(tmp_path, "2025", tmp_path / "cache")
    _check_sales(_values(result), truth)
    assert _values(result)[("buyers", "scope=京东、淘宝")] == len(truth.buyers)


def test_masked_buyer_names_are_no_accounts(tmp_path):
    rng, truth = random.Random(6), Truth()
    write_taobao(tmp_path, rng, truth, count=30, masked=True)
    write_jd(tmp_path, rng, truth, count=30)
    values = _values(compute_facts(tmp_path, "2025", tmp_path / "cache"))
    _check_sales(values, truth)
    assert values[("buyers", "scope=京东")] == len(truth.buyers)
    (tmp_path / "orders.csv").write_text("订单号,用户ID,下单时间,实付金额\nA1,138****5443,2025-03-01,1\n",
                                         encoding="utf-8")
    result = run_cli("metrics", "--period", "2025", "--data", str(tmp_path), "--dir", str(tmp_path))
    assert result.returncode == 2 and "masked values" in result.stderr and "138****5443" in result.stderr
