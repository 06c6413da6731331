"""Bad past reports: each is refused with a message naming the file and the fix; the rest of a folder is added."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drafter.cli.corpus import corpus_app
from drafter.config import load_config
from drafter.corpus import MAX_TEXT_CHARS, add_paths, list_documents

REPORT = ("# 2024年第{q}季度运营汇报\n\n## 一、业绩\n\n"
          "本季度GMV同比增长{n}%，复购率为{r}%，第{i}号门店表现稳定，各项工作有序推进。\n")
PARAGRAPH = ("## 一、运营成果概览\n\n全年GMV达到3.2亿元，同比增长18.5%，完成年度目标的96%。订单量突破210万单，"
             "客单价152元。抖音渠道GMV同比增长62%，占比提升至28%。\n\n")


def corpus_cli(*args: str):
    """`drafter corpus …` in-process (the CLI's start-up is measured elsewhere); exit_code and output."""
    return CliRunner().invoke(corpus_app, list(args))


@pytest.fixture
def folder(tmp_path) -> Path:
    """A bare working folder with the hash embedder."""
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "drafter.toml").write_text('[embedder]\nname = "hash"\n', encoding="utf-8")
    return ws


def _scanned_pdf(path: Path) -> None:
    """A two-page PDF of shapes and an image, with no text layer, as a scanner makes."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    png = path.parent / "page.png"
    from PIL import Image

    Image.new("RGB", (200, 280), (235, 235, 235)).save(png)
    c = canvas.Canvas(str(path))
    c.drawImage(ImageReader(str(png)), 50, 300, 400, 500)
    c.rect(60, 60, 200, 100, fill=1)
    c.showPage()
    c.circle(300, 400, 80)
    c.save()


def _big_text(path: Path, megabytes: int) -> None:
    block = PARAGRAPH.encode("utf-8")
    with path.open("wb") as out:
        out.write("# 2024年度运营总结\n\n".encode())
        for _ in range(megabytes * 1024 * 1024 // len(block) + 1):
            out.write(block)


BAD_FILES = {
    "data.xlsx": (lambda p: p.write_bytes(b"PK\x03\x04junk"), "unsupported file type .xlsx; use .md .txt .docx"),
    "notes.rtf": (lambda p: p.write_text("{\\rtf1 hi}"), "unsupported file type .rtf"),
    "corrupt.pdf": (lambda p: p.write_bytes(b"%PDF-1.4\n1 0 obj garbage\n%%EOF"),
                    "cannot read this PDF (startxref not found); export it again as a text PDF"),
    "broken.docx": (lambda p: p.write_bytes(b"PK\x03\x04 not really a docx"), "not a readable .docx"),
    "scan.pdf": (_scanned_pdf, "this PDF has no text, only images (2 page(s)) — it looks like a scan. Run OCR"),
    "empty.txt": (lambda p: p.write_bytes(b""), "the file is empty (0 bytes)"),
    "random.txt": (lambda p: p.write_bytes(os.urandom(4096)), "this is binary data, not text, though its name ends "
                                                              "in .txt"),
    "image.txt": (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2048)),
                  "this is a PNG image, not text, though its name ends in .txt"),
    "big.txt": (lambda p: _big_text(p, 50), "50.0 MB is too large for one report (the limit for text files is 4 MB"),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_a_bad_file_is_refused_with_its_name_and_the_fix(folder, tmp_path, name):
    make, message = BAD_FILES[name]
    path = tmp_path / name
    make(path)
    started = time.perf_counter()
    report = add_paths(load_config(folder), [path])
    assert time.perf_counter() - started < 20
    [failed] = report.failed
    assert failed.error.startswith(f"{path}: ") and message in failed.error, failed.error
    assert not report.added and list_documents(load_config(folder)) == []


def test_text_longer_than_the_limit_is_refused_even_under_the_size_limit(folder, tmp_path):
    path = tmp_path / "long.md"
    path.write_text("# 2024年度运营总结\n" + "经营" * (MAX_TEXT_CHARS // 2 + 10), encoding="utf-8")
    [failed] = add_paths(load_config(folder), [path]).failed
    assert f"characters of text is too long for one report (the limit is {MAX_TEXT_CHARS:,})" in failed.error


def test_utf16_text_with_its_bom_is_text_not_binary(folder, tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes(REPORT.format(q=1, n=12, r=30, i=7).encode("utf-16"))
    report = add_paths(load_config(folder), [path])
    assert [f.title for f in report.added] == ["2024年第1季度运营汇报"]


def test_bad_files_named_on_the_command_line_are_summarised_last_with_exit_1(folder, tmp_path):
    good = tmp_path / "good.md"
    good.write_text(REPORT.format(q=3, n=15, r=28, i=1), encoding="utf-8")
    bad = []
    for name in ("notes.rtf", "scan.pdf", "image.txt", "big.txt"):
        BAD_FILES[name][0](tmp_path / name)
        bad.append(str(tmp_path / name))
    started = time.perf_counter()
    result = corpus_cli("add", str(good), *bad, "--dir", str(folder))
    assert time.perf_counter() - started < 30
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    tail = result.output[result.output.index("added 1, replaced 0, unchanged 0, failed 4"):]
    assert "4 file(s) failed:" in tail
    for name in ("notes.rtf", "scan.pdf", "image.txt", "big.txt"):
        assert f"✗ {tmp_path / name}: " in tail
    assert "no text, only images" in tail and "50.0 MB is too large" in tail


def test_a_folder_of_1000_files_with_one_bad_adds_the_rest_and_names_the_bad_one(folder, tmp_path):
    many = tmp_path / "reports"
    many.mkdir()
    for i in range(1000):
        (many / f"r{i:04d}.md").write_text(REPORT.format(q=i % 4 + 1, n=i % 50, r=20 + i % 10, i=i),
                                           encoding="utf-8")
    (many / "r0500.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    result = corpus_cli("add", str(many), "--dir", str(folder))  # its time: bench/corpus_bulk_add.py
    assert result.exit_code == 1, result.output
    assert "added 999, replaced 0, unchanged 0, failed 1" in result.output
    assert result.output.rstrip().endswith("r0500.md: this is a PNG image, not text, though its name ends in .md; "
                                           "rename it to its real type, or save the report as .txt (UTF-8) or "
                                           ".docx and add that")
    listed = json.loads(corpus_cli("list", "--json", "--dir", str(folder)).output)
    assert len(listed) == 999 and not any(d["source"].endswith("r0500.md") for d in listed)
