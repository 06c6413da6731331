"""Summaries and linter-style lines for a list of findings."""

from __future__ import annotations

from collections.abc import Iterable

from drafter.models import Finding

VERDICTS = ("verified", "mismatch", "unsupported", "claim_error")


def summarize(findings: Iterable[Finding]) -> dict:
    """Counts per verdict plus the total: {"verified": 12, "mismatch": 1, …, "total": 13}."""
    counts = dict.fromkeys(VERDICTS, 0)
    for f in findings:
        counts[f.verdict] = counts.get(f.verdict, 0) + 1
    counts["total"] = sum(counts[v] for v in counts)
    return counts


def format_findings(findings: Iterable[Finding], path_label: str) -> list[str]:
    """One line per finding: `report.md:12:5: mismatch: 复购率 28.9% — facts say 28.7%`."""
    return [f"{path_label}:{f.line}:{f.col}: {f.verdict}: {f.message or f.text}" for f in findings]
