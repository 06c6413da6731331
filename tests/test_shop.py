"""`drafter init --company`: a working folder for a team's own shop, and what a first `write` says without data."""

from __future__ import annotations

import tomllib
from pathlib import Path

from conftest import run_cli
from platform_exports import write_all

from drafter.shop import downloads


def own_shop(tmp_path: Path, company: str = "杭州小禾电商") -> Path:
    folder = tmp_path / "shop"
    made = run_cli("init", str(folder), "--company", company)
    assert made.returncode == 0, made.stderr
    return folder


def test_init_company_makes_an_empty_folder_named_for_the_company(tmp_path):
    folder = own_shop(tmp_path)
    config = tomllib.loads((folder / "drafter.toml").read_text(encoding="utf-8"))
    assert config["company"] == "杭州小禾电商"
    assert "云禾优品" not in (folder / "drafter.toml").read_text(encoding="utf-8")
    assert [p.name for p in (folder / "data").iterdir()] == ["README.txt"]
    assert [p.name for p in (folder / "corpus").iterdir()] == ["README.txt"]
    assert not (folder / "drafts").exists()
    toml_text = (folder / "drafter.toml").read_text(encoding="utf-8")
    readme = (folder / "data" / "README.txt").read_text(encoding="utf-8")
    for kind in downloads():
        assert kind["english"] in toml_text and kind["name"] in readme
        for entry in kind["platform"]:
            assert f"#   {entry['platform']}:" in toml_text  # listed, commented: a checklist to edit
            assert entry["back_office"] in readme and entry["menu"] in readme
    assert "往期" in (folder / "corpus" / "README.txt").read_text(encoding="utf-8") or \
        "以往" in (folder / "corpus" / "README.txt").read_text(encoding="utf-8")


def test_init_company_again_keeps_the_teams_edits(tmp_path):
    folder = own_shop(tmp_path)
    edited = (folder / "drafter.toml").read_text(encoding="utf-8") + '\n[channels]\n"*.csv" = "天猫旗舰店"\n'
    (folder / "drafter.toml").write_text(edited, encoding="utf-8")
    assert run_cli("init", str(folder), "--company", "别的名字").returncode == 0
    assert (folder / "drafter.toml").read_text(encoding="utf-8") == edited


def test_init_company_refuses_a_name_that_would_break_the_config(tmp_path):
    made = run_cli("init", str(tmp_path / "x"), "--company", 'a"b')
    assert made.returncode == 2 and "--company" in made.stderr and "Traceback" not in made.stderr
    assert not (tmp_path / "x" / "drafter.toml").exists()


def test_first_write_without_data_says_what_to_download_and_where(tmp_path):
    folder = own_shop(tmp_path)
    wrote = run_cli("write", "--period", "2025", "--dir", str(folder))
    assert wrote.returncode == 2
    assert "Traceback" not in wrote.stderr
    said = " ".join(wrote.stderr.split())
    assert str((folder / "data").resolve()) in said
    for office in ("千牛卖家中心", "生意参谋", "京东商家后台", "京东商智", "抖店后台", "电商罗盘", "拼多多商家后台",
                   "微信小店后台", "万相台", "京准通", "巨量千川", "多多推广"):
        assert office in said, office
    assert not (folder / "drafts").exists()  # nothing half-written


def test_write_names_the_files_that_hold_no_orders(tmp_path):
    folder = own_shop(tmp_path)
    (folder / "data" / "notes.csv").write_text("日期,备注\n2025-01-01,年货节\n", encoding="utf-8")
    wrote = run_cli("write", "--period", "2025", "--dir", str(folder))
    said = " ".join(wrote.stderr.split())
    assert wrote.returncode == 2 and "notes.csv" in said and "千牛卖家中心" in said
    assert "README.txt" not in said.split("Files there")[-1]


def test_orders_of_another_period_keep_their_own_message(tmp_path):
    folder = own_shop(tmp_path)
    write_all(folder / "data")
    wrote = run_cli("write", "--period", "2023", "--dir", str(folder))
    assert wrote.returncode == 2 and "Traceback" not in wrote.stderr
    assert "2023" in wrote.stderr and "千牛卖家中心" not in wrote.stderr  # the data is there: no download guide
    assert not (folder / "drafts").exists()


def test_write_with_orders_and_no_corpus_drafts_and_says_so_once(tmp_path):
    folder = own_shop(tmp_path)
    write_all(folder / "data")
    wrote = run_cli("write", "--period", "2025", "--no-exports", "--dir", str(folder))
    assert wrote.returncode == 0, wrote.stderr
    printed = " ".join(wrote.stdout.split())
    assert printed.count("no excerpts") == 1
    assert "mismatch: 0" in printed
    assert "README.txt" not in wrote.stderr  # the folder's note is not a file left unread
    report = (folder / "drafts" / "2025-annual-summary" / "report.md").read_text(encoding="utf-8")
    assert report.startswith("# 杭州小禾电商2025年") and "往期报告" not in report


def test_corpus_add_passes_over_the_folders_note(tmp_path):
    folder = own_shop(tmp_path)
    (folder / "corpus" / "2024年度总结.md").write_text("# 2024年度运营总结\n\n全年GMV稳步增长，复购率有所提升。\n",
                                                  encoding="utf-8")
    added = run_cli("corpus", "add", str(folder / "corpus"), "--dir", str(folder))
    assert added.returncode == 0, added.stderr
    assert "added 1," in added.stdout and "README" not in added.stdout
