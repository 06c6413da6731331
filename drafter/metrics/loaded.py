"""What loading a data folder (or a warehouse schema) found: the tables, their files and columns, the reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class LoadedData:
    """Which tables were found, from which files or warehouse tables, and which were absent."""

    files: dict[str, Path] = field(default_factory=dict)
    columns: dict[str, set[str]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    reports: list = field(default_factory=list)  # FileReport per file of the folder besides canonical tables
    canonical: list[str] = field(default_factory=list)  # the canonical orders files read
    # channels whose paid orders carry a buyer account, and those whose do not (then buyer metrics cover the first)
    scope: dict[str, list[str]] = field(default_factory=dict)
    lines: object = None  # order lines with their category (pandas), when the folder has order-line downloads
    mixed: int = 0  # orders whose lines state no amounts and span categories: left out of category GMV

    def has(self, table: str, column: str | None = None) -> bool:
        """Whether a table (and optionally a column of it) is available."""
        return table in self.columns and (column is None or column in self.columns[table])
