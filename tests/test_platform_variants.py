"""Export variants the format facts allow, written independently of tests/platform_exports.py.

Each order below is made up and states by hand what a correct reader counts for it (PLATFORM-EXPORTS.md): the
money the buyer paid (0 when it does not count), the money given back, and the buyer account if any.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import run_cli

D = Decimal


@dataclass
class Want:
    """What the folder should give for the orders paid in 2025."""

    gmv: dict
    orders: dict
    refund: dict
    refunded: dict
    buyers: set

    @classmethod
    def empty(cls) -> Want:
        return cls(defaultdict(D), defaultdict(int), defaultdict(D), defaultdict(int), set())

    def add(self, channel: str, paid: str, refund: str = "0", buyer: str = "") -> None:
        self.gmv[channel] += D(paid)
        self.orders[channel] += 1
        self.refund[channel] += D(refund)
        self.refunded[channel] += D(refund) > 0
        self.buyers.add((channel, buyer))


def _csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", sep: str = ",", newline: str = "\n",
         title: str = "") -> None:
    def cell(text: str) -> str:
        return f'"{text}"' if sep == "," and ("," in text or '"' in text) and not text.startswith('="') else text

    lines = ([title] if title else []) + [sep.join(cell(c) for c in row) for row in rows]
    path.write_bytes((newline.join(lines) + newline).encode(encoding))


def _xlsx(path: Path, rows: list[list[str]], sheet: str = "Sheet1", title: str = "") -> None:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    if title:
        ws.append([title])
    for row in rows:
        ws.append(row)
    book.save(path)


def _headers(text: str) -> list[str]:
    return text.split(",")


def _table(headers: list[str], records: list[dict]) -> list[list[str]]:
    return [headers] + [[r.get(h.strip(), "") for h in headers] for r in records]


# 淘宝 订单报表, a version with 支付交易号 inserted and trailing spaces in headers (GBK, CRLF, ="…" ids).
TAOBAO = _headers("订单编号,支付交易号,买家会员名,买家支付宝账号,买家应付货款,买家应付邮费,总金额,"
                  "买家实际支付金额,订单状态,收货人姓名,收货地址 ,联系手机,订单创建时间,订单付款时间 ,"
                  "宝贝标题 ,宝贝种类 ,物流单号 ,店铺名称,订单关闭原因,退款金额")


def _taobao(oid: str, buyer: str, status: str, paid: str, pay: str, refund: str = "0.00", reason: str = "订单未关闭",
            shop: str = "小林杂货铺") -> dict:
    return {"订单编号": f'="{oid}"', "支付交易号": f'="2025{oid[-8:]}22001"', "买家会员名": buyer,
            "买家支付宝账号": "l**@163.com", "买家应付货款": paid, "买家应付邮费": "0.00", "总金额": paid,
            "买家实际支付金额": paid, "订单状态": status, "收货人姓名": "林*", "收货地址": "浙江省 杭州市 ***",
            "联系手机": "'138****0001", "订单创建时间": pay or "2025-03-01 10:00:00", "订单付款时间": pay,
            "宝贝标题": "茶杯，茶壶", "宝贝种类": "2", "物流单号": '="No:7700112233"', "店铺名称": shop,
            "订单关闭原因": reason, "退款金额": refund}


def write_taobao(folder: Path, want: Want) -> None:
    """Two monthly downloads of one shop overlapping on an order refunded in between, and a 天猫 shop's file
    saved as UTF-8 tab-separated with a title line."""
    jan = [_taobao("3100000000000000001", "tb_alice", "交易成功", "1,299.00", "2025-01-05 09:00:00"),
           _taobao("3100000000000000002", "tb_bob", "买家已付款,等待卖家发货", "88.50", "2025-01-31 23:59:59"),
           _taobao("3100000000000000003", "tb_carl", "等待买家付款", "45.00", ""),
           _taobao("3100000000000000004", "tb_dan", "交易关闭", "30.00", "", reason="买家未付款")]
    feb = [_taobao("3100000000000000002", "tb_bob", "交易关闭", "0.00", "2025-01-31 23:59:59", "88.50", "退款"),
           _taobao("3100000000000000005", "tb_alice", "卖家已发货，等待买家确认", "19.90", "2025-02-02 08:00:00"),
           _taobao("3100000000000000006", "tb_erin", "交易成功", "200.00", "2025-02-03 08:00:00", "50.00"),
           # Closed and refunded, but still showing what was paid: counted once, not with 退款金额 added again.
           _taobao("3100000000000000008", "tb_dan", "交易关闭", "60.00", "2025-02-04 08:00:00", "60.00", "退款"),
           # A partial refund moved out of 买家实际支付金额 (more back than shown paid): paid 90.00, 70.00 back.
           _taobao("3100000000000000009", "tb_dan", "交易成功", "20.00", "2025-02-05 08:00:00", "70.00"),
           # 2024 order: out of the 2025 period
           _taobao("3100000000000000007", "tb_erin", "交易成功", "77.00", "2024-12-31 23:00:00")]
    _csv(folder / "ExportOrderList202502011030.csv", _table(TAOBAO, jan), "gbk", newline="\r\n")
    _csv(folder / "ExportOrderList202503011030.csv", _table(TAOBAO, feb), "gbk", newline="\r\n")
    want.add("淘宝", "1299.00", buyer="tb_alice")
    want.add("淘宝", "88.50", "88.50", buyer="tb_bob")  # the later download shows it refunded
    want.add("淘宝", "19.90", buyer="tb_alice")
    want.add("淘宝", "200.00", "50.00", buyer="tb_erin")
    want.add("淘宝", "60.00", "60.00", buyer="tb_dan")
    want.add("淘宝", "90.00", "70.00", buyer="tb_dan")
    tmall = [_taobao("3200000000000000001", "tm_fay", "交易成功", "599.00", "2025-06-18 00:01:00",
                     shop="青禾家居旗舰店"),
             _taobao("3200000000000000002", "tm_gus", "交易关闭", "0.00", "2025-06-18 00:02:00", "129.00", "退款",
                     shop="青禾家居旗舰店")]
    _csv(folder / "ExportOrderList202507010900.csv", _table(TAOBAO, tmall), "utf-8-sig", sep="\t",
         title="订单报表 2025-06-01 至 2025-06-30")
    want.add("天猫", "599.00", buyer="tm_fay")
    want.add("天猫", "129.00", "129.00", buyer="tm_gus")


QIANNIU = _headers("订单编号,支付单号,买家实付金额,总金额(旧版),订单状态,订单关闭原因,订单创建时间,"
                   "订单付款时间,商品标题,商品属性SKU,确认收货打款金额,店铺名称,退款金额")


def write_qianniu(folder: Path, want: Want) -> None:
    """The newer 千牛 xlsx: 买家实付金额, no buyer account."""
    def row(oid, status, paid, pay, refund="0.00", reason="订单未关闭"):
        return {"订单编号": oid, "支付单号": f"P{oid}", "买家实付金额": paid, "总金额(旧版)": "999.00",
                "订单状态": status, "订单关闭原因": reason, "订单创建时间": "2025-08-01 10:00:00",
                "订单付款时间": pay, "商品标题": "围巾", "商品属性SKU": "颜色:灰", "确认收货打款金额": paid,
                "店铺名称": "小林杂货铺", "退款金额": refund}
    rows = [row("3300000000000000001", "交易成功", "66.00", "2025-08-01 10:01:00"),
            row("3300000000000000002", "交易关闭", "0.00", "2025-08-01 10:02:00", "42.00", "退款"),
            row("3300000000000000003", "交易关闭", "42.00", "", reason="买家未付款")]
    _xlsx(folder / "ExportOrderList26594515418.xlsx", _table(QIANNIU, rows))
    want.add("淘宝", "66.00")
    want.add("淘宝", "42.00", "42.00")


JD = _headers("订单号,商品ID,商品名称,订购数量,支付方式,下单时间,京东价,订单金额,结算金额,"
              "余额支付,应付金额,订单状态,订单类型,下单账号,客户姓名,客户地址,联系电话,订单备注,"
              "商家备注,运费金额,付款确认时间,订单完成时间,订单来源")


def write_jd(folder: Path, want: Want) -> None:
    """One row per SKU with the order totals repeated, a split parent beside its children, 下单账号 spelled 账."""
    def row(oid, sku, status, due, pay, buyer="jd_hana", remark=""):
        return {"订单号": oid, "商品ID": sku, "商品名称": f"商品{sku}", "订购数量": "1", "支付方式": "在线支付",
                "下单时间": "2025-04-01 12:00:00", "京东价": "10.00", "订单金额": "999.00", "结算金额": due,
                "余额支付": "0.00", "应付金额": due, "订单状态": status, "订单类型": "普通订单", "下单账号": buyer,
                "客户姓名": "王**", "客户地址": "北京***", "联系电话": "139****0000", "商家备注": remark,
                "运费金额": "0.00", "付款确认时间": pay, "订单来源": "移动端"}
    rows = [row("11000000001", "501", "完成", "318.00", "2025-04-01 12:01:00"),
            row("11000000001", "502", "完成", "318.00", "2025-04-01 12:01:00"),
            row("11000000002", "501", "(删除)等待出库", "500.00", "2025-04-02 12:01:00",
                remark="订单拆分为  11000000003    11000000004"),
            row("11000000003", "501", "等待出库", "200.00", "2025-04-02 12:01:00"),
            row("11000000004", "502", "等待确认收货", "300.00", "2025-04-02 12:01:00"),
            row("11000000005", "503", "已取消", "75.00", "2025-04-03 12:01:00", buyer="jd_ivan"),
            row("11000000006", "503", "等待付款", "75.00", ""),
            row("11000000007", "503", "已取消", "75.00", "", buyer="jd_ivan")]
    _csv(folder / "19453840.csv", _table(JD, rows), "gbk", newline="\r\n")
    want.add("京东", "318.00", buyer="jd_hana")
    want.add("京东", "200.00", buyer="jd_hana")
    want.add("京东", "300.00", buyer="jd_hana")
    want.add("京东", "75.00", "75.00", buyer="jd_ivan")


DOUYIN = _headers("主订单编号,子订单编号,选购商品,商品数量,商品单价,订单应付金额,运费,优惠总金额,收件人,"
                  "收件人手机号,订单提交时间,订单完成时间,支付完成时间,订单状态,售后状态,取消原因,"
                  "达人昵称")


def write_douyin(folder: Path, want: Want) -> None:
    """Sub-order rows of main orders, leading tabs on ids, one sub-order refunded in a completed order."""
    def row(main, sub, due, status, pay, after="-", cancel=""):
        return {"主订单编号": f"\t{main}", "子订单编号": f"\t{sub}", "选购商品": "面霜", "商品数量": "1",
                "商品单价": due, "订单应付金额": due, "运费": "0", "优惠总金额": "0", "收件人": "李**",
                "收件人手机号": "138****5443", "订单提交时间": "2025-09-09 20:00:00", "订单完成时间": "",
                "支付完成时间": pay, "订单状态": status, "售后状态": after, "取消原因": cancel, "达人昵称": ""}
    rows = [row("6950000000000000001", "6950000000000000011", "59.90", "已完成", "2025-09-09 20:01:00"),
            row("6950000000000000001", "6950000000000000012", "40.10", "已完成", "2025-09-09 20:01:00", "退款成功"),
            row("6950000000000000002", "6950000000000000021", "120.00", "已关闭", "2025-09-10 20:01:00", "退款成功"),
            row("6950000000000000003", "6950000000000000031", "33.00", "待支付", ""),
            row("6950000000000000004", "6950000000000000041", "33.00", "已关闭", "", cancel="超时未支付"),
            row("6950000000000000005", "6950000000000000051", "15.00", "待发货", "2025-09-11 20:01:00")]
    _csv(folder / "1757400000_50f90004feaf19ec05e8c73cefbfeb24fzOmjPIk.csv", _table(DOUYIN, rows))
    want.add("抖音", "100.00", "40.10")
    want.add("抖音", "120.00", "120.00")
    want.add("抖音", "15.00")


PDD = _headers("商品,订单号,订单状态,商品总价(元),邮费(元),店铺优惠折扣(元),平台优惠折扣(元),"
               "多多支付立减金额(元),用户实付金额(元),商家实收金额(元),商品数量(件),发货时间,"
               "确认收货时间,商品id,售后状态,快递单号,订单成交时间")


def write_pinduoduo(folder: Path, want: Want) -> None:
    """Tabs after numbers, lone tabs, float amounts, and a second month's file after an Excel round-trip."""
    def row(oid, status, paid, pay, after="无售后或售后取消"):
        return {"商品": "纸巾", "订单号": oid, "订单状态": status, "商品总价(元)": f"{paid}\t", "邮费(元)": "0.0\t",
                "店铺优惠折扣(元)": "0.0\t", "平台优惠折扣(元)": "0.0\t", "多多支付立减金额(元)": "0.0\t",
                "用户实付金额(元)": f"{paid}\t", "商家实收金额(元)": f"{float(paid) + 3}\t", "商品数量(件)": "1\t",
                "发货时间": "\t", "确认收货时间": "\t", "商品id": "600000000000\t", "售后状态": after,
                "快递单号": "\t", "订单成交时间": pay or "\t"}
    may = [row("250501-400000000000001", "已收货", "29.9", "2025-05-01 10:00:00"),
           row("250501-400000000000002", "已发货，退款成功", "168.99", "2025-05-01 11:00:00", "退款成功"),
           row("250501-400000000000003", "已取消", "59.9", ""),
           row("250501-400000000000004", "待付款", "12.0", ""),
           row("250501-400000000000005", "待发货", "9.9", "2025-05-31 22:00:00", "售后处理中")]
    _csv(folder / "a1b2c3orders_export2025-06-01-09-00-00.csv", _table(PDD, may), "utf-8-sig")
    want.add("拼多多", "29.9")
    want.add("拼多多", "168.99", "168.99")
    want.add("拼多多", "9.9")
    june = [row("250501-400000000000005", "已发货，待收货", "9.9", "2025/5/31 22:00"),
            row("250602-400000000000006", "未发货，退款成功", "20.0", "2025/6/2 8:05", "退款成功")]
    _csv(folder / "d4e5f6orders_export2025-07-01-09-00-00.csv", _table(PDD, june), "utf-8-sig")
    want.add("拼多多", "20.0", "20.0")


WEIXIN = _headers("订单号,订单下单时间,订单发货时间,订单确认收货时间,订单状态,收件人姓名,收件人手机,"
                  "商品总价,订单实际支付金额,订单实际收款金额,订单运费,支付方式,支付时间,商品名称,"
                  "商品数量,商品售后,商品已退款金额")


def write_weixin(folder: Path, want: Want) -> None:
    """xlsx sheet 快递订单, text cells, '-' for empty times and refunds."""
    def row(oid, status, paid, pay, refunded="-"):
        return {"订单号": oid, "订单下单时间": "2025-11-11 00:00:00", "订单发货时间": "-", "订单确认收货时间": "-",
                "订单状态": status, "收件人姓名": "张**", "收件人手机": "138****1234", "商品总价": paid,
                "订单实际支付金额": paid, "订单实际收款金额": paid, "订单运费": "0.00", "支付方式": "微信支付",
                "支付时间": pay, "商品名称": "台灯", "商品数量": "1", "商品售后": "-", "商品已退款金额": refunded}
    rows = [row("3720000000000000001", "已完成", "199.00", "2025-11-11 00:01:00"),
            row("3720000000000000002", "已取消", "88.00", "2025-11-11 00:02:00", "88.00"),
            row("3720000000000000003", "已取消", "66.00", "-"),
            row("3720000000000000004", "待付款", "66.00", "-"),
            row("3720000000000000005", "已完成", "300.00", "2025-11-12 00:01:00", "100.00")]
    _xlsx(folder / "微信小店订单_wx8248933f80e464e7_2025年12月01日20时12分55秒_1.xlsx", _table(WEIXIN, rows),
          sheet="快递订单")
    want.add("微信小店", "199.00")
    want.add("微信小店", "88.00", "88.00")
    want.add("微信小店", "300.00", "100.00")


WRITERS = (write_taobao, write_qianniu, write_jd, write_douyin, write_pinduoduo, write_weixin)


@pytest.fixture(scope="module")
def variants(tmp_path_factory) -> tuple[Path, Want]:
    folder = tmp_path_factory.mktemp("variants") / "data"
    folder.mkdir()
    want = Want.empty()
    for write in WRITERS:
        write(folder, want)
    return folder, want


def _facts(folder: Path, tmp_path: Path) -> dict:
    out = run_cli("metrics", "--period", "2025", "--format", "json", "--data", str(folder), "--dir", str(tmp_path))
    assert out.returncode == 0, out.stderr
    return {(f["metric"], f["dimension"]): f["value"] for f in json.loads(out.stdout)
            if f["period"] == "2025" and f["measure"] == "value"}


def test_variant_exports_give_the_hand_counted_figures(variants, tmp_path):
    folder, want = variants
    values = _facts(folder, tmp_path)
    gmv = sum(want.gmv.values(), D(0))
    assert D(str(values[("gmv", "")])) == gmv
    assert values[("orders", "")] == sum(want.orders.values())
    refund = sum(want.refund.values(), D(0))
    assert values[("refund_rate", "")] == pytest.approx(float(refund / gmv * 100), abs=1e-9)
    assert values[("refund_order_rate", "")] == pytest.approx(
        sum(want.refunded.values()) / sum(want.orders.values()) * 100, abs=1e-9)
    for channel in want.gmv:
        assert D(str(values[("gmv", f"channel={channel}")])) == want.gmv[channel], channel
        assert values[("orders", f"channel={channel}")] == want.orders[channel], channel
    # The 千牛 xlsx has no buyer account, so 淘宝's orders are not all accounted for: 淘宝 is out of the scope.
    buyers = {dim: value for (metric, dim), value in values.items() if metric == "buyers"}
    accounted = ("京东", "天猫")
    assert buyers == {"scope=京东、天猫": len({b for c, b in want.buyers if c in accounted}),
                      **{f"channel={c}": len({b for ch, b in want.buyers if ch == c}) for c in accounted}}


def test_a_year_the_exports_only_touch_is_no_base_for_a_change(variants, tmp_path):
    """One 2024 order in a 2025 download: 2024 is a cut, so no year-on-year change (it would read +5000%)."""
    folder, _ = variants
    out = run_cli("metrics", "--period", "2025", "--format", "json", "--data", str(folder), "--dir", str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert "2024 is only partly covered" in out.stderr
    facts = json.loads(out.stdout)
    assert not [f for f in facts if f["measure"] == "yoy" or f["period"] == "2024"]


def test_a_draft_from_exports_only_never_states_a_shop_wide_buyer_count(variants, tmp_path):
    import re
    import shutil

    folder, want = variants
    shutil.copytree(folder, tmp_path / "data")
    (tmp_path / "drafter.toml").write_text('company = "青禾"\n[embedder]\nname = "hash"\n', encoding="utf-8")
    result = run_cli("write", "--period", "2025", "--no-exports", "--dir", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    report = (tmp_path / "drafts" / "2025-annual-summary" / "report.md").read_text(encoding="utf-8")
    accounted = len({b for c, b in want.buyers if c in ("京东", "天猫")})
    assert f"京东、天猫买家数为{accounted}人" in report
    # Every buyer count names the platforms it covers.
    assert all(re.search(r"(京东、天猫|京东|天猫)$", m[1]) for m in re.finditer(r"(.{0,6})买家数", report))
    assert re.search(r"\| GMV \| [^|]+ \| — \| — \|", report)  # no change against the 2024 cut


def test_taobao_without_a_refund_column_leaves_zero_paid_closed_orders_out(tmp_path):
    """The 2016 report had no 退款金额: a closed order showing 0.00 paid is of unknown money, said so, not 0."""
    headers = [h for h in TAOBAO if h != "退款金额"]
    rows = [_taobao("3400000000000000001", "tb_a", "交易成功", "50.00", "2025-03-01 10:00:00"),
            _taobao("3400000000000000002", "tb_b", "交易关闭", "0.00", "2025-03-01 10:00:00", reason="退款"),
            _taobao("3400000000000000003", "tb_c", "交易关闭", "20.00", "2025-03-01 10:00:00", reason="退款")]
    _csv(tmp_path / "ExportOrderList201606132128.csv", _table(headers, rows), "gbk", newline="\r\n")
    check = run_cli("data", "check", "--data", str(tmp_path), "--json", "--dir", str(tmp_path))
    assert check.returncode == 0, check.stderr
    (report,) = json.loads(check.stdout)["files"]
    assert report["paid"] == 2 and report["refunded"] == 1
    assert [n for reason, n in report["excluded"].items() if "unknown" in reason] == [1]
    values = _facts(tmp_path, tmp_path)
    assert values[("gmv", "")] == 70.0 and values[("refund_rate", "")] == pytest.approx(20 / 70 * 100)


def test_ids_excel_turned_into_scientific_notation_stop_with_the_rows(tmp_path):
    """An 抖店 report opened and saved in Excel: GBK, times as 2025/9/9 20:01, ids as 6.95E+18."""
    rows = [["主订单编号", "子订单编号", "订单应付金额", "支付完成时间", "订单状态", "订单提交时间"],
            ["6.95E+18", "6.95E+18", "59.9", "2025/9/9 20:01", "已完成", "2025/9/9 20:00"],
            ["6.95E+18", "6.95E+18", "20", "2025/9/9 21:01", "已完成", "2025/9/9 21:00"]]
    _csv(tmp_path / "1757400000_50f90004feaf19ec05e8c73cefbfeb24.csv", rows, "gbk", newline="\r\n")
    out = run_cli("metrics", "--period", "2025", "--data", str(tmp_path), "--dir", str(tmp_path))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "1757400000_50f90004feaf19ec05e8c73cefbfeb24.csv" in out.stderr and "主订单编号" in out.stderr
    assert "scientific notation" in out.stderr and "row 2" in out.stderr


def test_data_check_names_each_variant_file_and_its_platform(variants, tmp_path):
    folder, want = variants
    check = run_cli("data", "check", "--data", str(folder), "--json", "--dir", str(tmp_path))
    assert check.returncode == 0, check.stderr
    payload = json.loads(check.stdout)
    platforms = {f["file"]: f["platform"].split()[0] for f in payload["files"]}
    assert sorted(platforms.values()) == sorted(["淘宝/天猫"] * 4 + ["京东", "抖店", "拼多多", "拼多多", "微信小店"])
    assert not payload["errors"] and all(not f["reason"] for f in payload["files"])
    assert payload["buyers"] == {"with": ["京东", "天猫"], "without": ["微信小店", "抖音", "拼多多", "淘宝"]}


def test_workbook_with_number_and_date_cells_and_ids_rounded_as_numbers(tmp_path):
    """A 千牛 workbook saved with real number and date cells reads the same; 19-digit ids kept as numbers are
    rounded into one another, so the rows that disagree stop the run instead of merging three orders into one."""
    from datetime import datetime

    from openpyxl import Workbook

    def book(first_id: int) -> None:
        wb = Workbook()
        ws = wb.active
        ws.append(["订单编号", "买家实付金额", "订单状态", "订单关闭原因", "订单创建时间", "订单付款时间", "退款金额"])
        ws.append([first_id, 66.0, "交易成功", "订单未关闭", datetime(2025, 8, 1, 10), datetime(2025, 8, 1, 10, 1), 0])
        ws.append([first_id + 1, 0, "交易关闭", "退款", datetime(2025, 8, 1, 10), datetime(2025, 8, 1, 10, 2), 42.5])
        ws.append([first_id + 2, 42, "交易关闭", "买家未付款", datetime(2025, 8, 1, 10), None, 0])
        wb.save(tmp_path / "ExportOrderList26594515418.xlsx")

    book(33000000001)
    values = _facts(tmp_path, tmp_path)
    assert values[("gmv", "")] == 108.5 and values[("orders", "")] == 2
    book(3300000000000000001)
    out = run_cli("metrics", "--period", "2025", "--data", str(tmp_path), "--dir", str(tmp_path))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "differ in 订单付款时间" in out.stderr and "rows 2, 3" in out.stderr


def test_douyin_order_level_report_and_an_older_pinduoduo_export(tmp_path):
    """抖店's 订单维度 report (one row per main order, no 子订单编号; ¥ and thousands separators here) and the older
    拼多多 export (支付时间, GBK)."""
    douyin = ["主订单编号,订单应付金额,订单提交时间,支付完成时间,订单状态,售后状态,取消原因",
              "\t6950000000000000101,¥59.90,2025-09-09 20:00:00,2025-09-09 20:01:00,已完成,-,",
              '\t6950000000000000102,"¥1,059.90",2025-09-09 20:00:00,-,已关闭,-,超时未支付',
              "\t6950000000000000103,\"¥1,020.00\",2025-09-09 20:00:00,2025-09-09 20:05:00,已关闭,-,"]
    (tmp_path / "1757400001_0f9a.csv").write_bytes(("\n".join(douyin) + "\n").encode("utf-8-sig"))
    pdd = ["订单号,商品,订单状态,用户实付金额(元),商家实收金额(元),支付时间,拼单成功时间,收货人,手机,售后状态",
           "250101-100000000000001,纸巾,已收货,29.9,31.9,2025-01-01 10:00:00,2025-01-01 10:00:01,张*,138****0000,无",
           "250101-100000000000002,纸巾,已取消,19.9,21.9,,,张*,138****0000,无"]
    (tmp_path / "9f3orders_export2025-02-01-09-00-00.csv").write_bytes(("\r\n".join(pdd) + "\r\n").encode("gbk"))
    values = _facts(tmp_path, tmp_path)
    assert values[("gmv", "channel=抖音")] == 1079.9 and values[("orders", "channel=抖音")] == 2
    assert values[("gmv", "channel=拼多多")] == 29.9 and values[("orders", "channel=拼多多")] == 1
    assert values[("refund_rate", "")] == pytest.approx(1020 / 1109.8 * 100)
    assert not [k for k in values if k[0] == "buyers"]
    check = run_cli("data", "check", "--data", str(tmp_path), "--dir", str(tmp_path))
    assert "buyers: no buyer metrics" in check.stdout


def test_the_qianniu_workbook_beside_the_csv_of_the_same_orders_keeps_their_buyers(tmp_path):
    """The same orders downloaded as the classic CSV (with 买家会员名) and as the 千牛 xlsx (without): counted once,
    with their accounts; one order only in the xlsx would leave 淘宝 out of the buyer metrics."""
    csv_rows = [_taobao("3500000000000000001", "tb_a", "交易成功", "10.00", "2025-05-01 10:00:00"),
                _taobao("3500000000000000002", "tb_b", "交易成功", "20.00", "2025-05-01 11:00:00")]
    _csv(tmp_path / "ExportOrderList202506011030.csv", _table(TAOBAO, csv_rows), "gbk", newline="\r\n")
    xlsx_rows = [{"订单编号": r["订单编号"].strip('="'), "买家实付金额": r["买家实际支付金额"], "订单状态": "交易成功",
                  "订单关闭原因": "订单未关闭", "订单付款时间": r["订单付款时间"], "店铺名称": r["店铺名称"],
                  "退款金额": "0.00"} for r in csv_rows]
    _xlsx(tmp_path / "ExportOrderList26594515418.xlsx", _table(QIANNIU, xlsx_rows))
    values = _facts(tmp_path, tmp_path)
    assert values[("gmv", "")] == 30.0 and values[("orders", "")] == 2 and values[("buyers", "")] == 2
    xlsx_rows.append({**xlsx_rows[0], "订单编号": "3500000000000000003"})
    _xlsx(tmp_path / "ExportOrderList26594515418.xlsx", _table(QIANNIU, xlsx_rows))
    values = _facts(tmp_path, tmp_path)
    assert values[("orders", "")] == 3 and not [k for k in values if k[0] == "buyers"]


def test_an_after_sales_export_beside_the_orders_is_listed_not_read(tmp_path):
    """An after-sales export repeating the order's columns is not a second copy of the orders."""
    head = "主订单编号,订单应付金额,支付完成时间,订单状态,售后状态"
    orders = [head, "\t6950000000000000201,80.00,2025-10-01 10:00:00,已完成,退款成功"]
    (tmp_path / "1759300000_aa.csv").write_text("\n".join(orders) + "\n", encoding="utf-8")
    after = ["售后单号," + head + ",退款金额", "\t7000000000000000001,\t6950000000000000201,80.00,2025-10-01 10:00:00,"
             "已完成,退款成功,30.00"]
    (tmp_path / "售后单_1759300000.csv").write_text("\n".join(after) + "\n", encoding="utf-8")
    check = run_cli("data", "check", "--data", str(tmp_path), "--json", "--dir", str(tmp_path))
    files = {f["file"]: f for f in json.loads(check.stdout)["files"]}
    assert "after-sales" in files["售后单_1759300000.csv"]["reason"] and not files["售后单_1759300000.csv"]["table"]
    values = _facts(tmp_path, tmp_path)
    assert values[("gmv", "")] == 80.0 and values[("orders", "")] == 1


def test_versions_without_a_buyer_column_are_still_read_and_a_workbook_with_one_uses_it(tmp_path):
    """A 京东 export without 下单帐号 and a 淘宝 report without 买家会员名 are order exports all the same (no buyer
    metrics for them); a 千牛 workbook that does have 买家会员名 counts its buyers."""
    jd = [h for h in JD if h != "下单账号"]
    jd_rows = [{"订单号": "12000000001", "应付金额": "99.00", "订单状态": "完成",
                "付款确认时间": "2025-02-01 10:00:00"}]
    _csv(tmp_path / "20250301.csv", _table(jd, jd_rows), "gbk", newline="\r\n")
    taobao = [h for h in TAOBAO if h != "买家会员名"]
    _csv(tmp_path / "ExportOrderList202503011030.csv",
         _table(taobao, [_taobao("3600000000000000001", "", "交易成功", "50.00", "2025-03-01 10:00:00")]), "gbk")
    values = _facts(tmp_path, tmp_path)
    assert values[("gmv", "channel=京东")] == 99.0 and values[("gmv", "channel=淘宝")] == 50.0
    assert not [k for k in values if k[0] == "buyers"]

    other = tmp_path / "qianniu"
    other.mkdir()
    rows = [{"订单编号": f"370000000000000000{i}", "买家实付金额": "30.00", "订单状态": "交易成功",
             "订单关闭原因": "订单未关闭", "订单付款时间": f"2025-0{i}-01 10:00:00", "退款金额": "0.00",
             "买家会员名": "tb_same"} for i in (1, 2)]
    _xlsx(other / "ExportOrderList26594515419.xlsx", _table([*QIANNIU, "买家会员名"], rows))
    values = _facts(other, tmp_path)
    assert values[("buyers", "")] == 1 and values[("repurchase_rate", "")] == 100.0


def test_a_jd_order_downloaded_before_and_after_its_split_counts_through_its_children(tmp_path):
    def row(oid, status, due, remark=""):
        return {"订单号": oid, "应付金额": due, "订单状态": status, "下单账号": "jd_k", "商家备注": remark,
                "付款确认时间": "2025-06-30 23:50:00"}
    _csv(tmp_path / "20250630.csv", _table(JD, [row("13000000001", "等待出库", "500.00")]), "gbk")
    _csv(tmp_path / "20250731.csv", _table(JD, [
        row("13000000001", "(删除)等待出库", "500.00", "订单拆分为 13000000002 13000000003"),
        row("13000000002", "等待确认收货", "200.00"), row("13000000003", "完成", "300.00")]), "gbk")
    values = _facts(tmp_path, tmp_path)
    assert values[("gmv", "")] == 500.0 and values[("orders", "")] == 2
    check = run_cli("data", "check", "--data", str(tmp_path), "--json", "--dir", str(tmp_path))
    first = next(f for f in json.loads(check.stdout)["files"] if f["file"] == "20250630.csv")
    assert "gone" not in first and any("shows split" in reason for reason in first["excluded"])
