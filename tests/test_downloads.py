"""Traffic, ad-report, order-line and product-list downloads, written to DATA-DOWNLOADS.md's descriptions with
layout variants (title rows, total rows, text percentages, separators, date forms, GBK, ZIP, xls, xlsx), read back
to the generator's own ground truth."""

from __future__ import annotations

import ast
import json
import random
import shutil
from pathlib import Path

import pytest
from conftest import run_cli
from download_files import (
    ADS,
    TRAFFIC,
    ShopTruth,
    Style,
    ad_rows,
    catalogue,
    make_orders,
    traffic_rows,
    write_jd,
    write_products,
    write_shop,
    write_table,
    write_taobao,
    year_days,
)

from drafter.metrics import compute_facts
from drafter.metrics.folder import scan

FORMS = ("iso", "compact", "slash", "cn", "datetime", "serial")
FILES = (".csv", ".xlsx", ".xls", ".zip")
ENCODINGS = ("utf-8", "utf-8-sig", "gbk")


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shop") / "data"
    return folder, write_shop(folder)


@pytest.fixture(scope="module")
def facts(shop, tmp_path_factory):
    folder, _ = shop
    cache = tmp_path_factory.mktemp("cache")
    return {year: compute_facts(folder, year, cache) for year in ("2025", "2024")}


def _values(result, period: str) -> dict:
    return {(f.metric, f.dimension): f.value for f in result.facts if f.period == period and f.measure == "value"}


@pytest.mark.parametrize("year", ["2025", "2024"])
def test_a_shops_downloads_give_every_figure_of_the_truth(shop, facts, year):
    """GMV per platform to the cent (attributed GMV never added), category GMV as the platforms state it, visitors
    and paying buyers per platform (each day once), spend, clicks and attributed GMV per ad platform."""
    _, truth = shop
    values = _values(facts[year], year)
    y = int(year)
    for (when, channel), gmv in truth.gmv.items():
        if when == y:
            assert values[("gmv", f"channel={channel}")] == pytest.approx(float(gmv), abs=0.005), channel
    assert values[("gmv", "")] == pytest.approx(float(sum(v for (w, _), v in truth.gmv.items() if w == y)), abs=0.01)
    for (when, category), gmv in truth.category.items():
        if when == y:
            assert values[("gmv", f"category={category}")] == pytest.approx(float(gmv), abs=0.005), category
    for channel in TRAFFIC:
        visitors, buyers = truth.traffic(y, channel)
        metric = "click_visitors" if channel == "抖音" else "visitors"
        assert values[(metric, f"channel={channel}")] == visitors, channel
        assert values[("paid_buyers", f"channel={channel}")] == buyers, channel
        assert values[("platform_conversion", f"channel={channel}")] == pytest.approx(buyers / visitors * 100)
    assert ("visitors", "channel=抖音") not in values  # 抖店 has no 访客数: never stated as one
    for platform in ADS:
        spend, claimed = truth.spend[(y, platform)], truth.attributed[(y, platform)]
        assert values[("marketing_spend", f"ad={platform}")] == pytest.approx(float(spend), abs=0.005), platform
        assert values[("attributed_gmv", f"ad={platform}")] == pytest.approx(float(claimed), abs=0.005)
        assert values[("ad_clicks", f"ad={platform}")] == truth.clicks[(y, platform)]
        assert values[("ad_roi", f"ad={platform}")] == pytest.approx(float(claimed / spend))
    spend = sum(v for (w, _), v in truth.spend.items() if w == y)
    assert values[("ad_spend_share", "")] == pytest.approx(float(spend) / values[("gmv", "")] * 100)


def test_partial_category_coverage_is_carried_by_the_facts_and_noted(shop, facts):
    """Shipping (淘宝 lines state goods only) and 京东 mixed orders (no line amounts) keep coverage below 95%."""
    _, truth = shop
    result = facts["2025"]
    values = _values(result, "2025")
    found = sum(v for (w, _), v in truth.category.items() if w == 2025)
    assert values[("category_coverage", "")] == pytest.approx(float(found) / values[("gmv", "")] * 100)
    assert values[("category_coverage", "")] < 95
    assert any("cover" in n and "GMV" in n for n in result.notes)
    marked = [f for f in result.facts if f.dimension.startswith("category=") and f.period == "2025"]
    assert marked and all("categories cover" in f.formula for f in marked)


def _random_download(folder: Path, rng: random.Random, write_rows, year: int, longest: int):
    """One download in a random layout (title rows, a total row and its word, date form, separators, order, a
    repeated header, file type, encoding); returns the folder as scanned, the truth, the days and the layout."""
    style = Style(title_rows=rng.choice((0, 1, 4, 5, 7)), total=rng.choice(("", "first", "last")),
                  total_word=rng.choice(("合计", "总计", "汇总", "全部")), date_form=rng.choice(FORMS),
                  thousands=rng.random() < 0.5, newest_first=rng.random() < 0.5, repeat_header=rng.random() < 0.3)
    suffix = rng.choice(FILES)
    if style.date_form == "serial" and suffix in (".csv", ".zip"):
        style.date_form = "iso"  # a serial is what Excel shows for a date cell, never text in a CSV
    folder.mkdir()
    truth = ShopTruth()
    days = year_days(year)[rng.randint(0, 200):][:rng.randint(5, longest)]
    write_table(folder / f"download{suffix}", write_rows(rng, days, truth, style), rng.choice(ENCODINGS))
    return scan(folder, need_orders=False), truth, days, (style, suffix)


@pytest.mark.parametrize("seed", range(12))
def test_every_traffic_format_reads_in_layouts_it_was_not_tuned_for(tmp_path, seed):
    """Each platform's daily traffic in a random layout: the day rows only, each once, summed exactly."""
    rng = random.Random(seed)
    for channel in TRAFFIC:
        got, truth, days, layout = _random_download(
            tmp_path / channel, rng, lambda r, d, t, s, c=channel: traffic_rows(r, c, d, t, s), 2025, 120)
        assert got.traffic is not None, (channel, layout, [r.reason for r in got.reports])
        visitors, buyers = truth.traffic(2025, channel)
        assert got.traffic["visitors"].sum() == visitors, (channel, layout)
        assert got.traffic["paid_buyers"].sum() == buyers, (channel, layout)
        assert sorted(got.traffic["date"].dt.date) == sorted(days)
        report = got.reports[0]
        assert (report.first, report.last) == (f"{min(days):%Y-%m-%d}", f"{max(days):%Y-%m-%d}")


@pytest.mark.parametrize("seed", range(8))
def test_every_ad_format_reads_in_layouts_it_was_not_tuned_for(tmp_path, seed):
    """Each ad platform's report in a random layout: spend, clicks and attributed GMV summed exactly."""
    rng = random.Random(100 + seed)
    for platform in ADS:
        got, truth, _days, layout = _random_download(
            tmp_path / platform, rng, lambda r, d, t, s, p=platform: ad_rows(r, p, d, t, s), 2024, 60)
        ads = got.marketing
        assert ads is not None and set(ads["platform"]) == {platform}, (platform, layout)
        assert ads["spend"].sum() == pytest.approx(float(truth.spend[(2024, platform)]), abs=0.005)
        assert ads["attributed_gmv"].sum() == pytest.approx(float(truth.attributed[(2024, platform)]), abs=0.005)
        assert ads["clicks"].sum() == truth.clicks[(2024, platform)]


def test_a_pasted_sheet_at_b2_with_icon_glyphs_and_no_value_cells(tmp_path):
    """A team's sheet copied from the web page: starts at B2, header names carry private-use icons, '-' and '\\N'
    cells; a day without visitors is left out and said so, not read as 0."""
    from download_files import write_xlsx

    rows = [[], ["统计日期", "访客数\ue921\ue751降序", "浏览量", "支付买家数"],
            ["2025-05-01", "1,200", "3,000", "40"], ["2025-05-02", "-", "\\N", "-"], ["2025-05-03", "800", "--", "20"]]
    write_xlsx(tmp_path / "天猫流量.xlsx", rows, start_col=1)
    got = scan(tmp_path, need_orders=False)
    assert got.traffic["visitors"].tolist() == [1200, 800]
    assert any("no 访客数 value" in k for k in got.reports[0].excluded)


def test_finer_ad_reports_and_repeated_downloads_are_counted_once(tmp_path):
    """A 计划报表 beside the 营销场景报表 cuts the same spend; a later download of the same days overrides."""
    rng, truth = random.Random(5), ShopTruth()
    days = year_days(2025)[:10]
    write_table(tmp_path / "营销场景报表_1.csv", ad_rows(rng, "万相台无界", days, truth, Style()), "gb18030")
    plans = [["日期", "计划ID", "计划名字", "花费", "点击量", "总成交金额"]]
    plans += [[f"{d:%Y-%m-%d}", str(9000 + k), f"计划{k}", "50.00", "10", "100.00"] for d in days for k in range(3)]
    write_table(tmp_path / "计划报表_1.csv", plans)
    got = scan(tmp_path, need_orders=False)
    assert got.marketing["spend"].sum() == pytest.approx(float(truth.spend[(2025, "万相台无界")]))
    finer = next(r for r in got.reports if r.file == "计划报表_1.csv")
    assert any("finer cut" in k for k in finer.excluded)


def test_an_unknown_download_names_the_closest_format_and_what_it_lacks(tmp_path):
    write_table(tmp_path / "mystery.csv", [["日期", "访客数", "跳失率"], ["2025-01-01", "100", "50%"]])
    got = scan(tmp_path, need_orders=False)
    reason = next(r.reason for r in got.reports if r.file == "mystery.csv")
    assert "closest to" in reason and "lacks" in reason


def test_order_lines_find_categories_by_code_then_style_then_keyword(tmp_path):
    """SKU codes from the product list (0-led codes kept as text), 京东's style code (货号), title keywords from
    [categories], else 未分类; a 京东 order spanning categories (no line amounts) is reported, never split."""
    rng, truth, skus = random.Random(9), ShopTruth(), catalogue()
    write_products(tmp_path / "商品资料.xlsx", skus, leave_out=4)
    write_taobao(tmp_path, 2025, make_orders(rng, 2025, 150, 3_900_000_000_000_000_000, skus), truth)
    write_jd(tmp_path, 2025, make_orders(rng, 2025, 80, 29_000_000_000, skus), truth)
    unlisted, keyword = skus[-4], skus[-1]
    got = scan(tmp_path, keywords={keyword.title.split(" ")[0]: keyword.category})
    lines = got.lines
    listed = {s.code for s in skus[:-4]}
    zero_led = lines[lines["code"].str.startswith("0") & lines["code"].isin(listed)]
    assert len(zero_led) and (zero_led["how"] == "商家编码").all()
    jd = lines[lines["format"] == "jd-lines"]
    assert (jd.loc[jd["style"].isin({s.style for s in skus[:-4]}), "how"] == "款式编码").all()
    by_keyword = lines[lines["title"].str.startswith(keyword.title.split(" ")[0])]
    assert len(by_keyword) and (by_keyword["how"] == "标题关键词").all()
    assert (by_keyword["category"] == keyword.category).all()
    left = lines[(lines["code"] == unlisted.code) | (lines["style"] == unlisted.style) & (lines["code"] == "")]
    assert len(left) and (left["category"] == "未分类").all()
    spans = jd.groupby("order_id")["category"].nunique()
    assert got.mixed == int((spans > 1).sum()) > 0
    assert not set(got.categories["order_id"]) & set(spans[spans > 1].index)


def test_a_partly_refunded_taobao_order_counts_what_was_paid_before_the_refund(tmp_path):
    """买家实际支付金额 already reduced by 退款金额 (paid + refunded = goods + shipping): GMV adds the refund back;
    an order still showing all of its money is not counted twice."""
    from platform_exports import TAOBAO

    def row(oid: str, goods: str, ship: str, paid: str, refund: str) -> list[str]:
        cells = dict.fromkeys(TAOBAO, "")
        cells.update({"订单编号": oid, "买家会员名": "tb_1", "买家应付货款": goods, "买家应付邮费": ship,
                      "买家实际支付金额": paid, "订单状态": "交易成功", "订单创建时间": "2025-03-01 10:00:00",
                      "订单付款时间 ": "2025-03-01 10:01:00", "店铺名称": "云杉小铺", "退款金额": refund})
        return list(cells.values())

    rows = [TAOBAO, row("1001", "100.00", "10.00", "80.00", "30.00"),  # reduced: 80 + 30 = 110
            row("1002", "100.00", "10.00", "110.00", "30.00"),  # still showing all: 110
            row("1003", "50.00", "0.00", "50.00", "0.00")]
    write_table(tmp_path / "ExportOrderList2025.csv", rows, "gbk")
    orders = scan(tmp_path).exports.set_index("order_id")
    assert orders.loc["1001", "amount"] == 110.0 and orders.loc["1001", "refund_amount"] == 30.0
    assert orders.loc["1002", "amount"] == 110.0 and orders.loc["1003", "amount"] == 50.0


def test_data_check_lists_every_file_with_format_period_gaps_and_coverage(shop, tmp_path):
    folder, _ = shop
    data = tmp_path / "data"
    shutil.copytree(folder, data)
    (data / "notes.csv").write_text("列1,列2\n1,2\n", encoding="utf-8")
    result = run_cli("data", "check", "--data", str(data), "--json", "--dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    files = {f["file"]: f for f in payload["files"]}
    assert set(files) == {p.name for p in data.iterdir()}
    jd = next(f for name, f in files.items() if name.startswith("京东商智") and "2025" in name)
    assert jd["table"] == "traffic" and jd["gaps"] == ["2025-03-03～2025-03-05"]
    assert jd["first"] == "2025-01-01" and jd["last"] == "2025-12-31"
    pdd = next(f for name, f in files.items() if name.startswith("商品推广"))
    assert pdd["table"] == "marketing" and any("合计" in k for k in pdd["excluded"])
    taobao_lines = next(f for name, f in files.items() if name.startswith("ExportOrderDetailList"))
    assert taobao_lines["table"] == "lines" and taobao_lines["coverage"]["found_by"]
    douyin = next(f for name, f in files.items() if name.endswith("_douyin.csv"))
    assert douyin["table"] == "orders" and douyin["columns"]["order lines"] and douyin["coverage"]["lines"]
    assert douyin["coverage"]["uncategorised"] == [] and douyin["coverage"]["amount_share"] == 100.0
    assert files["notes.csv"]["reason"]
    years = payload["categories"]["years"]
    assert years["2025"]["partial"] and 50 < years["2025"]["coverage"] < 95
    assert payload["categories"]["mixed_orders_not_split"] > 0
    table = run_cli("data", "check", "--data", str(data), "--dir", str(tmp_path)).stdout
    assert "days missing: 2025-03-03～2025-03-05" in table and "of GMV found a category" in table


def test_no_module_of_the_metrics_stage_imports_one_that_imports_it_back():
    """Imports inside functions count too: a circle is a circle wherever the import sits."""
    root = Path(__file__).resolve().parents[1] / "drafter" / "metrics"
    graph = {}
    for path in root.glob("*.py"):
        name = f"drafter.metrics.{path.stem}" if path.stem != "__init__" else "drafter.metrics"
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("drafter.metrics."):
                deps.add(node.module)
        graph[name] = deps

    def reaches(start: str, goal: str, seen: set) -> bool:
        return any(dep == goal or (dep not in seen and reaches(dep, goal, seen | {dep}))
                   for dep in graph.get(start, ()))

    assert [m for m in graph if reaches(m, m, {m})] == []


def test_categories_keywords_in_drafter_toml_reach_data_check(tmp_path):
    """`[categories]` in drafter.toml, as keyword = category or category = [keywords], maps lines no product list
    knows."""
    rng, skus = random.Random(4), catalogue()
    data = tmp_path / "data"
    data.mkdir()
    write_products(data / "商品资料.xlsx", skus, leave_out=4)
    write_taobao(data, 2025, make_orders(rng, 2025, 80, 3_900_000_000_000_000_000, skus), ShopTruth())
    (tmp_path / "drafter.toml").write_text(f'[categories]\n"{skus[-1].title.split(" ")[0]}" = "{skus[-1].category}"\n'
                                           f'"{skus[-4].category}" = ["{skus[-4].title.split(" ")[0]}"]\n',
                                           encoding="utf-8")
    result = run_cli("data", "check", "--data", str(data), "--json", "--dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = next(f for f in json.loads(result.stdout)["files"] if f["table"] == "lines")
    assert lines["coverage"]["found_by"].get("标题关键词", 0) > 0
    assert lines["coverage"]["amount_share"] == 100.0 and lines["coverage"]["uncategorised"] == []


def test_a_shops_downloads_draft_every_section_of_the_annual_summary_with_every_figure_verified(shop, tmp_path):
    """What a team gets from its own downloads: every section with figures (categories, traffic, marketing
    included), the demo's order of magnitude of figures, none wrong or unread."""
    folder, _ = shop
    work = tmp_path / "ws"
    assert run_cli("init", str(work), "--company", "测试小店", env={"DRAFTER_EMBEDDER": "hash"}).returncode == 0
    shutil.rmtree(work / "data")
    shutil.copytree(folder, work / "data")
    result = run_cli("write", "--period", "2025", "--dir", str(work), "--no-exports", env={"DRAFTER_EMBEDDER": "hash"})
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((work / "drafts" / "2025-annual-summary" / "verification.json").read_text(encoding="utf-8"))
    counts = report["counts"]
    assert counts["verified"] == counts["total"] >= 150, counts
    lines = (work / "drafts" / "2025-annual-summary" / "report.md").read_text(encoding="utf-8").split("\n")
    headings = [(number, line) for number, line in enumerate(lines, 1) if line.startswith("## ")]
    per_section = {title: 0 for _, title in headings}
    for finding in report["findings"]:
        per_section[next(title for number, title in reversed(headings) if number < finding["line"])] += 1
    assert len(per_section) == 7 and all(per_section.values()), per_section
