"""The chromadb wrapper: chunk vectors plus one record per document (its cleaned text and metadata)."""

from __future__ import annotations

import contextlib
import json
from typing import Any
from urllib.parse import urlparse

from drafter.errors import UserError

# Documents live in a sibling collection so `corpus show` works against a remote server too;
# chroma needs a vector per record, so they all get this constant one.
_DOC_VECTOR = [1.0]
_GET_BATCH = 1000


class VectorStore:
    """Chunks (with vectors) and documents in two chroma collections."""

    def __init__(self, client: Any, collection: str, location: str):
        self.client = client
        self.name = collection
        self.location = location
        self._chunks = None
        # embedding_function=None: vectors always come from our embedder; chroma must never try to
        # fetch its default ONNX model (it would fail offline).
        self.docs = client.get_or_create_collection(f"{collection}-docs", embedding_function=None)

    # --- the chunk collection and its embedder ---------------------------------------------

    def built_with(self) -> str:
        """Name of the embedder that built the chunk collection ('' when there is none)."""
        try:
            col = self.client.get_collection(self.name, embedding_function=None)
        except Exception:  # chroma raises different types for "does not exist" across versions
            return ""
        return (col.metadata or {}).get("embedder", "")

    def bind(self, embedder_name: str, allow_mismatch: bool = False) -> None:
        """Open (or create) the chunk collection for this embedder; refuse a store built by another."""
        built = self.built_with()
        if built and built != embedder_name:
            count = self.client.get_collection(self.name, embedding_function=None).count()
            if count and not allow_mismatch:
                raise UserError(
                    f"the corpus store at {self.location} was built with embedder '{built}', but the "
                    f"configuration asks for '{embedder_name}'; run `drafter corpus reindex` to rebuild "
                    f"it with '{embedder_name}' (or set the embedder back to '{built}')"
                )
            self.client.delete_collection(self.name)
        self._chunks = self.client.get_or_create_collection(
            self.name,
            embedding_function=None,
            metadata={"hnsw:space": "cosine", "embedder": embedder_name},
        )

    def reset(self, embedder_name: str) -> None:
        """Drop every chunk and start an empty collection for `embedder_name` (reindex)."""
        if self.built_with() or self._chunks is not None:
            with contextlib.suppress(Exception):  # already gone
                self.client.delete_collection(self.name)
        self._chunks = None
        self.bind(embedder_name)

    @property
    def chunks(self):
        if self._chunks is None:
            try:
                self._chunks = self.client.get_collection(self.name, embedding_function=None)
            except Exception as exc:
                raise UserError(
                    f"the corpus at {self.location} is empty; add reports with `drafter corpus add PATH`"
                ) from exc
        return self._chunks

    def has_chunks(self) -> bool:
        """True when a chunk collection exists and holds anything."""
        return bool(self.built_with()) and self.chunks.count() > 0

    # --- writing -----------------------------------------------------------------------------

    def put_document(self, record: dict, ids: list[str], texts: list[str], vectors: list, metas: list[dict]):
        """Replace a document's chunks and record; the record is written last so a crash re-adds."""
        self.put_documents([(record, ids, texts, vectors, metas)])

    def put_documents(self, items: list[tuple[dict, list[str], list[str], list, list[dict]]]) -> None:
        """put_document for many documents in a few calls: each chroma call costs milliseconds, more as the
        store grows, so a folder of 1,000 small files written one by one took minutes."""
        if not items:
            return
        doc_ids = [record["id"] for record, *_ in items]
        if self.built_with():
            self.chunks.delete(where={"doc_id": {"$in": doc_ids}})
        self.docs.delete(ids=doc_ids)
        ids = [i for _, chunk_ids, *_ in items for i in chunk_ids]
        texts = [t for _, _, chunk_texts, *_ in items for t in chunk_texts]
        vectors = [v for *_, chunk_vectors, _ in items for v in chunk_vectors]
        metas = [m for *_, chunk_metas in items for m in chunk_metas]
        for start in range(0, len(ids), 500):
            end = start + 500
            self.chunks.add(
                ids=ids[start:end], documents=texts[start:end], embeddings=vectors[start:end],
                metadatas=metas[start:end],
            )
        records = [dict(record) for record, *_ in items]
        docs = [record.pop("text") for record in records]
        metas = [{k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v for k, v in record.items()}
                 for record in records]
        self.docs.upsert(ids=doc_ids, documents=docs, embeddings=[_DOC_VECTOR] * len(docs), metadatas=metas)

    def delete_document(self, doc_id: str) -> None:
        """Remove a document's record and chunks (no error when absent)."""
        if self.built_with():
            self.chunks.delete(where={"doc_id": doc_id})
        self.docs.delete(ids=[doc_id])

    # --- reading -------------------------------------------------------------------------------

    @staticmethod
    def _record(doc_id: str, text: str | None, meta: dict) -> dict:
        out = dict(meta)
        out["id"] = doc_id
        if isinstance(out.get("removed"), str):
            out["removed"] = json.loads(out["removed"])
        if text is not None:
            out["text"] = text
        return out

    def documents(self, with_text: bool = False) -> list[dict]:
        """Every document record (metadata; the cleaned text too when asked)."""
        include = ["metadatas", "documents"] if with_text else ["metadatas"]
        out = []
        offset = 0
        while True:
            got = self.docs.get(include=include, limit=_GET_BATCH, offset=offset)
            texts = got.get("documents") or [None] * len(got["ids"])
            out.extend(self._record(i, t, m or {}) for i, t, m in zip(got["ids"], texts, got["metadatas"],
                                                                     strict=True))
            if len(got["ids"]) < _GET_BATCH:
                return out
            offset += _GET_BATCH

    def document(self, doc_id: str) -> dict | None:
        """One document record with its text, or None."""
        got = self.docs.get(ids=[doc_id], include=["metadatas", "documents"])
        if not got["ids"]:
            return None
        return self._record(got["ids"][0], got["documents"][0], got["metadatas"][0] or {})

    def get_chunks(self, where: dict | None = None) -> list[dict]:
        """Chunks (id, text, metadata) matching `where`, in no particular order."""
        if not self.built_with():
            return []
        out = []
        offset = 0
        while True:
            got = self.chunks.get(where=where or None, include=["metadatas", "documents"],
                                  limit=_GET_BATCH, offset=offset)
            out.extend({"id": i, "text": t, "meta": m or {}}
                       for i, t, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True))
            if len(got["ids"]) < _GET_BATCH:
                return out
            offset += _GET_BATCH

    def query(self, vector: list[float], n: int, where: dict | None = None) -> list[dict]:
        """Nearest chunks to `vector`, best first, with cosine distance."""
        if not self.built_with():
            return []
        count = self.chunks.count()
        if not count:
            return []
        got = self.chunks.query(query_embeddings=[vector], n_results=min(n, count), where=where or None,
                                include=["metadatas", "documents", "distances"])
        return [{"id": i, "text": t, "meta": m or {}, "distance": d}
                for i, t, m, d in zip(got["ids"][0], got["documents"][0], got["metadatas"][0],
                                      got["distances"][0], strict=True)]


def _http_client(url: str):
    import chromadb

    parsed = urlparse(url if "://" in url else f"http://{url}")
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 8000
    try:
        client = chromadb.HttpClient(host=host, port=port, ssl=parsed.scheme == "https")
        client.heartbeat()
    except Exception as exc:
        raise UserError(
            f"cannot reach the chroma server at {url} ({exc.__class__.__name__}); start it with "
            f"`chroma run --path DIR --host {host} --port {port}`, or unset DRAFTER_CHROMA_URL / "
            "[store] url to use the local store"
        ) from exc
    return client


def open_store(config) -> VectorStore:
    """The store for a config: a chroma server when `store_url` is set, else a persistent local one."""
    if config.store_url:
        return VectorStore(_http_client(config.store_url), config.collection, config.store_url)
    import chromadb
    from chromadb.config import Settings

    config.store_path.mkdir(parents=True, exist_ok=True)
    try:
        client = chromadb.PersistentClient(
            path=str(config.store_path), settings=Settings(anonymized_telemetry=False)
        )
    except Exception as exc:
        raise UserError(
            f"cannot open the corpus store at {config.store_path} ({exc}); if it is damaged, delete the "
            "folder and add the reports again"
        ) from exc
    return VectorStore(client, config.collection, str(config.store_path))
