"""Prints how long `drafter serve` takes to save one section and return its findings (target: under 1 s).

Over real HTTP to a real server on a demo workspace (small scale, hash embedder) drafted offline in a tmp folder:
each save changes one figure (wrong, then right again), writes report.md and verifies the whole report.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("DRAFTER_EMBEDDER", "hash")


def _call(port: int, token: str, method: str, path: str, body=None) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(method, path, body=json.dumps(body).encode() if body else None,
                 headers={"X-Drafter-Token": token, "Content-Type": "application/json"})
    reply = json.loads(conn.getresponse().read())
    conn.close()
    return reply


def main(saves: int = 20) -> None:
    """Draft the demo, serve it, time `saves` section saves."""
    from drafter.config import load_config
    from drafter.serve.app import bind

    root = Path(tempfile.mkdtemp(prefix="serve-bench-")) / "ws"
    for args in (["init", str(root), "--embedder", "hash", "--scale", "0.03"],
                 ["write", "--period", "2025", "--dir", str(root)]):
        subprocess.run([sys.executable, "-m", "drafter", *args], check=True, capture_output=True)
    running = bind(load_config(root), "127.0.0.1", 0, "bench")
    threading.Thread(target=running.run, daemon=True).start()
    while not running.server.started:
        time.sleep(0.02)
    draft = "2025-annual-summary"
    section = next(s for s in _call(running.port, "bench", "GET", f"/api/drafts/{draft}")["sections"]
                   if s["id"] == "channels")
    figure = next(f for f in section["findings"] if f["verdict"] == "verified" and f["unit"] == "万元")
    right = figure["text"]
    wrong = right.replace(right[0], str(int(right[0]) % 9 + 1), 1)
    texts = [section["markdown"].replace(right, wrong, 1), section["markdown"]]
    samples, cpu, base = [], [], section["hash"]
    for i in range(saves):
        started, started_cpu = time.perf_counter(), time.process_time()
        saved = _call(running.port, "bench", "PUT", f"/api/drafts/{draft}/sections/channels",
                      {"markdown": texts[i % 2], "base_hash": base})
        samples.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)  # server and client share this process: CPU spent on the save
        base = saved["hash"]
        time.sleep(0.8)  # let the background export of report.docx / review.html finish, as a reviewer's pause does
    running.stop()
    print(f"section save + verify ({len(section['findings'])} figures in the section, "
          f"{saved['counts']['total']} in the report): median {statistics.median(samples) * 1000:.0f} ms, "
          f"max {max(samples) * 1000:.0f} ms over {saves} saves; CPU median {statistics.median(cpu) * 1000:.0f} ms "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
