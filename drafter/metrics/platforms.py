"""What each platform's order export looks like and means: one declarative entry per export format.

Facts behind each entry: ../shared/PLATFORM-EXPORTS.md. Adding a platform or a new export version is one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass

# A time (or amount) cell that says "none": empty, '-', or a lone tab (cleaned to empty before this is asked).
NO_TIME = ("", "-", "--", "null", "nan", "none")

# 天猫 shop names must end in one of these shop types; a 淘宝 C shop may not use them.
TMALL_SHOP = r"(旗舰店|专卖店|专营店|天猫)"


@dataclass(frozen=True)
class Rule:
    """Rows whose cells match every (header, regex) pair; the reason is shown by `drafter data check`."""

    when: tuple[tuple[str, str], ...]
    reason: str
    everywhere: bool = False  # these ids are no orders in any file (a split parent downloaded before its split)


@dataclass(frozen=True)
class Platform:
    """One export format: how to recognise it and how to read orders out of it."""

    key: str
    title: str
    channel: str
    # Headers that must all be present (trimmed); the longest match wins. Here and in the columns below, "A|B"
    # names the same thing in different export versions: the first one present is used.
    signature: tuple[str, ...]
    order_id: str  # the main order's id (sub-order rows repeat it)
    amount: str  # what the buyer paid
    paid_time: str  # set when the order was paid: the order counts, and its time is this one
    placed_time: str
    status: str
    # A buyer account column, read when the file has it (signatures leave it out: a version without one is still
    # an order export); None: the format has none (masked names and phones are no account).
    buyer: str | None = None
    sum_rows: bool = False  # True: one row per sub-order, the order paid the sum; False: order totals repeat per row
    refund_amount: str | None = None  # a column holding the refunded money
    refund_moved: bool = False  # 淘宝: a refunded, closed order shows 0 paid; its money moved to the refund column
    # 淘宝: what the buyer was charged (goods + shipping); a partly refunded order shows paid already reduced by its
    # refund, so paid + refunded = charged tells a reduced row from one still showing all of its money
    charged: tuple[str, ...] = ()
    refund_words: tuple[tuple[str, str], ...] = ()  # (header, regex): a paid row matching one is refunded in full
    closed: str = ""  # regex on the status: closed or cancelled (paid: refunded; unpaid: cancelled)
    drop: tuple[Rule, ...] = ()  # rows that are not orders of their own
    shop: str | None = None  # shop name column, for [channels] in drafter.toml
    shop_channels: tuple[tuple[str, str], ...] = ()  # (regex on the shop name, channel) before the default
    note: str = ""  # a recognised export that holds no orders to read: why it is left out


PLATFORMS: tuple[Platform, ...] = (
    Platform(
        key="taobao", title="淘宝/天猫 订单报表", channel="淘宝",
        signature=("订单编号", "买家实际支付金额", "订单付款时间", "订单状态"),
        order_id="订单编号", amount="买家实际支付金额", paid_time="订单付款时间", placed_time="订单创建时间",
        status="订单状态", buyer="买家会员名", refund_amount="退款金额", refund_moved=True,
        charged=("买家应付货款", "买家应付邮费"), closed=r"交易关闭", shop="店铺名称",
        shop_channels=((TMALL_SHOP, "天猫"),),
    ),
    Platform(
        key="taobao-xlsx", title="淘宝/天猫 订单报表（千牛新版）", channel="淘宝",
        signature=("订单编号", "买家实付金额", "订单付款时间", "订单状态"),
        order_id="订单编号", amount="买家实付金额", paid_time="订单付款时间", placed_time="订单创建时间",
        status="订单状态", buyer="买家会员名", refund_amount="退款金额", refund_moved=True, closed=r"交易关闭",
        charged=("买家应付货款", "买家应付邮费"), shop="店铺名称", shop_channels=((TMALL_SHOP, "天猫"),),
    ),
    Platform(
        key="taobao-items", title="淘宝/天猫 宝贝报表", channel="淘宝",
        signature=("订单编号", "标题", "价格", "购买数量", "商品属性"),
        order_id="订单编号", amount="价格", paid_time="", placed_time="", status="订单状态",
        note="the item-level companion of the order report (ExportOrderList…): no payment, so no orders of its "
             "own (the order report beside it gives them); its 商家编码 gives each line's category",
    ),
    Platform(
        key="jd", title="京东 订单导出", channel="京东",
        signature=("订单号", "应付金额", "付款确认时间", "订单状态"),
        order_id="订单号", amount="应付金额", paid_time="付款确认时间", placed_time="下单时间", status="订单状态",
        buyer="下单帐号", closed=r"取消",
        drop=(Rule((("订单状态", r"^\(删除\)"), ("商家备注", r"拆分")),
                   "rows of split parent orders (their child orders are counted instead)", everywhere=True),
              Rule((("订单状态", r"^\(删除\)"),), "rows of deleted orders ((删除) status)")),
    ),
    Platform(
        key="douyin", title="抖店 订单标准报表", channel="抖音",
        # 子订单编号 is not required: the 订单维度 report holds one row per main order, summed the same way.
        signature=("主订单编号", "订单应付金额", "支付完成时间", "订单状态"),
        order_id="主订单编号", amount="订单应付金额", paid_time="支付完成时间", placed_time="订单提交时间",
        status="订单状态", sum_rows=True, refund_words=(("售后状态", r"退款成功|退货退款成功|已退款"),),
        closed=r"已关闭|已取消",
    ),
    Platform(
        key="pinduoduo", title="拼多多 订单导出", channel="拼多多",
        signature=("订单号", "用户实付金额(元)", "订单成交时间|支付时间", "订单状态"),
        order_id="订单号", amount="用户实付金额(元)", paid_time="订单成交时间|支付时间", placed_time="订单成交时间",
        status="订单状态", refund_words=(("订单状态", r"退款成功"), ("售后状态", r"^退款成功")),
        closed=r"已取消",
    ),
    Platform(
        key="weixin", title="微信小店 订单导出", channel="微信小店",
        signature=("订单号", "订单下单时间", "订单实际支付金额", "支付时间", "订单状态"),
        order_id="订单号", amount="订单实际支付金额", paid_time="支付时间", placed_time="订单下单时间",
        status="订单状态", refund_amount="商品已退款金额", closed=r"已取消|已关闭",
    ),
)


# An after-sales (refund) export may repeat the order's columns: its own id column marks it, and it is not read
# as orders (refunds come from the order exports' 售后状态 / 退款金额 / 关闭原因).
AFTER_SALES = Platform(
    key="after-sales", title="售后/退款单导出", channel="", signature=("售后单号|退款单号|售后编号|退款编号",),
    order_id="", amount="", paid_time="", placed_time="", status="",
    note="an after-sales (refund) export: refunds are read from the order exports (售后状态, 退款金额, 关闭原因), "
         "not from this file",
)


def normal(header: str) -> str:
    """A header as matched: trimmed, full-width brackets as half-width, 账号 as 帐号 (both spellings occur)."""
    return header.strip().replace("（", "(").replace("）", ")").replace("账", "帐")


def present(headers, name: str | None) -> str | None:
    """The first of a column's names ("A|B") among the headers, or None."""
    return next((n for n in (name or "").split("|") if n and n in headers), None)


def recognise(headers: list[str]) -> tuple[Platform | None, str]:
    """The export format whose signature the headers hold (the most specific one), or None and why not."""
    have = set(headers)
    if present(have, AFTER_SALES.signature[0]):
        return AFTER_SALES, ""
    matches = [p for p in PLATFORMS if all(present(have, h) for h in p.signature)]
    if matches:
        return max(matches, key=lambda p: len(p.signature)), ""
    closest = max(PLATFORMS, key=lambda p: sum(bool(present(have, h)) for h in p.signature))
    if not any(present(have, h) for h in closest.signature):
        return None, "its headers match no known order export"
    missing = [h for h in closest.signature if not present(have, h)]
    return None, f"closest to {closest.title}, but it lacks {', '.join(missing)}"


def known_headers() -> set[str]:
    """Every header some signature names (to find the header row of a sheet)."""
    return {n for p in PLATFORMS for h in p.signature for n in h.split("|")}
