"""The review page in a real browser (Playwright driving Debian's Chromium) against a real `drafter serve` server
over a demo draft written offline; the model behind regen is the fake chat model, behind the CLI's factory."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from chat_fakes import RealisticChatModel
from conftest import run_cli
from serve_server import DRAFT, TOKEN, demo_folder, serving

from drafter.backends.llm import register_chat_model
from drafter.config import load_config
from drafter.render import parse_sections

CHROMIUM = "/usr/bin/chromium"
# Chromium as the sandboxless CI machine runs it: nothing fetched from the network, no GPU
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ENV = {"DRAFTER_LLM_PROVIDER": "realistic-serve", "DRAFTER_MODEL": "realistic-7b", "DRAFTER_EMBEDDER": "hash"}
HOSTILE = """# 云禾优品2024年度运营总结（渠道补充）

## 一、年度运营成果概览

2024年全年GMV同比增长，抖音渠道贡献了主要增量，复购率有所下滑。<script>window.__pwned = "script"</script>

## 二、渠道运营分析

2024年抖音渠道GMV同比大幅增长，天猫渠道增长乏力，渠道结构向内容电商倾斜。<img src=x onerror="window.__pwned='img'">
"""


@pytest.fixture(scope="module")
def fake() -> RealisticChatModel:
    model = RealisticChatModel()
    register_chat_model("realistic-serve", lambda config: model)
    return model


@pytest.fixture(scope="module")
def folder(workspace, tmp_path_factory) -> Path:
    """The demo workspace with a hostile report in its corpus, and the 2025 summary drafted offline."""
    return demo_folder(workspace, tmp_path_factory.mktemp("serve-browser") / "ws",
                       {"2024年度运营总结（渠道补充）.md": HOSTILE})


@pytest.fixture(scope="module")
def server(folder, fake):
    with serving(load_config(folder, env={**os.environ, **ENV})) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing ({CHROMIUM}); `bash .ci/deps` installs it", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    page.goto(f"http://127.0.0.1:{server.port}/drafts/{DRAFT}?token={TOKEN}")
    page.wait_for_selector(".sec .fig")
    yield page
    context.close()
    assert errors == []  # no script error, and nothing the page was fed ever ran


def report(folder: Path) -> str:
    return (folder / "drafts" / DRAFT / "report.md").read_text(encoding="utf-8")


def edit(page, section: str, change) -> None:
    """Open the section's editor, change its Markdown with `change`, save."""
    node = page.locator(f"#sec-{section}")
    node.locator("button.edit").click()
    area = node.locator("textarea.editor")
    area.fill(change(area.input_value()))
    node.locator("button.save").click()


def test_a_wrong_figure_turns_mismatch_and_the_correction_verified(page, folder):
    from playwright.sync_api import expect

    overview = page.locator("#sec-overview")
    figure = overview.locator(".body p .fig[data-verdict=verified]").first
    right = figure.inner_text()
    digit = next(i for i, c in enumerate(right) if c.isdigit())
    wrong = right[:digit] + str(int(right[digit]) % 9 + 1) + right[digit + 1:]
    edit(page, "overview", lambda text: text.replace(right, wrong, 1))
    flagged = overview.locator(".fig[data-verdict=mismatch]", has_text=wrong)
    expect(flagged).to_have_count(1)
    expect(page.locator("#counts [data-count=mismatch]")).to_have_text(re.compile(r"不符 [1-9]"))
    assert wrong in report(folder) and next(s for s in parse_sections(report(folder)) if s.id == "overview").edited
    # its reading and its fact on focus, listed beside the text too
    flagged.focus()
    expect(page.locator("#tip")).to_be_visible()
    expect(page.locator("#tip")).to_contain_text(right)  # what the fact says
    expect(overview.locator(".sec-findings .finding.mismatch")).to_contain_text(wrong)
    assert int(overview.get_attribute("data-save-ms")) < 5000  # the target (1 s) is measured by bench/serve_save.py

    edit(page, "overview", lambda text: text.replace(wrong, right, 1))
    expect(overview.locator(".fig[data-verdict=mismatch]")).to_have_count(0)
    expect(overview.locator(".body p .fig[data-verdict=verified]", has_text=right).first).to_be_visible()
    assert not next(s for s in parse_sections(report(folder)) if s.id == "overview").edited


def test_regenerate_a_section_with_a_note_and_accept_the_diff(page, folder, fake):
    from playwright.sync_api import expect

    channels = page.locator("#sec-channels")
    before = report(folder)
    note = "多写抖音渠道的退款问题"
    channels.locator("input.note").fill(note)
    channels.locator("button.regen").click()
    proposal = channels.locator(".proposal")
    expect(proposal).to_be_visible(timeout=60_000)
    assert note in fake.requests[-1]["user"]  # the note reached the model, through the CLI's writer
    expect(proposal.locator(".d-insert").first).to_be_visible()
    expect(proposal.locator(".d-delete").first).to_be_visible()
    assert report(folder) == before  # nothing written until the reviewer accepts
    proposal.locator("button.take").click()
    expect(channels.locator(".panel .done")).to_be_visible()
    after = next(s for s in parse_sections(report(folder)) if s.id == "channels")
    assert "本期经营延续稳中有进的态势" in after.body and not after.edited  # the model's text, drafter's hash
    expect(channels.locator(".body")).to_contain_text("本期经营延续稳中有进的态势")
    expect(channels.locator(".fig[data-verdict=mismatch]")).to_have_count(0)
    others = [(s.id, s.body) for s in parse_sections(before) if s.id != "channels"]
    assert others == [(s.id, s.body) for s in parse_sections(report(folder)) if s.id != "channels"]


def test_saving_over_a_section_the_cli_changed_shows_the_conflict(page, folder):
    from playwright.sync_api import expect

    users = page.locator("#sec-users")
    users.locator("button.edit").click()
    # meanwhile, on the command line, the section is regenerated
    done = run_cli("regen", str(folder / "drafts" / DRAFT), "--section", "users", "--note", "写得更简短",
                   "--dir", str(folder), env=ENV)
    assert done.returncode == 0, done.stdout + done.stderr
    from_cli = report(folder)
    area = users.locator("textarea.editor")
    area.fill(area.input_value() + "\n\n页面上补充的一句话。")
    users.locator("button.save").click()
    conflict = users.locator(".conflict")
    expect(conflict).to_be_visible()
    cli_text = next(s for s in parse_sections(from_cli) if s.id == "users").body.strip()
    expect(conflict.locator("pre.theirs")).to_have_text(cli_text)
    expect(conflict.locator("pre.yours")).to_contain_text("页面上补充的一句话。")
    assert report(folder) == from_cli  # nothing overwritten silently


def test_regenerating_a_hand_edited_section_asks_first_and_discard_keeps_the_text(page, folder):
    from playwright.sync_api import expect

    edit(page, "problems", lambda text: text + "\n\n审阅人补充的一段话。")
    problems = page.locator("#sec-problems")
    expect(problems.locator("h2 .badge")).to_have_text("已手改")
    problems.locator("button.regen").click()
    expect(problems.locator(".confirm")).to_contain_text("手工修改")
    problems.locator("button.confirm-regen").click()
    proposal = problems.locator(".proposal")
    expect(proposal).to_be_visible(timeout=60_000)
    expect(proposal.locator(".d-delete", has_text="审阅人补充的一段话。")).to_be_visible()
    proposal.locator("button.drop").click()
    expect(problems.locator(".panel")).to_contain_text("已放弃")
    assert "审阅人补充的一段话。" in report(folder)


def test_a_hostile_passage_in_the_corpus_shows_as_inert_text(page):
    from playwright.sync_api import expect

    excerpts = page.locator(".excerpts .passage", has_text="window.__pwned")
    expect(excerpts.first).to_be_attached()
    page.locator(".excerpts summary").first.click()
    for details in page.locator("details.excerpts").all():
        details.evaluate("d => d.open = true")
    texts = excerpts.all_inner_texts()
    assert any('<script>window.__pwned = "script"</script>' in t for t in texts)
    assert any("<img src=x onerror=" in t for t in texts)
    assert page.locator(".excerpts script, .excerpts img, .report img[onerror]").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_a_new_draft_from_the_form_shows_progress_per_section(page, server):
    from playwright.sync_api import expect

    page.goto(f"http://127.0.0.1:{server.port}/")
    row = page.locator(f"#drafts tr[data-draft='{DRAFT}']")
    expect(row).to_contain_text("annual-summary")
    page.fill("input[name=period]", "2025Q3")
    page.select_option("select[name=kind]", "quarterly-review")
    page.check("input[name=writer][value=offline]")
    page.click("#new-draft button[type=submit]")
    outcome = page.locator("#job .outcome .done")
    expect(outcome).to_be_visible(timeout=120_000)
    steps = page.locator("#job .steps li").all_inner_texts()
    assert any(re.search(r"writing sections \(\d+/\d+\)", s) for s in steps)
    assert page.locator("#job progress").evaluate("p => p.value === p.max && p.max >= 3")
    expect(page.locator("#drafts tr[data-draft='2025Q3-quarterly-review']")).to_be_visible()


def test_accept_is_refused_while_a_mismatch_remains_then_succeeds(page, folder):
    from playwright.sync_api import expect

    overview = page.locator("#sec-overview")
    right = overview.locator(".body p .fig[data-verdict=verified]").first.inner_text()
    digit = next(i for i, c in enumerate(right) if c.isdigit())
    wrong = right[:digit] + str(int(right[digit]) % 9 + 1) + right[digit + 1:]
    edit(page, "overview", lambda text: text.replace(right, wrong, 1))
    expect(overview.locator(".fig[data-verdict=mismatch]")).to_have_count(1)
    page.click("#accept")
    notice = page.locator("#notice")
    expect(notice).to_contain_text("未定稿")
    expect(notice.locator(".blocking li")).to_contain_text(wrong)
    assert not (folder / "drafts" / DRAFT / "final.md").exists()
    edit(page, "overview", lambda text: text.replace(wrong, right, 1))
    expect(overview.locator(".fig[data-verdict=mismatch]")).to_have_count(0)
    page.click("#accept")
    expect(notice).to_contain_text("已定稿", timeout=60_000)
    assert (folder / "drafts" / DRAFT / "final.md").exists()


def test_the_data_page_shows_the_data_check(page, server):
    from playwright.sync_api import expect

    page.goto(f"http://127.0.0.1:{server.port}/data")
    row = page.locator("#data-files tbody tr", has_text="orders.csv")
    expect(row).to_contain_text("orders")
    expect(page.locator("#data-folder")).to_contain_text("data")
