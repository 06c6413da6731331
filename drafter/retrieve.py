"""The retrieve stage: dense (chromadb) + BM25 over jieba tokens, fused by reciprocal rank fusion."""

from __future__ import annotations

import math
import re
from collections import Counter

from drafter.corpus.tokens import prepare_tokenizer, tokenize
from drafter.models import Chunk

__all__ = ["bm25_rank", "fuse", "hybrid", "prepare_tokenizer", "search", "select", "tokenize", "where_filter"]

RRF_K = 60


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
    from drafter.corpus.classify import check_kind, check_period

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
    from drafter.corpus.text import normalise, to_simplified

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
