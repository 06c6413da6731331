"""What each traffic, ad-report, order-line and product-list download looks like: one declarative entry per format.

Facts behind each entry: ../shared/DATA-DOWNLOADS.md ("observed" there means seen in a real download or in code
reading real ones; "assumed" that nothing better was found). A new version of a download is one entry here.
In every field "A|B" names the same column in different versions: the first one present is read.
"""

from __future__ import annotations

from dataclasses import dataclass

from drafter.metrics.platforms import TMALL_SHOP, present


@dataclass(frozen=True)
class Download:
    """One download format: how to recognise it (all signature headers present) and which column means what."""

    key: str
    title: str
    kind: str  # traffic, ads, lines, products
    signature: tuple[str, ...]
    fields: tuple[tuple[str, str], ...]  # canonical field → its header(s)
    channel: str = ""  # the shop channel the rows belong to (traffic, ads, lines)
    platform: str = ""  # ads: the ad platform, the dimension its claims are stated under
    # Columns whose rows are cuts of the same day (场景, 计划, 商品, 载体): ads add spend over them; traffic people
    # counts cannot be added over them, so only a cut row named 全部/合计 is read, else the file is left out.
    cuts: tuple[str, ...] = ()
    shop: str = ""  # shop name column: 天猫 shops are told from 淘宝 ones as in the order exports
    shop_channels: tuple[tuple[str, str], ...] = ()
    assumed: bool = False  # the layout was not seen in a real download
    note: str = ""  # recognised but not read: why

    def column(self, headers, field: str) -> str | None:
        """The header read for a field, or None when the file lacks it."""
        return present(headers, dict(self.fields).get(field))


TAOBAO_SHOPS = ((TMALL_SHOP, "天猫"),)

DOWNLOADS: tuple[Download, ...] = (
    # --- daily traffic: one row per day; visitors and paying buyers as each platform defines them ---
    Download("sycm-shop", "生意参谋 店铺日报", "traffic", ("统计日期|日期", "访客数", "支付买家数"),
             (("date", "统计日期|日期"), ("visitors", "访客数"), ("page_views", "浏览量"),
              ("paid_buyers", "支付买家数"), ("sales", "支付金额")),
             channel="淘宝", shop="店铺名称", shop_channels=TAOBAO_SHOPS),
    Download("sycm-product", "生意参谋 商品报表", "traffic", ("统计日期|日期", "商品ID", "商品访客数", "支付买家数"),
             (), channel="淘宝",
             note="per-product visitors and buyers: summed over products they count one person several times; "
                  "download the shop daily report (自助分析 取数 日报) for visitors"),
    Download("sycm-sources", "生意参谋 流量来源", "traffic", ("一级来源", "访客数"), (), channel="淘宝",
             note="visitors per traffic source: a visitor arriving through two sources is in two rows; download "
                  "the shop daily report for visitors"),
    Download("jd-shop", "京东商智 店铺日报", "traffic",
             ("日期|时间", "访客数-全部渠道|访客数|访客数(UV)", "成交客户数-全部渠道|成交客户数"),
             (("date", "日期|时间"), ("visitors", "访客数-全部渠道|访客数|访客数(UV)"),
              ("page_views", "浏览量-全部渠道|浏览量|浏览量(PV)"), ("paid_buyers", "成交客户数-全部渠道|成交客户数"),
              ("sales", "成交金额-全部渠道|成交金额")),
             channel="京东", cuts=("一级渠道", "二级渠道")),
    Download("douyin-compass", "抖店罗盘 经营日报", "traffic", ("日期", "商品点击人数", "成交人数"),
             (("date", "日期"), ("visitors", "商品点击人数"), ("paid_buyers", "成交人数"),
              ("sales", "用户支付金额|成交金额")),
             channel="抖音", cuts=("载体类型", "载体"), assumed=True),
    Download("pdd-traffic", "拼多多 数据中心 流量看板", "traffic", ("日期|统计日期", "店铺访客数", "成交买家数"),
             (("date", "日期|统计日期"), ("visitors", "店铺访客数"), ("page_views", "店铺浏览量"),
              ("paid_buyers", "成交买家数"), ("sales", "成交金额")),
             channel="拼多多", assumed=True),
    Download("weixin-traffic", "微信小店 数据 店铺日报", "traffic", ("日期", "访客数", "支付人数"),
             (("date", "日期"), ("visitors", "访客数"), ("page_views", "商品浏览量"), ("paid_buyers", "支付人数"),
              ("sales", "支付金额")),
             channel="微信小店", assumed=True),
    # --- ad reports: spend, clicks and the ad platform's own attributed GMV, per day ---
    Download("alimama", "阿里妈妈 万相台无界 报表", "ads", ("日期", "花费", "总成交金额"),
             (("date", "日期"), ("spend", "花费"), ("clicks", "点击量"), ("attributed_gmv", "总成交金额")),
             channel="淘宝", platform="万相台无界",
             cuts=("场景名字|场景ID", "计划名字|计划ID", "单元名字|单元ID", "关键词|关键词ID", "人群名字|人群ID",
                   "主体ID|商品ID", "创意ID", "地域")),
    Download("qianchuan", "巨量千川 全域推广数据", "ads", ("日期", "整体消耗", "整体成交金额"),
             (("date", "日期"), ("spend", "整体消耗"), ("clicks", "整体点击次数"), ("attributed_gmv", "整体成交金额")),
             channel="抖音", platform="巨量千川", cuts=("商品ID", "计划ID")),
    Download("jzt", "京准通 推广报表", "ads", ("日期", "花费|总费用", "总订单金额"),
             (("date", "日期"), ("spend", "花费|总费用"), ("clicks", "点击数|点击量"),
              ("attributed_gmv", "总订单金额")),
             channel="京东", platform="京准通",
             cuts=("计划ID|推广计划", "单元ID|推广单元", "创意ID|推广创意", "跟单SKU ID", "人群ID", "关键词")),
    Download("jzt-site", "京准通 全站营销", "ads", ("日期", "花费", "全站ROI"),
             (("date", "日期"), ("spend", "花费"), ("clicks", "点击数|点击量"),
              ("attributed_gmv", "全站交易额|总订单金额|成交金额")),
             channel="京东", platform="京准通", cuts=("计划ID", "商品ID")),
    Download("pdd-ads", "拼多多 推广 分天数据", "ads", ("日期", "成交花费(元)", "交易额(元)"),
             (("date", "日期"), ("spend", "成交花费(元)"), ("clicks", "点击量"), ("attributed_gmv", "交易额(元)")),
             channel="拼多多", platform="多多推广", cuts=("商品ID", "推广计划|计划ID")),
    # --- order lines: the code on each line, and the line's paid amount where the platform states one ---
    Download("taobao-lines", "淘宝/天猫 宝贝报表（含金额）", "lines",
             ("订单编号", "标题", "价格", "购买数量", "商家编码", "买家应付货款"),
             (("order_id", "订单编号"), ("code", "商家编码"), ("item", "商品id|商品ID"), ("title", "标题|宝贝标题"),
              ("amount", "买家应付货款")), channel="淘宝"),
    Download("taobao-lines-classic", "淘宝/天猫 宝贝报表", "lines",
             ("订单编号", "标题", "价格", "购买数量", "商家编码"),
             (("order_id", "订单编号"), ("code", "商家编码"), ("style", "外部系统编号"), ("title", "标题")),
             channel="淘宝"),
    Download("jd-lines", "京东 订单导出（按SKU）", "lines", ("订单号", "商品ID", "京东价", "应付金额"),
             (("order_id", "订单号"), ("style", "货号"), ("item", "商品ID"), ("title", "商品名称")), channel="京东"),
    Download("douyin-lines", "抖店 订单标准报表（子订单）", "lines", ("主订单编号", "商家编码", "订单应付金额"),
             (("order_id", "主订单编号"), ("code", "商家编码"), ("item", "商品ID"), ("title", "选购商品"),
              ("amount", "订单应付金额")), channel="抖音"),
    Download("pdd-lines", "拼多多 订单导出（商品）", "lines",
             ("订单号", "商家编码-规格维度|商家编码-商品维度", "用户实付金额(元)"),
             (("order_id", "订单号"), ("code", "商家编码-规格维度"), ("style", "商家编码-商品维度"), ("item", "商品id"),
              ("title", "商品"), ("amount", "用户实付金额(元)")), channel="拼多多"),
    Download("weixin-lines", "微信小店 订单导出（商品）", "lines",
             ("订单号", "商品实际价格(总共)", "SKU编码(自定义)|商品编码(自定义)"),
             (("order_id", "订单号"), ("code", "SKU编码(自定义)"), ("style", "商品编码(自定义)"),
              ("item", "商品编码(平台)"), ("title", "商品名称"), ("amount", "商品实际价格(总共)")), channel="微信小店"),
    # --- product lists: code → category ---
    Download("jushuitan", "聚水潭 商品资料", "products", ("款式编码", "商品编码", "分类"),
             (("code", "商品编码"), ("style", "款式编码"), ("title", "商品名称"), ("category", "分类"))),
    Download("wangdiantong", "旺店通 货品档案", "products", ("商家编码", "货品编号", "分类|类目"),
             (("code", "商家编码"), ("style", "货品编号"), ("title", "货品名称"), ("category", "分类|类目")),
             assumed=True),
    Download("wanliniu", "万里牛 商品", "products", ("规格编码", "商品编码", "分类"),
             (("code", "规格编码"), ("style", "商品编码"), ("title", "商品名称"), ("category", "分类")), assumed=True),
    Download("jd-sku", "京东商智 商品明细", "products", ("SKU", "一级类目"),
             (("item", "SKU"), ("title", "SKU名称"), ("category", "一级类目"))),
    Download("product-list", "商品清单（商家编码 → 分类）", "products",
             ("商家编码|商品编码|SKU编码|货号", "分类|类目|品类|商品分类"),
             (("code", "商家编码|商品编码|SKU编码|货号"), ("style", "款式编码|货号"), ("title", "商品名称|标题"),
              ("category", "分类|类目|品类|商品分类")), assumed=True),
)


def recognise_download(headers) -> list[Download]:
    """Every download format the headers hold, the most specific first (a file can be orders and lines at once:
    only one of each kind is kept)."""
    have = set(headers)
    hits = [d for d in DOWNLOADS if all(present(have, h) for h in d.signature)]
    hits.sort(key=lambda d: -len(d.signature))
    kept: dict[str, Download] = {}
    for hit in hits:
        kept.setdefault(hit.kind, hit)
    return list(kept.values())


def closest_download(headers) -> tuple[Download, list[str]]:
    """The download format sharing most headers with a file, and the signature headers it lacks."""
    have = set(headers)
    best = max(DOWNLOADS, key=lambda d: sum(bool(present(have, h)) for h in d.signature) / len(d.signature))
    return best, [h for h in best.signature if not present(have, h)]


def download_headers() -> set[str]:
    """Every header some download entry names (to find the header row of a file)."""
    names = {n for d in DOWNLOADS for h in d.signature for n in h.split("|")}
    names |= {n for d in DOWNLOADS for _, h in d.fields for n in h.split("|")}
    return names
