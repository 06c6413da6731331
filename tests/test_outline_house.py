"""The house outline: chapters read from one of the team's past reports (Markdown, Word, a corpus document),
mapped to areas by their words, saved as an editable file, shown, and loaded as the outline `write` follows;
a Word template in the draft folder giving report.docx its styles. Past reports here are written for these tests."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import run_cli
from docx.shared import Cm, Pt

from drafter.config import load_config
from drafter.outline import (
    areas,
    builtin_outline,
    house_from_text,
    house_path,
    load_outline,
    map_area,
    numbered,
    split_numbering,
)
from drafter.render.docx import build_docx

PAST_MD = """# 云禾优品2024年度经营总结

## 第一章 经营成果回顾
全年经营稳中有进，线上成交规模继续扩大。

## 第二章 平台与渠道表现
### 一、天猫
天猫保持第一大平台的位置。
### 二、抖音
抖音直播带来了大部分增量。

## 第三章 会员与私域运营
会员体系完成了改版。

## 第四章 团队建设与组织
新组建了直播和内容两个小组。

## 第五章 存在的问题
部分品类退货偏多。

## 第六章 明年工作打算
继续推进会员和直播两条主线。
"""
CHAPTERS = ["经营成果回顾", "平台与渠道表现", "会员与私域运营", "团队建设与组织", "存在的问题", "明年工作打算"]
AREAS = ["overview", "channels", "users", "", "problems", "next_steps"]


def _word_report(path: Path, chapters: list[str]) -> Path:
    document = docx.Document()
    document.add_heading("2025年第三季度电商运营汇报", 0)
    for i, name in enumerate(chapters, 1):
        document.add_heading(f"{i}. {name}", 1)
        document.add_paragraph("本节的正文由团队撰写，这里只是一段示例文字。")
        document.add_heading(f"（一）{name}的细节", 2)
        document.add_paragraph("更细的说明。")
    document.save(path)
    return path


# --- reading chapters -----------------------------------------------------------------------------------------

STYLES = ["{cn}、", "第{cn}章 ", "（{cn}）", "{n}. ", "{n}、", "第{cn}部分 ", ""]


@pytest.mark.parametrize("style", STYLES)
def test_numbering_styles_round_trip(style):
    for position in range(1, 13):
        heading = numbered(style, position, "渠道表现")
        assert split_numbering(heading) == (style, "渠道表现"), heading


def test_every_area_word_names_its_area_inside_any_chapter_name():
    rng = random.Random(7)
    for area, spec in areas().items():
        for word in spec["words"]:
            name = f"{rng.choice(['', '年度', '本期'])}{word}{rng.choice(['分析', '情况', '表现', ''])}"
            assert map_area(name)[0] == area, (name, map_area(name))


def test_most_words_then_the_first_word_decides_and_sub_headings_help_only_a_bare_chapter():
    assert map_area("用户与流量")[0] == "users"  # one word each: the first named wins
    assert map_area("流量与用户")[0] == "marketing"
    assert map_area("数据化运营与保障措施")[0] == "next_steps"  # 保障, 措施 against 数据
    assert map_area("经营分析", "渠道表现 品类结构")[0] == "overview"  # its own word first
    assert map_area("专题一", "天猫渠道 抖音渠道")[0] == "channels"
    assert map_area("团队建设与组织") == ("", ())


def test_chapters_are_the_outermost_repeated_headings_without_the_title():
    house = house_from_text(PAST_MD, "云禾优品2024年度经营总结", "annual-summary", "past.md")
    assert [s.title for s in house.sections] == CHAPTERS
    assert [s.area for s in house.sections] == AREAS
    assert house.numbering == "第{cn}章 "


def test_a_report_without_chapters_is_refused():
    with pytest.raises(Exception, match="no chapter headings"):
        house_from_text("只有一段正文，没有任何标题。", "", "annual-summary", "memo.md")


# --- the CLI and the saved file ----------------------------------------------------------------------------------

def test_outline_from_markdown_saves_an_editable_file_and_show_prints_the_mapping(tmp_path):
    (tmp_path / "past.md").write_text(PAST_MD, encoding="utf-8")
    result = run_cli("outline", "from", "past.md", "--kind", "annual-summary", "--dir", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    saved = house_path(tmp_path, "annual-summary")
    assert saved.exists() and "numbering = \"第{cn}章 \"" in saved.read_text(encoding="utf-8")
    shown = run_cli("outline", "show", "--dir", str(tmp_path))
    assert shown.returncode == 0, shown.stderr
    for title in ("第二章 平台与渠道表现", "第四章 团队建设与组织"):
        assert title in shown.stdout
    assert "channels 渠道 (words: 平台、渠道)" in shown.stdout and "按渠道" in shown.stdout
    assert "no area" in shown.stdout and "[待补充]" in shown.stdout

    # a person edits the file: a chapter remapped, two swapped; the outline follows the file
    text = saved.read_text(encoding="utf-8").replace('title = "团队建设与组织"\narea = ""',
                                                     'title = "团队建设与组织"\narea = "service"')
    saved.write_text(text, encoding="utf-8")
    outline = load_outline("annual-summary", load_config(tmp_path))
    assert [s.title for s in outline.sections][3] == "第四章 团队建设与组织"
    assert outline.sections[3].area == "service" and outline.sections[3].metrics
    again = run_cli("outline", "from", "past.md", "--kind", "annual-summary", "--dir", str(tmp_path))
    assert again.returncode == 2 and "--force" in again.stderr
    assert saved.read_text(encoding="utf-8") == text  # the edit is not overwritten


def test_a_broken_outline_file_is_named_with_the_fix(tmp_path):
    (tmp_path / "past.md").write_text(PAST_MD, encoding="utf-8")
    assert run_cli("outline", "from", "past.md", "--kind", "annual-summary", "--dir", str(tmp_path)).returncode == 0
    saved = house_path(tmp_path, "annual-summary")
    saved.write_text(saved.read_text(encoding="utf-8").replace('area = "channels"', 'area = "shipping"'),
                     encoding="utf-8")
    shown = run_cli("outline", "show", "--kind", "annual-summary", "--dir", str(tmp_path))
    assert shown.returncode == 2 and "annual-summary.toml" in shown.stderr and "'shipping'" in shown.stderr
    assert "Traceback" not in shown.stderr


def test_outline_from_refuses_an_unknown_kind_and_a_missing_file(tmp_path):
    (tmp_path / "past.md").write_text(PAST_MD, encoding="utf-8")
    unknown = run_cli("outline", "from", "past.md", "--kind", "weekly-gossip", "--dir", str(tmp_path))
    assert unknown.returncode == 2 and "weekly-gossip" in unknown.stderr
    missing = run_cli("outline", "from", "nowhere.docx", "--dir", str(tmp_path))
    assert missing.returncode == 2 and "nowhere.docx" in missing.stderr
    assert not (tmp_path / "outlines").exists()


def test_outline_from_a_word_report_takes_its_kind_from_the_report(tmp_path):
    chapters = ["业绩综述", "渠道与品类", "重点项目：会员拉新", "服务体验", "下季度计划"]
    _word_report(tmp_path / "q3.docx", chapters)
    result = run_cli("outline", "from", "q3.docx", "--dir", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    outline = load_outline("quarterly-review", load_config(tmp_path))
    assert [s.title for s in outline.sections] == [f"{i}. {c}" for i, c in enumerate(chapters, 1)]
    assert [s.area for s in outline.sections] == ["overview", "channels", "users", "service", "next_steps"]
    assert len({s.id for s in outline.sections}) == len(chapters)  # two chapters borrow one section: ids differ


def test_outline_from_a_corpus_document(folder):
    added = run_cli("corpus", "add", str(_word_report(folder / "q2.docx", ["经营概况", "会员运营", "问题与改进"])),
                    cwd=folder)
    assert added.returncode == 0, added.stdout + added.stderr
    listed = run_cli("corpus", "list", "--json", cwd=folder)
    import json

    doc_id = next(d["id"] for d in json.loads(listed.stdout) if d["title"] == "2025年第三季度电商运营汇报")
    result = run_cli("outline", "from", doc_id[:8], "--kind", "quarterly-review", cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr
    outline = load_outline("quarterly-review", load_config(folder))
    assert [s.area for s in outline.sections] == ["overview", "users", "problems"]


def test_a_house_outline_borrows_facts_and_marks_a_chapter_nothing_names(tmp_path):
    (tmp_path / "past.md").write_text(PAST_MD, encoding="utf-8")
    assert run_cli("outline", "from", "past.md", "--kind", "annual-summary", "--dir", str(tmp_path)).returncode == 0
    outline = load_outline("annual-summary", load_config(tmp_path))
    builtin = builtin_outline("annual-summary")
    assert outline.title == builtin.title and outline.corpus_kind == builtin.corpus_kind
    channels = outline.sections[1]
    assert channels.id == "channels" and channels.dimensions == ("channel",)
    assert channels.metrics == builtin.section("channels").metrics
    team = outline.sections[3]
    assert team.template == "house/placeholder.md.j2" and not team.metrics and team.queries
    assert load_outline("annual-plan", load_config(tmp_path)) == builtin_outline("annual-plan")  # no house file


# --- the Word template ---------------------------------------------------------------------------------------------

def _template(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("模板里的示例文字，不应出现在报告里。")
    document.styles["Heading 1"].font.size = Pt(22)
    document.styles["Normal"].font.name = "KaiTi"
    document.sections[0].left_margin = Cm(3.7)
    buffer = io.BytesIO()
    document.save(buffer)
    if path.suffix == ".dotx":  # a real template: its main part typed as a template
        source, out = zipfile.ZipFile(io.BytesIO(buffer.getvalue())), io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "[Content_Types].xml":
                    data = data.replace(b"document.main+xml", b"template.main+xml")
                target.writestr(item, data)
        path.write_bytes(out.getvalue())
    else:
        path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize("name", ["template.dotx", "模板.docx"])
def test_a_word_template_gives_the_report_its_styles_and_page_setup(tmp_path, name):
    markdown = ("# 2025年度运营总结\n\n## 一、渠道表现\n\n全年GMV为1.2亿元。\n\n- 要点一\n\n"
                "| 渠道 | GMV |\n| --- | --- |\n| 天猫 | 5000万元 |\n")
    report = docx.Document(io.BytesIO(build_docx(markdown, {}, template=_template(tmp_path / name))))
    texts = [p.text for p in report.paragraphs]
    assert "模板里的示例文字，不应出现在报告里。" not in texts and "一、渠道表现" in texts
    assert report.styles["Heading 1"].font.size == Pt(22) and report.styles["Normal"].font.name == "KaiTi"
    assert abs(report.sections[0].left_margin - Cm(3.7)) < Cm(0.01)
    heading = next(p for p in report.paragraphs if p.text == "一、渠道表现")
    assert heading.style.name == "Heading 1" and all(r.font.name is None for r in heading.runs)
    plain = docx.Document(io.BytesIO(build_docx(markdown, {})))
    assert abs(plain.sections[0].left_margin - Cm(2.5)) < Cm(0.01) and plain.styles["Heading 1"].font.size == Pt(15)


# --- drafting with the house outline ------------------------------------------------------------------------------

def _draft(folder: Path, *args: str) -> tuple[Path, str, dict]:
    import json

    result = run_cli("write", *args, cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr
    out = next(p for p in (folder / "drafts").iterdir() if p.name.startswith(args[1]))
    return out, (out / "report.md").read_text(encoding="utf-8"), json.loads(
        (out / "verification.json").read_text(encoding="utf-8"))


def _chapters(report: str) -> list[tuple[str, str, str]]:
    """(heading, section id, body) of each ## chapter of a draft."""
    import re

    parts = re.split(r"^## (.+)\n<!-- drafter:section id=([\w.-]+) hash=[0-9a-f]+ -->$", report, flags=re.M)
    return [(parts[k], parts[k + 1], parts[k + 2].strip()) for k in range(1, len(parts), 3)]


def _figures_by_section(report: str, verification: dict) -> dict[str, int]:
    """Checked figures per section id, by the section marker above each finding's line."""
    import re

    owner, current = {}, ""
    for number, line in enumerate(report.split("\n"), 1):
        if m := re.match(r"<!-- drafter:section id=([\w.-]+) ", line):
            current = m.group(1)
        owner[number] = current
    counts: dict[str, int] = {}
    for finding in verification["findings"]:
        counts[owner.get(finding["line"], "")] = counts.get(owner.get(finding["line"], ""), 0) + 1
    return counts


def _assert_every_figure_verified(verification: dict) -> None:
    bad = [f for f in verification["findings"] if f["verdict"] in ("mismatch", "unsupported", "claim_error")]
    assert not bad, bad


def test_an_offline_draft_follows_a_markdown_past_reports_chapters_with_figures_verified(folder):
    (folder / "past.md").write_text(PAST_MD, encoding="utf-8")
    assert run_cli("outline", "from", "past.md", "--kind", "annual-summary", cwd=folder).returncode == 0
    out, report, verification = _draft(folder, "--period", "2025", "--kind", "annual-summary")
    chapters = _chapters(report)
    assert [heading for heading, _, _ in chapters] == [
        f"第{'一二三四五六'[i]}章 {name}" for i, name in enumerate(CHAPTERS)]
    _assert_every_figure_verified(verification)
    figures = _figures_by_section(report, verification)
    for (heading, section_id, body), area in zip(chapters, AREAS, strict=True):
        if area:
            assert figures.get(section_id, 0) > 0 and any(c.isdigit() for c in body), heading
        else:
            assert body.startswith("> 【待补充】") and not figures.get(section_id), body
    assert (out / "outline.toml").exists()  # the draft keeps the outline it followed

    # regen follows the draft's own outline even after the working folder's changes
    house_path(folder, "annual-summary").unlink()
    regen = run_cli("regen", str(out), "--section", "users", cwd=folder)
    assert regen.returncode == 0, regen.stdout + regen.stderr
    assert "## 第三章 会员与私域运营" in (out / "report.md").read_text(encoding="utf-8")


def test_a_word_past_report_and_a_word_template_shape_a_quarterly_draft(folder):
    chapters = ["业绩综述", "渠道表现", "品类与商品", "会员与私域", "营销效率", "团队与协作", "下季度计划"]
    _word_report(folder / "q2.docx", chapters)
    assert run_cli("outline", "from", "q2.docx", "--kind", "quarterly-review", cwd=folder).returncode == 0
    _template(folder / "template.dotx")
    out, report, verification = _draft(folder, "--period", "2025Q3", "--kind", "quarterly-review")
    found = _chapters(report)
    assert [heading for heading, _, _ in found] == [f"{i}. {name}" for i, name in enumerate(chapters, 1)]
    _assert_every_figure_verified(verification)
    figures = _figures_by_section(report, verification)
    assert all(figures.get(section_id, 0) > 0 for heading, section_id, _ in found if "团队" not in heading)
    channels = dict((h, body) for h, _, body in found)["2. 渠道表现"]
    assert "| 渠道 |" in channels and "| 品类 |" not in channels and "###" not in channels
    document = docx.Document(str(out / "report.docx"))
    assert document.styles["Heading 1"].font.size == Pt(22)
    assert abs(document.sections[0].left_margin - Cm(3.7)) < Cm(0.01)
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"][:2] == ["1. 业绩综述", "2. 渠道表现"]


def test_with_a_model_a_chapter_nothing_names_is_written_from_excerpts_only(folder):
    from chat_fakes import RealisticChatModel

    from drafter.backends.llm import register_chat_model

    model = RealisticChatModel()
    register_chat_model("realistic", lambda config: model)
    (folder / "past.md").write_text(PAST_MD, encoding="utf-8")
    assert run_cli("outline", "from", "past.md", "--kind", "annual-summary", cwd=folder).returncode == 0
    env = {"DRAFTER_LLM_PROVIDER": "realistic", "DRAFTER_MODEL": "realistic-7b"}
    done = run_cli("write", "--period", "2025", "--no-cache", "--no-exports", cwd=folder, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    asked = {r["title"]: r["user"] for r in model.requests}
    assert set(asked) >= {f"第{'一二三四五六'[i]}章 {name}" for i, name in enumerate(CHAPTERS)}
    team = asked["第四章 团队建设与组织"]
    assert "只依据参考摘录撰写" in team and "<excerpt" in team
    table = team.split("## 事实表")[1].split("## 参考摘录")[0]
    assert [row for row in table.split("\n") if row.startswith("| ") and "指标" not in row and "---" not in row] == []
    report = next((folder / "drafts").iterdir()) / "report.md"
    assert "【待补充】" not in report.read_text(encoding="utf-8")
