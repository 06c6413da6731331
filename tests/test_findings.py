"""Problems and next steps follow the facts: perturb a change or remove an area and the proposals follow, every
figure they write verifies, and nothing mentions an area the facts lack."""

from __future__ import annotations

import random
import re

import pytest
from conftest import run_cli

from drafter.display import display
from drafter.metrics import compute_facts
from drafter.models import Draft
from drafter.outline import load_outline
from drafter.render import render_markdown
from drafter.verify import summarize, verify_markdown
from drafter.write import FactBook, OfflineWriter, SectionContext
from drafter.write.findings import find_problems

SECTIONS = ("problems", "next_steps")
KINDS = {"annual-summary": "2025", "quarterly-review": "2025Q4"}


@pytest.fixture(scope="module")
def facts(small_data, tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    return {kind: compute_facts(small_data, period, cache) for kind, period in KINDS.items()}


def book_of(result, facts=None) -> FactBook:
    return FactBook(list(result.facts if facts is None else facts), result.period, salt="t")


def write(result, facts, kind: str = "annual-summary") -> tuple[str, dict[str, str]]:
    """The problems and next-steps sections drafted from `facts`, as report Markdown and as text by section."""
    outline = load_outline(kind)
    writer = OfflineWriter(kind)
    sections = [writer.write(SectionContext(spec, FactBook(list(facts), result.period, salt=spec.id), [], "云禾优品",
                                            "t")) for spec in outline.sections if spec.id in SECTIONS]
    draft = Draft(kind=kind, period=result.period.label, title="t", sections=sections, facts=list(facts))
    return render_markdown(draft), {s.id: s.text for s in sections}


def assert_verified(markdown: str, facts, period: str) -> None:
    findings = verify_markdown(markdown, list(facts), [], period=period)
    counts = summarize(findings)
    bad = [f"{f.line}:{f.text}: {f.message}" for f in findings if f.verdict != "verified"]
    assert not bad, bad
    assert counts.get("total", 0) > 0


def flip(facts, fact_id: str):
    """The facts with one fact's value negated (a rise becomes a fall)."""
    return [f.model_copy(update={"value": -f.value}) if f.id == fact_id else f for f in facts]


def without(facts, test):
    return [f for f in facts if not test(f)]


def keys(facts, result) -> set[str]:
    return {p.key for p in find_problems(book_of(result, facts), limit=20)}


def test_problems_are_ranked_missed_targets_first_then_by_size(facts):
    result = facts["annual-summary"]
    found = find_problems(book_of(result), limit=20)
    assert found, "the demo's 2025 has problems"
    order = [(not p.missed, -p.size) for p in found]
    assert order == sorted(order)
    assert all(p.size >= 1 for p in found)  # each is past its threshold


@pytest.mark.parametrize("metric,measure,key", [
    ("refund_rate", "yoy_pp", "refund"),
    ("aov", "yoy", "aov"),
    ("repurchase_rate", "yoy_pp", "repurchase"),
    ("conversion_rate", "yoy_pp", "conversion"),
    ("marketing_roi", "yoy", "roi"),
])
def test_flipping_a_change_makes_its_problem_appear_or_go(facts, metric, measure, key):
    result = facts["quarterly-review"]  # a quarter: no target gaps, the trend alone decides
    fact_id = f"{metric}.{measure}.{result.period.label}"
    before = next(f for f in result.facts if f.id == fact_id)
    flipped = flip(result.facts, fact_id)
    bad_direction = {"refund": 1}.get(key, -1)
    thresholds = {"refund": 0.3, "aov": 2.0, "repurchase": 0.5, "conversion": 0.1, "roi": 3.0}
    if key == "roi":  # ROI is also a problem when spend outgrows GMV: take that away to test the ROI change alone
        flipped = without(flipped, lambda f: f.metric == "marketing_spend" and f.measure == "yoy")
    for state, value in ((result.facts if key != "roi" else without(result.facts, lambda f: f.metric ==
                          "marketing_spend" and f.measure == "yoy"), before.value), (flipped, -before.value)):
        present = key in keys(state, result)
        assert present == (value * bad_direction >= thresholds[key]), (key, value)
        _, text = write(result, state, "quarterly-review")
        shown = display(before)
        if key in {p.key for p in find_problems(book_of(result, state))}:  # written: it names its figure
            assert shown in text["problems"]
        assert_verified(write(result, state, "quarterly-review")[0], state, result.period.label)


def test_a_missed_target_is_a_problem_and_a_met_one_is_not(facts):
    result = facts["annual-summary"]
    gaps = [f for f in result.facts if f.measure in ("gap", "gap_yoy", "gap_share") and f.period == "2025"]
    assert any(f.status == "missed" for f in gaps)
    all_met = [f.model_copy(update={"status": "met"}) if f in gaps else f for f in result.facts]
    assert not any(p.missed for p in find_problems(book_of(result, all_met), limit=20))
    missed = {p.metric for p in find_problems(book_of(result), limit=20) if p.missed}
    assert missed == {f.metric for f in gaps if f.status == "missed" and not f.dimension} | \
        {f.metric for f in gaps if f.status == "missed" and f.dimension}
    markdown, text = write(result, result.facts)
    for gap in gaps:
        if gap.status == "missed" and not gap.dimension and gap.metric in {p.metric for p in
                                                                          find_problems(book_of(result))}:
            assert display(gap) in text["problems"] and display(gap) in text["next_steps"]
    assert_verified(markdown, result.facts, "2025")


AREAS = {
    "category": (lambda f: f.dimension.startswith("category="), ("品类",)),
    "marketing": (lambda f: f.metric in ("marketing_spend", "marketing_roi", "cac"), ("ROI", "投放", "营销")),
    "traffic": (lambda f: f.metric in ("visitors", "conversion_rate"), ("转化率", "访客")),
    "targets": (lambda f: f.kind == "target", ("目标",)),
}


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("area", list(AREAS))
def test_nothing_is_said_about_an_area_the_facts_lack(facts, kind, area):
    result = facts[kind]
    test, words = AREAS[area]
    kept = without(result.facts, test)
    markdown, text = write(result, kept, kind)
    proposals = text["problems"] + text["next_steps"]
    for word in words:
        assert word not in proposals, (area, word)
    assert_verified(markdown, kept, result.period.label)


def test_every_next_step_answers_a_problem_and_names_its_figure(facts):
    result = facts["annual-summary"]
    problems = find_problems(book_of(result))
    _, text = write(result, result.facts)
    steps = [line for line in text["next_steps"].split("\n") if line[:2].rstrip(".").isdigit()]
    assert len(steps) == len(problems)
    for step, problem in zip(steps, problems, strict=True):
        name = problem.dim.split("=", 1)[1] if problem.dim else ""
        assert name in step
        assert any(ch.isdigit() for ch in step)


def test_random_perturbations_keep_every_figure_verified(facts):
    rng = random.Random(22)
    for kind, result in facts.items():
        changes = [f for f in result.facts if f.measure in ("yoy", "yoy_pp", "share_pp") and f.period ==
                   result.period.label]
        for _ in range(6):
            state = list(result.facts)
            for fact in rng.sample(changes, 8):
                state = flip(state, fact.id)
            area = rng.choice(list(AREAS))
            state = without(state, AREAS[area][0])
            markdown, _ = write(result, state, kind)
            assert_verified(markdown, state, result.period.label)


def test_a_year_without_problems_says_so_and_proposes_only_from_its_figures(facts):
    result = facts["annual-summary"]
    calm = [f for f in result.facts if f.kind != "target"]
    for _ in range(5):  # turn each problem's changes around until none is left
        found = find_problems(book_of(result, calm), limit=20)
        metrics = {(p.metric, p.dim) for p in found} | ({("marketing_spend", "")} if found else set())
        for fact in list(calm):
            worse_up = fact.metric in ("refund_rate", "marketing_spend")
            if (fact.metric, fact.dimension) in metrics and fact.measure in ("yoy", "yoy_pp", "share_pp") \
                    and fact.period == "2025" and (fact.value > 0) == worse_up:
                calm = flip(calm, fact.id)
    calm = without(calm, lambda f: f.metric == "gmv" and f.measure == "share" and f.value >= 50)
    assert find_problems(book_of(result, calm)) == []
    markdown, text = write(result, calm)
    assert "未出现明显走弱" in text["problems"]
    assert "GMV" in text["next_steps"] and "问题" not in text["next_steps"]
    assert_verified(markdown, calm, "2025")


def _proposals(folder) -> str:
    """The problems and next steps as drafted, without what they quote from past reports (“…”)."""
    report = (folder / "drafts" / "2025-annual-summary" / "report.md").read_text(encoding="utf-8")
    return re.sub(r"“[^”]*”", "", report.split("## 六、")[1])


def test_orders_alone_propose_nothing_about_categories_marketing_or_targets(folder):
    import pandas as pd

    data = folder / "data"
    orders = pd.read_csv(data / "orders.csv").drop(columns=["品类"])
    for path in data.iterdir():
        path.unlink()
    orders.to_csv(data / "orders.csv", index=False)
    result = run_cli("write", "--period", "2025", "--no-exports", "--dir", str(folder))
    assert result.returncode == 0, result.stdout + result.stderr
    said = _proposals(folder)
    for word in ("品类", "营销", "ROI", "投放", "转化率", "访客", "会员", "目标"):
        assert word not in said, word
    assert "（一）" in said and "1. " in said  # the orders still show problems, each with its step
    assert "mismatch: 0" in result.stdout and "unsupported: 0" in result.stdout


def test_targets_met_and_a_rising_aov_leave_no_such_problem(folder):
    import pandas as pd

    data = folder / "data"
    orders = pd.read_csv(data / "orders.csv")
    this_year = orders["下单时间"].str.startswith("2025")
    orders.loc[this_year, "实付金额"] = (orders.loc[this_year, "实付金额"] * 1.15).round(2)
    orders.to_csv(data / "orders.csv", index=False)
    targets = pd.read_csv(data / "targets.csv", dtype={"period": str})
    targets = targets[targets["period"] != "2025"]
    met = pd.DataFrame([("2025", "gmv", "target_yoy", 5.0, "%", ""),
                        ("2025", "repurchase_rate", "target", 5.0, "%", ""), ("2025", "aov", "target", 100.0, "元", ""),
                        ("2025", "refund_rate", "target", 30.0, "%", ""),
                        ("2025", "gmv", "target_share", 5.0, "%", "channel=抖音")], columns=targets.columns)
    pd.concat([targets, met]).to_csv(data / "targets.csv", index=False)
    result = run_cli("write", "--period", "2025", "--no-exports", "--dir", str(folder))
    assert result.returncode == 0, result.stdout + result.stderr
    said = _proposals(folder)
    assert "各项年度目标均已完成" in said
    assert "未达目标" not in said and "客单价下降" not in said and "稳住客单价" not in said
    assert "mismatch: 0" in result.stdout and "unsupported: 0" in result.stdout
