"""The data contract: canonical tables and columns, the headers real exports use, status words."""

from __future__ import annotations

# Canonical columns per table, each with the headers real exports use for it.
SCHEMA: dict[str, dict[str, tuple[str, ...]]] = {
    "orders": {
        "order_id": ("订单号", "订单编号", "订单ID", "订单id", "主订单号"),
        "user_id": ("用户ID", "用户id", "买家ID", "会员ID", "客户ID", "买家昵称", "用户"),
        "order_time": ("下单时间", "订单时间", "创建时间", "支付时间", "下单日期", "付款时间", "日期"),
        "amount": ("实付金额", "支付金额", "订单金额", "实收金额", "成交金额", "金额", "付款金额"),
        "channel": ("渠道", "销售渠道", "平台", "店铺", "来源渠道"),
        "category": ("品类", "类目", "商品类目", "一级类目", "商品品类"),
        "status": ("订单状态", "状态", "交易状态"),
        "refund_amount": ("退款金额", "已退款金额"),
    },
    "users": {
        "user_id": ("用户ID", "用户id", "会员ID", "客户ID", "买家ID"),
        "register_time": ("注册时间", "注册日期", "创建时间"),
        "source_channel": ("注册渠道", "来源渠道", "渠道"),
        "is_member": ("是否会员", "会员", "会员标识"),
    },
    "traffic": {
        "date": ("日期", "统计日期"),
        "channel": ("渠道", "平台"),
        "visitors": ("访客数", "UV", "访客", "访问人数"),
        "page_views": ("浏览量", "PV", "页面浏览量"),
        "paid_buyers": ("支付买家数", "成交买家数", "成交客户数", "支付人数", "成交人数"),
        "visitor_basis": ("访客口径",),
    },
    "marketing": {
        "date": ("月份", "日期", "统计月份"),
        "channel": ("渠道", "平台"),
        "spend": ("投放金额", "花费", "营销费用", "推广费用", "消耗"),
        "new_customers": ("新客数", "新增客户", "新客", "拉新人数"),
        "platform": ("广告平台", "投放平台"),
        "clicks": ("点击量", "点击数", "点击次数"),
        "attributed_gmv": ("归因成交金额", "总成交金额", "广告成交金额"),
    },
    "kpis": {
        "period": ("期间", "周期", "年份", "时间"),
        "metric": ("指标", "指标名称", "KPI"),
        "value": ("数值", "值", "指标值"),
        "unit": ("单位",),
    },
    "targets": {
        "period": ("期间", "周期", "年份"),
        "metric": ("指标",),
        "measure": ("度量", "口径"),
        "value": ("数值", "目标值", "值"),
        "unit": ("单位",),
        "dimension": ("维度",),
    },
}
REQUIRED = {
    "orders": ("order_id", "user_id", "order_time", "amount"),
    "users": ("user_id", "register_time"),
    "traffic": ("date", "visitors"),
    "marketing": ("date", "spend"),
    "kpis": ("period", "metric", "value"),
    "targets": ("period", "metric", "measure", "value"),
}
FILE_NAMES = {
    "orders": ("orders", "订单"),
    "users": ("users", "用户"),
    "traffic": ("traffic", "流量"),
    "marketing": ("marketing", "营销"),
    "kpis": ("kpis", "kpi", "指标"),
    "targets": ("targets", "目标"),
}
SUFFIXES = (".csv", ".parquet", ".xlsx")
CANCELLED = ("已取消", "取消", "交易关闭", "已关闭", "cancelled", "canceled", "closed")
REFUNDED = ("已退款", "退款", "退款成功", "已退货", "refunded", "refund", "returned")

TIME_COLUMNS = ("order_time", "register_time", "date")
NUMBER_COLUMNS = ("amount", "refund_amount", "visitors", "spend", "new_customers", "value", "page_views", "paid_buyers",
                  "clicks", "attributed_gmv")

# Order amounts are summed as an exact decimal: a parallel SUM over doubles depends on the order in which threads
# finish, so the last digits of GMV would change from run to run. DECIMAL(18,4) holds amounts below 10^14.
MONEY = "DECIMAL(18,4)"
MAX_AMOUNT = 10**14
