"""Locations of the files that ship with drafter: prompt templates and the demo corpus."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(installed: str, source: str) -> Path:
    # A wheel carries them inside the package; a source checkout keeps them at the top level.
    inside = _PACKAGE / installed
    return inside if inside.is_dir() else _PACKAGE.parent / source


def prompts_dir() -> Path:
    """Folder of jinja2 prompt and outline templates."""
    return _shipped("_prompts", "prompts")


def demo_corpus_dir() -> Path:
    """Folder of the demo company's past reports."""
    return _shipped("_corpus", "corpus")
