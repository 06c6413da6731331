"""`drafter serve`'s JSON API and its gate, over real HTTP to a real server on 127.0.0.1 (port 0)."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import time
import zipfile

import pytest
from conftest import run_cli
from serve_server import DRAFT, TOKEN, Client, demo_folder, serving

from drafter.config import load_config
from drafter.render import parse_sections

SECTION = "overview"


@pytest.fixture(scope="module")
def folder(workspace, tmp_path_factory):
    return demo_folder(workspace, tmp_path_factory.mktemp("serve-api") / "ws")


@pytest.fixture(scope="module")
def client(folder):
    with serving(load_config(folder)) as running:
        yield Client(running.port)


def report(folder) -> str:
    return (folder / "drafts" / DRAFT / "report.md").read_text(encoding="utf-8")


def section(client, sid: str = SECTION) -> dict:
    return next(s for s in client.json("GET", f"/api/drafts/{DRAFT}")["sections"] if s["id"] == sid)


def verified_figure(entry: dict) -> dict:
    """A verified amount in the section's prose (not its table), to perturb."""
    return next(f for f in entry["findings"] if f["verdict"] == "verified" and f["unit"] in ("万元", "元")
                and not entry["markdown"].split("\n")[f["line"] - 1].startswith("|"))


def perturbed(entry: dict, finding: dict) -> str:
    """The section with one figure's digits changed (first digit + 1), everything else as it was."""
    lines = entry["markdown"].split("\n")
    line, start = lines[finding["line"] - 1], finding["col"] - 1
    text = finding["text"]
    digit = next(i for i, c in enumerate(text) if c.isdigit())
    wrong = text[:digit] + str((int(text[digit]) % 9) + 1) + text[digit + 1:]
    assert line[start:start + len(text)] == text
    lines[finding["line"] - 1] = line[:start] + wrong + line[start + len(text):]
    return "\n".join(lines)


# --- the gate -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", f"/drafts/{DRAFT}", "/api/drafts", f"/api/drafts/{DRAFT}", "/api/data",
                                  "/static/review.js", f"/api/drafts/{DRAFT}/report.docx"])
def test_every_request_without_the_token_is_forbidden(client, path):
    status, body, _ = client.request("GET", path, token=False)
    assert status == 403 and b"token" in body


def test_a_wrong_token_is_forbidden(client):
    status, _, _ = client.request("GET", "/api/drafts", token=False, headers={"X-Drafter-Token": "guess"})
    assert status == 403
    assert client.request("GET", "/api/drafts?token=guess", token=False)[0] == 403


def test_the_token_in_the_url_logs_in_and_the_cookie_then_serves_pages(client):
    status, page, headers = client.request("GET", f"/?token={TOKEN}", token=False)
    assert status == 200 and b"<form" in page
    cookie = headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    name_value = cookie.split(";")[0]
    status, _, _ = client.request("GET", "/api/drafts", token=False, headers={"Cookie": name_value})
    assert status == 200
    assert "script-src 'self'" in headers["content-security-policy"] and headers["referrer-policy"] == "no-referrer"


def test_state_changing_requests_need_the_header_not_a_cookie_or_the_url(client, folder):
    entry = section(client)
    before = report(folder)
    body = {"markdown": entry["markdown"] + "\n\n补充。", "base_hash": entry["hash"]}
    path = f"/api/drafts/{DRAFT}/sections/{SECTION}"
    cookie = {"Cookie": f"drafter_token_{client.port}={TOKEN}"}
    assert client.request("PUT", path, body, token=False, headers=cookie)[0] == 403
    assert client.request("PUT", f"{path}?token={TOKEN}", body, token=False)[0] == 403
    assert client.request("POST", f"/api/drafts/{DRAFT}/accept", token=False, headers=cookie)[0] == 403
    assert report(folder) == before


@pytest.mark.parametrize("host", ["evil.example:{port}", "127.0.0.1.nip.io:{port}", "127.0.0.1:1", "localhost",
                                  ""])
def test_a_foreign_host_header_is_refused_even_with_the_token(client, host):
    # DNS rebinding: another site's name resolving to 127.0.0.1 reaches the port, but not the app
    status, body, _ = client.request("GET", "/api/drafts", headers={"Host": host.format(port=client.port)})
    assert status == 403 and b"Host" in body


def test_the_loopback_names_with_the_port_are_served(client):
    for host in (f"localhost:{client.port}", f"127.0.0.1:{client.port}"):
        assert client.request("GET", "/api/drafts", headers={"Host": host})[0] == 200


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/api/drafts/.."), ("GET", "/api/drafts/../drafter.toml"), ("GET", "/api/drafts/..%2F..%2Fdrafter.toml"),
    ("GET", "/api/drafts/%2e%2e"), ("GET", "/api/drafts/..%2Fdrafts%2F2025-annual-summary"),
    ("PUT", f"/api/drafts/{DRAFT}/sections/..%2F..%2Ffacts.json"), ("PUT", f"/api/drafts/{DRAFT}/sections/%2e%2e"),
    ("PUT", "/api/drafts/%2e%2e/sections/overview"), ("POST", f"/api/drafts/{DRAFT}/sections/..%2F/regen"),
    ("GET", "/drafts/..%2F.."), ("GET", "/drafts/.."), ("GET", "/api/drafts/%2e%2e/report.docx"),
    ("POST", "/api/drafts/%2e%2e/accept"), ("POST", "/api/drafts/..%2F/pull"), ("GET", "/api/jobs/..%2F.."),
    ("GET", "/api/drafts/nope"), ("GET", "/static/..%2F..%2Fdrafter.toml"), ("GET", "/static/../api.py"),
])
def test_ids_are_looked_up_never_joined_into_paths(client, method, path):
    body = {"markdown": "x", "base_hash": "0"} if method != "GET" else None
    status, payload, _ = client.request(method, path, body)
    assert status == 404, (method, path, status, payload)


# --- drafts and sections --------------------------------------------------------------------------------------

def test_drafts_list_gives_period_kind_figures_and_verdict_counts(client):
    listing = client.json("GET", "/api/drafts")
    row = next(d for d in listing["drafts"] if d["id"] == DRAFT)
    assert row["period"] == "2025" and row["kind"] == "annual-summary"
    assert row["figures"] == row["counts"]["total"] > 50 and row["counts"]["verified"] > 50
    assert "annual-summary" in listing["kinds"] and listing["llm"] is False


def test_a_draft_gives_its_sections_with_hash_edited_flag_findings_and_excerpts(client, folder):
    draft = client.json("GET", f"/api/drafts/{DRAFT}")
    on_disk = parse_sections(report(folder))
    assert [s["id"] for s in draft["sections"]] == [s.id for s in on_disk]
    for entry, disk in zip(draft["sections"], on_disk, strict=True):
        assert entry["heading"] == disk.title and entry["markdown"] == disk.body.strip()
        assert entry["edited"] == disk.edited and re.fullmatch(r"[0-9a-f]{12}", entry["hash"])
        assert all(f["verdict"] in ("verified", "mismatch", "unsupported", "claim_error") for f in entry["findings"])
        # each finding's text is at its line and column of the section's Markdown
        lines = entry["markdown"].split("\n")
        for f in entry["findings"]:
            assert lines[f["line"] - 1][f["col"] - 1:].startswith(f["text"]), f
        assert entry["html"].count("data-verdict=") == len(entry["findings"])
    assert any(s["sources"] for s in draft["sections"])


def test_save_writes_report_md_verifies_and_flags_a_wrong_figure(client, folder):
    entry = section(client)
    finding = verified_figure(entry)
    markers = [line for line in report(folder).split("\n") if line.startswith("<!-- drafter:section")]
    wrong = perturbed(entry, finding)
    started = time.perf_counter()
    saved = client.json("PUT", f"/api/drafts/{DRAFT}/sections/{SECTION}", {"markdown": wrong,
                                                                            "base_hash": entry["hash"]})
    assert time.perf_counter() - started < 10  # the timing target is measured by bench/serve_save.py
    flagged = [f for f in saved["findings"] if f["line"] == finding["line"] and f["col"] == finding["col"]]
    assert flagged and flagged[0]["verdict"] == "mismatch" and saved["counts"]["mismatch"] >= 1
    assert saved["edited"] is True and saved["hash"] != entry["hash"]
    text = report(folder)
    assert wrong in text
    # the markers stay exactly as the CLI wrote them; the CLI reads the same edit and the same wrong figure
    assert [line for line in text.split("\n") if line.startswith("<!-- drafter:section")] == markers
    assert next(s for s in parse_sections(text) if s.id == SECTION).edited
    checked = run_cli("verify", str(folder / "drafts" / DRAFT), "--dir", str(folder))
    assert checked.returncode == 1 and "mismatch" in checked.stdout
    # saving the drafted text back: verified again, and no longer a hand edit (the CLI's hash rule)
    restored = client.json("PUT", f"/api/drafts/{DRAFT}/sections/{SECTION}",
                           {"markdown": entry["markdown"], "base_hash": saved["hash"]})
    assert restored["edited"] is False and restored["counts"]["mismatch"] == 0
    assert not next(s for s in parse_sections(report(folder)) if s.id == SECTION).edited


def test_a_stale_base_hash_is_refused_with_both_versions(client, folder):
    entry = section(client, "users")
    # the CLI (or another tab, or a Word pull) changes the section on disk meanwhile
    path = folder / "drafts" / DRAFT / "report.md"
    theirs = entry["markdown"] + "\n\n命令行里加的一句。"
    target = next(s for s in parse_sections(report(folder)) if s.id == "users")
    lines = report(folder).split("\n")
    lines[target.start_line + 1:target.end_line] = ["", *theirs.split("\n"), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    before = report(folder)
    mine = entry["markdown"] + "\n\n页面上加的一句。"
    status, body, _ = client.request("PUT", f"/api/drafts/{DRAFT}/sections/users",
                                     {"markdown": mine, "base_hash": entry["hash"]})
    assert status == 409 and body["error"] == "stale"
    assert body["theirs"] == theirs and body["yours"] == mine and body["hash"] == section(client, "users")["hash"]
    assert report(folder) == before  # nothing overwritten
    # saving on top of what is on disk now (its hash) goes through
    ok = client.json("PUT", f"/api/drafts/{DRAFT}/sections/users", {"markdown": mine, "base_hash": body["hash"]})
    assert "页面上加的一句。" in report(folder) and ok["edited"]


def test_section_text_that_would_split_the_report_is_refused(client, folder):
    entry = section(client, "problems")
    before = report(folder)
    for text in ("## 新的一节\n正文", "正文\n<!-- drafter:section id=x hash=abc -->"):
        status, body, _ = client.request("PUT", f"/api/drafts/{DRAFT}/sections/problems",
                                         {"markdown": text, "base_hash": entry["hash"]})
        assert status == 422 and "heading" in body["error"]
    assert report(folder) == before


def test_markup_in_a_section_comes_back_escaped(client):
    entry = section(client, "next_steps")
    hostile = entry["markdown"] + '\n\n<script>alert("x")</script><img src=x onerror="alert(\'y\')">'
    saved = client.json("PUT", f"/api/drafts/{DRAFT}/sections/next_steps",
                        {"markdown": hostile, "base_hash": entry["hash"]})
    assert "<script>" not in saved["html"] and "<img" not in saved["html"]
    assert "&lt;script&gt;alert(\"x\")&lt;/script&gt;&lt;img src=x onerror=" in saved["html"]
    client.json("PUT", f"/api/drafts/{DRAFT}/sections/next_steps",
                {"markdown": entry["markdown"], "base_hash": saved["hash"]})


def test_bad_bodies_are_clear_422s(client):
    path = f"/api/drafts/{DRAFT}/sections/{SECTION}"
    assert client.request("PUT", path, raw=b"{not json", headers={"Content-Type": "application/json"})[0] == 422
    assert client.request("PUT", path, {"markdown": 5, "base_hash": "x"})[0] == 422
    assert client.request("POST", "/api/drafts", {"period": "2025", "kind": "../../etc/passwd"})[0] == 422
    assert client.request("POST", "/api/drafts", {"period": "someday", "kind": "annual-summary"})[0] == 422


# --- exports, Word, data --------------------------------------------------------------------------------------

def test_report_docx_is_the_current_report(client, folder):
    entry = section(client, "marketing")
    marker = "页面编辑后导出的句子。"
    saved = client.json("PUT", f"/api/drafts/{DRAFT}/sections/marketing",
                        {"markdown": entry["markdown"] + "\n\n" + marker, "base_hash": entry["hash"]})
    status, body, headers = client.request("GET", f"/api/drafts/{DRAFT}/report.docx")
    assert status == 200 and "wordprocessingml" in headers["content-type"]
    with zipfile.ZipFile(io.BytesIO(body)) as package:
        assert marker in package.read("word/document.xml").decode("utf-8")
    client.json("PUT", f"/api/drafts/{DRAFT}/sections/marketing",
                {"markdown": entry["markdown"], "base_hash": saved["hash"]})


def test_uploads_are_read_as_docx_only_and_size_limited(client, folder):
    before = report(folder)
    path = f"/api/drafts/{DRAFT}/pull"
    for junk in (b"<html><script>x</script></html>", b"%PDF-1.4 ...", b"PK\x03\x04not really a zip"):
        status, body, _ = client.request("POST", path, raw=junk)
        assert status == 422 and body["error"], junk
    status, body, _ = client.request("POST", path, headers={"Content-Length": str(200 * 1024 * 1024)}, raw=b"")
    assert status == 422 and "MB" in body["error"]
    assert report(folder) == before
    # the draft's Word file as the page downloads it, with one sentence edited in Word: pulled back and verified
    status, docx, _ = client.request("GET", f"/api/drafts/{DRAFT}/report.docx")
    assert status == 200
    edited = _edit_docx(docx, "下一阶段", "下一阶段（Word里改过）")
    status, body, _ = client.request("POST", path, raw=edited)
    assert status == 200, body
    assert body["conflicts"] == [] and [sid for sid, _title in body["changed"]] and body["counts"]["total"] > 50
    assert "（Word里改过）" in report(folder)


def _edit_docx(docx: bytes, old: str, new: str) -> bytes:
    """The .docx with the first run containing `old` changed, as a Word user's edit."""
    import docx as python_docx

    document = python_docx.Document(io.BytesIO(docx))
    run = next(r for p in document.paragraphs for r in p.runs if old in r.text)
    run.text = run.text.replace(old, new, 1)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_the_data_check_page_data(client):
    data = client.json("GET", "/api/data")
    orders = next(f for f in data["files"] if f["table"] == "orders")
    assert orders["rows"] > 1000 and orders["paid"] > 0 and data["errors"] == []


def test_unknown_jobs_are_404(client):
    assert client.request("GET", "/api/jobs/0123456789abcdef")[0] == 404
    assert client.request("POST", "/api/jobs/0123456789abcdef/accept")[0] == 404


# --- jobs and accept ------------------------------------------------------------------------------------------

def test_a_new_offline_draft_runs_as_a_job_with_progress_per_section(client, folder):
    job = client.json("POST", "/api/drafts", {"period": "2025Q3", "kind": "quarterly-review", "writer": "offline"},
                      expect=202)
    done = client.wait(job["id"])
    assert done["state"] == "done", done["error"]
    assert done["total"] >= 3 and done["done"] == done["total"]
    assert [s["message"] for s in done["steps"]][:2] == ["computing metrics", "retrieving excerpts"]
    assert done["result"]["draft"] == "2025Q3-quarterly-review" and done["result"]["counts"]["mismatch"] == 0
    assert "2025Q3-quarterly-review" in [d["id"] for d in client.json("GET", "/api/drafts")["drafts"]]
    # asking for a model when none is configured is refused up front
    assert client.request("POST", "/api/drafts", {"period": "2025", "kind": "annual-summary", "writer": "llm"})[0] \
        == 422


def test_regen_of_a_hand_edited_section_needs_confirmation(client, folder):
    entry = section(client, "problems")
    saved = client.json("PUT", f"/api/drafts/{DRAFT}/sections/problems",
                        {"markdown": entry["markdown"] + "\n\n手工补充。", "base_hash": entry["hash"]})
    status, body, _ = client.request("POST", f"/api/drafts/{DRAFT}/sections/problems/regen", {"note": ""})
    assert status == 409 and body["error"] == "edited"
    job = client.json("POST", f"/api/drafts/{DRAFT}/sections/problems/regen", {"force": True}, expect=202)
    done = client.wait(job["id"])
    assert done["state"] == "done" and done["result"]["changed"]
    assert "手工补充。" in report(folder)  # a proposal: report.md untouched until accepted
    assert client.json("POST", f"/api/jobs/{job['id']}/discard")["discarded"] == job["id"]
    assert "手工补充。" in report(folder)
    assert client.request("POST", f"/api/jobs/{job['id']}/accept")[0] == 404
    client.json("PUT", f"/api/drafts/{DRAFT}/sections/problems",
                {"markdown": entry["markdown"], "base_hash": saved["hash"]})


def test_accept_is_refused_with_the_findings_while_a_mismatch_remains(client, folder):
    entry = section(client)
    finding = verified_figure(entry)
    saved = client.json("PUT", f"/api/drafts/{DRAFT}/sections/{SECTION}",
                        {"markdown": perturbed(entry, finding), "base_hash": entry["hash"]})
    status, body, _ = client.request("POST", f"/api/drafts/{DRAFT}/accept")
    assert status == 409 and body["accepted"] is False
    assert [(f["section"], f["verdict"]) for f in body["blocking"]] == [(SECTION, "mismatch")]
    assert not (folder / "drafts" / DRAFT / "final.md").exists()
    client.json("PUT", f"/api/drafts/{DRAFT}/sections/{SECTION}",
                {"markdown": entry["markdown"], "base_hash": saved["hash"]})
    accepted = client.json("POST", f"/api/drafts/{DRAFT}/accept")
    assert accepted["accepted"] and accepted["doc_id"] and accepted["kind"] == "summary"
    assert (folder / "drafts" / DRAFT / "final.md").exists()


# --- the command ----------------------------------------------------------------------------------------------

def test_the_command_takes_a_free_port_and_prints_the_url_with_its_token(folder):
    process = subprocess.Popen([sys.executable, "-m", "drafter", "serve", "--port", "0", "--host", "0.0.0.0",
                                "--dir", str(folder)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        printed = ""
        while "open http" not in printed:
            line = process.stdout.readline()
            assert line, printed
            printed += line
        assert "not only on this machine" in printed and "anyone on the network" in printed
        url = re.search(r"open (http://127\.0\.0\.1:(\d+)/\?token=(\S+))", printed)
        assert url and int(url[2]) not in (0, 8765)
        client = Client(int(url[2]), url[3])
        assert client.request("GET", "/api/drafts")[0] == 200
        assert client.request("GET", "/api/drafts", token=False)[0] == 403
    finally:
        process.terminate()
        process.wait(10)


def test_a_port_in_use_is_a_clear_error(client, folder):
    taken = run_cli("serve", "--port", str(client.port), "--dir", str(folder))
    assert taken.returncode == 2 and "choose another --port" in taken.stderr and "Traceback" not in taken.stderr


def test_help_lists_serve_without_importing_the_web_stack():
    shown = subprocess.run([sys.executable, "-X", "importtime", "-m", "drafter", "--help"], capture_output=True,
                           text=True, timeout=60)
    assert shown.returncode == 0 and "serve" in shown.stdout
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in shown.stderr.splitlines()}
    assert not imported & {"starlette", "uvicorn", "jinja2", "playwright"}
