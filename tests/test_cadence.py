"""Monthly and weekly reports: ISO weeks and months as periods, a week's and a month's facts worked out by hand,
the one reader of the period a title names, and both kinds drafted on the demo workspace."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from conftest import run_cli

from drafter.corpus.classify import infer_kind, infer_period
from drafter.errors import UserError
from drafter.metrics import compute_facts
from drafter.metrics.cadence import promotion_days
from drafter.outline import default_kind, load_outline
from drafter.periods import iso_weeks, make_period, parse_period

# --- periods ---------------------------------------------------------------------------------------------------


def test_every_iso_week_from_2015_to_2031_is_monday_to_sunday_and_steps_without_gaps():
    week = parse_period("2015-W01")
    while week.year < 2031:
        following = week.shifted(steps=1)
        assert week.start.weekday() == 0 and week.end - week.start == timedelta(days=7)
        assert following.start == week.end and following.previous() == week
        assert parse_period(week.label) == week
        assert week.start.isocalendar()[:2] == (week.year, week.index)
        a_year_before = week.previous_year()
        assert (a_year_before.year, a_year_before.index) == (week.year - 1, min(week.index, iso_weeks(week.year - 1)))
        week = following


@pytest.mark.parametrize(("label", "start", "previous", "year_before"), [
    ("2026-W01", date(2025, 12, 29), "2025-W52", "2025-W01"),
    ("2020-W53", date(2020, 12, 28), "2020-W52", "2019-W52"),  # 2019 has no week 53
    ("2025-W47", date(2025, 11, 17), "2025-W46", "2024-W47"),
    ("2021-W01", date(2021, 1, 4), "2020-W53", "2020-W01"),
])
def test_weeks_across_year_ends(label, start, previous, year_before):
    week = parse_period(label)
    assert (week.grain, week.start, week.last_day) == ("week", start, start + timedelta(days=6))
    assert (week.previous().label, week.previous_year().label) == (previous, year_before)


def test_week_and_month_names_and_bad_weeks():
    assert parse_period("2025-W47").chinese() == "2025年第47周"
    assert parse_period("2025w47").label == "2025-W47"
    assert parse_period("2025-W47").span_chinese() == "11月17日—11月23日"
    assert parse_period("2026-W01").span_chinese() == "2025年12月29日—2026年1月4日"
    assert parse_period("2026-W01").month_of_end().label == "2026-01"
    month = parse_period("2025-01")
    assert (month.previous().label, month.previous_year().label, month.chinese()) == ("2024-12", "2024-01", "2025年1月")
    assert len(parse_period("2024-02").days()) == 29
    with pytest.raises(UserError, match="2021 has ISO weeks 1 to 52"):
        parse_period("2021-W53")
    with pytest.raises(UserError, match="2025-W47"):
        parse_period("2025-47")


def test_promotion_calendar_finds_the_days_inside_a_period():
    assert promotion_days(parse_period("2025-W46")) == {"双11": [date(2025, 11, 11)]}
    assert promotion_days(parse_period("2025-W47")) == {}
    assert set(promotion_days(parse_period("2025-06"))) == {"618"}
    # a year's own dates (年货节 moves with the Spring Festival), clipped to the period
    assert promotion_days(make_period("week", 2025, 2)) == {"年货节": [date(2025, 1, d) for d in range(6, 13)]}


# --- facts of a week and a month, by hand ------------------------------------------------------------------------

ORDERS = """订单号,用户ID,下单时间,渠道,品类,实付金额,订单状态
W1,u1,2025-11-10 09:00:00,天猫,家电,100,已完成
W2,u2,2025-11-11 00:05:00,抖音,家电,300,已完成
W3,u9,2025-11-11 08:00:00,抖音,家电,200,已取消
W4,u3,2025-11-16 23:59:00,京东,母婴,50,已完成
N1,u4,2025-11-17 00:00:00,京东,母婴,999,已完成
P1,u5,2025-11-05 10:00:00,天猫,家电,150,已完成
O1,u6,2025-10-31 23:00:00,天猫,家电,400,已完成
Y1,u7,2024-11-11 10:00:00,抖音,家电,200,已完成
Y2,u8,2024-11-17 22:00:00,天猫,母婴,100,已完成
Y3,u8,2024-11-10 10:00:00,天猫,母婴,1000,已完成
"""
# 2025-W46 is 10–16 Nov 2025: W1 + W2 + W4 = 450 (W3 cancelled, N1 is Monday of W47). 2025-W45 (3–9 Nov): P1 = 150.
# 2024-W46 is 11–17 Nov 2024: Y1 + Y2 = 300 (Y3 is Sunday of W45). November 2025: 1599; 2024: 1300; October 2025: 400.


@pytest.fixture
def cadence_data(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "orders.csv").write_text(ORDERS, encoding="utf-8")
    (folder / "targets.csv").write_text("period,metric,measure,value\n2025-11,gmv,target,2000\n", encoding="utf-8")
    (folder / "marketing.csv").write_text("月份,渠道,投放金额\n2025-11,天猫,90\n2025-10,天猫,80\n", encoding="utf-8")
    return folder


def _by_id(result) -> dict[str, float]:
    return {f.id: f.value for f in result.facts}


def test_a_weeks_facts_against_a_hand_computation(cadence_data, tmp_path):
    result = compute_facts(cadence_data, "2025-W46", tmp_path / "cache")
    got = _by_id(result)
    assert got["gmv.2025-W46"] == 450 and got["gmv.2024-W46"] == 300 and got["gmv.2025-W45"] == 150
    assert got["gmv.yoy.2025-W46"] == pytest.approx(50.0) and got["gmv.pop.2025-W46"] == pytest.approx(200.0)
    assert got["gmv.2025-W46[day=11月11日]"] == 300 and got["gmv.2025-W46[day=11月12日]"] == 0
    assert got["orders.2025-W46[day=11月11日]"] == 1  # the cancelled order is no order
    assert got["gmv.rank.2025-W46[day=11月11日]"] == 1
    assert got["gmv.share.2025-W46[day=11月11日]"] == pytest.approx(300 / 450 * 100)
    assert len([i for i in got if i.startswith("gmv.2025-W46[day=")]) == 7
    assert got["gmv.2025-W46[promo=双11]"] == 300 and got["gmv.2024-W46[promo=双11]"] == 200
    assert got["gmv.yoy.2025-W46[promo=双11]"] == pytest.approx(50.0)
    assert not any(i.startswith("gmv.yoy.2025-W46[day=") for i in got)  # a week's days fall on other dates a year on
    # month-to-date: 1–16 November = 150 + 450, against the month's target from the targets table
    assert got["gmv.mtd.2025-11"] == 600 and got["gmv.target.2025-11"] == 2000
    assert got["gmv.mtd_attainment.2025-11"] == pytest.approx(30.0)
    # a monthly spend table cannot be cut into weeks
    assert not any(i.startswith(("marketing_spend.", "marketing_roi.")) for i in got)
    assert any("spend by month only" in note for note in result.notes)


def test_a_months_facts_against_a_hand_computation(cadence_data, tmp_path):
    got = _by_id(compute_facts(cadence_data, "2025-11", tmp_path / "cache"))
    assert got["gmv.2025-11"] == 1599 and got["gmv.2024-11"] == 1300 and got["gmv.2025-10"] == 400
    assert got["gmv.yoy.2025-11"] == pytest.approx((1599 / 1300 - 1) * 100)
    assert got["gmv.pop.2025-11"] == pytest.approx((1599 / 400 - 1) * 100)
    assert got["gmv.attainment.2025-11"] == pytest.approx(1599 / 2000 * 100)
    assert got["gmv.rank.2025-11[day=11月17日]"] == 1
    assert len([i for i in got if i.startswith("gmv.2025-11[day=")]) == 30
    assert got["marketing_spend.2025-11"] == 90 and "gmv.mtd.2025-11" not in got


def test_a_month_the_orders_end_inside_is_said_to_run_to_that_day(cadence_data, tmp_path):
    # the last order is on 17 November 2025
    notes = compute_facts(cadence_data, "2025-11", tmp_path / "cache").notes
    assert any("the orders end on 2025-11-17, inside 2025-11" in note for note in notes)
    assert not any("orders end" in note for note in compute_facts(cadence_data, "2025-W46", tmp_path / "c").notes)


# --- the one period reader -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("title", "text", "period"), [
    ("2025年11月运营月报", "", "2025-11"),
    ("2025年第47周周报", "", "2025-W47"),
    ("11月17日-11月23日周报", "2025年运营部", "2025-W47"),
    ("11月17日-11月23日周报", "", ""),  # no year anywhere: unknown, not a guess
    ("2025年度运营总结", "", "2025"),
    ("2025年第三季度工作汇报", "", "2025Q3"),
    ("运营周报（2025.12.29-2026.1.4）", "", "2026-W01"),
    ("客服部第12周周报（2025年3月31日-4月6日）", "", "2025-W14"),  # the dates, not the team's own week count
    ("2025年11月17日—23日运营工作汇报", "", "2025-W47"),  # Monday to Sunday is a week
    ("双11复盘（2025年11月1日-11月11日）", "", "2025"),  # eleven days are no week
])
def test_the_period_a_title_names(title, text, period):
    assert infer_period(title, text, infer_kind(title, text)) == period


def test_a_perturbed_week_range_still_reads_as_its_iso_week():
    for offset in range(0, 400, 7):
        monday = date(2024, 1, 1) + timedelta(days=offset)
        sunday = monday + timedelta(days=6)
        title = f"{monday.year}年{monday.month}月{monday.day}日-{sunday.month}月{sunday.day}日周报"
        iso = monday.isocalendar()
        assert infer_period(title, "", "review") == f"{iso.year}-W{iso.week:02d}", title


# --- both kinds on the demo workspace ------------------------------------------------------------------------------

def test_kind_follows_the_periods_grain():
    assert default_kind(parse_period("2025-11")) == "monthly-review"
    assert default_kind(parse_period("2025-W47")) == "weekly-review"
    assert default_kind(parse_period("2025Q3")) == "quarterly-review"
    assert default_kind(parse_period("2025")) == "annual-summary"


@pytest.mark.parametrize(("period", "kind", "named"), [("2025-11", "monthly-review", "2025年11月"),
                                                       ("2025-W47", "weekly-review", "2025年第47周")])
def test_monthly_and_weekly_reports_draft_with_figures_and_charts(workspace, tmp_path, period, kind, named):
    out = tmp_path / kind
    result = run_cli("write", "--period", period, "--out", str(out), cwd=workspace)  # the kind from the period
    verification = json.loads((out / "verification.json").read_text(encoding="utf-8"))
    counts = verification["counts"]
    assert result.returncode == (1 if counts["mismatch"] or counts["claim_error"] else 0), result.stderr
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["kind"] == kind and run["period"] == period
    report = (out / "report.md").read_text(encoding="utf-8")
    assert report.splitlines()[0] == f"# 云禾优品{named}运营{'月报' if kind == 'monthly-review' else '周报'}"
    sections = json.loads((out / "sections.json").read_text(encoding="utf-8"))
    assert [s["id"] for s in sections] == [s.id for s in load_outline(kind).sections]
    assert all(s["fact_ids"] for s in sections), [s["id"] for s in sections if not s["fact_ids"]]
    assert (out / "charts" / "daily_gmv.png").stat().st_size > 10_000
    assert (out / "report.docx").exists() and "daily_gmv.png" in (out / "review.html").read_text(encoding="utf-8")
    # every figure verifies, the period's own headline figures among them
    assert counts["verified"] == counts["total"], [(f["text"], f["message"]) for f in verification["findings"]
                                                   if f["verdict"] != "verified"]
    verified = {f["fact_id"] for f in verification["findings"] if f["verdict"] == "verified"}
    assert {f"gmv.{period}", f"gmv.yoy.{period}", f"gmv.pop.{period}"} <= verified


def test_verify_reads_a_weekly_reports_period_from_its_title(workspace, tmp_path):
    from drafter.display import display

    facts = compute_facts(workspace / "data", "2025-W47", tmp_path / "cache").facts
    gmv = next(f for f in facts if f.id == "gmv.2025-W47")
    report = tmp_path / "周报.md"
    report.write_text(f"# 云禾优品2025年第47周运营周报\n\n2025年第47周GMV为{display(gmv)}。\n", encoding="utf-8")
    result = run_cli("verify", str(report), "--json", cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["verdict"], finding["fact_id"]) == ("verified", "gmv.2025-W47")


def test_a_weekly_prompt_names_its_periods_and_carries_last_week_and_month_to_date(folder):
    from chat_fakes import drafted_prompts
    from llm_stub import fact_value

    filler = "本周经营整体平稳有序，各项工作按计划推进，后续持续跟踪各项指标的变化情况，及时调整运营策略与节奏。"
    prompts = drafted_prompts(folder, "2025-W47", "weekly-review", filler, sections=4)
    overview = next(user for _system, user in prompts if "一、本周核心数据" in user)
    assert "2025-W46 是上一周（2025年第46周，环比的基期）" in overview and "11月17日—11月23日" in overview
    assert fact_value(overview, "GMV", "数值", "2025-W46") and fact_value(overview, "GMV", "月初至今累计", "2025-11")
    daily = next(user for _system, user in prompts if "二、每日走势与大促节点" in user)
    assert fact_value(daily, "GMV", "数值", "2025-W47", "日期：11月17日")
