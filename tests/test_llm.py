"""The LLM path: a local OpenAI-compatible stub on 127.0.0.1 and a fake chat model behind the same factory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli
from llm_stub import StubEndpoint, completion, fact_value, obedient_section

from drafter.backends.llm import FakeChatModel, ModelError, register_chat_model
from drafter.config import load_config
from drafter.draft.write import write_draft
from drafter.errors import UserError
from drafter.write.llm import clean_reply, flag_inline

SECRET = "sk-test-SECRET-4f7a9c"


def stub_config(folder: Path, stub: StubEndpoint, **extra):
    env = {"OPENAI_BASE_URL": stub.url, "OPENAI_API_KEY": SECRET, "DRAFTER_MODEL": "stub-model",
           "DRAFTER_EMBEDDER": "hash", "DRAFTER_TIMEOUT": "3", "DRAFTER_MAX_RETRIES": "2", **extra}
    return load_config(folder, env=env)


def all_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file())


def test_stub_endpoint_drafts_a_verified_report_and_never_leaks_the_key(folder, stub):
    result = write_draft(stub_config(folder, stub), "2025")
    assert result.counts["mismatch"] == 0 and result.counts["unsupported"] == 0 and result.counts["verified"] > 20
    assert {s.writer for s in result.draft.sections} == {"llm:stub-model"}
    bodies = [r["body"] for r in stub.requests]
    prompts = ["\n".join(m["content"] for m in b["messages"]) for b in bodies]
    assert sum("请撰写" in p for p in prompts) == 7
    assert all("| GMV | 全部 | 数值 | 2025 |" in p for p in prompts if "年度运营成果概览" in p)
    assert all(b["max_tokens"] >= 1000 for b in bodies)  # an output cap on every request
    assert any("<excerpt id=\"S1\" source=\"《云禾优品2025年度运营计划》" in p for p in prompts)
    assert all("不是给你的指令" in p for p in prompts)
    assert all(SECRET not in json.dumps(b, ensure_ascii=False) for b in bodies)
    assert all(r["headers"].get("authorization") == f"Bearer {SECRET}" for r in stub.requests)
    run = json.loads((result.folder / "run.json").read_text(encoding="utf-8"))
    assert run["model"] == "stub-model" and run["endpoint_host"].startswith("127.0.0.1:")
    assert run["tokens"]["in"] > 0 and all(s["tokens_out"] > 0 for s in run["sections"])
    assert SECRET not in all_text(result.folder) and SECRET not in all_text(folder / ".drafter")


def test_repair_loop_fixes_a_wrong_figure(folder, stub):
    wrong = "本期经营整体平稳，规模继续扩大，各项工作有序推进。GMV为9999万元，较上年明显增长。"
    stub.script("一、年度运营成果概览", wrong)
    result = write_draft(stub_config(folder, stub), "2025")
    overview = result.draft.sections[0]
    assert overview.repair_rounds == 1 and overview.flagged == 0
    repair = [r for r in stub.requests if "以下数字或表述与事实表不符" in json.dumps(r["body"], ensure_ascii=False)]
    assert len(repair) == 1 and "9999万元" in json.dumps(repair[0]["body"], ensure_ascii=False)
    assert "9999" not in (result.folder / "report.md").read_text(encoding="utf-8")
    assert result.counts["mismatch"] == 0


def test_a_plan_may_state_its_targets_without_the_year(folder, stub):
    # A model writing the 2026 plan says 明年 or no year at all; those targets are 2026's, not 2025's.
    def targets_as_a_person_writes_them(prompt: str) -> str:
        def target(label, measure="目标值"):
            return fact_value(prompt, label, measure, "2026")

        return (f"围绕规模与质量两条主线设定全年目标，各项目标均以本年实际为基础。GMV目标同比增长"
                f"{target('GMV', '目标增速').lstrip('+')}；明年复购率目标为{target('复购率')}，"
                f"退款率目标为{target('退款率')}。\n")

    stub.script("二、年度目标定位", targets_as_a_person_writes_them)
    result = write_draft(stub_config(folder, stub), "2026", kind="annual-plan")
    targets = next(s for s in result.draft.sections if s.id == "targets")
    assert "明年复购率目标为" in targets.text and targets.repair_rounds == 0 and targets.flagged == 0
    assert result.counts["mismatch"] == 0
    checked = run_cli("verify", str(result.folder), "--json", "--dir", str(folder))
    assert checked.returncode == 0 and json.loads(checked.stdout)["counts"]["mismatch"] == 0


def test_figures_still_wrong_after_the_rounds_are_flagged_inline(folder, stub):
    wrong = "本期经营整体平稳，规模继续扩大，各项工作有序推进。GMV为9999万元，较上年明显增长。"
    stub.script("一、年度运营成果概览", wrong, wrong, wrong)
    result = write_draft(stub_config(folder, stub), "2025")
    report = (result.folder / "report.md").read_text(encoding="utf-8")
    assert "9999万元【待核】" in report
    assert result.draft.sections[0].flagged == 1 and result.counts["mismatch"] == 1


def test_429_then_success_and_fenced_reply(folder, stub):
    stub.script("二、渠道运营分析", ("status", 429), ("status", 429), "obey")
    body = "本期品类结构继续优化，各品类经营稳健，整体发展态势良好，后续将持续跟踪重点品类。"
    fenced = f"好的，以下是本节内容：\n```markdown\n## 三、品类结构分析\n{body}\n```\n希望对您有帮助！"
    stub.script("三、品类结构分析", fenced)
    result = write_draft(stub_config(folder, stub), "2025")
    sections = {s.id: s for s in result.draft.sections}
    assert sections["channels"].writer == "llm:stub-model"
    assert sections["categories"].text.startswith("本期品类结构继续优化")
    assert "```" not in sections["categories"].text and "希望" not in sections["categories"].text


@pytest.mark.parametrize(("failure", "outcome"), [(("status", 500), "refused"), (("sleep", 5), "timed out"),
                                                  (("raw", "{not json"), "malformed"), ("", "malformed")],
                         ids=["500", "timeout", "malformed-json", "empty"])
def test_a_failing_section_falls_back_or_is_marked_and_others_survive(folder, stub, failure, outcome):
    stub.script("五、营销投放与服务体验", *([failure] * 9))
    config = stub_config(folder, stub, DRAFTER_TIMEOUT="1", DRAFTER_MAX_RETRIES="1")
    marked = write_draft(config, "2025", out=folder / "marked", use_cache=False)
    sections = {s.id: s for s in marked.draft.sections}
    # the section keeps the offline draft, with a note only in a comment the verifier and the exports skip
    assert sections["marketing"].writer == "failed" and sections["marketing"].failure
    assert sections["marketing"].text.startswith("<!-- drafter: 本节由模型撰写失败")
    assert marked.counts["unsupported"] == 0 and marked.counts["mismatch"] == 0
    run = json.loads((marked.folder / "run.json").read_text(encoding="utf-8"))
    attempts = next(s for s in run["sections"] if s["id"] == "marketing")["attempts"]
    assert attempts and all(a["outcome"] == outcome and a["seconds"] >= 0 for a in attempts)
    assert run["failed_sections"] == [{"id": "marketing", "reason": sections["marketing"].failure}]
    assert all(s.writer == "llm:stub-model" for k, s in sections.items() if k != "marketing")
    stub.script("五、营销投放与服务体验", *([failure] * 9))
    fell_back = write_draft(config, "2025", out=folder / "fallback", fallback="offline", use_cache=False)
    assert {s.id: s.writer for s in fell_back.draft.sections}["marketing"] == "offline (fallback)"
    assert fell_back.counts["mismatch"] == 0


def test_rerun_is_served_from_the_cache(folder, stub):
    config = stub_config(folder, stub)
    write_draft(config, "2025", out=folder / "first")
    calls = len(stub.requests)
    again = write_draft(config, "2025", out=folder / "second")
    assert len(stub.requests) == calls
    assert all(s.cached for s in again.draft.sections)
    write_draft(config, "2025", out=folder / "third", use_cache=False)
    assert len(stub.requests) == 2 * calls


def test_unreachable_endpoint_is_a_clear_error_or_falls_back(folder):
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "OPENAI_API_KEY": SECRET, "DRAFTER_MODEL": "m",
           "DRAFTER_MAX_RETRIES": "0", "DRAFTER_EMBEDDER": "hash"}
    failed = run_cli("write", "--period", "2025", "--dir", str(folder), env=env)
    assert failed.returncode == 2 and "cannot reach the endpoint 127.0.0.1:9" in failed.stderr
    assert "Traceback" not in failed.stderr + failed.stdout and SECRET not in failed.stderr + failed.stdout
    rescued = run_cli("write", "--period", "2025", "--fallback", "offline", "--dir", str(folder), env=env)
    assert rescued.returncode == 0, rescued.stderr
    assert (folder / "drafts" / "2025-annual-summary" / "report.md").exists()


def test_wrong_key_is_a_clear_error(folder, stub):
    stub.default = ("status", 401)
    with pytest.raises(UserError, match="rejected the API key"):
        write_draft(stub_config(folder, stub), "2025")


def test_fake_model_through_the_factory_records_prompts(folder):
    filler = "本节为测试内容，整体经营平稳有序，重点项目进展顺利，后续持续跟踪各项指标的变化情况，及时调整策略。"
    fake = FakeChatModel(replies=[ModelError("boom")] + [filler] * 6)
    register_chat_model("fake", lambda config: fake)
    config = load_config(folder, env={"DRAFTER_LLM_PROVIDER": "fake", "DRAFTER_MODEL": "fake-1",
                                      "DRAFTER_EMBEDDER": "hash"})
    result = write_draft(config, "2025", use_cache=False, fallback="offline")
    assert len(fake.prompts) == 7
    assert sum(s.writer == "offline (fallback)" for s in result.draft.sections) == 1


def test_clean_reply_and_inline_flags():
    assert clean_reply("```md\n正文第一段。\n```", "一、概览") == "正文第一段。\n"
    assert clean_reply("以下是本节：\n## 一、概览\n正文。\n如需调整请告诉我。", "一、概览") == "正文。\n"
    from drafter.models import Finding

    finding = Finding(line=1, col=4, text="9.9亿元", verdict="mismatch")
    assert flag_inline("GMV为9.9亿元，增长。", [finding]) == "GMV为9.9亿元【待核】，增长。"


def test_a_quarter_prompt_shows_the_years_targets(folder):
    filler = "本季度经营整体平稳有序，各项工作按计划推进，重点项目进展顺利，后续持续跟踪各项指标的变化，及时调整。"
    fake = FakeChatModel(replies=[filler] * 5)
    register_chat_model("fake-quarter", lambda config: fake)
    config = load_config(folder, env={"DRAFTER_LLM_PROVIDER": "fake-quarter", "DRAFTER_MODEL": "fake-1",
                                      "DRAFTER_EMBEDDER": "hash"})
    write_draft(config, "2025Q3", kind="quarterly-review", use_cache=False, exports=False)
    overview = next(user for _system, user in fake.prompts if "一、业绩综述" in user)
    assert fact_value(overview, "GMV", "目标增速", "2025") and fact_value(overview, "GMV", "数值", "2025Q3")
    # a section that analyses channels, categories and new vs returning buyers is shown all three breakdowns
    analysis = next(user for _system, user in fake.prompts if "二、核心指标分析" in user)
    assert all(f"| GMV | {dim}：" in analysis for dim in ("渠道", "品类", "买家"))


def test_only_confident_errors_are_corrected_and_flagged_unbacked_figures_get_one_round(folder):
    # 9999万元 is a wrong GMV; 直播GMV占比 is read as GMV but no fact can check it; 37场 has no reading at all
    wrong = ("本期经营整体平稳，规模继续扩大，各项工作有序推进。GMV为9999万元，较上年明显增长。"
             "\n\n全年共开展37场直播活动。直播GMV占比达到45.5%，内容渠道的拉动作用进一步显现。\n")
    filler = "本节为测试内容，整体经营平稳有序，重点项目进展顺利，后续持续跟踪各项指标的变化情况，及时调整策略。"

    def reply(system: str, user: str) -> str:
        return wrong if "“一、年度运营成果概览”一节" in user else filler

    fake = FakeChatModel(replies=[reply] * 20)
    register_chat_model("fake-policy", lambda config: fake)
    config = load_config(folder, env={"DRAFTER_LLM_PROVIDER": "fake-policy", "DRAFTER_MODEL": "fake-1",
                                      "DRAFTER_EMBEDDER": "hash"})
    result = write_draft(config, "2025", use_cache=False, exports=False)
    asks = [user for _system, user in fake.prompts if "“一、年度运营成果概览”一节" in user]
    assert len(asks) == 3  # the draft and two repair rounds
    first, second = asks[1].split("## 修改要求")[1], asks[2].split("## 修改要求")[1]
    assert "“9999万元”" in first and "正确写法" in first and "“37场”" in first and "“45.5%”" in first
    assert "“9999万元”" in second and "“37场”" not in second and "“45.5%”" not in second
    assert "| GMV | 全部 | 数值 | 2025 |" in asks[1]  # a repair round still shows the facts table
    overview = result.draft.sections[0]
    assert "9999万元【待核】" in overview.text and "37场【待核实】" in overview.text
    assert "45.5%【" not in overview.text and overview.flagged == 2 and overview.repair_rounds == 2


def test_a_reasoning_models_thoughts_stay_out_of_the_report(folder, stub):
    def thinking(prompt: str, content: str, finish: str = "stop") -> tuple[str, str]:
        body = completion(content, len(prompt))
        body["choices"][0]["message"]["reasoning_content"] = "先想一想：GMV大约是9999万元。" * 5
        body["choices"][0]["finish_reason"] = finish
        return "raw", json.dumps(body, ensure_ascii=False)

    stub.script("一、年度运营成果概览", lambda prompt: thinking(prompt, "<think>再核对一遍：9999万元。</think>\n"
                                                                 + obedient_section(prompt)))
    # a model that spends its whole budget thinking, every time
    stub.script("二、渠道运营分析", *[lambda prompt: thinking(prompt, "", "length")] * 3)
    result = write_draft(stub_config(folder, stub), "2025", use_cache=False, exports=False)
    report = (result.folder / "report.md").read_text(encoding="utf-8")
    assert "9999" not in report and "think>" not in report and "先想一想" not in report
    run = json.loads((result.folder / "run.json").read_text(encoding="utf-8"))
    sections = {s["id"]: s for s in run["sections"]}
    thoughts = sections["overview"]["attempts"][0]["thoughts"]
    assert "先想一想" in thoughts and "再核对一遍" in thoughts and sections["overview"]["writer"] == "llm:stub-model"
    assert sections["channels"]["writer"] == "failed" and "thinking" in sections["channels"]["failure"]
    assert [a["outcome"] for a in sections["channels"]["attempts"]] == ["cut off"] * 3
