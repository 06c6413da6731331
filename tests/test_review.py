"""The review loop: hand edits survive regen, accept refuses wrong figures and files the report in the corpus."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import run_cli

from drafter.render import parse_sections

WRONG = ("GMV为26.32万元", "GMV为36.32万元")  # the channels section's first figure, made wrong by hand


@pytest.fixture(scope="session")
def base_draft(workspace, tmp_path_factory):
    """One offline draft of the demo company's 2025 annual summary, written once through the CLI."""
    out = tmp_path_factory.mktemp("drafts") / "base"
    result = run_cli("write", "--period", "2025", "--out", str(out), "--dir", str(workspace))
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture
def draft(base_draft, tmp_path):
    """A private copy of the base draft that a test may edit."""
    return shutil.copytree(base_draft, tmp_path / "draft")


def _section(text: str, section_id: str):
    return next(s for s in parse_sections(text) if s.id == section_id)


def _edit(folder, old: str, new: str) -> str:
    report = folder / "report.md"
    text = report.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    report.write_text(text, encoding="utf-8")
    return text


def test_write_produces_the_draft_folder_and_exports(base_draft):
    for name in ("report.md", "facts.json", "sources.json", "sections.json", "verification.json", "run.json",
                 "report.docx", "review.html"):
        assert (base_draft / name).exists(), name
    assert sorted(p.name for p in (base_draft / "charts").glob("*.png")) == [
        "category_growth.png", "channel_mix.png", "monthly_gmv.png", "targets.png"]
    assert json.loads((base_draft / "run.json").read_text(encoding="utf-8"))["script"] == "simplified"


def test_regen_keeps_hand_edits_byte_for_byte(draft, workspace):
    edited = _edit(draft, *WRONG)
    edited = edited.replace("售后端，", "售后端方面，", 1)  # a second hand edit, in another section
    edited = edited.replace("请审阅后定稿。", "请审阅后定稿。（运营部已初审）", 1)  # and one in the preface
    (draft / "report.md").write_text(edited, encoding="utf-8")
    users_before = _section(edited, "users")

    verify = run_cli("verify", str(draft), "--dir", str(workspace))
    assert verify.returncode == 1 and "mismatch" in verify.stdout and "36.32万元" in verify.stdout
    assert 'data-verdict="mismatch"' in (draft / "review.html").read_text(encoding="utf-8")

    result = run_cli("regen", str(draft), "--section", "users", "--dir", str(workspace))
    assert result.returncode == 0, result.stdout + result.stderr
    after = (draft / "report.md").read_text(encoding="utf-8")
    lines_before, lines_after = edited.split("\n"), after.split("\n")
    users = _section(after, "users")
    # everything outside the regenerated section's marker and body is untouched, byte for byte
    assert lines_after[:users.start_line] == lines_before[:users_before.start_line]
    assert lines_after[users.end_line:] == lines_before[users_before.end_line:]
    assert _section(after, "channels").body == _section(edited, "channels").body
    assert "（运营部已初审）" in after and "售后端方面，" in after
    assert not users.edited and _section(after, "channels").edited
    verification = json.loads((draft / "verification.json").read_text(encoding="utf-8"))
    assert verification["counts"]["mismatch"] == 1  # the hand-made error is still reported, not hidden
    run = json.loads((draft / "run.json").read_text(encoding="utf-8"))
    assert run["regenerated"][-1]["section"] == "users"

    refused = run_cli("regen", str(draft), "--section", "channels", "--dir", str(workspace))
    assert refused.returncode == 2
    assert "hand edits" in refused.stderr and "--force" in refused.stderr
    assert (draft / "report.md").read_text(encoding="utf-8") == after

    forced = run_cli("regen", str(draft), "--section", "channels", "--force", "--note", "多写抖音的退款问题",
                     "--dir", str(workspace))
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert "offline writer cannot follow --note" in forced.stdout
    final = (draft / "report.md").read_text(encoding="utf-8")
    assert WRONG[0] in final and not _section(final, "channels").edited
    assert json.loads((draft / "verification.json").read_text(encoding="utf-8"))["counts"]["mismatch"] == 0


def test_regen_names_the_sections_when_the_id_is_unknown(draft, workspace):
    result = run_cli("regen", str(draft), "--section", "nope", "--dir", str(workspace))
    assert result.returncode == 2 and "overview" in result.stderr


def test_accept_refuses_a_mismatch_then_files_the_report(draft, workspace, tmp_path):
    # a copy of the workspace, so the shared corpus other tests retrieve from stays as it was
    ws = shutil.copytree(workspace, tmp_path / "ws")
    _edit(draft, *WRONG)
    refused = run_cli("accept", str(draft), "--dir", str(ws))
    assert refused.returncode == 1
    assert "36.32万元" in refused.stdout and "not accepted" in refused.stdout
    assert not (draft / "final.md").exists()

    _edit(draft, WRONG[1], WRONG[0])
    accepted = run_cli("accept", str(draft), "--json", "--dir", str(ws))
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    payload = json.loads(accepted.stdout)
    assert payload["accepted"] and payload["kind"] == "summary" and payload["period"] == "2025"

    final = (draft / "final.md").read_text(encoding="utf-8")
    assert final.startswith("# 云禾优品2025年运营总结\n")
    assert "drafter:section" not in final and "本稿由 drafter" not in final
    assert "## 二、渠道运营分析" in final and WRONG[0] in final

    listed = run_cli("corpus", "list", "--json", "--dir", str(ws))
    assert listed.returncode == 0, listed.stderr
    docs = json.loads(listed.stdout)
    docs = docs if isinstance(docs, list) else docs.get("documents", docs)
    mine = [d for d in docs if d["id"] == payload["doc_id"]]
    assert mine and mine[0]["kind"] == "summary" and mine[0]["period"] == "2025"


def test_traditional_script_keeps_every_figure(base_draft, workspace, tmp_path):
    from drafter.config import load_config
    from drafter.draft.write import finish_draft

    folder = shutil.copytree(base_draft, tmp_path / "trad")
    simplified = (folder / "report.md").read_text(encoding="utf-8")
    before = json.loads((folder / "verification.json").read_text(encoding="utf-8"))
    # what `drafter write --script traditional` does once the draft is saved
    findings, counts = finish_draft(load_config(workspace), folder, "traditional")
    text = (folder / "report.md").read_text(encoding="utf-8")
    assert "運營" in text and "运营" not in text
    page = (folder / "review.html").read_text(encoding="utf-8")
    # OpenCC writes 核对 as 覈對, in the report and on the page alike
    assert "覈對結果" in page and "附圖" in page and "核对结果" not in page and 'lang="zh-Hant"' in page
    numbers = lambda md: re.findall(r"\d+(?:\.\d+)?", re.sub(r"<!--.*?-->", "", md))  # noqa: E731
    assert numbers(text) == numbers(simplified)
    assert not any(s.edited for s in parse_sections(text)), "marker hashes must follow the converted text"
    assert counts == before["counts"]
    assert [(f.line, f.col, f.value, f.verdict) for f in findings] == [
        (f["line"], f["col"], f["value"], f["verdict"]) for f in before["findings"]]

