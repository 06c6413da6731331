"""The corpus stage: read past reports in any format, clean them, chunk them, and keep them in the store."""

# Modules: read (files → raw text), text (decoding, script, widths), clean and chrome (boilerplate), classify
# (title, kind, period), suspicious (passages addressing a reader or model), chunk, tokens (BM25 words),
# document (one file → Document) and store (add, list, show, remove, reindex). retrieve builds on this stage.

from drafter.corpus.chunk import chunk_document, index_text
from drafter.corpus.classify import KINDS, check_kind, check_period
from drafter.corpus.document import load_document
from drafter.corpus.read import MAX_TEXT_CHARS
from drafter.corpus.store import (
    PIPELINE_VERSION,
    AddReport,
    FileResult,
    add_paths,
    get_document,
    list_documents,
    reindex,
    remove_document,
)

__all__ = [
    "KINDS", "MAX_TEXT_CHARS", "PIPELINE_VERSION", "AddReport", "FileResult", "add_paths", "check_kind",
    "check_period", "chunk_document", "get_document", "index_text", "list_documents", "load_document",
    "reindex", "remove_document",
]
