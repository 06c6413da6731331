"""The app's gate: every request needs the access token and a Host naming this server; pages get strict headers.

The token travels in the URL the command prints (then a cookie keeps it for page loads); requests that change
anything must also carry it in the X-Drafter-Token header, which another site's page cannot set, so a cookie alone
never suffices. The Host check stops DNS rebinding: a foreign name resolving to 127.0.0.1 is refused.
"""

from __future__ import annotations

import contextlib
import hmac
import secrets
import socket
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

TOKEN_HEADER = "x-drafter-token"
SAFE_METHODS = ("GET", "HEAD")
WILDCARDS = ("0.0.0.0", "::", "")
HEADERS = [
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                 b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),  # the token is in the page's URL
    (b"cache-control", b"no-store"),
]


def new_token() -> str:
    """A fresh access token for one run of the server."""
    return secrets.token_urlsafe(24)


def cookie_name(port: int) -> str:
    """Cookies ignore ports; naming the port keeps two servers on one machine from sharing a token."""
    return f"drafter_token_{port}"


def allowed_hosts(host: str, port: int) -> set[str]:
    """Host header values this server answers: the bound host and the loopback names, each with the port."""
    names = {"localhost", "127.0.0.1", "[::1]"}
    if host in WILDCARDS:  # bound to every interface: this machine's own name and addresses too
        names.add(socket.gethostname().lower())
        with contextlib.suppress(OSError):
            names.update(socket.gethostbyname_ex(socket.gethostname())[2])
    else:
        names.add(f"[{host}]" if ":" in host else host.lower())
    return {f"{name}:{port}" for name in names}


def _plain(send, status: int, message: str):
    body = message.encode("utf-8")
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               *HEADERS]

    async def respond() -> None:
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return respond()


class Guard:
    """ASGI middleware: Host check, token check, security headers, and the token cookie after a URL login."""

    def __init__(self, app, token: str, hosts: set[str], port: int) -> None:
        self.app, self.token, self.hosts, self.cookie = app, token, hosts, cookie_name(port)

    def _matches(self, candidate: str | None) -> bool:
        return bool(candidate) and hmac.compare_digest(candidate.encode(), self.token.encode())

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "websocket":  # the app has none; refuse rather than pass one by the checks
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if headers.get("host", "").lower() not in self.hosts:
            await _plain(send, 403, "refused: this server answers only to its own address (Host header)\n")
            return
        from_query = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [None])[0]
        cookies = SimpleCookie()
        try:
            cookies.load(headers.get("cookie", ""))
        except Exception:  # a malformed cookie header just means no cookie
            cookies = SimpleCookie()
        from_cookie = cookies[self.cookie].value if self.cookie in cookies else None
        from_header = headers.get(TOKEN_HEADER)
        if scope["method"] in SAFE_METHODS:
            allowed = any(self._matches(t) for t in (from_header, from_query, from_cookie))
        else:
            allowed = self._matches(from_header)
        if not allowed:
            needs = "the X-Drafter-Token header" if scope["method"] not in SAFE_METHODS else "the access token"
            await _plain(send, 403, f"forbidden: this request needs {needs} (open the URL `drafter serve` printed)\n")
            return
        login = self._matches(from_query) and not self._matches(from_cookie)

        async def guarded_send(message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _value in message.get("headers", [])}
                extra = [(name, value) for name, value in HEADERS if name not in present]
                if login:
                    extra.append((b"set-cookie", f"{self.cookie}={self.token}; Path=/; HttpOnly; "
                                                 f"SameSite=Strict".encode()))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, guarded_send)
