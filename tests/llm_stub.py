"""A local OpenAI-compatible chat endpoint on 127.0.0.1 whose replies the tests script."""

from __future__ import annotations

import json
import re
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FACT_ROW = re.compile(r"^\| (?P<label>[^|]+) \| (?P<dim>[^|]+) \| (?P<measure>[^|]+) \| (?P<period>[^|]+) \| "
                      r"(?P<written>[^|]+) \|$", re.M)
SECTION_TITLE = re.compile(r"的“(?P<title>[^”]+)”一节")


def fact_rows(prompt: str) -> list[dict]:
    """The facts table rows a section prompt carries."""
    return [{k: v.strip() for k, v in m.groupdict().items()} for m in FACT_ROW.finditer(prompt)
            if m["label"].strip() not in ("指标", "---")]


def fact_value(prompt: str, label: str, measure: str = "数值", period: str = "", dim: str = "全部") -> str:
    """The written form of one row of a section prompt's facts table."""
    for row in fact_rows(prompt):
        if row["label"] == label and row["measure"].startswith(measure) and row["dim"] == dim \
                and (not period or row["period"] == period):
            return row["written"]
    raise KeyError(f"{label} {measure} {period} {dim}")


def obedient_section(prompt: str) -> str:
    """What a model that follows the prompt writes: this period's total values, by their written form."""
    rows = [r for r in fact_rows(prompt) if r["measure"] == "数值" and r["dim"] == "全部"]
    periods = sorted({r["period"] for r in rows})
    current = [r for r in rows if r["period"] == periods[-1]][:5] if periods else []
    sentences = [f"{r['label']}为{r['written']}。" for r in current]
    return "本期各项经营指标整体保持平稳，以下为本节的核心数据与简要分析。" + "".join(sentences) + \
        "下一阶段将围绕上述指标持续跟踪，并针对薄弱环节制定改进措施。\n"


CORRECTION = re.compile(r"^- 第(?P<line>\d+)行“(?P<text>[^”]+)”：.*（正确写法：(?P<right>[^）]+)）$", re.M)


def obey_corrections(prompt: str) -> str:
    """What a model that obeys every correction writes in a repair round: the previous text with each quoted figure
    replaced by the right value the prompt offers for it (a figure offered no value is left as it was)."""
    previous = prompt.split("上一稿：\n\n", 1)[1]
    lines = previous.split("\n")
    for found in CORRECTION.finditer(prompt.split("上一稿：", 1)[0]):
        index = int(found["line"]) - 1
        if 0 <= index < len(lines):  # the figure as a whole: "7%" is not the tail of "105.7%"
            figure = re.compile(r"(?<![\d.])" + re.escape(found["text"]) + r"(?![\d])")
            lines[index] = figure.sub(lambda _match, right=found["right"]: right, lines[index], count=1)
    return "\n".join(lines)


def obedient(draft):
    """A model that drafts with `draft(prompt)` and obeys every correction a repair prompt gives it."""
    return lambda prompt: obey_corrections(prompt) if "## 修改要求" in prompt else draft(prompt)


def completion(content: str, prompt_chars: int) -> dict:
    """An OpenAI chat.completion body."""
    return {
        "id": "chatcmpl-stub", "object": "chat.completion", "created": int(time.time()), "model": "stub-model",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": prompt_chars // 2, "completion_tokens": len(content) // 2,
                  "total_tokens": prompt_chars // 2 + len(content) // 2},
    }


def as_events(payload: str) -> str:
    """A chat.completion body as the server-sent events of a streamed reply (a body that is not JSON as it is)."""
    try:
        body = json.loads(payload)
        choice = body["choices"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        return f"data: {payload}\n\n"
    message = choice["message"]
    content = message.get("content") or ""
    deltas = [{"role": "assistant", "content": ""}]
    if message.get("reasoning_content"):
        deltas.append({"reasoning_content": message["reasoning_content"]})
    deltas += [{"content": content[i:i + 40]} for i in range(0, len(content), 40)]
    base = {"id": body["id"], "object": "chat.completion.chunk", "created": body["created"], "model": body["model"]}
    events = [{**base, "choices": [{"index": 0, "delta": d, "finish_reason": None}]} for d in deltas]
    events.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": choice["finish_reason"]}]})
    events.append({**base, "choices": [], "usage": body["usage"]})
    return "".join(f"data: {json.dumps(e, ensure_ascii=False)}\n\n" for e in events) + "data: [DONE]\n\n"


class StubEndpoint:
    """Scripted replies per section title; every request (headers and body) is recorded."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.scripts: dict[str, list] = defaultdict(list)
        self.default = None
        self.delay = 0.0
        self.ignore_stream = False  # answer streamed requests with a plain JSON body, as some gateways do
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                return

            def do_POST(self) -> None:  # noqa: N802 - the http.server hook name
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                stub.handle(self, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The base_url to configure."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def start(self) -> StubEndpoint:
        """Serve in a background thread."""
        self.thread.start()
        return self

    def stop(self) -> None:
        """Shut the server down."""
        self.server.shutdown()
        self.server.server_close()

    def script(self, title: str, *actions) -> None:
        """Queue actions for requests whose prompt names this section title."""
        self.scripts[title].extend(actions)

    def handle(self, request: BaseHTTPRequestHandler, body: dict) -> None:
        """Answer one chat request according to the script."""
        prompt = "\n".join(m.get("content", "") for m in body.get("messages", []) if isinstance(m, dict))
        found = SECTION_TITLE.search(prompt) or re.search(r"“(?P<title>[^”]+)”一节中", prompt)
        title = found["title"] if found else ""
        with self._lock:
            headers = {k.lower(): v for k, v in request.headers.items()}
            self.requests.append({"headers": headers, "body": body, "title": title})
            queue = self.scripts.get(title)
            action = queue.pop(0) if queue else (self.default or "obey")
        if self.delay:
            time.sleep(self.delay)
        self.respond(request, action, prompt, bool(body.get("stream")))

    def respond(self, request: BaseHTTPRequestHandler, action, prompt: str, stream: bool = False) -> None:
        """Turn an action into an HTTP answer."""
        if callable(action):
            action = action(prompt)
        status, headers, payload = 200, {"Content-Type": "application/json"}, None
        if action == "obey":
            payload = json.dumps(completion(obedient_section(prompt), len(prompt)), ensure_ascii=False)
        elif isinstance(action, tuple) and action[0] == "status":
            status, headers = action[1], {**headers, "retry-after-ms": "10"}
            payload = json.dumps({"error": {"message": f"stub status {action[1]}", "type": "stub"}})
        elif isinstance(action, tuple) and action[0] == "sleep":
            time.sleep(action[1])
            payload = json.dumps(completion(obedient_section(prompt), len(prompt)), ensure_ascii=False)
        elif isinstance(action, tuple) and action[0] == "raw":
            payload = action[1]
        else:
            payload = json.dumps(completion(str(action), len(prompt)), ensure_ascii=False)
        if stream and status == 200 and not self.ignore_stream:
            headers, payload = {"Content-Type": "text/event-stream"}, as_events(payload)
        data = payload.encode("utf-8")
        try:
            request.send_response(status)
            for key, value in headers.items():
                request.send_header(key, value)
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
