"""Synthetic order exports in each platform's downloaded format, with their own ground truth.

Written from the public format facts (headers, encodings, quirks) in PLATFORM-EXPORTS.md; every name, id and
amount here is made up. Each writer renders the same kind of order model into its platform's rows.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

CENT = Decimal("0.01")
KINDS = ("paid", "paid", "paid", "paid", "paid", "refunded", "partial", "unpaid", "cancelled")


@dataclass
class Order:
    """One order as the buyer saw it."""

    id: str
    account: str
    placed: datetime
    kind: str  # paid, refunded (in full), partial (some money back), unpaid, cancelled (closed before payment)
    items: list[Decimal]  # what the buyer paid per item (after discounts)
    shipping: Decimal
    list_price: Decimal  # goods + shipping before discounts

    @property
    def paid(self) -> Decimal:
        return sum(self.items, Decimal(0)) + self.shipping

    @property
    def pay_time(self) -> datetime | None:
        return None if self.kind in ("unpaid", "cancelled") else self.placed + timedelta(minutes=3)

    @property
    def refund(self) -> Decimal:
        return {"refunded": self.paid, "partial": self.items[0]}.get(self.kind, Decimal(0))


@dataclass
class Truth:
    """What a correct reader finds, per channel, for the orders paid in 2025."""

    gmv: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    orders: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    refund: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    refunded_orders: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    buyers: set[str] = field(default_factory=set)

    def add(self, channel: str, order: Order, account: bool) -> None:
        if order.pay_time is None or order.pay_time.year != 2025:
            return
        self.gmv[channel] += order.paid
        self.orders[channel] += 1
        self.refund[channel] += order.refund
        self.refunded_orders[channel] += order.refund > 0
        if account:
            self.buyers.add(order.account)


def make_orders(rng: random.Random, count: int, id_of, multi: bool = False, accounts: int = 40) -> list[Order]:
    """Orders placed in 2025 with every kind present; multi: some hold several items. Ids differ between calls."""
    orders, first = [], rng.randint(1, 10**6) * 1000
    for n in range(count):
        kind = KINDS[n % len(KINDS)] if n < len(KINDS) else rng.choice(KINDS)
        items = [Decimal(rng.randint(990, 39900)) / 100 for _ in range(rng.choice((1, 2, 3)) if multi else 1)]
        if kind == "partial" and len(items) < 2:
            items.append(Decimal(rng.randint(990, 9900)) / 100)
        shipping = Decimal(rng.choice((0, 0, 600, 1000))) / 100
        placed = datetime(2025, 1, 1) + timedelta(minutes=rng.randint(0, 364 * 24 * 60))
        orders.append(Order(id_of(first + n), f"buyer_{rng.randint(1, accounts):03d}", placed, kind, items, shipping,
                            (sum(items, Decimal(0)) + shipping + Decimal(rng.randint(0, 3000)) / 100)))
    return orders


def _headers(text: str) -> list[str]:
    """A header row written as one |-separated string (some headers end in a space, as exported)."""
    return text.split("|")


def _t(when: datetime | None, empty: str = "") -> str:
    return f"{when:%Y-%m-%d %H:%M:%S}" if when else empty


def _write_csv(path: Path, headers: list[str], rows: list[list[str]], encoding: str, newline: str = "\r\n",
               quote_all: bool = False) -> None:
    def cell(text: str) -> str:
        if quote_all or any(c in text for c in ',"\n'):
            return '"' + text.replace('"', '""') + '"'
        return text

    lines = [",".join(cell(c) for c in row) for row in [headers, *rows]]
    path.write_bytes((newline.join(lines) + newline).encode(encoding))


TAOBAO = _headers("订单编号|买家会员名|买家支付宝账号|买家应付货款|买家应付邮费|买家支付积分|"
          "总金额|返点积分|买家实际支付金额|买家实际支付积分|订单状态|买家留言|"
          "收货人姓名|收货地址 |运送方式|联系电话 |联系手机|订单创建时间|"
          "订单付款时间 |宝贝标题 |宝贝种类 |物流单号 |物流公司|订单备注|"
          "宝贝总数量|店铺Id|店铺名称|订单关闭原因|卖家服务费|买家服务费|发票抬头|"
          "是否手机订单|分阶段订单信息|特权订金订单id|定金排名|修改后的sku|"
          "修改后的收货地址|异常信息|天猫卡券抵扣|集分宝抵扣|是否是O2O交易|"
          "退款金额")


def write_taobao(folder: Path, rng: random.Random, truth: Truth, count: int = 60, name: str = "",
                 shop: str = "云杉小铺", masked: bool = False) -> Path:
    """淘宝 订单报表: GBK CSV, CRLF, ="…" ids, trailing spaces in headers, one row per order; masked: 买家会员名
    shown as b**3, which is no account."""
    orders = make_orders(rng, count, lambda n: str(3_900_000_000_000_000_000 + rng.randint(0, 10**17)), multi=True)
    rows = []
    for o in orders:
        shown = rng.choice(("交易成功", "卖家已发货，等待买家确认", "买家已付款,等待卖家发货"))
        status, reason, paid_col = {
            "paid": (shown, "订单未关闭", o.paid),
            "partial": ("交易成功", "订单未关闭", o.paid),
            "refunded": ("交易关闭", "退款", Decimal(0)),
            "unpaid": ("等待买家付款", "订单未关闭", Decimal(0)),
            "cancelled": ("交易关闭", "买家未付款", Decimal(0)),
        }[o.kind]
        cells = dict.fromkeys(TAOBAO, "")
        account = f"{o.account[0]}**{o.account[-1]}" if masked else o.account
        cells.update({"订单编号": f'="{o.id}"', "买家会员名": account, "买家应付货款": f"{sum(o.items):.2f}",
                      "买家应付邮费": f"{o.shipping:.2f}", "总金额": f"{o.paid:.2f}",
                      "买家实际支付金额": f"{paid_col:.2f}", "订单状态": status, "收货人姓名": "王**",
                      "联系手机": "'138****5443", "订单创建时间": _t(o.placed),
                      "订单付款时间 ": _t(o.pay_time), "宝贝种类 ": str(len(o.items)), "宝贝总数量": str(len(o.items)),
                      "宝贝标题 ": "，".join(f"商品{i}" for i in range(len(o.items))), "物流单号 ": '="No:7700012"',
                      "店铺名称": shop, "订单关闭原因": reason, "退款金额": f"{o.refund:.2f}"})
        rows.append(list(cells.values()))
        truth.add("天猫" if "旗舰店" in shop else "淘宝", o, account=not masked)
    path = folder / (name or f"ExportOrderList2026010{rng.randint(1, 9)}{rng.randint(1000, 9999)}.csv")
    _write_csv(path, TAOBAO, rows, "gbk")
    return path


QIANNIU = ["订单编号", "支付单号", "支付详情", "买家应付货款", "买家应付邮费", "总金额", "买家实付金额", "订单状态",
           "买家留言", "收货人姓名", "收货地址", "联系手机", "订单创建时间", "订单付款时间", "商品标题", "商品属性SKU",
           "物流单号", "物流公司", "店铺名称", "订单关闭原因", "确认收货打款金额", "退款金额", "总金额(旧版)"]


def write_qianniu(folder: Path, rng: random.Random, truth: Truth, count: int = 30) -> Path:
    """The newer 千牛 xlsx order export: 买家实付金额, no buyer account at all."""
    import openpyxl

    orders = make_orders(rng, count, lambda n: str(4_100_000_000_000_000_000 + rng.randint(0, 10**17)))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(QIANNIU)
    for o in orders:
        status, reason, paid_col = {"paid": ("交易成功", "订单未关闭", o.paid),
                                    "partial": ("交易成功", "订单未关闭", o.paid),
                                    "refunded": ("交易关闭", "退款", Decimal(0)),
                                    "unpaid": ("等待买家付款", "订单未关闭", Decimal(0)),
                                    "cancelled": ("交易关闭", "买家未付款", Decimal(0))}[o.kind]
        cells = dict.fromkeys(QIANNIU, "")
        cells.update({"订单编号": o.id, "买家实付金额": f"{paid_col:.2f}", "订单状态": status, "收货人姓名": "李**",
                      "订单创建时间": _t(o.placed), "订单付款时间": _t(o.pay_time), "店铺名称": "云杉小铺",
                      "订单关闭原因": reason, "退款金额": f"{o.refund:.2f}", "总金额": f"{o.paid:.2f}"})
        sheet.append(list(cells.values()))
        truth.add("淘宝", o, account=False)
    path = folder / f"ExportOrderList{rng.randint(10**10, 10**11 - 1)}.xlsx"
    book.save(path)
    return path


JD = _headers("订单号|商品ID|商品名称|订购数量|支付方式|下单时间|京东价|订单金额|"
      "结算金额|余额支付|应付金额|订单状态|订单类型|下单帐号|客户姓名|客户地址|"
      "联系电话|订单备注|发票类型|发票抬头|发票内容|商家备注|"
      "商家备注等级（等级1-5为由高到低）|运费金额|付款确认时间|增值税发票|货号|"
      "订单完成时间|订单来源|订单渠道|送装服务|服务费|仓库id|仓库名称")


def write_jd(folder: Path, rng: random.Random, truth: Truth, count: int = 60) -> Path:
    """京东: GBK CSV, one row per SKU with the order totals repeated; split parents beside their children."""
    orders = make_orders(rng, count, lambda n: str(11_700_000_000 + n * 37), multi=True)
    rows = []

    def emit(o: Order, status: str, remark: str = "", paid: bool = True) -> None:
        for i, price in enumerate(o.items):
            cells = dict.fromkeys(JD, "")
            cells.update({"订单号": o.id, "商品ID": str(100_000 + i), "商品名称": f"商品{i}", "订购数量": "1",
                          "下单时间": _t(o.placed), "京东价": f"{price:.2f}", "订单金额": f"{o.list_price:.2f}",
                          "应付金额": f"{o.paid:.2f}", "订单状态": status, "下单帐号": o.account, "客户姓名": "张**",
                          "联系电话": "139****0001", "商家备注": remark, "运费金额": f"{o.shipping:.2f}",
                          "付款确认时间": _t(o.pay_time) if paid else ""})
            rows.append(list(cells.values()))

    for n, o in enumerate(orders):
        if o.kind == "partial":  # JD has no refund column: paid orders here are paid, or cancelled = refunded
            o.kind = "paid"
        status = {"paid": rng.choice(("完成", "等待确认收货", "等待出库")), "refunded": "已取消", "unpaid": "等待付款",
                  "cancelled": "已取消"}[o.kind]
        if o.kind == "paid" and len(o.items) >= 2 and n % 3 == 0:  # split: parent kept (deleted), children counted
            children = [Order(str(int(o.id) + k + 1), o.account, o.placed, "paid", [item], Decimal(0), item)
                        for k, item in enumerate(o.items)]
            children[0].shipping = o.shipping
            emit(o, "(删除)等待出库", "订单拆分为  " + "    ".join(c.id for c in children))
            for child in children:
                emit(child, "等待确认收货")
                truth.add("京东", child, account=True)
            continue
        emit(o, status, paid=o.pay_time is not None)
        truth.add("京东", o, account=True)
    path = folder / f"{rng.randint(10**7, 10**8 - 1)}.csv"
    _write_csv(path, JD, rows, "gbk")
    return path


DOUYIN = _headers("主订单编号|子订单编号|选购商品|商品规格|商品数量|商品ID|商家编码|"
          "商品单价|订单应付金额|运费|优惠总金额|平台优惠|商家优惠|达人优惠|"
          "商家改价|支付优惠|红包抵扣|支付方式|手续费|收件人|收件人手机号|省|市|"
          "区|街道|详细地址|订单提交时间|订单完成时间|支付完成时间|APP渠道|"
          "流量来源|订单状态|承诺发货时间|订单类型|达人ID|达人昵称|所属门店ID|"
          "售后状态|取消原因|发货时间|降价类优惠|平台实际承担优惠金额|"
          "商家实际承担优惠金额|达人实际承担优惠金额")


def write_douyin(folder: Path, rng: random.Random, truth: Truth, count: int = 60, bom: bool = True) -> Path:
    """抖店 标准报表: UTF-8 CSV, one row per 子订单, ids with a leading tab, no buyer account."""
    orders = make_orders(rng, count, lambda n: str(6_853_489_890_610_190_000 + n * 101), multi=True)
    rows = []
    for o in orders:
        status = {"paid": rng.choice(("已完成", "已发货", "待发货")), "partial": "已完成", "refunded": "已关闭",
                  "unpaid": "待支付", "cancelled": "已关闭"}[o.kind]
        last = len(o.items) - 1
        for i, price in enumerate(o.items):  # shipping rides on the last sub-order; a partial refund is the first
            cells = dict.fromkeys(DOUYIN, "")
            after = "退款成功" if o.kind == "refunded" or (o.kind == "partial" and i == 0) else "-"
            shipping = o.shipping if i == last else Decimal(0)
            cells.update({"主订单编号": f"\t{o.id}", "子订单编号": f"\t{int(o.id) + i + 1}", "选购商品": f"商品{i}",
                          "商品数量": "1", "商品单价": f"{price:.2f}", "订单应付金额": f"{price + shipping:.2f}",
                          "运费": f"{shipping:.2f}", "收件人": "赵**", "收件人手机号": "138****5443",
                          "订单提交时间": _t(o.placed), "支付完成时间": _t(o.pay_time), "订单状态": status,
                          "售后状态": after, "取消原因": "超时未支付" if o.kind == "cancelled" else ""})
            rows.append(list(cells.values()))
        truth.add("抖音", o, account=False)
    path = folder / f"{rng.randint(1_700_000_000, 1_800_000_000)}_{rng.getrandbits(128):032x}fzOmjPIk.csv"
    _write_csv(path, DOUYIN, rows, "utf-8-sig" if bom else "utf-8", newline="\n")
    return path


PDD = _headers("商品|订单号|订单状态|商品总价(元)|邮费(元)|店铺优惠折扣(元)|"
       "平台优惠折扣(元)|多多支付立减金额(元)|用户实付金额(元)|"
       "商家实收金额(元)|商品数量(件)|发货时间|确认收货时间|商品id|商品规格|"
       "样式ID|商家编码-规格维度|商家编码-商品维度|商家备注|售后状态|快递单号|"
       "快递公司|订单成交时间|是否分期|分期期数|手续费承担方|分期方式")


def write_pinduoduo(folder: Path, rng: random.Random, truth: Truth, count: int = 60) -> Path:
    """拼多多: UTF-8 with BOM, LF, unquoted; a tab after every number and a lone tab in empty cells."""
    orders = make_orders(rng, count, lambda n: f"25{n % 12 + 1:02d}07-{400_000_000_000_000 + n * 7919}")
    rows = []
    for o in orders:
        if o.kind == "partial":
            o.kind = "refunded"
        status = {"paid": rng.choice(("已收货", "已发货，待收货", "待发货")),
                  "refunded": rng.choice(("未发货，退款成功", "已发货，退款成功", "已收货，退款成功")),
                  "unpaid": "待付款", "cancelled": "已取消"}[o.kind]
        cells = dict.fromkeys(PDD, "\t")
        cells.update({"商品": "商品0", "订单号": o.id, "订单状态": status, "商品总价(元)": f"{float(o.items[0])}\t",
                      "邮费(元)": f"{float(o.shipping)}\t", "用户实付金额(元)": f"{float(o.paid)}\t",
                      "商家实收金额(元)": f"{float(o.paid + 2)}\t", "商品数量(件)": "1\t",
                      "售后状态": "退款成功" if o.kind == "refunded" else "无售后或售后取消",
                      "订单成交时间": _t(o.pay_time, "\t"), "快递单号": "600000000000\t"})
        rows.append(list(cells.values()))
        truth.add("拼多多", o, account=False)
    path = folder / f"{rng.getrandbits(36):x}orders_export2026-01-0{rng.randint(1, 9)}-17-15-09.csv"
    _write_csv(path, PDD, rows, "utf-8-sig", newline="\n")
    return path


WEIXIN = _headers("订单号|订单下单时间|订单发货时间|订单确认收货时间|订单完成结算时间|"
          "订单状态|发货方式|收件人姓名|收件人地址|省|市|区|收件人手机|买家备注|"
          "商家备注|打标颜色|商品总价|订单实际支付金额|订单实际收款金额|订单运费|"
          "商品优惠|跨店优惠|商品改价|积分抵扣|支付方式|支付时间|交易单号|物流公司|"
          "快递单号|技术服务费|商品名称|商品编码(平台)|商品编码(自定义)|"
          "SKU编码(自定义)|商品属性|商品价格(单件)|商品实际价格(单件)|"
          "商品实际价格(总共)|是否预售|商品数量|商品发货|商品售后|商品已退款金额")


def write_weixin(folder: Path, rng: random.Random, truth: Truth, count: int = 60,
                 sheets: tuple[str, ...] = ("快递订单",)) -> Path:
    """微信小店: xlsx, sheet 快递订单 (orders spread over `sheets`), text cells, '-' for an empty time, no buyer
    account."""
    import openpyxl

    orders = make_orders(rng, count, lambda n: str(3_718_000_000_000_000_000 + n * 1_000_003))
    book = openpyxl.Workbook()
    book.active.title = sheets[0]
    for name in sheets[1:]:
        book.create_sheet(name)
    for name in sheets:
        book[name].append(WEIXIN)
    for n, o in enumerate(orders):
        sheet = book[sheets[n % len(sheets)]]
        status = {"paid": rng.choice(("已完成", "已发货", "待发货")), "partial": "已完成", "refunded": "已取消",
                  "unpaid": "待付款", "cancelled": "已取消"}[o.kind]
        cells = dict.fromkeys(WEIXIN, "-")
        cells.update({"订单号": o.id, "订单下单时间": _t(o.placed), "订单状态": status, "收件人姓名": "张**",
                      "收件人手机": "138****1234", "订单实际支付金额": f"{o.paid:.2f}", "订单运费": f"{o.shipping:.2f}",
                      "支付时间": _t(o.pay_time, "-"), "商品已退款金额": f"{o.refund:.2f}", "商品数量": "1"})
        sheet.append(list(cells.values()))
        truth.add("微信小店", o, account=False)
    path = folder / f"微信小店订单_wx{rng.getrandbits(64):016x}_2026年01月05日20时12分55秒_1.xlsx"
    book.save(path)
    return path


def write_all(folder: Path, seed: int = 7) -> Truth:
    """One export of each of the five platforms, as downloaded, into folder."""
    rng, truth = random.Random(seed), Truth()
    folder.mkdir(parents=True, exist_ok=True)
    for writer in (write_taobao, write_jd, write_douyin, write_pinduoduo, write_weixin):
        writer(folder, rng, truth)
    return truth
