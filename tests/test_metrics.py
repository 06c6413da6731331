"""Metrics: hand-computed values on ten orders, validation errors, encodings, invariants."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafter.errors import UserError
from drafter.metrics import compute_facts
from drafter.periods import parse_period


def facts_by_id(data: Path, period: str, tmp_path: Path) -> dict:
    result = compute_facts(data, period, tmp_path / "cache")
    return {f.id: f.value for f in result.facts}


def test_hand_computed_values(tiny_data, tmp_path):
    f = facts_by_id(tiny_data, "2025", tmp_path)
    assert f["gmv.2025"] == 3000
    assert f["orders.2025"] == 5
    assert f["buyers.2025"] == 4
    assert f["aov.2025"] == 600
    assert f["aov_buyer.2025"] == 750
    assert f["purchase_frequency.2025"] == 1.25
    assert f["repurchase_rate.2025"] == 25
    assert math.isclose(f["refund_rate.2025"], 100 / 3000 * 100)
    assert f["refund_order_rate.2025"] == 20
    assert f["new_buyers.2025"] == 2 and f["returning_buyers.2025"] == 2
    assert f["new_buyer_repurchase_30d.2025"] == 0
    assert f["promo_gmv_share.2025"] == 50
    assert f["gmv.2024"] == 1700
    assert math.isclose(f["gmv.yoy.2025"], (3000 / 1700 - 1) * 100)
    assert f["repurchase_rate.yoy_pp.2025"] == -25


def test_breakdowns_shares_and_contributions(tiny_data, tmp_path):
    f = facts_by_id(tiny_data, "2025", tmp_path)
    assert f["gmv.2025[channel=抖音]"] == 1800
    assert f["gmv.share.2025[channel=抖音]"] == 60
    assert f["gmv.rank.2025[channel=抖音]"] == 1
    assert math.isclose(f["gmv.share_pp.2025[channel=抖音]"], 60 - 200 / 1700 * 100)
    assert math.isclose(f["gmv.contribution.2025[channel=天猫]"], -700 / 1300 * 100)
    assert math.isclose(f["gmv.contribution.2025[channel=京东]"], 400 / 1300 * 100)
    contributions = [v for k, v in f.items() if k.startswith("gmv.contribution.2025[channel=")]
    assert math.isclose(sum(contributions), 100)
    assert f["gmv.2025[category=家电]"] == 2200
    assert f["gmv.2025[month=11月]"] == 1400
    # The peak month is the month ranked first; a month's share is its part of the period's GMV.
    assert f["gmv.rank.2025[month=11月]"] == 1 and f["gmv.rank.2025[month=6月]"] == 5
    assert math.isclose(f["gmv.share.2025[month=11月]"], 1400 / 3000 * 100)
    assert not [k for k in f if "month=" in k and (".share_pp." in k or ".contribution." in k)]


def test_first_year_leaves_out_yoy_with_a_note(tiny_data, tmp_path):
    result = compute_facts(tiny_data, "2024", tmp_path / "cache")
    assert not [f for f in result.facts if f.measure == "yoy"]
    assert any("2023" in note for note in result.notes)
    assert "visitors" in result.skipped and "traffic" in result.skipped["visitors"]


def test_periods():
    assert parse_period("2025Q3").start.isoformat() == "2025-07-01"
    assert parse_period("2025Q4").end.isoformat() == "2026-01-01"
    assert parse_period("2025H1").previous().label == "2024H2"
    assert parse_period("2025-01").previous().label == "2024-12"
    assert parse_period("2025Q1").previous_year().label == "2024Q1"
    with pytest.raises(UserError, match="2025Q5"):
        parse_period("2025Q5")


def _write(folder: Path, text: str, encoding: str = "utf-8") -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "orders.csv").write_bytes(text.encode(encoding))
    return folder


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("订单号,用户ID,实付金额\nA1,u1,10\n", ["orders.csv", "order_time", "下单时间"]),
        ("订单号,用户ID,下单时间,实付金额\nA1,u1,2025-01-01,10\nA2,u1,not-a-date,5\n",
         ["orders.csv", "下单时间", "row 3", "not-a-date"]),
        ("订单号,用户ID,下单时间,实付金额\nA1,u1,2025-01-01,10\nA2,u1,2025-01-02,ten\n",
         ["orders.csv", "实付金额", "row 3", "ten"]),
        ("订单号,用户ID,下单时间,实付金额\nA1,u1,2025-01-01,10\nA1,u2,2025-01-02,5\n",
         ["orders.csv", "订单号", "duplicated", "row 2", "row 3"]),
        ("订单号,用户ID,下单时间,实付金额\nA1,u1,2025-01-01,10\nA2,u2,2025-01-02,-5\n",
         ["orders.csv", "实付金额", "negative", "row 3"]),
        ("订单号,用户ID,下单时间,实付金额\nA1,u1,2025-01-01,10\nA2,u2,2025-01-02,123456789012345678\n",
         ["orders.csv", "实付金额", "10^14", "row 3"]),
    ],
    ids=["missing-column", "bad-date", "bad-amount", "duplicate-id", "negative-amount", "huge-amount"],
)
def test_validation_errors_name_file_column_and_rows(tmp_path, text, needles):
    data = _write(tmp_path / "data", text)
    with pytest.raises(UserError) as err:
        compute_facts(data, "2025", tmp_path / "cache")
    for needle in needles:
        assert needle in str(err.value)


def test_money_sums_are_exact(tmp_path):
    # Summed as doubles, these 1,000 amounts in cents come out a few millionths off (and, on big data, differently
    # from run to run as threads finish in another order); exported facts keep full precision, so sums are exact.
    rng = random.Random(5)
    amounts = [f"{rng.lognormvariate(5.3, 0.6):.2f}" for _ in range(1000)]
    channels = ["天猫" if i % 3 else "京东" for i in range(1000)]
    rows = "".join(f"A{i},u{i % 97},2025-{i % 12 + 1:02d}-{i % 28 + 1:02d},{a},{c}\n"
                   for i, (a, c) in enumerate(zip(amounts, channels, strict=True)))
    data = _write(tmp_path / "data", "订单号,用户ID,下单时间,实付金额,渠道\n" + rows)
    f = facts_by_id(data, "2025", tmp_path)

    def exact(channel: str | None = None) -> float:
        return float(sum(Decimal(a) for a, c in zip(amounts, channels, strict=True) if channel in (None, c)))

    assert f["gmv.2025"] == exact()
    assert f["gmv.2025[channel=天猫]"] == exact("天猫") and f["gmv.2025[channel=京东]"] == exact("京东")
    assert f["gmv.2025[buyer=新客]"] == exact()


@pytest.mark.parametrize("scale", [1, 10**9])
def test_new_and_returning_buyers_gmv_is_exact(tmp_path, scale):
    # The split comes from per-buyer sums over the buyer table: exact to the last unit, at shop scale (summed as
    # whole ten-thousandths in doubles) and at hundreds of billions a year (scale 10^9), where those would lose the
    # cents and the sums are DECIMAL.
    rng = random.Random(11)
    years = [rng.choice([2024, 2025]) for _ in range(1500)]  # u100 and up first buy in 2025
    orders = [(f"u{rng.randrange(100 if year == 2024 else 160)}", f"{year}-{rng.randrange(1, 13):02d}-"
               f"{rng.randrange(1, 29):02d}",
               Decimal(f"{rng.lognormvariate(5.3, 0.6):.4f}") * scale + Decimal(rng.randrange(10**4)) / 10**4)
              for year in years]
    rows = "".join(f"A{i},{user},{day},{amount}\n" for i, (user, day, amount) in enumerate(orders))
    data = _write(tmp_path / "data", "订单号,用户ID,下单时间,实付金额\n" + rows)
    f = facts_by_id(data, "2025", tmp_path)
    first = {}
    for user, day, _ in sorted(orders, key=lambda o: o[1]):
        first.setdefault(user, day)
    new = sum(a for u, d, a in orders if d >= "2025" and first[u] >= "2025")
    returning = sum(a for u, d, a in orders if d >= "2025" and first[u] < "2025")
    assert (f["gmv.2025[buyer=新客]"], f["gmv.2025[buyer=老客]"]) == (float(new), float(returning))
    # The sales scan's own sums, in units or DECIMAL alike; a double has no cents left at 10^14 (the engine's
    # DECIMAL-to-double conversion may land an ulp off), so within 2 ulps there.
    assert math.isclose(f["gmv.2025"], float(new + returning), rel_tol=2**-51, abs_tol=0)
    assert returning and new


def test_no_data_in_period_names_the_covered_range(tiny_data, tmp_path):
    with pytest.raises(UserError, match="2024-03-01 to 2025-12-30 and has nothing in 2030"):
        compute_facts(tiny_data, "2030", tmp_path / "cache")


def test_gbk_csv_with_chinese_headers_and_no_status(tmp_path):
    text = "订单编号,买家ID,付款时间,支付金额\nA1,张三,2025/03/01 10:00:00,\"1,200.50\"\nA2,李四,2025/04/01,99.5\n"
    data = _write(tmp_path / "data", text, "gbk")
    f = facts_by_id(data, "2025", tmp_path)
    assert f["gmv.2025"] == 1300 and f["orders.2025"] == 2 and f["buyers.2025"] == 2


def test_column_override_from_config(tmp_path):
    data = _write(tmp_path / "data", "单据,顾客,时间戳,钱\nA1,u1,2025-01-01,10\n")
    overrides = {"orders": {"order_id": "单据", "user_id": "顾客", "order_time": "时间戳", "amount": "钱"}}
    result = compute_facts(data, "2025", tmp_path / "cache", columns=overrides)
    assert {f.id: f.value for f in result.facts}["gmv.2025"] == 10


order_rows = st.lists(
    st.tuples(st.integers(1, 30), st.sampled_from(["天猫", "京东", "抖音"]), st.integers(1, 365),
              st.floats(0, 5000, allow_nan=False).map(lambda x: round(x, 2)),
              st.sampled_from(["已完成", "已退款", "已取消"])),
    min_size=1, max_size=60,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=order_rows)
def test_invariants(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("prop")
    lines = ["order_id,user_id,order_time,channel,amount,status"]
    for i, (user, channel, day, amount, status) in enumerate(rows):
        when = date(2025, 1, 1) + timedelta(days=day - 1)
        lines.append(f"o{i},u{user},{when} 12:00:00,{channel},{amount},{status}")
    _write(folder, "\n".join(lines) + "\n")
    paid = [r for r in rows if r[4] != "已取消"]
    if not paid:
        return
    f = facts_by_id(folder, "2025", folder)
    channel_gmv = sum(v for k, v in f.items() if k.startswith("gmv.2025[channel="))
    assert math.isclose(f["gmv.2025"], channel_gmv, abs_tol=1e-6)
    if f["gmv.2025"] > 0:
        for dimension in ("channel", "buyer"):
            shares = [v for k, v in f.items() if k.startswith(f"gmv.share.2025[{dimension}=")]
            assert math.isclose(sum(shares), 100, abs_tol=1e-6)
    assert 0 <= f["repurchase_rate.2025"] <= 100
    assert f["new_buyers.2025"] + f["returning_buyers.2025"] == f["buyers.2025"]
    assert math.isclose(f["gmv.2025"], sum(r[3] for r in paid), abs_tol=1e-6)


def test_a_quarter_gets_its_years_targets_without_a_gap(tiny_data, tmp_path):
    (tiny_data / "targets.csv").write_text("period,metric,measure,value\n2025,gmv,target_yoy,25\n"
                                          "2025,refund_rate,target,7\n2025Q1,gmv,target,900\n", encoding="utf-8")
    quarter = {f.id: f for f in compute_facts(tiny_data, "2025Q1", tmp_path / "cache").facts}
    assert quarter["gmv.target_yoy.2025"].value == 25 and quarter["refund_rate.target.2025"].value == 7
    assert "gmv.gap_yoy.2025" not in quarter  # the year is not over
    assert quarter["gmv.target.2025Q1"].value == 900 and quarter["gmv.gap.2025Q1"].value == 800 + 300 - 900  # B1 and B2
    assert quarter["gmv.gap.2025Q1"].status == "met"
