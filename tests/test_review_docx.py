"""Review in Word: LibreOffice (headless) edits report.docx; verify, --annotate, pull and accept see those edits."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import run_cli

from drafter.render import parse_sections

LO_EDIT = Path(__file__).with_name("lo_edit.py")
NOTE = "（已与财务口径核对）"
RETYPED = "四、用户与会员运营"


def _sections(folder: Path) -> dict:
    return {s.id: s for s in parse_sections((folder / "report.md").read_text(encoding="utf-8"))}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _unique_context(markdown: str, line: int, col: int, text: str) -> str:
    """The figure with enough of the text before it to occur once in the report."""
    row = markdown.split("\n")[line - 1]
    for width in range(4, col):
        context = row[col - 1 - width:col - 1 + len(text)]
        if markdown.count(context) == 1:
            return context
    raise AssertionError(f"no unique context for {text!r}")


@pytest.fixture(scope="module")
def edited(workspace, tmp_path_factory):
    """A draft, and its report.docx edited in LibreOffice: a figure in `channels`, a table cell in `categories`,
    a sentence in `next_steps`, and the whole heading of `users` retyped."""
    root = tmp_path_factory.mktemp("word")
    draft = root / "draft"
    result = run_cli("write", "--period", "2025", "--out", str(draft), "--dir", str(workspace))
    assert result.returncode == 0, result.stdout + result.stderr
    markdown = (draft / "report.md").read_text(encoding="utf-8")
    sections = _sections(draft)
    channels, steps, categories = sections["channels"], sections["next_steps"], sections["categories"]
    findings = json.loads((draft / "verification.json").read_text(encoding="utf-8"))["findings"]
    lines = markdown.split("\n")
    money = [f for f in findings if f["unit"] == "万元" and f["verdict"] == "verified"]
    figure = next(f for f in money if f["col"] > 1 and channels.start_line < f["line"] <= channels.end_line
                  and not lines[f["line"] - 1].startswith("|"))
    old = _unique_context(markdown, figure["line"], figure["col"], figure["text"])
    wrong = _altered(figure)
    cell = next(f for f in money if categories.start_line < f["line"] <= categories.end_line
                and lines[f["line"] - 1].startswith("|") and markdown.count(f["text"]) == 1)
    sentence = next(line for line in steps.body.split("\n") if len(line) > 30 and not line.startswith(("|", ">")))
    anchor = re.sub(r"^\d+\.\s*", "", sentence)[:14]
    assert markdown.count(anchor) == 1
    out = draft / "edited.docx"  # beside report.md: verified with the draft's facts and excerpts
    jobs = root / "jobs.json"
    jobs.write_text(json.dumps([{"src": str(draft / "report.docx"), "dst": str(out),
                                 "replace": [[old, old[:-len(figure["text"])] + wrong], [cell["text"], _altered(cell)],
                                             [anchor, anchor + NOTE], [sections["users"].title, RETYPED]]}]),
                    encoding="utf-8")
    assert shutil.which("soffice"), "LibreOffice is needed: apt-get install libreoffice-writer-nogui python3-uno"
    done = subprocess.run(["/usr/bin/python3", str(LO_EDIT), str(jobs)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert markdown.count(sections["users"].title) == 1
    assert json.loads(done.stdout) == [[1, 1, 1, 1]]
    return {"draft": draft, "docx": out, "wrong": wrong, "right": figure["text"], "anchor": anchor,
            "cell": _altered(cell), "cell_right": cell["text"]}


def _altered(finding: dict) -> str:
    """The figure 12% higher, written the same way (万元, as many decimals)."""
    text = finding["text"]
    decimals = len(text.split(".")[1]) - 2 if "." in text else 0
    return f"{finding['value'] * 1.12:.{decimals}f}万元"


@pytest.fixture
def copy(edited, tmp_path):
    """A private copy of the draft whose report.docx is the one edited in LibreOffice."""
    folder = shutil.copytree(edited["draft"], tmp_path / "draft")
    shutil.copyfile(edited["docx"], folder / "report.docx")
    return folder


def test_verify_docx_finds_the_edited_figure_in_its_paragraph(edited, workspace):
    result = run_cli("verify", str(edited["docx"]), "--dir", str(workspace))
    assert result.returncode == 1, result.stdout + result.stderr
    problems = [line for line in result.stdout.splitlines() if ": verified:" not in line and ":¶" in line]
    assert len(problems) == 2 and all(": mismatch:" in p for p in problems), problems
    assert problems[1].startswith("edited.docx:¶") and edited["cell"] in problems[1] and "品类" in problems[1]
    assert problems[0].startswith("edited.docx:¶") and "渠道" in problems[0]
    assert edited["wrong"] in problems[0] and edited["right"] in problems[0]
    paragraph, col = map(int, re.match(r"edited\.docx:¶(\d+):(\d+):", problems[0]).groups())
    from drafter.render.docx_read import paragraph_text, read_docx

    text = paragraph_text(read_docx(edited["docx"]).paragraphs[paragraph - 1])
    assert text[col - 1:].startswith(edited["wrong"])
    assert "checked against facts from" in result.stderr and "facts.json" in result.stderr


def test_annotate_writes_a_commented_copy_and_leaves_the_original(edited, copy):
    import docx

    source = copy / "edited.docx"
    before = _sha(source)
    result = run_cli("verify", str(source), "--annotate")
    assert result.returncode == 1, result.stderr
    assert _sha(source) == before
    checked = docx.Document(str(copy / "edited.checked.docx"))
    comments = sorted(checked.comments, key=lambda c: edited["wrong"] not in c.text)
    assert len(comments) == 2
    assert edited["wrong"] in comments[0].text and f"应为：{edited['right']}" in comments[0].text
    assert edited["cell"] in comments[1].text and f"应为：{edited['cell_right']}" in comments[1].text
    paragraphs = [*checked.paragraphs, *(p for t in checked.tables for row in t.rows for c in row.cells
                                        for p in c.paragraphs)]
    marked = {"".join(r.text for r in p.runs if r.font.highlight_color is not None) for p in paragraphs} - {""}
    assert marked == {edited["wrong"], edited["cell"]}
    # a real editor opens the checked copy and keeps its comments (LibreOffice re-saves it as .docx)
    out = copy / "resaved"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{copy / 'profile'}", "--headless", "--convert-to",
                    "docx:MS Word 2007 XML", "--outdir", str(out), str(copy / "edited.checked.docx")],
                   capture_output=True, timeout=180, check=True)
    resaved = docx.Document(str(out / "edited.checked.docx"))
    assert sorted(c.text for c in resaved.comments) == sorted(c.text for c in comments)


def test_pull_takes_exactly_the_word_edits_into_report_md(edited, copy):
    before = _sections(copy)
    result = run_cli("pull", str(copy))
    assert result.returncode == 1, result.stdout + result.stderr  # the edited figure is wrong
    changed = {"channels", "categories", "next_steps"}
    assert all(f"changed: {sid}" in result.stdout for sid in changed)
    assert "changed: users (四、用户与会员运营): heading renamed" in result.stdout
    after = _sections(copy)
    assert {s for s in after if after[s].edited} == changed  # a new heading alone is not a hand edit of the text
    assert after["users"].title == RETYPED and f"## {RETYPED}" in (copy / "report.md").read_text(encoding="utf-8")
    assert f"| {edited['cell']} |" in after["categories"].body  # back as a Markdown table row
    for sid, section in after.items():
        if sid not in changed:
            assert section.body == before[sid].body
    assert "mismatch" in result.stdout and edited["wrong"] in after["channels"].body
    assert edited["anchor"] + NOTE in after["next_steps"].body
    refused = run_cli("regen", str(copy), "--section", "channels")
    assert refused.returncode == 2 and "hand edits" in refused.stderr


def test_pull_of_an_unedited_export_changes_nothing(edited, tmp_path):
    folder = shutil.copytree(edited["draft"], tmp_path / "draft")
    before = (folder / "report.md").read_bytes()
    result = run_cli("pull", str(folder))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "nothing to pull" in result.stdout
    assert (folder / "report.md").read_bytes() == before
    copied = run_cli("pull", str(folder), "--from", str(shutil.copyfile(folder / "report.docx", tmp_path / "c.docx")))
    assert copied.returncode == 0 and "no section of c.docx differs" in copied.stdout
    assert (folder / "report.md").read_bytes() == before  # tables, lists and quotes read back as written


def test_word_edits_are_never_overwritten_and_accept_waits_for_a_pull(copy, workspace):
    edited_docx = _sha(copy / "report.docx")
    refused = run_cli("accept", str(copy))
    assert refused.returncode == 2 and "drafter pull" in refused.stderr
    rewrite = run_cli("write", "--period", "2025", "--out", str(copy), "--dir", str(workspace))
    assert rewrite.returncode == 2 and "drafter pull" in rewrite.stderr
    assert _sha(copy / "report.docx") == edited_docx
    verify = run_cli("verify", str(copy))  # rewrites review.html and verification.json, not the Word file
    assert "drafter pull" in verify.stderr and _sha(copy / "report.docx") == edited_docx
    run_cli("pull", str(copy))
    after = run_cli("accept", str(copy))
    assert after.returncode == 1 and "not accepted" in after.stdout  # now it is the wrong figure that stops it


def test_a_section_whose_bookmark_was_deleted_is_reported_not_guessed(edited, tmp_path):
    import docx
    from docx.oxml.ns import qn

    folder = shutil.copytree(edited["draft"], tmp_path / "draft")
    document = docx.Document(str(edited["docx"]))
    for mark in document.element.body.iter(qn("w:bookmarkStart")):
        if mark.get(qn("w:name")) == "drafter_channels":
            mark.getparent().remove(mark)
    document.save(str(folder / "report.docx"))
    before = _sections(folder)["channels"].body
    edited_docx = _sha(folder / "report.docx")
    result = run_cli("pull", str(folder))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "not pulled: channels" in result.stdout and "bookmark" in result.stdout
    assert "not pulled: heading" in result.stdout  # the Word heading without its bookmark
    assert _sections(folder)["channels"].body == before
    assert "changed: next_steps" in result.stdout
    assert _sha(folder / "report.docx") == edited_docx  # the Word edits not taken in are kept


def test_accept_a_finished_word_report(edited, folder, tmp_path):
    report = shutil.copyfile(edited["draft"] / "report.docx", tmp_path / "云禾优品2025年度运营总结.docx")
    result = run_cli("accept", str(report), "--dir", str(folder))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "accepted" in result.stdout
    listed = run_cli("corpus", "list", "--dir", str(folder))
    assert "云禾优品2025年度运营总结" in listed.stdout or "2025" in listed.stdout
    wrong = run_cli("accept", str(edited["docx"]), "--dir", str(folder))
    assert wrong.returncode == 1 and "not accepted" in wrong.stdout and ".docx:¶" in wrong.stdout


def _not_reports(tmp_path: Path, draft: Path) -> dict[str, str]:
    import openpyxl

    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("report.md", "# 报告\n")
    book = tmp_path / "指标.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "GMV"
    workbook.save(book)
    old = tmp_path / "旧报告.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    blob = tmp_path / "data.bin"
    blob.write_bytes(bytes(range(256)) * 8)
    fake = tmp_path / "fake.docx"
    fake.write_text("not a zip", encoding="utf-8")
    chart = next((draft / "charts").glob("*.png"))
    return {str(chart): "PNG image", str(archive): "zip archive", str(book): "Excel workbook",
            str(old): "legacy Office file", str(blob): "binary file", str(fake): "not a Word document"}


def test_inputs_that_are_not_reports_exit_2_naming_the_file(edited, workspace, tmp_path):
    for path, what in _not_reports(tmp_path, edited["draft"]).items():
        result = run_cli("verify", path, "--dir", str(workspace))
        assert result.returncode == 2, (path, result.stdout, result.stderr)
        message = " ".join(result.stderr.split())
        assert Path(path).name in message and what in message and "Word (.docx)" in message, message
        assert "Traceback" not in result.stderr and not result.stdout


def test_verify_outside_its_draft_folder_finds_the_facts_or_says_how(edited, folder, tmp_path):
    loose = shutil.copyfile(edited["draft"] / "report.md", tmp_path / "report.md")
    computed = run_cli("verify", str(loose), "--dir", str(folder))  # a working folder with data, no drafts
    assert computed.returncode == 0, computed.stdout + computed.stderr
    assert "checked against facts computed from" in computed.stderr
    counts = json.loads((edited["draft"] / "verification.json").read_text(encoding="utf-8"))["counts"]
    assert computed.stdout.strip().splitlines()[-1] == ", ".join(f"{k}: {v}" for k, v in counts.items())
    shutil.copytree(edited["draft"], folder / "drafts" / "2025-annual-summary")
    drafted = run_cli("verify", str(loose), "--dir", str(folder))
    assert drafted.returncode == 0 and "the draft with the same title" in drafted.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = run_cli("verify", str(loose), "--dir", str(empty))
    assert missing.returncode == 2 and "--facts" in missing.stderr and not missing.stdout


def test_a_tracked_insertion_is_read_and_its_unsupported_figure_gets_a_yellow_comment(edited, tmp_path):
    import docx
    from docx.enum.text import WD_COLOR_INDEX
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    from drafter.render.docx_read import text_runs

    folder = shutil.copytree(edited["draft"], tmp_path / "draft")
    document = docx.Document(str(folder / "report.docx"))
    # a reviewer's sentence typed with track changes (修订) on: Word keeps it inside <w:ins>
    document.add_paragraph("补充：")._p.append(parse_xml(
        f'<w:ins {nsdecls("w")} w:id="901" w:author="审阅人" w:date="2026-01-05T10:00:00Z">'
        f'<w:r><w:t>直播间场均观看人数达到3.2万人。</w:t></w:r></w:ins>'))
    document.save(str(folder / "added.docx"))
    plain = run_cli("verify", str(folder / "added.docx"), "--annotate")
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert run_cli("verify", str(folder / "added.docx"), "--strict").returncode == 1
    comments = list(docx.Document(str(folder / "added.checked.docx")).comments)
    assert len(comments) == 1 and "未找到依据" in comments[0].text and "3.2万人" in comments[0].text
    last = docx.Document(str(folder / "added.checked.docx")).paragraphs[-1]
    assert [(r.text, r.font.highlight_color) for r in text_runs(last) if r.font.highlight_color] == [
        ("3.2万人", WD_COLOR_INDEX.YELLOW)]


def test_a_usage_error_is_a_message_not_a_traceback(edited):
    charts = sorted(str(p) for p in (edited["draft"] / "charts").glob("*.png"))[:2]
    result = run_cli("verify", *charts)
    assert result.returncode == 2 and "unexpected extra argument" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_section_edited_in_report_md_and_in_word_is_left_for_a_person_to_merge(edited, copy):
    report = copy / "report.md"
    channels = _sections(copy)["channels"]
    lines = report.read_text(encoding="utf-8").split("\n")
    lines.insert(channels.end_line - 1, "渠道部分由运营部补充说明。")
    report.write_text("\n".join(lines), encoding="utf-8")
    result = run_cli("pull", str(copy))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "not pulled: channels" in result.stdout and "merge" in result.stdout
    after = _sections(copy)
    assert "渠道部分由运营部补充说明。" in after["channels"].body and edited["wrong"] not in after["channels"].body
    assert "changed: categories" in result.stdout and edited["cell"] in after["categories"].body
