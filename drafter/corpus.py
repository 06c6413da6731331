"""The corpus stage: load past reports in any format, clean them, chunk them, and keep them in the store."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from drafter.corpus_chunk import chunk_sections, heading_labels
from drafter.corpus_read import MAX_TEXT_CHARS, SUFFIXES, check_size, read_raw
from drafter.corpus_text import PIPELINE_VERSION, clean_text, infer_kind, infer_period, to_simplified
from drafter.errors import UserError
from drafter.models import Chunk, Document, text_hash

KINDS = ("summary", "plan", "review", "other")
# The report kinds of DESIGN.md, accepted wherever a corpus kind is expected.
KIND_ALIASES = {"annual-summary": "summary", "annual-plan": "plan", "quarterly-review": "review"}
PERIOD_RE = re.compile(r"^20\d\d(Q[1-4]|H[12]|-(0[1-9]|1[0-2]))?$")


def check_kind(kind: str | None) -> str | None:
    """Normalise a kind given by a user; UserError when unknown."""
    if kind is None:
        return None
    kind = KIND_ALIASES.get(kind.strip().lower(), kind.strip().lower())
    if kind not in KINDS:
        raise UserError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    return kind


def check_period(period: str | None) -> str | None:
    """Normalise a period given by a user (2025, 2025Q3, 2025H1, 2025-07); UserError when malformed."""
    if period is None:
        return None
    period = period.strip().upper().replace("年", "")
    if not PERIOD_RE.match(period):
        raise UserError(f"bad period {period!r}: write it as 2025, 2025Q3, 2025H1 or 2025-07")
    return period


def _title_from(text: str, hints: dict, meta_title: str, path: Path) -> str:
    if hints.get("title"):
        return hints["title"]
    if m := re.search(r"(?m)^#\s+(.+)$", text):
        return m.group(1).strip()
    if meta_title:
        return meta_title
    first = next((ln.strip() for ln in text.split("\n") if ln.strip()), "")
    if len(first) <= 40 and not re.search(r"[。；]", first):
        return first.lstrip("#").strip()
    return path.stem


def load_document(path, kind=None, period=None, title=None) -> Document:
    """Read, clean and classify one file; raises UserError naming the file when it cannot."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    check_size(path)
    raw, meta_title = read_raw(path)
    if len(raw) > MAX_TEXT_CHARS:
        raise UserError(f"{path}: {len(raw):,} characters of text is too long for one report (the limit is "
                        f"{MAX_TEXT_CHARS:,}); split it into one file per report")
    text, removed, hints = clean_text(raw)
    if len(re.sub(r"\s", "", text)) < 20:
        raise UserError(f"{path}: no text left after cleaning; is it an empty or image-only file?")
    title = to_simplified(title or _title_from(text, hints, meta_title, path))
    simple = to_simplified(text)
    kind = check_kind(kind) or infer_kind(title, simple)
    period = check_period(period) or infer_period(title, simple, kind, hints.get("date", ""))
    converted = sum(a != b for a, b in zip(text, simple, strict=False))
    if converted:
        removed["traditional_converted"] = converted  # not removed, but the user should see it
    source = str(path.resolve())
    return Document(id=text_hash(source, 10), title=title, kind=kind, period=period, source=source,
                    text=text, removed=removed)


def index_text(chunk: Chunk) -> str:
    """What the embedder sees: the passage with its title and heading, which carry topic words."""
    context = " > ".join(p for p in (chunk.title, chunk.heading) if p)
    return f"{context}\n{chunk.text}" if context else chunk.text


def chunk_document(doc: Document) -> list[Chunk]:
    """Structure-aware chunks; the text is Simplified (as indexed), headings form a path."""
    return [
        Chunk(id=f"{doc.id}:{i:03d}", doc_id=doc.id, text=to_simplified(body), title=doc.title,
              kind=doc.kind, period=doc.period, heading=to_simplified(heading))
        for i, (heading, body) in enumerate(chunk_sections(doc.text))
    ]


# --- the store ---------------------------------------------------------------------------------


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
                hidden = any(part.startswith((".", "~$")) for part in f.relative_to(p).parts)
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
    from drafter.retrieve import tokenize

    chunks = chunk_document(doc)
    texts = [index_text(c) for c in chunks]
    vectors = embedder.embed_passages(texts)
    metas = []
    for c, body in zip(chunks, chunk_sections(doc.text), strict=True):
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
              "text": doc.text}
    return record, [c.id for c in chunks], [c.text for c in chunks], vectors, metas


def add_paths(config, paths, kind=None, period=None, title=None,
              progress: Callable[[int, int, FileResult], None] | None = None) -> AddReport:
    """Ingest files and folders; unchanged files are skipped, changed ones replace their chunks."""
    from drafter.retrieve import prepare_tokenizer

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

    for index, path in enumerate(files, 1):
        result = FileResult(str(path), "failed")
        try:
            source = _source_key(config, path)
            check_size(path)
            digest = text_hash(f"{PIPELINE_VERSION}|{kind}|{period}|{title}|" + path.read_bytes().hex(), 24)
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
                doc = load_document(path, kind, period, title)
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
    from drafter.retrieve import prepare_tokenizer

    prepare_tokenizer(config.cache_dir)
    store, embedder = _store_and_embedder(config, allow_mismatch=True)
    records = store.documents(with_text=True)
    store.reset(embedder.name)
    total = 0
    for index, rec in enumerate(records, 1):
        doc = Document(id=rec["id"], title=rec.get("title", ""), kind=rec.get("kind", "other"),
                       period=rec.get("period", ""), source=rec.get("source", ""), text=rec["text"],
                       removed=rec.get("removed") or {})
        total += _put(store, embedder, doc, rec.get("hash", ""))
        if progress:
            progress(index, len(records), doc.title)
    return total
