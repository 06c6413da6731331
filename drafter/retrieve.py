"""The retrieve stage: dense (chromadb) + BM25 over jieba tokens, fused by reciprocal rank fusion."""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from pathlib import Path

from drafter.models import Chunk

DOMAIN_WORDS = [
    "复购率", "复购", "客单价", "GMV", "私域", "公域", "转化率", "大促", "抖音", "小程序", "天猫", "京东",
    "拼多多", "快手", "小红书", "视频号", "直播带货", "直播间", "自播", "达人", "种草", "拉新", "留存率",
    "留存", "获客成本", "客诉", "退货率", "退款率", "动销率", "售罄率", "毛利率", "净利率", "库存周转",
    "周转天数", "履约", "履约时效", "仓配", "前置仓", "供应链", "会员", "会员体系", "社群", "企业微信",
    "ROI", "投产比", "UV", "PV", "DSR", "NPS", "SKU", "KOL", "KOC", "CRM", "RFM", "双11", "双十一", "618",
    "年货节", "新客", "老客", "新用户", "老用户", "同比", "环比", "百分点", "目标达成", "达成率", "客服",
    "全渠道", "私域流量", "公域流量", "内容营销", "投放", "品类", "爆款", "新品", "渗透率", "活跃用户",
    "月活", "日活", "ARPU", "LTV", "CAC", "客单", "连带率", "件单价", "点击率", "加购率", "支付转化率",
]
STOPWORDS = set("的了和与及在是为等对中将以并或其也而从到由被这那之于个把让使向")
RRF_K = 60
_lock = threading.Lock()
_ready = False


def prepare_tokenizer(cache_dir: Path | str | None = None) -> None:
    """Load jieba once: quiet, its cache file in our cache dir, domain words added."""
    global _ready
    with _lock:
        if _ready:
            return
        import logging

        import jieba

        # jieba's only errors are a failed dump of its dictionary cache (a full disk, a read-only folder), which
        # costs start-up time, not results; its traceback must not reach the user.
        jieba.setLogLevel(logging.CRITICAL)
        if cache_dir is not None:
            Path(cache_dir).mkdir(parents=True, exist_ok=True)
            jieba.dt.tmp_dir = str(cache_dir)
        for word in DOMAIN_WORDS:
            jieba.add_word(word, freq=200000)
        _ready = True


def tokenize(text: str, config_dir: Path | str | None = None) -> list[str]:
    """BM25 tokens: jieba search-mode words, lowercased, without punctuation and stopwords."""
    import jieba

    if not _ready:
        prepare_tokenizer(config_dir)
    tokens = []
    for tok in jieba.cut_for_search(text.lower()):
        tok = tok.strip()
        if tok and tok not in STOPWORDS and re.search(r"[\w\u4e00-\u9fff]", tok):
            tokens.append(tok)
    return tokens


def bm25_rank(query_tokens: list[str], docs: list[list[str]], k1=1.5, b=0.75) -> list[float]:
    """Okapi BM25 score of every tokenised document for the query."""
    if not docs:
        return []
    n = len(docs)
    avg = sum(map(len, docs)) / n or 1.0
    df = Counter(t for d in docs for t in set(d))
    terms = Counter(query_tokens)
    scores = []
    for d in docs:
        tf = Counter(d)
        score = 0.0
        for term, qf in terms.items():
            if term not in tf:
                continue
            idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
            score += qf * idf * tf[term] * (k1 + 1) / (tf[term] + k1 * (1 - b + b * len(d) / avg))
        scores.append(score)
    return scores


def where_filter(kind: str | None, period: str | None) -> dict | None:
    """A chroma `where` for kind and period; a year also matches its quarters, halves and months."""
    from drafter.corpus import check_kind, check_period

    kind, period = check_kind(kind), check_period(period)
    clauses = []
    if kind:
        clauses.append({"kind": kind})
    if period:
        clauses.append({"year": period} if len(period) == 4 else {"period": period})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"\s", "", text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _near_duplicate(a: set[str], b: set[str]) -> bool:
    return bool(a and b) and len(a & b) / min(len(a), len(b)) >= 0.85


def fuse(rankings: list[list[str]], k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion of several best-first id lists."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, cid in enumerate(ranking, 1):
            scores[cid] = scores.get(cid, 0.0) + 1.0 / (k + rank)
    return scores


def select(ranked: list[tuple[str, float]], info: dict[str, dict], k: int) -> list[tuple[str, float]]:
    """Top k, skipping near-duplicates, at most ceil(k/2) per document unless nothing else is left."""
    cap = max(1, (k + 1) // 2)
    chosen: list[tuple[str, float]] = []
    grams: list[set[str]] = []
    per_doc: Counter = Counter()
    skipped: list[tuple[str, float]] = []
    for cid, score in ranked:
        if len(chosen) == k:
            break
        g = _bigrams(info[cid]["text"])
        if any(_near_duplicate(g, other) for other in grams):
            continue
        doc = info[cid]["meta"].get("doc_id", "")
        if per_doc[doc] >= cap:
            skipped.append((cid, score))
            continue
        chosen.append((cid, score))
        grams.append(g)
        per_doc[doc] += 1
    for item in skipped:  # a filter may leave one document only: fill from it rather than return less
        if len(chosen) == k:
            break
        chosen.append(item)
    return sorted(chosen, key=lambda x: (-x[1], x[0]))


def hybrid(store, embedder, query: str, kind=None, period=None, k: int = 5, mode: str = "hybrid",
           cache_dir=None) -> list[Chunk]:
    """Ranked chunks for a query from an opened store (mode: hybrid | dense | bm25)."""
    from drafter.corpus_text import normalise, to_simplified

    query = to_simplified(normalise(query)[0]).strip()
    if not query or k <= 0:
        return []
    where = where_filter(kind, period)
    pool = max(4 * k, 30)
    info: dict[str, dict] = {}
    rankings: list[list[str]] = []
    if mode in ("hybrid", "dense"):
        dense = store.query(embedder.embed_query(query), pool, where)
        info.update((hit["id"], hit) for hit in dense)
        rankings.append([hit["id"] for hit in dense])
    if mode in ("hybrid", "bm25"):
        candidates = store.get_chunks(where)
        q_tokens = tokenize(query, cache_dir)
        scores = bm25_rank(q_tokens, [c["meta"].get("tokens", "").split() for c in candidates])
        order = sorted((s, c["id"]) for s, c in zip(scores, candidates, strict=True) if s > 0)
        info.update((c["id"], c) for c in candidates)
        rankings.append([cid for _, cid in sorted(order, key=lambda x: (-x[0], x[1]))[:pool]])
    # Ties are broken by chunk id so the same query always yields the same excerpts (and prompt cache keys).
    ranked = sorted(fuse(rankings).items(), key=lambda x: (-x[1], x[0]))
    out = []
    for cid, score in select(ranked, info, k):
        meta = info[cid]["meta"]
        out.append(Chunk(id=cid, doc_id=meta.get("doc_id", ""), text=info[cid]["text"],
                         title=meta.get("title", ""), kind=meta.get("kind", "other"),
                         period=meta.get("period", ""), heading=meta.get("heading", ""),
                         score=round(score, 6)))
    return out


def search(config, query: str, kind: str | None = None, period: str | None = None, k: int = 5) -> list[Chunk]:
    """The k passages best matching `query`, filtered by kind and period, each citable."""
    from drafter.backends.embedders import make_embedder
    from drafter.backends.vectorstore import open_store

    prepare_tokenizer(config.cache_dir)
    where_filter(kind, period)  # validate before any slow work
    store = open_store(config)
    if not store.has_chunks():
        return []
    embedder = make_embedder(config)
    store.bind(embedder.name)
    return hybrid(store, embedder, query, kind, period, k, cache_dir=config.cache_dir)
