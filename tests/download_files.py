"""Synthetic back-office downloads of one shop, written from ../shared/DATA-DOWNLOADS.md and PLATFORM-EXPORTS.md:
order exports of five platforms with their order lines, an ERP product list, daily traffic of five platforms and
ad reports of four ad platforms, in the layouts described there (title rows, 合计 rows, text percentages,
thousands separators, several date forms, GBK, ZIP, xls and xlsx). Every name, code and figure is made up; the
writer keeps its own ground truth.
"""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from platform_exports import DOUYIN, JD, PDD, TAOBAO, WEIXIN

CATEGORIES = ("连衣裙", "上衣", "裤装", "鞋靴", "配饰")
TAOBAO_LINES = ["订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性", "套餐信息", "备注", "订单状态",
                "商家编码", "商品id", "买家应付货款", "买家实际支付金额", "退款状态", "退款金额", "主订单编号",
                "子订单编号", "宝贝总数量", "物流单号", "发货时间", "卖家服务费", "店铺名称", "是否主动赔付",
                "主动赔付金额", "主动赔付出账时间", "商品状态", "支付单号", "订单创建时间"]
JUSHUITAN = ["图片", "款式编码", "商品编码", "商品名称", "商品简称", "颜色及规格", "基本售价", "成本价", "品牌", "分类",
             "虚拟分类", "商品状态", "修改时间"]


@dataclass
class Sku:
    code: str
    style: str
    title: str
    category: str
    price: Decimal


def catalogue() -> list[Sku]:
    """Five categories, three styles each, two sizes per style; some codes start with 0 (kept as text)."""
    skus = []
    for c, category in enumerate(CATEGORIES):
        for s in range(3):
            style = f"{'0' if s == 2 else 'YS'}{880 + c * 10 + s:04d}"
            for size in ("M", "L"):
                price = Decimal(59 + c * 40 + s * 15)
                skus.append(Sku(f"{style}-{size}", style, f"云杉{category}{s + 1}号 {size}码", category, price))
    return skus


@dataclass
class Line:
    sku: Sku
    paid: Decimal  # what the buyer paid for the line after discounts


@dataclass
class Order:
    id: str
    placed: datetime
    kind: str  # paid, partial, refunded, unpaid, cancelled
    lines: list[Line]
    shipping: Decimal

    @property
    def goods(self) -> Decimal:
        return sum((x.paid for x in self.lines), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.goods + self.shipping

    @property
    def refund(self) -> Decimal:
        return {"refunded": self.total, "partial": self.lines[0].paid}.get(self.kind, Decimal(0))

    @property
    def paid_time(self) -> datetime | None:
        return None if self.kind in ("unpaid", "cancelled") else self.placed + timedelta(minutes=2)


@dataclass
class ShopTruth:
    """Per year: GMV per channel, category GMV as the platforms state it, traffic and ad sums."""

    gmv: dict = field(default_factory=lambda: defaultdict(Decimal))  # (year, channel)
    category: dict = field(default_factory=lambda: defaultdict(Decimal))  # (year, category)
    daily: dict = field(default_factory=dict)  # (channel, day) → (visitors, paying buyers): the later download
    spend: dict = field(default_factory=lambda: defaultdict(Decimal))  # (year, ad platform)
    attributed: dict = field(default_factory=lambda: defaultdict(Decimal))
    clicks: dict = field(default_factory=lambda: defaultdict(int))

    def traffic(self, year: int, channel: str) -> tuple[int, int]:
        """Visitors and paying buyers of a channel's days in the year (each day once)."""
        got = [v for (c, day), v in self.daily.items() if c == channel and day.year == year]
        return sum(v[0] for v in got), sum(v[1] for v in got)


KINDS = ("paid",) * 12 + ("partial", "refunded", "unpaid", "cancelled")


def make_orders(rng: random.Random, year: int, count: int, first_id: int, skus: list[Sku], lines: int = 3,
                same_category: bool = False) -> list[Order]:
    orders = []
    for n in range(count):
        kind = KINDS[n % len(KINDS)]
        picked = rng.sample(skus, rng.randint(1, lines))
        if same_category:
            picked = [s for s in picked if s.category == picked[0].category]
        if kind == "partial" and len(picked) < 2:
            kind = "paid"
        got = [Line(s, (s.price * Decimal(rng.choice((100, 90, 85))) / 100).quantize(Decimal("0.01")))
               for s in picked]
        placed = datetime(year, 1, 1, 8) + timedelta(minutes=rng.randint(0, 364 * 24 * 60 - 600))
        orders.append(Order(str(first_id + n * 7), placed, kind, got, Decimal(rng.choice((0, 0, 6, 10)))))
    return orders


def _t(when: datetime | None, empty: str = "") -> str:
    return f"{when:%Y-%m-%d %H:%M:%S}" if when else empty


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8", newline: str = "\r\n") -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows([[str(c) for c in r] for r in rows])
    path.write_bytes(buffer.getvalue().encode(encoding))


def write_xlsx(path: Path, rows: list[list], start_col: int = 0) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append([None] * start_col + list(row))
    book.save(path)


def write_xls(path: Path, rows: list[list]) -> None:
    """A BIFF8 .xls with every cell text, as 拼多多 and 生意参谋 downloads are."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet0")
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            sheet.write(r, c, str(cell))
    book.save(str(path))


def write_table(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    """By the file's suffix: .csv (in encoding), .xlsx, .xls, or .zip holding one GB18030 CSV."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        write_csv(path, rows, encoding)
    elif suffix == ".xlsx":
        write_xlsx(path, rows)
    elif suffix == ".xls":
        write_xls(path, rows)
    else:
        inner = io.StringIO()
        csv.writer(inner, lineterminator="\r\n").writerows(rows)
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(path.stem + ".csv", inner.getvalue().encode("gb18030"))
    return path


# --- order exports and their lines ---

def write_taobao(folder: Path, year: int, orders: list[Order], truth: ShopTruth) -> None:
    """订单报表 (GBK, 买家实际支付金额 already reduced by 退款金额) and its 28-column 宝贝报表 with per-line amounts."""
    words = {"paid": "交易成功", "partial": "交易成功", "refunded": "交易关闭", "unpaid": "等待买家付款",
             "cancelled": "交易关闭"}
    rows, lines = [TAOBAO], [TAOBAO_LINES]
    for o in orders:
        cells = dict.fromkeys(TAOBAO, "")
        cells.update({"订单编号": f'="{o.id}"', "买家会员名": f"tb_{int(o.id) % 97}", "买家应付货款": f"{o.goods:.2f}",
                      "买家应付邮费": f"{o.shipping:.2f}", "总金额": f"{o.total:.2f}",
                      "买家实际支付金额": f"{(o.total - o.refund) if o.paid_time else Decimal(0):.2f}",
                      "订单状态": words[o.kind], "订单创建时间": _t(o.placed), "订单付款时间 ": _t(o.paid_time),
                      "店铺名称": "云杉小铺", "订单关闭原因": "退款" if o.kind == "refunded" else "订单未关闭",
                      "退款金额": f"{o.refund:.2f}"})
        rows.append(list(cells.values()))
        for i, line in enumerate(o.lines):
            refunded = o.kind == "refunded" or (o.kind == "partial" and i == 0)
            cells = dict.fromkeys(TAOBAO_LINES, "")
            cells.update({"订单编号": f'="{o.id}"', "标题": line.sku.title, "价格": f"{line.sku.price:.2f}",
                          "购买数量": "1", "商家编码": line.sku.code, "商品id": f"6{line.sku.code[-6:-2]}0012",
                          "买家应付货款": f"{line.paid:.2f}",
                          "买家实际支付金额": f"{Decimal(0) if refunded else line.paid:.2f}",
                          "退款状态": "退款成功" if refunded else "无退款申请",
                          "退款金额": f"{line.paid if refunded else Decimal(0):.2f}", "订单状态": words[o.kind],
                          "订单创建时间": _t(o.placed)})
            lines.append(list(cells.values()))
        if o.paid_time:
            truth.gmv[(year, "淘宝")] += o.total
            for line in o.lines:
                truth.category[(year, line.sku.category)] += line.paid
    write_csv(folder / f"ExportOrderList{year}12310930.csv", rows, "gbk")
    write_csv(folder / f"ExportOrderDetailList{year}12310930.csv", lines, "gbk")


def write_jd(folder: Path, year: int, orders: list[Order], truth: ShopTruth) -> None:
    """One row per SKU, order totals repeated, no per-line amount: single-category orders count whole."""
    words = {"paid": "完成", "partial": "完成", "refunded": "已取消", "unpaid": "等待付款", "cancelled": "已取消"}
    rows = [JD]
    for o in orders:
        for line in o.lines:
            cells = dict.fromkeys(JD, "")
            cells.update({"订单号": o.id, "商品ID": f"10{line.sku.code[-6:-2]}77", "商品名称": line.sku.title,
                          "订购数量": "1", "下单时间": _t(o.placed), "京东价": f"{line.sku.price:.2f}",
                          "订单金额": f"{o.total:.2f}", "应付金额": f"{o.total:.2f}", "订单状态": words[o.kind],
                          "下单帐号": f"jd_{int(o.id) % 89}", "运费金额": f"{o.shipping:.2f}",
                          "付款确认时间": _t(o.paid_time), "货号": line.sku.style})
            rows.append(list(cells.values()))
        if o.paid_time:
            truth.gmv[(year, "京东")] += o.total
            kinds = {x.sku.category for x in o.lines}
            if len(kinds) == 1:
                truth.category[(year, kinds.pop())] += o.total
    write_csv(folder / f"{year}0101_{year}1231_jd_orders.csv", rows, "gbk")


def write_douyin(folder: Path, year: int, orders: list[Order], truth: ShopTruth) -> None:
    words = {"paid": "已完成", "partial": "已完成", "refunded": "已关闭", "unpaid": "待支付", "cancelled": "已关闭"}
    rows = [DOUYIN]
    for o in orders:
        last = len(o.lines) - 1
        for i, line in enumerate(o.lines):
            amount = line.paid + (o.shipping if i == last else 0)
            after = "退款成功" if o.kind == "refunded" or (o.kind == "partial" and i == 0) else "-"
            cells = dict.fromkeys(DOUYIN, "")
            cells.update({"主订单编号": f"\t{o.id}", "子订单编号": f"\t{int(o.id) + i + 1}", "选购商品": line.sku.title,
                          "商品数量": "1", "商品ID": f"\t3{line.sku.code[-6:-2]}99", "商家编码": line.sku.code,
                          "商品单价": f"{line.sku.price:.2f}", "订单应付金额": f"{amount:.2f}",
                          "运费": f"{o.shipping if i == last else 0:.2f}", "订单提交时间": _t(o.placed),
                          "支付完成时间": _t(o.paid_time), "订单状态": words[o.kind], "售后状态": after})
            rows.append(list(cells.values()))
            if o.paid_time:
                truth.category[(year, line.sku.category)] += amount
        if o.paid_time:
            truth.gmv[(year, "抖音")] += o.total
    write_csv(folder / f"{1_700_000_000 + year}_douyin.csv", rows, "utf-8-sig", "\n")


def write_pinduoduo(folder: Path, year: int, orders: list[Order], truth: ShopTruth) -> None:
    words = {"paid": "已收货", "partial": "已收货", "refunded": "已收货，退款成功", "unpaid": "待付款",
             "cancelled": "已取消"}
    rows = [PDD]
    for o in orders:
        o.lines = o.lines[:1]
        line = o.lines[0]
        cells = dict.fromkeys(PDD, "\t")
        cells.update({"商品": line.sku.title, "订单号": f"{o.placed:%y%m%d}-{o.id}", "订单状态": words[o.kind],
                      "商品总价(元)": f"{line.sku.price}\t", "邮费(元)": f"{o.shipping}\t",
                      "用户实付金额(元)": f"{o.total}\t", "商品数量(件)": "1\t", "商品id": f"5{line.sku.code[-6:-2]}1",
                      "商家编码-规格维度": line.sku.code, "商家编码-商品维度": line.sku.style,
                      "售后状态": "退款成功" if o.kind == "refunded" else "无售后或售后取消",
                      "订单成交时间": _t(o.paid_time, "\t")})
        rows.append(list(cells.values()))
        if o.paid_time:
            truth.gmv[(year, "拼多多")] += o.total
            truth.category[(year, line.sku.category)] += o.total
    write_csv(folder / f"pdd_orders_export{year}-12-31.csv", rows, "utf-8-sig", "\n")


def write_weixin(folder: Path, year: int, orders: list[Order], truth: ShopTruth) -> None:
    words = {"paid": "已完成", "partial": "已完成", "refunded": "已取消", "unpaid": "待付款", "cancelled": "已取消"}
    rows = [WEIXIN]
    for o in orders:
        o.lines = o.lines[:1]
        line = o.lines[0]
        cells = dict.fromkeys(WEIXIN, "-")
        cells.update({"订单号": o.id, "订单下单时间": _t(o.placed), "订单状态": words[o.kind],
                      "订单实际支付金额": f"{o.total:.2f}", "订单运费": f"{o.shipping:.2f}",
                      "支付时间": _t(o.paid_time, "-"), "商品已退款金额": f"{o.refund:.2f}", "商品名称": line.sku.title,
                      "商品编码(平台)": f"wx{line.sku.code}", "商品编码(自定义)": line.sku.style,
                      "SKU编码(自定义)": line.sku.code, "商品实际价格(总共)": f"{line.paid:.2f}", "商品数量": "1"})
        rows.append(list(cells.values()))
        if o.paid_time:
            truth.gmv[(year, "微信小店")] += o.total
            truth.category[(year, line.sku.category)] += line.paid
    write_xlsx(folder / f"微信小店订单_{year}年12月31日.xlsx", rows)


def write_products(path: Path, skus: list[Sku], leave_out: int = 0) -> Path:
    """聚水潭 商品资料: 商品编码 (SKU) → 分类; the last `leave_out` SKUs are missing from it."""
    rows = [JUSHUITAN]
    for sku in skus[:len(skus) - leave_out]:
        cells = dict.fromkeys(JUSHUITAN, "")
        cells.update({"图片": '=DISPIMG("ID_1",1)', "款式编码": sku.style, "商品编码": sku.code, "商品名称": sku.title,
                      "基本售价": f"{sku.price:.2f}", "分类": sku.category, "虚拟分类": "主推", "商品状态": "启用"})
        rows.append(list(cells.values()))
    return write_table(path, rows)


# --- daily traffic ---

def day_text(day: date, form: str) -> str:
    return {"iso": f"{day:%Y-%m-%d}", "compact": f"{day:%Y%m%d}", "slash": f"{day.year}/{day.month}/{day.day}",
            "cn": f"{day.year}年{day.month}月{day.day}日", "datetime": f"{day:%Y-%m-%d} 00:00:00",
            "serial": str((day - date(1899, 12, 30)).days)}[form]


def number_text(value, thousands: bool, decimals: int = 0) -> str:
    return f"{value:,.{decimals}f}" if thousands else f"{value:.{decimals}f}"


@dataclass
class Style:
    """How a download is laid out: the variants DATA-DOWNLOADS.md lists."""

    title_rows: int = 0
    total: str = ""  # "first" or "last": a 合计/总计 row
    total_word: str = "合计"
    date_form: str = "iso"
    thousands: bool = False
    newest_first: bool = False
    repeat_header: bool = False


def layout(headers: list[str], body: list[list], style: Style, title: str = "") -> list[list]:
    rows = list(reversed(body)) if style.newest_first else list(body)
    if style.repeat_header and len(rows) > 3:
        rows.insert(len(rows) // 2, headers)
    if style.total:
        total = [style.total_word] + ["" for _ in headers[1:]]
        rows = [total, *rows] if style.total == "first" else [*rows, total]
    titles = [[title or "报表"], ["统计日期：见下表"], ["店铺：云杉小铺"], [""], ["说明：数据仅供参考"], [""], [""]]
    return titles[:style.title_rows] + [headers] + rows


TRAFFIC = {  # channel → (headers: date, visitors, page views, paying buyers, rate), rate as text
    "淘宝": ("统计日期", "访客数", "浏览量", "支付买家数", "支付转化率"),
    "京东": ("日期", "访客数-全部渠道", "浏览量-全部渠道", "成交客户数-全部渠道", "成交转化率-全部渠道"),
    "抖音": ("日期", "商品点击人数", "商品曝光人数", "成交人数", "商品点击-成交转化率(人数)"),
    "拼多多": ("日期", "店铺访客数", "店铺浏览量", "成交买家数", "成交转化率"),
    "微信小店": ("日期", "访客数", "商品浏览量", "支付人数", "访问-支付转化率"),
}


def traffic_rows(rng: random.Random, channel: str, days: list[date], truth: ShopTruth, style: Style,
                 count: bool = True) -> list[list]:
    headers = list(TRAFFIC[channel])
    body = []
    for day in days:
        visitors = rng.randint(150, 400)
        views, buyers = visitors * rng.randint(2, 4), max(1, visitors * rng.randint(20, 50) // 1000)
        rate = f"{buyers / visitors * 100:.2f}%"
        body.append([day_text(day, style.date_form), number_text(visitors, style.thousands),
                     number_text(views, style.thousands), str(buyers), rate])
        if count:
            truth.daily[(channel, day)] = (visitors, buyers)
    if channel == "抖音":  # 载体 rows: 全部 is the day; 直播/商品卡 are parts of it
        headers.insert(1, "载体类型")
        body = [r[:1] + [kind] + (r[1:] if kind == "全部" else [str(int(r[1].replace(",", "")) // 2), "", "0", ""])
                for r in body for kind in ("全部", "直播", "商品卡")]
    return layout(headers, body, style, f"{channel}流量")


# --- ad reports ---

ADS = {  # ad platform → (headers: date, spend, clicks, attributed GMV, ROI)
    "万相台无界": ("日期", "花费", "点击量", "总成交金额", "投入产出比"),
    "巨量千川": ("日期", "整体消耗", "整体点击次数", "整体成交金额", "整体支付ROI"),
    "京准通": ("日期", "花费", "点击数", "总订单金额", "ROI"),
    "多多推广": ("日期", "成交花费(元)", "点击量", "交易额(元)", "实际投产比"),
}
CUTS = {"万相台无界": ("场景ID", "场景名字", ("371", "关键词推广"), ("372", "人群推广")),
        "巨量千川": ("商品ID", "商品名称", ("3712345678901234567", "云杉连衣裙"), ("3712345678901234999", "云杉上衣"))}


def ad_rows(rng: random.Random, platform: str, days: list[date], truth: ShopTruth, style: Style) -> list[list]:
    headers = list(ADS[platform])
    cuts = CUTS.get(platform)
    keys = cuts[2:] if cuts else [None]
    body = []
    for key in keys:
        part = []
        for day in days:
            spend = Decimal(rng.randint(1000, 4000)) / 100
            clicks = rng.randint(50, 900)
            claimed = (spend * Decimal(rng.randint(150, 600)) / 100).quantize(Decimal("0.01"))
            roi = f"{claimed / spend:.2f}" if spend else ""
            part.append([day_text(day, style.date_form), number_text(spend, style.thousands, 2),
                         number_text(clicks, style.thousands), number_text(claimed, style.thousands, 2), roi])
            truth.spend[(day.year, platform)] += spend
            truth.clicks[(day.year, platform)] += clicks
            truth.attributed[(day.year, platform)] += claimed
        if platform == "巨量千川":  # per product: a 全部 row first, then its days
            part.insert(0, ["全部", "1", "1", "1", "1"])
        body += [[*(list(key) if key else []), *row] for row in part] if key else part
    if cuts:
        headers = [*cuts[:2], *headers]
        headers[0], headers[2] = headers[2], headers[0]  # 日期 first, as 营销场景报表 has it
        body = [[r[2], r[1], r[0], *r[3:]] if platform == "万相台无界" else r for r in body]
        if platform == "巨量千川":
            headers = [cuts[0], cuts[1], *ADS[platform]]
    return layout(headers, body, style, f"{platform}报表")


def year_days(year: int) -> list[date]:
    start = date(year, 1, 1)
    return [start + timedelta(days=i) for i in range((date(year + 1, 1, 1) - start).days)]


def write_shop(folder: Path, years=(2024, 2025), seed: int = 11, orders: int = 400) -> ShopTruth:
    """One shop's downloads for the years: what a team puts in its data folder."""
    rng, truth, skus = random.Random(seed), ShopTruth(), catalogue()
    folder.mkdir(parents=True, exist_ok=True)
    for y, year in enumerate(years):
        base = 10 ** 12 * (y + 1)
        write_taobao(folder, year, make_orders(rng, year, orders, 3_900_000_000_000_000_000 + base, skus), truth)
        write_jd(folder, year, make_orders(rng, year, orders // 2, 29_000_000_000 + base // 10**3, skus,
                                           same_category=y == 0), truth)
        write_douyin(folder, year, make_orders(rng, year, orders, 6_900_000_000_000_000_000 + base, skus), truth)
        write_pinduoduo(folder, year, make_orders(rng, year, orders // 2, 400_000_000_000 + base // 10**2, skus),
                        truth)
        write_weixin(folder, year, make_orders(rng, year, orders // 4, 3_700_000_000_000_000_000 + base, skus),
                     truth)
        days = year_days(year)
        # 生意参谋: overlapping "最近30天" xlsx downloads (2025) or one classic .xls with 5 title rows (2024)
        if year == years[-1]:
            for start in range(0, len(days), 28):
                window = days[start:start + 30]
                rows = traffic_rows(rng, "淘宝", window, truth, Style(thousands=True))
                name = folder / f"日报_{window[-1]:%Y%m%d}_9f0c1e2d3b4a5968778695a4b3c2d1e0.xlsx"
                if name.exists():  # downloaded twice on one day: the browser adds " (1)"
                    name = name.with_name(f"{name.stem} (1).xlsx")
                write_table(name, rows)
        else:
            write_table(folder / f"【生意参谋平台】店铺整体日报-{year}-01-01_{year}-12-31.xls",
                        traffic_rows(rng, "淘宝", days, truth, Style(title_rows=5, date_form="datetime")))
        gap = [d for d in days if not (date(year, 3, 3) <= d <= date(year, 3, 5))]
        write_table(folder / f"京东商智_店铺_{year}0101_{year}1231.xls",
                    traffic_rows(rng, "京东", gap, truth, Style(date_form="compact")))
        write_table(folder / f"罗盘经营_{year}_01_01~{year}_12_31.csv",
                    traffic_rows(rng, "抖音", days, truth, Style(date_form="slash", total="first")), "utf-8-sig")
        write_table(folder / f"拼多多流量数据_{year}.xlsx",
                    traffic_rows(rng, "拼多多", days, truth, Style(title_rows=1, total="last", total_word="总计",
                                                                  thousands=True)))
        write_table(folder / f"微信小店数据_{year}.csv",
                    traffic_rows(rng, "微信小店", days, truth, Style(date_form="cn")), "gbk")
        write_table(folder / f"营销场景报表_{year}1231_101500.zip",
                    ad_rows(rng, "万相台无界", days, truth, Style(newest_first=True)))
        write_table(folder / f"全域推广数据_商品_{year}-01-01 00_00_00-{year}-12-31 23_59_59-7451234567890123456.xlsx",
                    ad_rows(rng, "巨量千川", days, truth, Style(thousands=True)))
        write_table(folder / f"京准通_推广报表_{year}.csv",
                    ad_rows(rng, "京准通", days, truth, Style(title_rows=1, date_form="compact", repeat_header=True,
                                                             total="last", total_word="汇总")), "utf-8-sig")
        write_table(folder / f"商品推广_账户_分天数据_{year}0101至{year}1231.xls",
                    ad_rows(rng, "多多推广", days, truth, Style(newest_first=True, total="last", total_word="总计")))
    write_products(folder / "聚水潭商品资料（最新）.xlsx", skus)
    return truth
