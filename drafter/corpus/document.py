"""One report file to a Document: read it, clean it, and tell its title, kind and period."""

from __future__ import annotations

import re
from pathlib import Path

from drafter.corpus.classify import check_kind, check_period, infer_kind, infer_period, title_from
from drafter.corpus.clean import clean_text
from drafter.corpus.read import MAX_TEXT_CHARS, check_size, read_raw
from drafter.corpus.suspicious import suspicious_sentences
from drafter.corpus.text import to_simplified
from drafter.errors import UserError
from drafter.models import Document, text_hash


def load_document(path, kind=None, period=None, title=None, keep_boilerplate: bool = False,
                  shared: frozenset[str] = frozenset()) -> Document:
    """Read, clean and classify one file; raises UserError naming the file when it cannot."""
    # shared: lines repeated across the files added together (see shared_lines), a sign of site chrome.
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    check_size(path)
    raw, meta_title = read_raw(path)
    if len(raw) > MAX_TEXT_CHARS:
        raise UserError(f"{path}: {len(raw):,} characters of text is too long for one report (the limit is "
                        f"{MAX_TEXT_CHARS:,}); split it into one file per report")
    text, removed, hints = clean_text(raw, keep_boilerplate, shared)
    if len(re.sub(r"\s", "", text)) < 20:
        raise UserError(f"{path}: no text left after cleaning; is it an empty or image-only file? "
                        f"(add it with --keep-boilerplate to keep every line)")
    title = to_simplified(title or title_from(text, hints, meta_title, path))
    simple = to_simplified(text)
    kind = check_kind(kind) or infer_kind(title, simple)
    period = check_period(period) or infer_period(title, simple, kind, hints.get("date", ""))
    converted = sum(a != b for a, b in zip(text, simple, strict=False))
    if converted:
        removed["traditional_converted"] = converted  # not removed, but the user should see it
    suspicious = suspicious_sentences(text)
    if suspicious:
        removed["suspicious"] = len(suspicious)  # kept in the text, never indexed
    source = str(path.resolve())
    return Document(id=text_hash(source, 10), title=title, kind=kind, period=period, source=source,
                    text=text, removed=removed, removed_lines=hints.get("removed_lines", []),
                    suspicious=suspicious)


def shared_lines(paths: list[Path], at_least: int = 3) -> frozenset[str]:
    """Lines found in at least `at_least` of the plain-text files (.txt .md: web copies) added together."""
    from collections import Counter

    from drafter.corpus.chrome import line_key

    counts: Counter = Counter()
    for path in paths:
        if path.suffix.lower() not in {".txt", ".text", ".md", ".markdown"}:
            continue
        try:
            check_size(path)
            raw, _ = read_raw(path)
        except UserError:
            continue  # reported when the file itself is added
        counts.update({key for line in raw.split("\n") if len(key := line_key(to_simplified(line))) >= 4})
    return frozenset(key for key, n in counts.items() if n >= at_least)
