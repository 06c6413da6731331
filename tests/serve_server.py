"""A real `drafter serve` server on 127.0.0.1 (a free port) over a demo draft written offline in a tmp folder."""

from __future__ import annotations

import http.client
import json
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from conftest import run_cli

DRAFT = "2025-annual-summary"
TOKEN = "test-token-0123456789"


def demo_folder(workspace: Path, target: Path, corpus: dict[str, str] | None = None) -> Path:
    """A copy of the small demo workspace (plus `corpus`: file name → text, added to its corpus) with the 2025
    annual summary drafted by the offline writer."""
    shutil.copytree(workspace, target, ignore=shutil.ignore_patterns("drafts"))
    for name, text in (corpus or {}).items():
        (target / "corpus" / name).write_text(text, encoding="utf-8")
        added = run_cli("corpus", "add", str(target / "corpus" / name), "--dir", str(target))
        assert added.returncode == 0, added.stdout + added.stderr
    done = run_cli("write", "--period", "2025", "--dir", str(target))
    assert done.returncode == 0, done.stdout + done.stderr
    return target


@contextmanager
def serving(config, token: str = TOKEN):
    """The app bound to a free port and served from a thread until the block ends."""
    from drafter.serve.app import bind

    running = bind(config, "127.0.0.1", 0, token)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    try:
        yield running
    finally:
        running.stop()
        thread.join(10)


class Client:
    """Raw HTTP to the server: paths are sent exactly as written (no client-side normalisation of ../)."""

    def __init__(self, port: int, token: str = TOKEN) -> None:
        self.port, self.token = port, token

    def request(self, method: str, path: str, body=None, headers: dict | None = None, token: bool = True,
                raw: bytes | None = None) -> tuple[int, dict | bytes, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        sent = {"Host": f"127.0.0.1:{self.port}"}
        if token:
            sent["X-Drafter-Token"] = self.token
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        conn.request(method, path, body=data, headers=sent)
        response = conn.getresponse()
        payload = response.read()
        conn.close()
        kind = response.getheader("content-type", "")
        return response.status, json.loads(payload) if "json" in kind else payload, dict(response.getheaders())

    def json(self, method: str, path: str, body=None, expect: int = 200):
        status, payload, _ = self.request(method, path, body)
        assert status == expect, (status, payload)
        return payload

    def wait(self, job_id: str, timeout: float = 120) -> dict:
        """Poll a job until it ends."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.json("GET", f"/api/jobs/{job_id}")
            if job["state"] != "running":
                return job
            assert time.monotonic() < deadline, job
            time.sleep(0.2)
