"""`drafter serve`: the browser review app over the working folder."""

from __future__ import annotations

from pathlib import Path

import typer

from drafter.cli.app import DirOption, app, console, load

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: this machine only)."),
    port: int = typer.Option(8765, "--port", help="Port to listen on (0 takes a free one)."),
    open_browser: bool = typer.Option(False, "--open", help="Open the page in the default browser."),
    folder: Path = DirOption,
) -> None:
    """Review drafts in the browser: edit, check, regenerate and accept (report.md stays the source of truth)."""
    from drafter.serve.app import bind

    config = load(folder)
    out = console(highlight=False)
    running = bind(config, host, port)
    if host not in LOOPBACK:
        out.print(f"[yellow]listening on {host}:{running.port}, not only on this machine: anyone on the network "
                  f"who has the URL below (its token) can read, edit, regenerate and accept the drafts in "
                  f"{config.drafts_dir} and read the data check of {config.data_dir}[/]", markup=True)
    out.print(f"drafter serve: {config.root}", markup=False)
    out.print(f"open {running.url}", markup=False)
    out.print("(the token in the URL is the key to this page; Ctrl-C stops the server)", markup=False)
    if open_browser:
        import webbrowser

        webbrowser.open(running.url)
    running.run()
