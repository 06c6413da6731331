"""The demo company's generated data: deterministic, seasonal, and with a story to tell."""

from __future__ import annotations

from drafter.demo import CATEGORIES, CHANNELS, ORDERS_PER_YEAR, generate_tables


def test_deterministic_and_shaped():
    first, second = generate_tables(scale=0.02), generate_tables(scale=0.02)
    assert first["orders"].equals(second["orders"])
    orders = first["orders"]
    assert set(orders["渠道"]) == set(CHANNELS) and len(CHANNELS) >= 5
    assert set(orders["品类"]) == set(CATEGORIES) and len(CATEGORIES) >= 8
    assert orders["订单号"].is_unique
    assert set(orders["订单状态"]) == {"已完成", "已退款", "已取消"}
    assert sum(ORDERS_PER_YEAR.values()) >= 200_000
    for name in ("users", "traffic", "marketing", "kpis", "targets"):
        assert len(first[name]) > 0


def test_seasonality_and_repeat_buyers():
    orders = generate_tables(scale=0.2)["orders"]
    per_month = orders.groupby(orders["下单时间"].dt.month).size()
    assert per_month[11] > 1.5 * per_month[3]
    assert per_month[6] > 1.3 * per_month[3]
    spring_2025 = orders[(orders["下单时间"] >= "2025-01-22") & (orders["下单时间"] < "2025-02-05")]
    march_2025 = orders[(orders["下单时间"] >= "2025-03-01") & (orders["下单时间"] < "2025-03-15")]
    assert len(spring_2025) < 0.7 * len(march_2025)
    assert orders["用户ID"].duplicated().mean() > 0.3


def test_years_differ(full_data, tmp_path):
    from drafter.metrics import compute_facts

    f = {x.id: x for x in compute_facts(full_data, "2025", tmp_path).facts}
    assert f["gmv.yoy.2025"].value > 5
    assert f["gmv.share_pp.2025[channel=抖音]"].value > 3
    assert f["gmv.yoy.2025[category=家电]"].value < 0
    assert f["gmv.gap_yoy.2025"].status == "missed"
    assert f["repurchase_rate.gap.2025"].status == "missed"
    assert f["gmv.gap_share.2025[channel=抖音]"].status == "met"
