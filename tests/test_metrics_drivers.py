"""Drivers of the GMV change: new vs returning buyers, and visitors × conversion × order value (LMDI)."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafter.metrics import compute_facts


def facts(data: Path, period: str, tmp_path: Path) -> dict[str, float]:
    return {f.id: f.value for f in compute_facts(data, period, tmp_path / "cache").facts}


def test_new_and_returning_buyers_gmv_by_hand(tiny_data, tmp_path):
    f = facts(tiny_data, "2025", tmp_path)
    # 2025: u4 (400) and u5 (1400) buy for the first time; u1 (800) and u2 (300 + 100 refunded) come back.
    assert f["gmv.2025[buyer=新客]"] == 1800
    assert f["gmv.2025[buyer=老客]"] == 1200
    assert f["gmv.share.2025[buyer=新客]"] == 60
    # 2024 is the first year of data: every buyer is new.
    assert f["gmv.2024[buyer=新客]"] == 1700 and f["gmv.2024[buyer=老客]"] == 0
    assert math.isclose(f["gmv.contribution.2025[buyer=新客]"], (1800 - 1700) / 1300 * 100)
    assert math.isclose(f["gmv.contribution.2025[buyer=老客]"], 1200 / 1300 * 100)
    assert math.isclose(f["gmv.share_pp.2025[buyer=老客]"], 40)
    assert math.isclose(f["gmv.yoy.2025[buyer=新客]"], (1800 / 1700 - 1) * 100)
    assert "gmv.yoy.2025[buyer=老客]" not in f  # no growth rate from zero
    assert "gmv.rank.2025[buyer=新客]" not in f


def test_traffic_drivers_by_hand_sum_to_100(tiny_data, tmp_path):
    (tiny_data / "traffic.csv").write_text(
        "日期,渠道,访客数\n2024-05-01,天猫,60\n2024-05-01,抖音,30\n2024-05-01,京东,10\n"
        "2025-05-01,天猫,100\n2025-05-01,抖音,80\n2025-05-01,京东,20\n", encoding="utf-8")
    f = facts(tiny_data, "2025", tmp_path)
    # GMV 1700 → 3000; orders 3 → 5; visitors 100 → 200.
    logs = {"visitors": math.log(200 / 100), "conversion_rate": math.log((5 / 200) / (3 / 100)),
            "aov": math.log((3000 / 5) / (1700 / 3))}
    assert math.isclose(sum(logs.values()), math.log(3000 / 1700))
    for metric, part in logs.items():
        assert math.isclose(f[f"{metric}.driver.2025"], part / math.log(3000 / 1700) * 100)
    assert math.isclose(sum(f[f"{m}.driver.2025"] for m in logs), 100)
    # 抖音: GMV 200 → 1800 from 1 → 3 orders, 30 → 80 visitors.
    douyin = [f[f"{m}.driver.2025[channel=抖音]"] for m in logs]
    assert math.isclose(douyin[0], math.log(80 / 30) / math.log(1800 / 200) * 100)
    assert math.isclose(sum(douyin), 100)
    # 京东 had no paid GMV in 2024 (its one order was cancelled): no decomposition from zero.
    assert "visitors.driver.2025[channel=京东]" not in f


def test_no_drivers_without_traffic_or_prior_year(tiny_data, tmp_path):
    f = facts(tiny_data, "2025", tmp_path)
    assert not [k for k in f if ".driver." in k]
    first_year = facts(tiny_data, "2024", tmp_path)
    assert not [k for k in first_year if ".contribution." in k or ".driver." in k]


rows = st.lists(
    st.tuples(st.integers(1, 12), st.sampled_from(["天猫", "抖音"]), st.integers(0, 729),
              st.floats(1, 3000, allow_nan=False).map(lambda x: round(x, 2)), st.sampled_from(["已完成", "已退款"])),
    min_size=2, max_size=50,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(orders=rows, visitors=st.tuples(*[st.integers(50, 5000)] * 4))
def test_contributions_and_drivers_always_sum_to_100(tmp_path_factory, orders, visitors):
    folder = tmp_path_factory.mktemp("drivers")
    lines = ["order_id,user_id,order_time,channel,amount,status"]
    for i, (user, channel, day, amount, status) in enumerate(orders):
        lines.append(f"o{i},u{user},{date(2024, 1, 1) + timedelta(days=day)} 12:00:00,{channel},{amount},{status}")
    (folder / "orders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "traffic.csv").write_text(
        f"date,channel,visitors\n2024-03-01,天猫,{visitors[0]}\n2024-03-01,抖音,{visitors[1]}\n"
        f"2025-03-01,天猫,{visitors[2]}\n2025-03-01,抖音,{visitors[3]}\n", encoding="utf-8")
    if not any(o[2] >= 366 for o in orders) or all(o[2] >= 366 for o in orders):
        return  # 2024 has 366 days: both years need orders for a change to explain
    f = facts(folder, "2025", folder)
    buyer = [v for k, v in f.items() if k.startswith("gmv.contribution.2025[buyer=")]
    if f["gmv.2025"] != f["gmv.2024"]:
        assert len(buyer) == 2 and math.isclose(sum(buyer), 100, abs_tol=1e-6)
        assert math.isclose(f["gmv.2025[buyer=新客]"] + f["gmv.2025[buyer=老客]"], f["gmv.2025"], abs_tol=1e-6)
    drivers = [v for k, v in f.items() if ".driver.2025" in k and "[" not in k]
    change = math.log(f["gmv.2025"] / f["gmv.2024"])
    assert bool(drivers) == (abs(change) >= 0.01)
    if drivers:
        assert len(drivers) == 3 and math.isclose(sum(drivers), 100, abs_tol=1e-6)
        assert math.isclose(f["visitors.driver.2025"],
                            math.log(f["visitors.2025"] / f["visitors.2024"]) / change * 100, rel_tol=1e-9)


def test_new_buyers_30_day_repurchase_by_hand(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "orders.csv").write_text(
        "订单号,用户ID,下单时间,渠道,实付金额,订单状态\n"
        "A1,n1,2025-12-20 10:00:00,天猫,10,已完成\n"  # again on 2026-01-05 in another channel: counts
        "A2,n1,2026-01-05 10:00:00,京东,10,已完成\n"
        "B1,n2,2025-03-01 10:00:00,天猫,10,已完成\n"  # two orders at the first instant, one more within 30 days
        "B2,n2,2025-03-01 10:00:00,天猫,10,已完成\n"
        "B3,n2,2025-03-20 10:00:00,天猫,10,已完成\n"
        "C1,n3,2025-05-01 10:00:00,天猫,10,已完成\n"  # two orders at the same instant only: not a repurchase
        "C2,n3,2025-05-01 10:00:00,京东,10,已完成\n"
        "D1,n4,2025-06-01 10:00:00,天猫,10,已完成\n"  # 44 days later: too late
        "D2,n4,2025-07-15 10:00:00,天猫,10,已完成\n"
        "E1,n5,2025-08-01 00:00:00,天猫,10,已完成\n"  # exactly 30 days later: counts
        "E2,n5,2025-08-31 00:00:00,天猫,10,已完成\n"
        "F1,n6,2025-09-01 10:00:00,天猫,10,已完成\n"  # the second order was cancelled
        "F2,n6,2025-09-05 10:00:00,天猫,10,已取消\n", encoding="utf-8")
    f = facts(folder, "2025", tmp_path)
    assert f["new_buyers.2025"] == 6
    assert f["new_buyer_repurchase_30d.2025"] == 50
    assert f["buyers.2025[channel=天猫]"] == 6 and f["buyers.2025[channel=京东]"] == 1
    assert facts(folder, "2025Q4", tmp_path)["new_buyer_repurchase_30d.2025Q4"] == 100


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_30_day_repurchase_matches_its_definition_at_the_edges(tmp_path, seed):
    # A new buyer repurchases when another paid order falls after the first and at most 30 days later: orders at the
    # very first instant do not count, one at exactly +30 days does, one a microsecond later does not. Generated
    # around those edges (and around month and bucket boundaries), the rate must equal its definition.
    import pandas as pd

    rng = random.Random(seed)
    month = timedelta(days=30)
    offsets = [timedelta(0), timedelta(microseconds=1), month - timedelta(microseconds=1), month,
               month + timedelta(microseconds=1), timedelta(days=3), timedelta(days=31), timedelta(days=61)]
    rows = []
    for user in range(300):
        first = datetime(2024, 11, 1) + timedelta(seconds=rng.randrange(420 * 86400), microseconds=rng.randrange(10**6))
        times = [first] + [first + rng.choice(offsets) for _ in range(rng.randrange(0, 4))]
        for time in times:
            rows.append((f"u{user}", time, rng.choice(["已完成", "已完成", "已取消"]) if time != first else "已完成"))
    frame = pd.DataFrame(rows, columns=["用户ID", "下单时间", "订单状态"])
    frame.insert(0, "订单号", [f"A{i}" for i in range(len(frame))])
    frame["实付金额"] = 10.0
    frame["下单时间"] = frame["下单时间"].astype("datetime64[us]")
    folder = tmp_path / f"data{seed}"
    folder.mkdir()
    frame.to_parquet(folder / "orders.parquet", index=False)
    paid = frame[frame["订单状态"] != "已取消"]
    new = again = 0
    for _, times in paid.groupby("用户ID")["下单时间"]:
        first = times.min()
        if first >= pd.Timestamp("2025-01-01") and (times < pd.Timestamp("2026-01-01")).any():
            new += 1
            again += bool(((times > first) & (times <= first + month)).any())
    f = facts(folder, "2025", tmp_path)
    assert f["new_buyers.2025"] == new
    assert f["new_buyer_repurchase_30d.2025"] == pytest.approx(again / new * 100, abs=1e-12)
    assert 0 < again < new
