"""The corpus stage: load past reports in any format, clean them, chunk them, and keep them in the store."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

from drafter.corpus_text import (
    PIPELINE_VERSION,
    chunk_sections,
    clean_text,
    decode_bytes,
    heading_labels,
    infer_kind,
    infer_period,
    to_simplified,
)
from drafter.errors import UserError
from drafter.models import Chunk, Document, text_hash

SUFFIXES = {".md", ".markdown", ".txt", ".text", ".docx", ".pdf", ".html", ".htm"}
KINDS = ("summary", "plan", "review", "other")
# The report kinds of DESIGN.md, accepted wherever a corpus kind is expected.
KIND_ALIASES = {"annual-summary": "summary", "annual-plan": "plan", "quarterly-review": "review"}
PERIOD_RE = re.compile(r"^20\d\d(Q[1-4]|H[12]|-(0[1-9]|1[0-2]))?$")
# One report is tens of thousands of characters; a long listed-company annual report a few hundred thousand.
# Beyond these limits a file is a dump or a mis-export, and indexing it would take minutes and gigabytes.
MAX_TEXT_CHARS = 1_000_000
MAX_TEXT_FILE_MB = 4  # .txt .md .html: refused before reading
MAX_FILE_MB = 100  # .docx .pdf (images make them big; their text is checked against MAX_TEXT_CHARS)
TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".text", ".html", ".htm"}
_MAGIC = [(b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
          (b"%PDF", "a PDF"), (b"PK\x03\x04", "a ZIP archive (a .docx, .xlsx or .zip?)"),
          (b"\xd0\xcf\x11\xe0", "an old Office file (.doc or .xls)"), (b"\x7fELF", "a program"),
          (b"MZ", "a Windows program")]


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


# --- reading files ---------------------------------------------------------------------------


class _HTMLText(HTMLParser):
    """Visible text of a page; headings become Markdown headings, blocks become lines."""

    SKIP = {"script", "style", "noscript", "nav", "footer", "header", "aside", "form", "button", "select"}
    BLOCK = {"p", "div", "br", "li", "tr", "section", "article", "table", "ul", "ol", "blockquote", "pre"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif tag == "title":
            self._in_title = True
        elif re.fullmatch(r"h[1-6]", tag):
            self.parts.append("\n" + "#" * int(tag[1]) + " ")
        elif tag in self.BLOCK:
            self.parts.append("\n")
        elif tag in {"td", "th"}:
            self.parts.append(" | ")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "title":
            self._in_title = False
        elif re.fullmatch(r"h[1-6]", tag) or tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_title:
            self.title += data.strip()
        elif not self.skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def _read_docx(path: Path) -> tuple[str, str]:
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise UserError(f"{path}: not a readable .docx ({exc}); open it in Word and save it again") from exc
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = docx.text.paragraph.Paragraph(block, document)
            style = (para.style.name if para.style is not None else "") or ""
            level = re.search(r"(?:Heading|标题)\s*(\d)", style)
            text = para.text.strip()
            if text:
                prefix = "#" * int(level.group(1)) + " " if level else "# " if style == "Title" else ""
                lines.append(prefix + text)
        elif tag == "tbl":
            table = docx.table.Table(block, document)
            for row in table.rows:
                cells = list(dict.fromkeys(c.text.strip() for c in row.cells))  # merged cells repeat
                lines.append(" | ".join(cells))
    return "\n".join(lines), (document.core_properties.title or "").strip()


def _read_pdf(path: Path) -> str:
    import pypdf

    try:
        reader = pypdf.PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:
        raise UserError(f"{path}: cannot read this PDF ({exc}); export it again as a text PDF") from exc
    text = "\n".join(pages)
    if len(re.sub(r"\s", "", text)) < 20:
        raise UserError(f"{path}: this PDF has no text, only images ({len(pages)} page(s)) — it looks like a scan. "
                        f"Run OCR on it (e.g. `ocrmypdf in.pdf out.pdf`) or add the .docx or .txt version instead")
    # Page numbers printed alone on a line are not content.
    return re.sub(r"(?m)^\s*(?:第\s*\d+\s*页|-?\s*\d{1,3}\s*-?|\d+\s*/\s*\d+)\s*$", "", text)


def _read(path: Path) -> tuple[str, str]:
    """Raw text and a title found in the file's own metadata."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _read_docx(path)
    if suffix == ".pdf":
        return _read_pdf(path), ""
    if suffix == ".doc":
        raise UserError(f"{path}: old Word .doc files are not supported; save it as .docx and add it again")
    if suffix not in SUFFIXES:
        raise UserError(f"{path}: unsupported file type {suffix or '(none)'}; use .md .txt .docx .pdf .html")
    data = path.read_bytes()
    if what := _binary_kind(data):
        raise UserError(f"{path}: this is {what}, not text, though its name ends in {suffix}; rename it to its "
                        f"real type, or save the report as .txt (UTF-8) or .docx and add that")
    text = decode_bytes(data, str(path))
    if suffix in {".html", ".htm"}:
        parser = _HTMLText()
        parser.feed(text)
        return "".join(parser.parts), parser.title
    return text, ""


def _binary_kind(data: bytes) -> str:
    """What a file named as text really is, when it is not text: "a PNG image", "binary data"; else ""."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ""  # UTF-16 text (Notepad's "Unicode") has NUL bytes but is text
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    head = data[:65536]
    controls = sum(head.count(bytes([c])) for c in (*range(0, 8), *range(14, 27), *range(28, 32)))
    return "binary data" if b"\x00" in head or controls > len(head) // 100 else ""


def check_size(path: Path) -> None:
    """Refuse empty and oversized files before reading them (a UserError naming the file and the limit)."""
    size = path.stat().st_size
    if size == 0:
        raise UserError(f"{path}: the file is empty (0 bytes); nothing to add")
    text = path.suffix.lower() in TEXT_SUFFIXES
    limit = MAX_TEXT_FILE_MB if text else MAX_FILE_MB
    if size > limit * 1024 * 1024:
        raise UserError(f"{path}: {size / 1024 / 1024:.1f} MB is too large for one report (the limit for "
                        f"{'text' if text else path.suffix.lower()} files is {limit} MB, about a million Chinese "
                        f"characters); split it into one file per report, or remove what is not report text")


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
    raw, meta_title = _read(path)
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
