"""The verifier: extracts every figure in a Chinese report and checks it against the facts."""

from drafter.verify.extract import extract_figures
from drafter.verify.facts import load_facts_csv
from drafter.verify.figures import Figure
from drafter.verify.report import format_findings, summarize
from drafter.verify.run import verify_markdown

__all__ = ["Figure", "extract_figures", "format_findings", "load_facts_csv", "summarize", "verify_markdown"]
