"""The exports: report.docx read back, review.html in real headless Chromium, charts in a CJK font."""

from __future__ import annotations

import json
import shutil
import subprocess
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pytest

from drafter.draft.accept import final_text
from drafter.render.blocks import parse_blocks
from drafter.render.html import mark_figures

VERDICTS = {"verified", "mismatch", "unsupported", "claim_error"}
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def test_blocks_cover_drafter_markdown():
    md = ("# 标题\n\n> 本稿由 drafter 起草\n\n## 一、概览\n<!-- drafter:section id=a hash=0 -->\n\n"
          "GMV为**88.79万元**，\n同比提升32.1%。\n\n| 指标 | 2025年 |\n| --- | --- |\n| GMV | 1元 |\n\n1. 甲\n2. 乙\n")
    kinds = [(b.kind, b.line) for b in parse_blocks(md)]
    assert kinds == [("heading", 1), ("quote", 3), ("heading", 5), ("para", 8), ("table", 11), ("list", 15)]
    table = parse_blocks(md)[4]
    assert table.rows == [["指标", "2025年"], ["GMV", "1元"]]
    assert parse_blocks(md)[3].text == "GMV为**88.79万元**，同比提升32.1%。"
    marked, done = mark_figures(md, [{"line": 9, "col": 5, "text": "32.1%"}, {"line": 9, "col": 1, "text": "x%"}])
    assert done == {0} and "\ue0000\ue00132.1%\ue002" in marked
    clean = final_text(md)
    assert "drafter" not in clean and clean.startswith("# 标题\n\n## 一、概览\n\nGMV为")


@pytest.fixture(scope="module")
def base_draft(workspace, tmp_path_factory):
    """An offline draft of the 2025 annual summary, written in-process (test_review.py drives the CLI)."""
    from drafter.config import load_config
    from drafter.draft.write import write_draft

    out = tmp_path_factory.mktemp("render") / "draft"
    write_draft(load_config(workspace), "2025", out=out)
    return out


@pytest.fixture(scope="module")
def flagged(base_draft, workspace, tmp_path_factory):
    """A copy of the base draft with one wrong figure typed in by hand and re-verified."""
    from drafter.config import load_config
    from drafter.draft.verify import verify_folder

    folder = shutil.copytree(base_draft, tmp_path_factory.mktemp("flagged") / "draft")
    report = folder / "report.md"
    report.write_text(report.read_text(encoding="utf-8").replace("GMV为26.32万元", "GMV为36.32万元", 1),
                      encoding="utf-8")
    verify_folder(load_config(workspace), folder)
    return folder


def test_docx_reads_back_with_headings_tables_images_and_chinese_fonts(flagged):
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(flagged / "report.docx")
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert paragraphs[0] == ("Title", "云禾优品2025年运营总结")
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings[:3] == ["一、年度运营成果概览", "二、渠道运营分析", "三、品类结构分析"]
    assert not any("本稿由 drafter" in text for _, text in paragraphs)
    body = "\n".join(text for _, text in paragraphs)
    assert "云禾优品GMV全年达到" in body and "图1" in body
    metrics = document.tables[0]
    assert [c.text for c in metrics.rows[0].cells] == ["指标", "2025年", "2024年", "同比"]
    assert metrics.rows[1].cells[0].text == "GMV" and metrics.rows[1].cells[1].text.endswith("万元")
    assert len(document.inline_shapes) == 4
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    heading_fonts = document.styles["Heading 1"].element.rPr.find(qn("w:rFonts"))
    assert heading_fonts.get(qn("w:eastAsia")) == "微软雅黑" and heading_fonts.get(qn("w:eastAsiaTheme")) is None
    run = document.paragraphs[2].runs[0]
    assert run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


class _Page(HTMLParser):
    """Collects the figure spans and the sidebar's counts from the DOM Chromium dumped."""

    def __init__(self) -> None:
        super().__init__()
        self.spans: list[dict] = []
        self.ids: dict[str, str] = {}
        self.body: dict = {}
        self.items: list[dict] = []
        self._open = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "span" and "fig" in (attrs.get("class") or "").split():
            self.spans.append(attrs)
        if tag == "li" and "data-verdict" in attrs:
            self.items.append(attrs)
        if tag == "body":
            self.body = attrs
        self._open = attrs.get("id", "")

    def handle_data(self, data):
        if self._open in ("finding-count", "issue-count", "verified-count"):
            self.ids[self._open] = data.strip()
        self._open = ""


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not path:
        pytest.fail("headless Chromium is required for the review page test: install Debian's package with "
                    "`apt-get update && apt-get install -y chromium` (.ci/run does)")
    return path


def test_review_html_in_headless_chromium(flagged, tmp_path):
    verification = json.loads((flagged / "verification.json").read_text(encoding="utf-8"))
    findings = verification["findings"]
    command = [_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
               "--virtual-time-budget=3000", "--dump-dom", (flagged / "review.html").as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0 and "</html>" in done.stdout, done.stderr[-2000:]
    page = _Page()
    page.feed(done.stdout)
    assert page.body.get("data-ready") == "1", "the page's script did not run"
    assert page.spans, "no figure spans"
    for span in page.spans:
        verdict = span.get("data-verdict")
        assert verdict in VERDICTS and verdict in span["class"].split(), span
    by_index = {int(s["data-i"]): s["data-verdict"] for s in page.spans}
    assert all(findings[i]["verdict"] == verdict for i, verdict in by_index.items())
    assert len(by_index) >= 0.95 * len(findings)  # nearly every finding is located in the text
    problems = [f for f in findings if f["verdict"] != "verified"]
    assert problems and problems[0]["text"] == "36.32万元"
    # the sidebar lists every finding: the problems on top, the verified ones folded away
    assert int(page.ids["finding-count"]) == len(findings) == verification["counts"]["total"]
    assert int(page.ids["issue-count"]) == len(problems) == verification["counts"]["mismatch"]
    assert len(page.items) == len(findings)
    assert [i["data-verdict"] for i in page.items[:len(problems)]] == ["mismatch"]
    assert 'class="fig mismatch" data-verdict="mismatch"' in done.stdout


def test_charts_use_a_cjk_font_without_missing_glyphs(base_draft, tmp_path):
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    from drafter.models import Fact
    from drafter.render.charts import cjk_font_family, cjk_font_path, render_charts

    facts = [Fact(**f) for f in json.loads((base_draft / "facts.json").read_text(encoding="utf-8"))]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        written = render_charts(facts, "2025", tmp_path)
    glyph_warnings = [str(w.message) for w in caught if "glyph" in str(w.message).lower()]
    assert not glyph_warnings, glyph_warnings
    assert set(written) == {"monthly_gmv", "channel_mix", "category_growth", "targets"}
    assert all(path.stat().st_size > 20_000 for path in written.values())
    family = cjk_font_family()
    assert "SC" in family or "CJK" in family, family
    assert Path(font_manager.findfont(family, fallback_to_default=False)) == cjk_font_path()
    charmap = FT2Font(str(cjk_font_path())).get_charmap()
    assert all(ord(ch) in charmap for ch in "月度同比渠道占比品类增速目标实际天猫抖音京东家电")


def test_the_glyph_check_would_catch_empty_boxes(tmp_path):
    """Control: the default font lacks Chinese, and matplotlib then warns — so the check above means something."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    with warnings.catch_warnings(record=True) as caught, matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        warnings.simplefilter("always")
        fig = Figure()
        fig.subplots().set_title("月度")
        fig.savefig(tmp_path / "boxes.png")
    assert any("missing from font" in str(w.message) for w in caught)
