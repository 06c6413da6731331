"""The one registry of metric definitions: id, Chinese label, aliases, unit, meaning and formula."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MetricDef:
    """A metric a report may state."""

    id: str
    label: str
    unit: str
    area: str
    definition: str
    formula: str
    aliases: tuple[str, ...] = ()
    needs: tuple[str, ...] = ("orders",)
    better: str = "up"
    by: tuple[str, ...] = field(default=())

    @property
    def is_rate(self) -> bool:
        """Percent-valued metrics also get differences in percentage points."""
        return self.unit == "%"


AREAS = {
    "sales": "销售",
    "users": "用户",
    "channels": "渠道",
    "categories": "品类",
    "marketing": "营销",
    "service": "服务",
}

METRICS: dict[str, MetricDef] = {
    m.id: m
    for m in [
        MetricDef("gmv", "GMV", "元", "sales", "期内未取消订单的实付金额合计（含其后退款的订单）",
                  "SUM(amount) WHERE status <> cancelled",
                  ("成交额", "交易额", "商品交易总额", "销售额", "成交总额", "营收", "销售收入"),
                  by=("channel", "category", "month", "buyer")),
        MetricDef("orders", "订单量", "单", "sales", "期内未取消的订单数", "COUNT(order_id) WHERE status <> cancelled",
                  ("订单数", "成交订单", "订单总量", "成交单量"), by=("channel", "category")),
        MetricDef("buyers", "买家数", "人", "sales", "期内至少有一笔未取消订单的用户数",
                  "COUNT(DISTINCT user_id) WHERE status <> cancelled",
                  ("购买用户数", "成交用户数", "下单用户数", "购买人数", "成交客户数", "客户数"), by=("channel",)),
        MetricDef("aov", "客单价（按订单）", "元", "sales", "平均每笔订单的实付金额", "gmv / orders",
                  ("客单价", "笔单价", "平均订单金额", "单均价"), by=("channel", "category")),
        MetricDef("aov_buyer", "人均消费金额（按买家）", "元", "sales", "平均每位买家在期内的实付金额",
                  "gmv / buyers", ("人均消费", "客单价（按买家）", "人均客单价", "ARPU")),
        MetricDef("purchase_frequency", "购买频次", "次", "sales", "平均每位买家在期内的订单数",
                  "orders / buyers", ("人均购买次数", "购买频率", "人均订单数")),
        MetricDef("repurchase_rate", "复购率", "%", "users", "期内有2笔及以上未取消订单的买家占全部买家的比例",
                  "buyers(orders >= 2) / buyers", ("回购率", "复购", "重复购买率")),
        MetricDef("new_buyers", "新客数", "人", "users", "首笔未取消订单落在本期的买家数",
                  "COUNT(buyers whose first order is in the period)", ("新买家数", "新客", "新增买家", "首购用户数")),
        MetricDef("returning_buyers", "老客数", "人", "users", "本期之前已有订单、本期再次购买的买家数",
                  "buyers - new_buyers", ("老买家数", "老客", "回头客")),
        MetricDef("refund_rate", "退款率", "%", "service", "退款订单金额占GMV的比例（按金额）",
                  "SUM(amount) WHERE refunded / gmv", ("退款金额占比", "金额退款率", "退货率"), better="down",
                  by=("channel", "category")),
        MetricDef("refund_order_rate", "订单退款率", "%", "service", "退款订单数占订单量的比例（按订单）",
                  "COUNT WHERE refunded / orders", ("退款订单占比", "按订单退款率"), better="down"),
        MetricDef("promo_gmv_share", "大促GMV占比", "%", "sales", "618、双11等大促窗口内GMV占全期GMV的比例",
                  "gmv in promotion windows / gmv", ("大促占比", "活动GMV占比", "大促贡献占比")),
        MetricDef("new_users", "新注册用户数", "人", "users", "期内注册的用户数", "COUNT(users) by register_time",
                  ("新增用户", "新用户数", "注册用户数", "新增注册"), needs=("users",)),
        MetricDef("member_share", "会员占比", "%", "users", "期内买家中会员的比例", "member buyers / buyers",
                  ("会员买家占比", "会员渗透率"), needs=("orders", "users")),
        MetricDef("new_buyer_repurchase_30d", "新客30天复购率", "%", "users",
                  "本期新客中，首单后30天内再次下单的比例", "new buyers with a 2nd order within 30 days / new buyers",
                  ("新客复购率", "30天复购率")),
        MetricDef("visitors", "访客数", "人", "channels", "期内各渠道访客数之和", "SUM(visitors)",
                  ("UV", "访客量", "流量"), needs=("traffic",), by=("channel",)),
        MetricDef("conversion_rate", "转化率", "%", "channels", "订单量除以访客数", "orders / visitors",
                  ("下单转化率", "支付转化率", "成交转化率"), needs=("orders", "traffic"), by=("channel",)),
        MetricDef("page_views", "浏览量", "次", "channels", "期内各平台店铺浏览量之和（按日加总）", "SUM(page_views)",
                  ("PV", "页面浏览量"), needs=("traffic",), by=("channel",)),
        MetricDef("click_visitors", "商品点击人数", "人", "channels",
                  "抖店罗盘口径：点击商品的人数（按日加总），抖店没有访客数", "SUM(商品点击人数)",
                  ("点击人数",), needs=("traffic",), by=("channel",)),
        MetricDef("paid_buyers", "支付买家数（平台口径）", "人", "channels",
                  "各平台流量报表中的支付买家数/成交客户数/成交人数（按日加总，同一人在不同日子计多次）",
                  "SUM(paid_buyers)", ("支付买家数", "支付人数", "成交人数"), needs=("traffic",), by=("channel",)),
        MetricDef("platform_conversion", "支付转化率（平台口径）", "%", "channels",
                  "各平台自己的转化率：支付买家数除以访客数（抖音为成交人数除以商品点击人数），由按日加总的人数重算",
                  "paid_buyers / visitors", ("支付转化率（平台口径）", "平台转化率"), needs=("traffic",),
                  by=("channel",)),
        MetricDef("marketing_spend", "营销投放", "元", "marketing", "期内营销投放金额合计", "SUM(spend)",
                  ("营销费用", "投放费用", "推广费用", "营销投入", "投放金额", "推广花费", "广告花费"),
                  needs=("marketing",), better="down", by=("channel", "ad", "month")),
        MetricDef("ad_spend_share", "推广费占比", "%", "marketing", "营销投放金额占GMV的比例", "spend / gmv",
                  ("投放费比", "推广费比", "营销费用率", "费比"), needs=("orders", "marketing"), better="down"),
        MetricDef("ad_clicks", "广告点击量", "次", "marketing", "广告平台报表中的点击量", "SUM(clicks)",
                  ("点击量", "点击数"), needs=("marketing",), by=("ad",)),
        MetricDef("attributed_gmv", "广告归因成交额", "元", "marketing",
                  "广告平台按自己的归因窗口归给广告的成交金额（已包含在店铺GMV中，不能与GMV或其他平台相加）",
                  "SUM(attributed_gmv)", ("归因成交额", "广告成交额", "广告归因成交"),
                  needs=("marketing",), by=("ad",)),
        MetricDef("ad_roi", "广告投产比（平台口径）", "倍", "marketing", "广告平台归因成交额除以其花费",
                  "attributed_gmv / spend", ("广告ROI", "平台ROI", "投入产出比", "支付ROI"), needs=("marketing",),
                  by=("ad",)),
        MetricDef("attributed_gmv_share", "广告归因成交占GMV比例", "%", "marketing",
                  "某广告平台归因成交额占店铺GMV的比例（平台口径，各平台之间不可相加）", "attributed_gmv / gmv",
                  ("广告成交占比",), needs=("orders", "marketing"), by=("ad",)),
        MetricDef("category_coverage", "品类覆盖率", "%", "categories",
                  "找到品类的商品实付金额占GMV的比例（运费、无订单明细的订单、商品资料中没有的编码不计入）",
                  "categorised line amounts / gmv", ("品类覆盖", "已归类GMV占比")),
        MetricDef("marketing_roi", "营销ROI", "倍", "marketing", "有投放渠道的GMV除以投放金额", "gmv / spend",
                  ("投放ROI", "ROI", "投资回报率", "投产比"), needs=("orders", "marketing"), by=("channel",)),
        MetricDef("cac", "获客成本", "元", "marketing", "投放金额除以投放带来的新客数", "spend / new_customers",
                  ("CAC", "单客获客成本", "拉新成本"), needs=("marketing",), better="down", by=("channel",)),
    ]
}

# Manual KPIs arrive by name; these known names get a stable id and aliases.
MANUAL_KPIS = {
    "nps": ("NPS净推荐值", ("NPS", "净推荐值", "NPS净推荐值")),
    "dsr": ("DSR评分", ("DSR", "店铺评分", "DSR评分", "店铺DSR")),
    "ship_hours": ("平均发货时长", ("发货时长", "平均发货时长", "履约时长", "发货时效")),
}

DIMENSION_LABELS = {"channel": "渠道", "category": "品类", "month": "月份", "buyer": "新老客", "ad": "广告平台"}

def manual_kpi_id(name: str) -> tuple[str, str, tuple[str, ...]]:
    """Map a KPI name from the kpis table to (id, label, aliases)."""
    lowered = name.strip().lower()
    for kpi_id, (label, aliases) in MANUAL_KPIS.items():
        if lowered == kpi_id or name.strip() in aliases or any(a.lower() in lowered for a in aliases[:1]):
            return kpi_id, label, aliases
    return name.strip(), name.strip(), ()


def lookup(name: str) -> MetricDef | None:
    """Find a metric by id, label or alias."""
    if name in METRICS:
        return METRICS[name]
    for metric in METRICS.values():
        if name == metric.label or name in metric.aliases:
            return metric
    return None
