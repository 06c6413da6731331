"""The repair loop cannot corrupt: only complete readings earn a right value, and a round that leaves a changed
figure unverified is rolled back. Tried with a model that obeys every correction it is given."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import run_cli
from llm_stub import StubEndpoint, fact_value, obedient

from drafter.models import Finding
from drafter.render import parse_sections
from drafter.write.repair import broken_by_round, repair_requests

OVERVIEW = "一、年度运营成果概览"
MARKS = re.compile("【待核实?】")


def stub_env(stub: StubEndpoint) -> dict:
    return {"OPENAI_BASE_URL": stub.url, "OPENAI_API_KEY": "sk-repair-test", "DRAFTER_MODEL": "stub-model",
            "DRAFTER_EMBEDDER": "hash", "DRAFTER_TIMEOUT": "5", "DRAFTER_MAX_RETRIES": "1"}


def write(folder: Path, env: dict) -> tuple[Path, dict]:
    done = run_cli("write", "--period", "2025", "--no-cache", "--no-exports", "--dir", str(folder), env=env)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    draft = folder / "drafts" / "2025-annual-summary"
    return draft, json.loads((draft / "run.json").read_text(encoding="utf-8"))


def overview_of(draft: Path) -> str:
    markdown = (draft / "report.md").read_text(encoding="utf-8")
    return next(s.body for s in parse_sections(markdown) if s.id == "overview")


def repair_prompts(stub: StubEndpoint) -> list[str]:
    prompts = ["\n".join(m["content"] for m in r["body"]["messages"]) for r in stub.requests]
    return [p.split("## 修改要求", 1)[1] for p in prompts if "## 修改要求" in p]


def issue_shapes(facts: list[dict]) -> list[str]:
    """Correct sentences in the shapes annual summaries use, worked out from the draft's own facts: sub-period sums,
    a per-day average, a target amount implied by a growth target, "1 in N", a growth rate's change in 个百分点
    and a ceiling target."""
    value = {f["id"]: f["value"] for f in facts}
    months = [value[f"gmv.2025[month={m}月]"] for m in range(1, 13)]
    gmv, before = value["gmv.2025"], value["gmv.2024"]
    target = before * (1 + value["gmv.target_yoy.2025"] / 100)
    growth, growth_before = value["gmv.yoy.2025"], value["gmv.yoy.2024"]
    return [
        f"上半年GMV合计{sum(months[:6]) / 1e4:.2f}万元，下半年为{sum(months[6:]) / 1e4:.2f}万元。",
        f"按365天计，全年日均GMV约{gmv / 365:.0f}元。",
        f"以{value['gmv.target_yoy.2025']:.0f}%的增速目标计，GMV目标约{target / 1e4:.1f}万元，"
        f"完成率{gmv / target * 100:.1f}%。",
        f"每{round(100 / value['conversion_rate.2025'])}个访客中约有1人下单。",
        f"GMV增速从上年的{growth_before:.1f}%加快至{growth:.1f}%，提高{growth - growth_before:.1f}个百分点。",
        f"退款率为{value['refund_rate.2025']:.1f}%，高于{value['refund_rate.target.2025']:.0f}%的控制目标。",
    ]


def test_regen_with_an_obedient_model_changes_no_correct_figure_and_fixes_the_wrong_one(folder, stub):
    # Passes once the verifier reads open-world: today's reads 上半年GMV合计… as the year's GMV, offers the year's
    # value as the "right" one, and the obedient model's changed figure then verifies as the plain metric.
    draft, _run = write(folder, {"DRAFTER_EMBEDDER": "hash"})
    facts = json.loads((draft / "facts.json").read_text(encoding="utf-8"))
    correct = issue_shapes(facts)
    orders = next(f for f in facts if f["id"] == "orders.2025")
    wrong = "全年订单量为9999单，规模继续扩大。"

    def overview(prompt: str) -> str:
        return "本年度经营稳中有进，主要指标表现如下。" + "".join(correct) + wrong + "\n\n下一阶段将继续跟踪。\n"

    stub.default = obedient(overview)
    done = run_cli("regen", str(draft), "--section", "overview", "--dir", str(folder), env=stub_env(stub))
    assert done.returncode in (0, 1), done.stdout + done.stderr
    text = MARKS.sub("", overview_of(draft))
    changed = [sentence for sentence in correct if sentence not in text]
    assert not changed, (changed, repair_prompts(stub))
    assert "9999单" not in text and f"全年订单量为{orders['value']:.0f}单" in text  # the real error was fixed


def test_a_round_that_breaks_a_correct_figure_is_rolled_back(folder, stub):
    def this_year(prompt: str, label: str) -> str:
        return fact_value(prompt, label, period="2025")

    def first(prompt: str) -> str:
        return (f"本年度经营稳中有进，规模继续扩大。全年GMV为9999万元，订单量为{this_year(prompt, '订单量')}，"
                f"买家数为{this_year(prompt, '买家数')}。\n\n下一阶段将继续跟踪上述指标。\n")

    def careless(prompt: str) -> str:  # fixes the flagged GMV, but changes a correct figure on the way
        return (f"本年度经营稳中有进，规模继续扩大。全年GMV为{this_year(prompt, 'GMV')}，订单量为12345单，"
                f"买家数为{this_year(prompt, '买家数')}。\n\n下一阶段将继续跟踪上述指标。\n")

    stub.script(OVERVIEW, first, careless)
    draft, run = write(folder, stub_env(stub))
    section = next(s for s in run["sections"] if s["id"] == "overview")
    assert [a["kind"] for a in section["attempts"]] == ["draft", "repair"]
    assert section["attempts"][-1]["rolled_back"] == ["12345单"]
    text = overview_of(draft)
    # the text from before the round: the correct figure kept, the wrong one still flagged, the bad round gone
    assert "12345" not in text and "9999万元【待核】" in text and section["flagged"] == 1
    assert run["counts"]["mismatch"] == 1


def test_a_wrong_claim_is_shown_the_fact_and_asked_to_be_reworded_not_given_a_figure_to_paste(folder, stub):
    # "同比下降32.1%" against +32.1%: pasting the signed value ("下降+32.1%") would contradict itself
    def wrong_direction(prompt: str) -> str:
        growth = fact_value(prompt, "GMV", "同比变化", "2025").lstrip("+")
        return (f"本年度经营稳中有进，规模继续扩大。全年GMV同比下降{growth}，"
                f"达到{fact_value(prompt, 'GMV', period='2025')}。\n\n下一阶段将继续跟踪上述指标。\n")

    stub.script(OVERVIEW, *[obedient(wrong_direction)] * 3)
    draft, run = write(folder, stub_env(stub))
    asked = [line for line in repair_prompts(stub)[0].split("\n") if line.startswith("- 第")]
    assert len(asked) == 1 and "（事实表：" in asked[0] and "正确写法" not in asked[0]
    assert re.search(r"同比下降[\d.]+%【待核】", overview_of(draft)) and "+" not in overview_of(draft)


def test_an_unsupported_figure_is_never_offered_a_value_nor_changed(folder, stub):
    draft_text = ("本年度经营稳中有进，规模继续扩大。全年GMV为9999万元，较上年明显增长。"
                  "\n\n全年共开展37场直播活动，直播GMV占比达到45.5%，内容渠道的拉动作用进一步显现。\n")
    stub.script(OVERVIEW, obedient(lambda prompt: draft_text), obedient(lambda prompt: draft_text),
                obedient(lambda prompt: draft_text))
    draft, run = write(folder, stub_env(stub))
    asked = repair_prompts(stub)
    assert asked and "“9999万元”" in asked[0] and "正确写法" in asked[0]
    for line in (line for prompt in asked for line in prompt.split("\n") if "“37场”" in line or "“45.5%”" in line):
        assert "正确写法" not in line and re.sub(r"“[^”]*”|第\d+行", "", line).strip("- ") == "", line
    text = MARKS.sub("", overview_of(draft))
    assert "37场直播活动" in text and "占比达到45.5%" in text and "9999万元" not in text


def test_restating_an_unsupported_figure_as_another_unbacked_one_is_rolled_back(folder, stub):
    first = ("本年度经营稳中有进，规模继续扩大，各项工作有序推进。"
             "\n\n全年共开展37场直播活动，内容渠道的拉动作用进一步显现。\n")
    guessed = first.replace("37场", "40场")
    stub.script(OVERVIEW, first, guessed)
    draft, run = write(folder, stub_env(stub))
    section = next(s for s in run["sections"] if s["id"] == "overview")
    assert section["attempts"][-1]["rolled_back"] == ["40场"]
    assert "37场【待核实】" in overview_of(draft) and "40场" not in overview_of(draft)


def finding(text: str, verdict: str, line: int = 1, col: int = 1, **reading) -> Finding:
    return Finding(line=line, col=col, text=text, verdict=verdict, expected="88.79万元", reading=reading)


def test_only_complete_confident_readings_earn_a_right_value():
    sure = finding("9999万元", "mismatch", metric="gmv", unread=[])
    unsure = finding("39.99万元", "mismatch", metric="gmv", unread=["上半年", "合计"])
    unbacked = finding("37场", "unsupported")
    requests = repair_requests([sure, unsure, unbacked, finding("88.79万元", "verified", metric="gmv")])
    assert requests.correct == [sure] and requests.restate == [unbacked, unsure]


def test_a_round_is_judged_only_on_what_it_changed():
    before = "GMV为9999万元。订单量为2789单。\n退款率为7.8%。"
    old = [finding("9999万元", "mismatch", col=5), finding("2789单", "verified", col=17),
           finding("7.8%", "unsupported", line=2, col=5)]
    fixed = "GMV为88.79万元。订单量为2789单。\n退款率为7.8%。"
    new = [finding("88.79万元", "verified", col=5), finding("2789单", "verified", col=18),
           finding("7.8%", "unsupported", line=2, col=5)]
    assert broken_by_round(before, old, fixed, new) == []  # an unbacked figure left as it was is not the round's
    worse = [finding("88.79万元", "verified", col=5), finding("2789单", "mismatch", col=18), new[2]]
    assert [f.text for f in broken_by_round(before, old, fixed, worse)] == ["2789单"]
    unread = [finding("88.79万元", "verified", col=5, unread=["上半年"]), new[1], new[2]]
    assert [f.text for f in broken_by_round(before, old, fixed, unread)] == ["88.79万元"]
