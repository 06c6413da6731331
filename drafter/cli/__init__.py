"""The drafter command line; heavy libraries are imported inside the commands that need them."""

from __future__ import annotations

import os
import sys

import typer

from drafter.cli import corpus, data, metrics, outline, report, serve, setup, targets, word  # noqa: F401  (each registers)
from drafter.cli.app import app, console
from drafter.errors import UserError

app.add_typer(corpus.corpus_app, name="corpus", help="Manage the corpus of past reports.")
app.add_typer(data.data_app, name="data", help="Inspect the data folder: platform exports and tables read.")


def _print_version(value: bool) -> None:
    if value:
        from drafter import __version__

        typer.echo(f"drafter {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                 help="Print the version and exit."),
) -> None:
    """Drafts an e-commerce operations team's periodic reports, with every figure verified."""


def _interrupted() -> None:
    console(stderr=True).print("[red]interrupted; finished files are intact, rerun to resume[/]")
    sys.stdout.flush()
    sys.stderr.flush()
    # Model requests may still be in flight on worker threads; every file is written atomically,
    # so leave at once instead of waiting for them.
    os._exit(130)


def main() -> None:
    """Entry point: user errors print a message and exit 2, never a traceback."""
    import click

    try:
        code = app(standalone_mode=False)
    except UserError as exc:
        from rich.markup import escape

        console(stderr=True).print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except (click.ClickException, typer.exceptions.TyperException) as exc:
        # typer raises its own copy of click's usage errors (extra arguments, bad options): shown, never a traceback
        if hasattr(exc, "show"):
            exc.show()
        else:
            print(f"error: {exc.format_message()}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, click.exceptions.Abort, typer.Abort):
        _interrupted()
    if code == 130:  # typer turns Ctrl-C into exit code 130
        _interrupted()
    sys.exit(code if isinstance(code, int) else 0)
