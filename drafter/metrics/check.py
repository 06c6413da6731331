"""`drafter data check`: what each file of a data folder turned out to be, read through the whole loading path."""

from __future__ import annotations

from pathlib import Path

from drafter.errors import UserError
from drafter.metrics.folder import scan, summary


def check_folder(data_dir: Path, cache_dir: Path, columns: dict | None = None,
                 channels: dict[str, str] | None = None) -> dict:
    """Everything `drafter data check` shows: a report per file, the buyer scope, what could not be read."""
    from drafter.backends.engine import DuckDBEngine
    from drafter.metrics.data import load_data

    errors: list[str] = []
    engine = DuckDBEngine()
    try:
        loaded = load_data(engine, data_dir, cache_dir, columns or {}, channels, errors=errors, describe=True)
        reports, scope = loaded.reports, loaded.scope
        line = summary(reports, loaded.canonical, scope)
    except UserError as exc:
        errors.append(str(exc))
        # Still list what the folder holds, so the user sees what was recognised and what not.
        reports = scan(data_dir, channels, [], need_orders=False).reports if data_dir.is_dir() else []
        scope, line = {}, ""
    finally:
        engine.close()
    return {"data": str(data_dir), "files": [r.as_dict() for r in reports], "buyers": scope, "errors": errors,
            "summary": line}
