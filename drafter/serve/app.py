"""The web app: pages (jinja2 templates, plain JS and CSS shipped in the package), the API, the gate, the server."""

from __future__ import annotations

import socket
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from drafter.config import Config
from drafter.errors import UserError
from drafter.serve.api import Api
from drafter.serve.drafts import Conflict, Drafts, Invalid, NotFound
from drafter.serve.jobs import Jobs
from drafter.serve.security import Guard, allowed_hosts

HERE = Path(__file__).resolve().parent


def _templates():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)


def _error(status: int):
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        payload = exc.payload if isinstance(exc, Conflict) else {"error": str(exc)}
        if request.url.path.startswith("/api/"):
            return JSONResponse(payload, status_code=status)
        return HTMLResponse(f"<!DOCTYPE html><meta charset=utf-8><title>{status}</title><p>"
                            f"{_escape(payload.get('message') or payload['error'])}</p>", status_code=status)

    return handle


def _escape(text: str) -> str:
    import html

    return html.escape(text)


def build_app(config: Config, token: str, host: str, port: int) -> Starlette:
    """The whole app for one working folder, behind the gate (token, Host check, security headers)."""
    drafts, jobs = Drafts(config), Jobs()
    api = Api(drafts, jobs)
    templates = _templates()

    def page(name: str, **values):
        async def render(request: Request) -> HTMLResponse:
            extra = {}
            if "draft" in request.path_params:
                drafts.folder(request.path_params["draft"])  # 404 for a draft the folder does not hold
                extra["draft"] = request.path_params["draft"]
            html = templates.get_template(name).render(token=token, root=str(config.root), **values, **extra)
            return HTMLResponse(html)

        return render

    async def font(request: Request) -> FileResponse:
        from drafter.render.charts import cjk_font_path

        # the CJK font the charts use, so the page reads right on machines without one (a browser caches it)
        return FileResponse(cjk_font_path(), media_type="font/otf",
                            headers={"cache-control": "private, max-age=86400"})

    routes = [
        Route("/", page("drafts.html.j2"), methods=["GET"]),
        Route("/font/sans.otf", font, methods=["GET"]),
        Route("/drafts/{draft}", page("review.html.j2"), methods=["GET"]),
        Route("/data", page("data.html.j2"), methods=["GET"]),
        *api.routes(),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    @asynccontextmanager
    async def lifespan(_app):
        yield
        api.close()

    handlers = {NotFound: _error(404), Conflict: _error(409), Invalid: _error(422), UserError: _error(422)}
    app = Starlette(routes=routes, exception_handlers=handlers, lifespan=lifespan)
    return Guard(app, token, allowed_hosts(host, port), port)


def url_host(host: str) -> str:
    """The host as a URL writes it (an IPv6 address in brackets; a wildcard as 127.0.0.1)."""
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


@dataclass
class Running:
    """A bound server, not yet serving: its uvicorn server, socket and the URL (token included) to open."""

    server: object
    socket: socket.socket
    url: str
    port: int

    def run(self) -> None:
        """Serve until stopped (Ctrl-C, or stop() from another thread)."""
        self.server.run(sockets=[self.socket])

    def stop(self) -> None:
        """Ask the server to finish its requests and stop."""
        self.server.should_exit = True


def bind(config: Config, host: str = "127.0.0.1", port: int = 8765, token: str = "") -> Running:
    """Bind host:port (0: a free port), then build the app knowing the port its Host check needs."""
    import uvicorn

    from drafter.serve.security import new_token

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another --port "
                        f"(0 takes a free one)") from None
    sock.listen(64)
    sock.setblocking(False)
    actual = sock.getsockname()[1]
    token = token or new_token()
    app = build_app(config, token, host, actual)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False))
    return Running(server, sock, f"http://{url_host(host)}:{actual}/?token={token}", actual)
