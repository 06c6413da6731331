"""Built-in metric names and the cue words that tell which measure and period a figure states."""

from __future__ import annotations

import re

# Common e-commerce metric names; the config's [aliases] and a facts file's aliases column extend them.
BUILTIN_ALIASES: dict[str, list[str]] = {
    "gmv": ["GMV", "成交额", "交易额", "商品交易总额", "成交总额", "交易总额", "总成交额", "销售额", "成交金额",
            "销售总额"],
    "orders": ["订单量", "订单数", "订单总量", "成交订单数", "单量", "订单"],
    "buyers": ["买家数", "购买用户数", "下单用户数", "下单用户", "购买人数", "成交用户数", "成交买家数",
               "购买用户", "买家"],
    "aov": ["客单价", "笔单价", "平均客单价", "单均价"],
    "aov_buyer": ["人均消费", "人均消费额", "人均客单价", "客单价（按买家）", "人均支付金额"],
    "repurchase_rate": ["复购率", "回购率", "复购"],
    "refund_rate": ["退款率", "退货退款率", "退货率"],
    "new_buyers": ["新客数", "新买家数", "新客", "新买家", "新增买家", "新增用户", "新用户数", "新客户数"],
    "conversion_rate": ["转化率", "支付转化率", "下单转化率", "成交转化率"],
    "marketing_roi": ["ROI", "营销ROI", "投入产出比", "投产比", "广告ROI"],
    "cac": ["获客成本", "CAC", "拉新成本", "单客获客成本"],
    "marketing_spend": ["营销费用", "营销投入", "推广费用", "营销花费", "广告投放"],
    "new_customers": ["新增客户", "新获客数"],
    "nps": ["NPS", "净推荐值"],
    "visitors": ["访客数", "UV", "访客量", "流量"],
    "members": ["会员数", "会员人数"],
    "member_share": ["会员占比", "会员渗透率"],
    "retention_rate": ["留存率", "新客留存率"],
    "fulfilment_hours": ["发货时长", "履约时长", "平均发货时长"],
    "dsr": ["DSR", "店铺评分", "DSR评分"],
    "promo_share": ["大促占比", "大促GMV占比"],
}

# metrics where less is better: a value under target means the target was met
LOWER_IS_BETTER = {"refund_rate", "cac", "fulfilment_hours", "return_rate", "complaint_rate"}
_LOWER_WORDS = re.compile(r"退款|退货|成本|投诉|时长|流失|差评|缺货|费用率")

SIGNED_MEASURES = {"yoy", "yoy_pp", "pop", "pop_pp", "share_pp", "gap", "gap_yoy", "gap_share", "diff", "pop_diff"}
GROWTH_YOY = {"yoy", "yoy_pp"}
GROWTH_POP = {"pop", "pop_pp"}
MEASURE_WORDS = {
    "value": "", "yoy": "同比", "yoy_pp": "同比", "pop": "环比", "pop_pp": "环比", "share": "占比",
    "share_pp": "占比变化", "target": "目标", "target_yoy": "目标增速", "gap": "与目标差距",
    "gap_yoy": "增速与目标差距", "target_share": "目标占比", "gap_share": "占比与目标差距", "rank": "排名",
    "contribution": "增量贡献", "attainment": "目标完成率", "driver": "对GMV变化的贡献", "diff": "同比增减",
    "pop_diff": "环比增减",
}

# New vs returning buyers (the buyer=新客 / buyer=老客 facts) go by several names in reports.
BUYER_WORDS = {"新客": ("新客", "新买家", "新用户"), "老客": ("老客", "老买家", "老用户", "回头客")}

TARGET_MEASURES = frozenset({"target", "target_yoy", "target_share"})
GAP_MEASURES = frozenset({"gap", "gap_yoy", "gap_share"})
LEVEL = frozenset({"level"})  # marker: the figure is the level reached (降至, 提升到)

# A verb of change; followed by 至/到 it names the level reached (降至15.0%, 由17.3%提升至27.0%).
LEVEL_VERBS = (r"(?:提升|提高|增长|增加|上升|上涨|回升|攀升|扩大|延长|下降|减少|下滑|降低|下跌|回落|缩短|缩小|压缩|"
               r"收窄|[升涨增降减跌])")
# 亏损157亿元, 净亏损: the amount of a loss (净流出1200亿美元 stays positive: an outflow, not a profit)
LOSS_BEFORE = re.compile(r"(?:亏损|净亏|亏)了?\s*$")
PROFIT_BEFORE = re.compile(r"(?:溢利|盈利|利润|净利|获利)(?:为|达|了)?\s*$")
# a metric that is itself a loss (经营亏损, 亏损率, 净流出) states its amount as a positive number
LOSS_METRIC = re.compile(r"亏损|净亏|亏|净流出|赤字")
NEXT_YEAR_WORDS = r"下一年度?|下年度|明年|来年|次年"
NEXT_STEP_WORDS = r"下一?个?季度|下季|下一?个月|下一?期|下一?周|下个?星期"

# 按季/按月 (Hong Kong usage, 按季度) are 环比, as 按年 is 同比
POP_WORDS = r"环比|按季度?|按月"
POP_RE = re.compile(POP_WORDS)

# (pattern, measures, direction); order matters: longer phrases first
_CUES: list[tuple[str, frozenset[str] | None, int]] = [
    (r"目标完成率|完成率|达成率|完成度", frozenset({"attainment"}), 0),
    (r"增长目标|目标增速|目标增长率?|增速目标|同比目标", frozenset({"target_yoy"}), 0),
    (r"超额完成|超额|超出目标|超过目标|高于目标|超目标|领先目标|目标值?(?:水平)?(?:高出|高(?!于)|多出?)",
     GAP_MEASURES, 1),
    (r"低于目标|未达|差距|缺口|仍差|还差|尚差|相差|距目标|距离目标|落后于?目标|差(?![评异别价])|"
     r"目标值?(?:水平)?(?:低(?!于)|少)", GAP_MEASURES, -1),
    (r"目标值?|(?<![按如超])计划值?|预算|KPI", TARGET_MEASURES, 0),  # 按计划完成 is a result
    (POP_WORDS, frozenset(GROWTH_POP), 0),
    (r"同比|按年", frozenset(GROWTH_YOY), 0),
    (r"占比|占|份额|比重|渗透率", frozenset({"share", "share_pp"}), 0),
    # a part's share of the GMV change, or a factor's (visitors × conversion × order value): the facts tell which
    (r"贡献|拉动", frozenset({"contribution", "driver"}), 0),
    (r"排名|位列|位居", frozenset({"rank"}), 0),
    # 降至15.0%, 占比升至26.6%: the figure after 至 is the new level, not the change
    (LEVEL_VERBS + r"(?:至|到)(?!今)", LEVEL, 0),
    (r"增速|增长率", None, 0),  # a noun (实际增速较目标高): its sign is the figure's, not the word's
    (r"高出|多出|高了|多了", None, 1),
    (r"低了|少了|低出", None, -1),
    (r"增长|增加|提升|上升|提高|上涨|增幅|扩大|回升|走高|攀升|涨幅|延长|(?<!新)增", None, 1),
    (r"下降|减少|下滑|降低|下跌|回落|降幅|收窄|缩小|萎缩|走低|跌幅|缩短|压缩|缩减|降|减|跌", None, -1),
]
CUE_RE = re.compile("|".join(f"(?:{p})" for p, _, _ in _CUES))
_CUE_TABLE = [(re.compile(f"(?:{p})$"), m, d) for p, m, d in _CUES]

PERIOD_RE = re.compile(
    r"去年同期|上年同期|去年|上年|上一年|前一年|上一?年度|"
    r"(?P<year>(?:19|20)\d{2})\s*年(?:\s*第?(?P<year_quarter>[一二三四1-4])季度|\s*第\d{1,2}周|"
    r"\s*(?:1[0-2]|0?[1-9])\s*月份?(?![\d日号底末]))?|上季度?|上一季度|上个?月|"
    r"第?(?P<quarter>[一二三四1-4])季度|(?<![A-Za-z0-9])Q(?P<q>[1-4])(?![0-9])|"
    r"上一?期|上一?周|上个?星期|第(?P<week>\d{1,2})周|本周|当周|本星期|月初至今|本月至今|本月累计|"
    r"本年度?|今年|全年|本季度?|本月|当月|当年|当期|" + NEXT_STEP_WORDS + "|" + NEXT_YEAR_WORDS
)
# 11月1日—11月23日: a span of days (the period's extent, or a month to date), not one day
DAY_RANGE = re.compile(r"(?P<m1>\d{1,2})月(?P<d1>\d{1,2})[日号]\s*[-~—–－至到]{1,2}\s*(?:(?P<m2>\d{1,2})月)?"
                       r"(?P<d2>\d{1,2})[日号]")
# 月初至今, 本月累计: the month to date (facts of measure mtd)
MONTH_TO_DATE = re.compile(r"月初至今|本月至今|本月累计|月累计|当月累计")
COMPARE_RE = re.compile(r"(?:较|比|相比|对比|相较于?|与|同比)\s*$")
TOTAL_RE = re.compile(r"全年|整体|总体|全平台|全渠道|合计|总计|大盘|全店|全公司|累计")

MET_RE = re.compile(
    r"超额(?:完成|达成|实现)(?:了)?(?:年度)?(?:目标)?|超出(?:年度)?(?:目标|预期)|超过(?:年度)?目标|"
    r"高于(?:年度)?目标|(?:完成|达成|实现)(?:了)?(?:年度|全年)?目标|如期完成|达标|超预期|"
    # 已经达成28%的目标: the target's level between the word and 目标
    r"(?:已经?)?(?:达成|完成|实现)了?(?=[^，,。；;！？]{0,14}?目标)"
)
# 力争完成…目标, 计划实现…目标: a plan, not a claim that the target was met
PLAN_BEFORE_RE = re.compile(r"(?:计划|力争|争取|确保|需要|(?<![主重])要|(?<!即)将|希望|预计|有望)[^，,。；;]{0,6}$")
MISSED_RE = re.compile(
    r"未能?(?:达成|完成|达到|达标|实现)(?:年度|全年)?(?:目标)?|未达|低于(?:年度)?(?:目标|预期)|"
    r"距(?:离)?(?:年度)?目标(?:值)?(?:还|仍|尚)?差?|(?:还|仍|尚)差|落后于?(?:年度)?目标|不及(?:预期|目标)"
)
SUPER_MAX_RE = re.compile(r"最高|最大|最多|最快|居首|首位|位居第一|排名第一|排第一|第一大|领跑|最强")
SUPER_MIN_RE = re.compile(r"最低|最小|最少|最慢|垫底|末位|最弱")


def cue_info(word: str) -> tuple[frozenset[str] | None, int]:
    """The measures a cue word selects (None: a pure direction word) and its direction."""
    for pattern, measures, direction in _CUE_TABLE:
        if pattern.search(word):
            return measures, direction
    return None, 0


def lower_is_better(metric: str, label: str) -> bool:
    """True for metrics such as 退款率 or 获客成本, where a value below target meets it."""
    return metric in LOWER_IS_BETTER or bool(_LOWER_WORDS.search(label or metric))


def canonical_metric(name: str) -> str | None:
    """The built-in metric id a Chinese name or alias belongs to (复购率 → repurchase_rate)."""
    low = name.strip().lower()
    for metric, names in BUILTIN_ALIASES.items():
        if low == metric or any(low == n.lower() for n in names):
            return metric
    return None
