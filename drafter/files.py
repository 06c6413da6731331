"""Files: atomic writes (a crash or Ctrl-C never leaves half a file), a folder lock, what a file is, its text."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# The note `drafter init --company` leaves in data/ and corpus/: what to put there, never itself data or a report.
FOLDER_NOTE = "README.txt"


def is_skipped(name: str) -> bool:
    """A file the data and corpus folders pass over: hidden, an editor's temporary file, or the folder's note."""
    return name.startswith((".", "~$")) or name == FOLDER_NOTE


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place."""
    from drafter.errors import UserError

    path = Path(path)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise UserError(f"could not write {path}: {exc.strerror or exc}; the previous {path.name} is unchanged. "
                        f"Free disk space or fix permissions, then rerun") from exc
    finally:
        if tmp and Path(tmp).exists():
            Path(tmp).unlink(missing_ok=True)


def atomic_write_text(path: Path, text: str) -> None:
    """Atomic UTF-8 text write."""
    atomic_write_bytes(path, text.encode("utf-8"))


class FolderLock:
    """An exclusive lock on a draft folder, so two runs never write the same draft at once."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / ".drafter.lock"

    def __enter__(self) -> FolderLock:
        from drafter.errors import UserError

        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _attempt in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                holder = self._holder()
                if holder and _alive(holder):
                    raise UserError(f"{self.path.parent} is being written by another drafter process (pid {holder});"
                                    f" wait for it to finish, or delete {self.path} if it is gone") from None
                self.path.unlink(missing_ok=True)
                continue
            with os.fdopen(fd, "w") as handle:
                handle.write(str(os.getpid()))
            return self
        raise UserError(f"could not lock {self.path.parent}; delete {self.path} and retry")

    def __exit__(self, *exc) -> None:
        self.path.unlink(missing_ok=True)

    def _holder(self) -> int:
        try:
            return int(self.path.read_text().strip() or 0)
        except (OSError, ValueError):
            return 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# The first bytes of the files people give by mistake, and what a message calls them. Other binary files (bitmaps,
# media…) hold NUL bytes early on.
SIGNATURES = (
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF file"), (b"PK\x03\x04", "a ZIP archive (a .docx, .xlsx or .zip?)"),
    (b"\xd0\xcf\x11\xe0", "a legacy Office file (.doc, .xls or .ppt)"), (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"), (b"7z\xbc\xaf", "a 7-Zip archive"), (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
)


def signature(head: bytes) -> str:
    """What a file's first bytes say it is ("a PNG image"), or "" when they match no signature above."""
    return next((what for magic, what in SIGNATURES if head.startswith(magic)), "")


def utf8_or_gbk(raw: bytes, name: str) -> str:
    """A table file's bytes as UTF-8 (a BOM dropped), else GBK/GB18030; a UserError naming the file when neither
    reads."""
    from drafter.errors import UserError

    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise UserError(f"{name}: neither UTF-8 nor GBK/GB18030 text; save it as UTF-8 CSV") from exc


def head_text(raw: bytes) -> str:
    """The first bytes of a CSV as text: UTF-8, else GBK/GB18030."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A cut in the middle of a character at the end is no sign of GBK; an error earlier is.
        if exc.start >= len(raw) - 3:
            return raw[:exc.start].decode("utf-8")
        return raw.decode("gb18030", "ignore")
