"""The typer app every command module registers on, and the helpers they share."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
    help="Drafts an e-commerce operations team's periodic reports, with every figure verified.",
)

DirOption = typer.Option(Path("."), "--dir", help="Working folder (with drafter.toml).")


def period_arg(text: str):
    """--period parsed once, here at the edge, into the Period every command passes down (exit 2 if not a period)."""
    from drafter.periods import parse_period

    return parse_period(text)


def console(stderr: bool = False, highlight: bool = True):
    """A rich console that wraps softly (Chinese has no spaces to break at)."""
    from rich.console import Console

    return Console(stderr=stderr, soft_wrap=True, highlight=highlight)


def load(folder: Path):
    """The working folder's configuration."""
    from drafter.config import load_config

    return load_config(folder)
