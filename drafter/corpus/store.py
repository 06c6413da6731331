"""The corpus store: add files and folders (skipping unchanged ones), list, show, remove and reindex."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from drafter.corpus.chunk import chunk_document, heading_labels, index_text, passages
from drafter.corpus.classify import check_kind, check_period
from drafter.corpus.document import load_document, shared_lines
from drafter.corpus.read import SUFFIXES, check_size
from drafter.corpus.tokens import prepare_tokenizer, tokenize
from drafter.errors import UserError
from drafter.files import is_skipped
from drafter.models import Document, text_hash

# Bump when cleaning or chunking changes, so re-adding a file re-processes it.
PIPELINE_VERSION = "5"


@dataclass
class FileResult:
    """What happened to one file."""

    path: str
    status: str  # added | replaced | unchanged | failed
    doc_id: str = ""
    title: str = ""
    kind: str = ""
    period: str = ""
    kind_inferred: bool = True
    period_inferred: bool = True
    chunks: int = 0
    removed: dict[str, int] = field(default_factory=dict)
    error: str = ""
    note: str = ""


@dataclass
class AddReport:
    """Per-file outcomes of `add_paths`, plus embedding counts."""

    files: list[FileResult] = field(default_factory=list)
    embedded: int = 0
    cached: int = 0
    seconds: float = 0.0

    def _with(self, status: str) -> list[FileResult]:
        return [f for f in self.files if f.status == status]

    @property
    def added(self) -> list[FileResult]:
        return self._with("added")

    @property
    def replaced(self) -> list[FileResult]:
        return self._with("replaced")

    @property
    def unchanged(self) -> list[FileResult]:
        return self._with("unchanged")

    @property
    def failed(self) -> list[FileResult]:
        return self._with("failed")


def expand_paths(paths: Iterable) -> tuple[list[Path], list[FileResult]]:
    """Files to ingest (folders walked, hidden and temporary files skipped) and missing paths."""
    files: list[Path] = []
    missing: list[FileResult] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                hidden = any(is_skipped(part) for part in f.relative_to(p).parts)
                if f.is_file() and not hidden and f.suffix.lower() in (*SUFFIXES, ".doc"):  # .doc: say why not
                    files.append(f)
        elif p.is_file():
            files.append(p)
        else:
            missing.append(FileResult(str(p), "failed", error=f"{p}: no such file or folder"))
    return list(dict.fromkeys(files)), missing


def _source_key(config, path: Path) -> str:
    # Inside the working folder a relative path keeps ids stable when the folder moves.
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path(config.root).resolve()).as_posix()
    except ValueError:
        return str(resolved)


def _store_and_embedder(config, allow_mismatch: bool = False):
    from drafter.backends.embedders import make_embedder
    from drafter.backends.vectorstore import open_store

    embedder = make_embedder(config)
    store = open_store(config)
    store.bind(embedder.name, allow_mismatch=allow_mismatch)
    return store, embedder


def _put(store, embedder, doc: Document, digest: str) -> int:
    item = _prepare(embedder, doc, digest)
    store.put_document(*item)
    return len(item[1])


def _prepare(embedder, doc: Document, digest: str) -> tuple[dict, list[str], list[str], list, list[dict]]:
    """What the store keeps for a document: its record, and its chunks' ids, texts, vectors and metadata."""
    chunks = chunk_document(doc)
    texts = [index_text(c) for c in chunks]
    vectors = embedder.embed_passages(texts)
    metas = []
    for c, body in zip(chunks, passages(doc), strict=True):
        meta = {"doc_id": doc.id, "title": c.title, "kind": c.kind, "period": c.period,
                "year": c.period[:4], "heading": c.heading, "position": int(c.id.rsplit(":", 1)[1]),
                # Headings name the topic: their words count again (inner ones of packed sections too).
                "tokens": " ".join(tokenize(" ".join([c.title, c.heading, *heading_labels(c.text), c.text])))}
        if body[1] != c.text:
            meta["original"] = body[1]  # the passage in its original script, for quoting
        metas.append(meta)
    record = {"id": doc.id, "title": doc.title, "kind": doc.kind, "period": doc.period,
              "year": doc.period[:4], "source": doc.source, "hash": digest, "chunks": len(chunks),
              "removed": doc.removed, "added": datetime.now(UTC).isoformat(timespec="seconds"),
              "text": doc.text,
              # What cleaning took out and what is never indexed, for `corpus show --removed`.
              "cleaning": {"removed_lines": [list(x) for x in doc.removed_lines], "suspicious": doc.suspicious}}
    return record, [c.id for c in chunks], [c.text for c in chunks], vectors, metas


def add_paths(config, paths, kind=None, period=None, title=None, keep_boilerplate: bool = False,
              progress: Callable[[int, int, FileResult], None] | None = None) -> AddReport:
    """Ingest files and folders; unchanged files are skipped, changed ones replace their chunks."""
    started = time.perf_counter()
    kind, period = check_kind(kind), check_period(period)
    files, missing = expand_paths(paths)
    report = AddReport(files=list(missing))
    if not files:
        report.seconds = time.perf_counter() - started
        return report
    prepare_tokenizer(config.cache_dir)
    store, embedder = _store_and_embedder(config)
    docs = store.documents()
    by_source = {d.get("source"): d for d in docs}
    by_hash = {d.get("hash"): d for d in docs}
    pending: list[tuple[FileResult, tuple]] = []  # written to the store together (see put_documents)

    def flush() -> None:
        try:
            store.put_documents([item for _, item in pending])
        except Exception as exc:  # the store failed: these files were not added
            for result, _ in pending:
                result.status, result.error = "failed", f"{result.path}: not stored ({type(exc).__name__}: {exc})"
        pending.clear()

    shared = frozenset() if keep_boilerplate else shared_lines(files)
    for index, path in enumerate(files, 1):
        result = FileResult(str(path), "failed")
        try:
            source = _source_key(config, path)
            check_size(path)
            keep = "|keep" if keep_boilerplate else ""
            digest = text_hash(f"{PIPELINE_VERSION}{keep}|{kind}|{period}|{title}|" + path.read_bytes().hex(), 24)
            old = by_source.get(source)
            twin = by_hash.get(digest)
            if old and old.get("hash") == digest or twin:
                same = old if old and old.get("hash") == digest else twin
                result = FileResult(str(path), "unchanged", same["id"], same.get("title", ""),
                                    same.get("kind", ""), same.get("period", ""))
                result.chunks = same.get("chunks", 0)
                if same is twin and twin.get("source") != source:
                    result.note = f"same content as {twin['id']} ({twin.get('source')})"
            else:
                doc = load_document(path, kind, period, title, keep_boilerplate, shared)
                doc = doc.model_copy(update={"id": text_hash(source, 10), "source": source})
                item = _prepare(embedder, doc, digest)
                count = len(item[1])
                result = FileResult(str(path), "replaced" if old else "added", doc.id, doc.title, doc.kind,
                                    doc.period, kind is None, period is None, count, dict(doc.removed))
                pending.append((result, item))
                by_source[source] = by_hash[digest] = {"id": doc.id, "hash": digest, "source": source,
                                                       "title": doc.title, "kind": doc.kind,
                                                       "period": doc.period, "chunks": count}
        except UserError as exc:
            result.error = str(exc)
        except Exception as exc:  # one bad file must not stop a folder
            result.error = f"{path}: {exc.__class__.__name__}: {exc}"
        report.files.append(result)
        if sum(len(item[1]) for _, item in pending) >= 500 or len(pending) >= 200:
            flush()
        if progress:
            progress(index, len(files), result)
    flush()
    report.embedded = getattr(embedder, "misses", 0)
    report.cached = getattr(embedder, "hits", 0)
    report.seconds = time.perf_counter() - started
    return report


def _open(config):
    from drafter.backends.vectorstore import open_store

    return open_store(config)


def list_documents(config) -> list[dict]:
    """One dict per document: id, title, kind, period, source, chunks (newest period first)."""
    keys = ("id", "title", "kind", "period", "source", "chunks")
    docs = [{k: d.get(k, "") for k in keys} for d in _open(config).documents()]
    return sorted(docs, key=lambda d: (d["period"] or "0000", d["title"]), reverse=True)


def _resolve(store, doc_id: str) -> dict:
    docs = store.documents()
    matches = [d for d in docs if d["id"] == doc_id] or [d for d in docs if d["id"].startswith(doc_id)]
    if len(matches) != 1:
        why = "no document has" if not matches else f"{len(matches)} documents match"
        raise UserError(f"{why} id {doc_id!r}; see `drafter corpus list` for the ids")
    return matches[0]


def get_document(config, doc_id: str) -> dict:
    """A document record (accepts a unique id prefix) with its cleaned text and its chunks."""
    store = _open(config)
    record = store.document(_resolve(store, doc_id)["id"])
    chunks = sorted(store.get_chunks({"doc_id": record["id"]}), key=lambda c: c["meta"].get("position", 0))
    cleaning = record.pop("cleaning", None) or "{}"
    cleaning = json.loads(cleaning) if isinstance(cleaning, str) else cleaning
    record["removed_lines"] = cleaning.get("removed_lines", [])
    record["suspicious"] = cleaning.get("suspicious", [])
    record["chunk_list"] = [{"id": c["id"], "heading": c["meta"].get("heading", ""), "text": c["text"]}
                            for c in chunks]
    return record


def remove_document(config, doc_id: str) -> dict:
    """Remove a document and its chunks; returns its record."""
    store = _open(config)
    record = _resolve(store, doc_id)
    store.delete_document(record["id"])
    return record


def reindex(config, progress: Callable[[int, int, str], None] | None = None) -> int:
    """Rebuild every chunk with the configured embedder and chunker, from the stored documents."""
    prepare_tokenizer(config.cache_dir)
    store, embedder = _store_and_embedder(config, allow_mismatch=True)
    records = store.documents(with_text=True)
    store.reset(embedder.name)
    total = 0
    for index, rec in enumerate(records, 1):
        cleaning = json.loads(rec.get("cleaning") or "{}")
        doc = Document(id=rec["id"], title=rec.get("title", ""), kind=rec.get("kind", "other"),
                       period=rec.get("period", ""), source=rec.get("source", ""), text=rec["text"],
                       removed=rec.get("removed") or {}, removed_lines=cleaning.get("removed_lines", []),
                       suspicious=cleaning.get("suspicious", []))
        total += _put(store, embedder, doc, rec.get("hash", ""))
        if progress:
            progress(index, len(records), doc.title)
    return total
