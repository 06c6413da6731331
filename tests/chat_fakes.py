"""A fake chat model that behaves like real ones: it reads the facts table it is given and writes correct figures
in the shapes people use, wrapped in what real models add — thoughts, chatter, fences — or misbehaving outright."""

from __future__ import annotations

from dataclasses import dataclass, field
from threading import Lock

from llm_stub import SECTION_TITLE, fact_rows

from drafter.backends.llm import ChatReply, ModelError
from drafter.write.budget import count_tokens

CLOSING_PLAN = "下一阶段将围绕重点渠道与核心品类优化投放结构，提升复购与转化效率，并按月跟踪各项指标的达成进度。"
# thoughts that state figures the facts do not hold: if they leaked into the report, the verifier would flag them
THOUGHT = ("用户要我写这一节。先回顾事实表：GMV大约9999万元，同比增长88.8%，复购率77.7%。"
           "结构上先写结果，再写对比和原因，最后写措施。")
ENGLISH = ("In 2025 the business kept growing: GMV rose year on year and the repurchase rate improved. "
           "Next year we will invest further in live commerce and private traffic.")


def section_body(prompt: str) -> str:
    """A section a careful writer drafts from the prompt: the period's totals, each in a different real shape, a
    change in 个百分点, a share in 成数 and an amount rounded with 约."""
    rows = fact_rows(prompt)
    totals = {(r["label"], r["measure"], r["period"]): r["written"] for r in rows if r["dim"] == "全部"}
    periods = sorted({p for (_label, measure, p) in totals if measure == "数值"})
    sentences = []
    if len(periods) >= 2:
        current, previous = periods[-1], periods[-2]
        labels = [label for (label, measure, p) in totals if measure == "数值" and p == current]
        shapes = [_plain, _change_first, _level_then_change]
        for label in labels:
            now, before = totals.get((label, "数值", current)), totals.get((label, "数值", previous))
            change = totals.get((label, "同比变化", current))
            if not (now and before and change) or change.lstrip("+-") in ("0.0%", "0%"):
                continue
            shape = shapes[len(sentences) % len(shapes)]
            sentences.append(shape(label, now, before, change, current))
            if len(sentences) == 3:
                break
        sentences += _points(totals, current) + _tenths(rows, current) + _rounded(totals, current)
    opening = "本期经营延续稳中有进的态势，规模与质量同步改善，主要指标表现如下。"
    return opening + "".join(sentences) + "\n\n" + CLOSING_PLAN + "\n"


def _points(totals: dict, period: str) -> list[str]:
    """A rate's change in 个百分点: 复购率为21.9%，同比提升0.6个百分点."""
    for (label, measure, p), change in totals.items():
        now = totals.get((label, "数值", p))
        if p == period and measure == "同比变化（百分点）" and now and change.lstrip("+-") not in ("0.0个百分点",):
            return [f"{label}为{now}，同比{_verb(change, '提升', '下降')}{change.lstrip('+-')}。"]
    return []


_DIGITS = "零一二三四五六七八九十"


def _tenths(rows: list[dict], period: str) -> list[str]:
    """A breakdown's share in 成数, as people round it: 抖音渠道GMV占比近三成 (27.5%)."""
    for row in rows:
        if row["period"] != period or row["measure"] != "占比" or "：" not in row["dim"]:
            continue
        value = float(row["written"].rstrip("%"))
        tens = round(value / 10)
        if 1 <= tens <= 9 and 0.5 <= abs(value - tens * 10) <= 2.5:
            name = row["dim"].split("：", 1)[1]
            return [f"其中{name}{row['label']}占比{'近' if value < tens * 10 else '逾'}{_DIGITS[tens]}成。"]
    return []


def _rounded(totals: dict, period: str) -> list[str]:
    """An amount rounded to the 万 with 约: 本期GMV约143万元 (143.1万元)."""
    for (label, measure, p), written in totals.items():
        if p == period and measure == "数值" and written.endswith("万元") and "." in written:
            return [f"按整数计，{label}约{round(float(written[:-2]))}万元。"]
    return []


def _verb(change: str, up: str, down: str) -> str:
    return down if change.startswith("-") else up


def _plain(label, now, before, change, period) -> str:
    return f"本期{label}为{now}，同比{_verb(change, '增长', '下降')}{change.lstrip('+-')}。"


def _level_then_change(label, now, before, change, period) -> str:
    return f"全年{label}达到{now}，较上年{_verb(change, '增长', '下降')}{change.lstrip('+-')}。"


def _change_first(label, now, before, change, period) -> str:
    return f"与上年相比，{label}{_verb(change, '提升', '回落')}了{change.lstrip('+-')}，达到{now}。"


def _title(prompt: str) -> str:
    found = SECTION_TITLE.search(prompt)
    return found["title"] if found else ""


def _capped(text: str, max_tokens: int | None) -> tuple[str, str]:
    """What a server sends back under an output cap: the text up to the cap, and the finish reason."""
    if not max_tokens or count_tokens(text) <= max_tokens:
        return text, "stop"
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if count_tokens(text[:middle]) <= max_tokens else (low, middle - 1)
    return text[:low], "length"


def _streamed(text: str, finish: str, stop_when) -> tuple[str, str]:
    """What the client reads of a streamed reply: it stops reading once `stop_when` rejects the text so far."""
    if stop_when:
        for end in range(200, len(text), 200):
            if stop_when(text[:end]):
                return text[:end], "stopped"
    return text, finish


def behave(kind: str, prompt: str, max_tokens: int | None, stop_when=None) -> ChatReply:
    """One reply of the given kind to a section prompt."""
    body, title = section_body(prompt), _title(prompt)
    reasoning = ""
    texts = {
        "good": body,
        "think": f"<think>\n{THOUGHT}\n</think>\n\n{body}",
        "half-think": f"{THOUGHT}\n</think>\n\n{body}",  # the chat template opened the block in the prompt
        "preamble": f"好的，以下是“{title}”一节的正文：\n\n## {title}\n\n{body}",
        "closing": f"{body}\n---\n如需调整篇幅或补充其他指标，请随时告诉我。",
        "fence": f"```markdown\n{body}```\n",
        "english": ENGLISH,
        "table": "| 指标 | 本期 | 上年 |\n| --- | --- | --- |\n| GMV | 见下表 | 见下表 |\n| 复购率 | 见上 | 见上 |\n",
        "refusal": "抱歉，我无法完成这个请求。",
        # a small model that loops: the same line until the output cap
        "repeat": body.split("。")[0] + "。\n" + "本期各渠道持续发力，整体经营稳中向好。\n" * 400,
        "stutter": body + "持续优化，" * 400,
        "cut-off": body + "与此同时，抖音渠道GMV同比增长1",
        "think-all": "<think>\n" + THOUGHT * 200,
    }
    if kind == "reasoning":
        texts[kind], reasoning = body, THOUGHT
    if kind == "traditional":  # a model, or a writer, in Traditional characters
        from drafter.render.script import to_traditional

        texts[kind] = to_traditional(body)
    if kind == "timeout":
        raise ModelError("fake.local timed out after its retries", "timed out", 3.0)
    text = texts[kind]
    text, finish = _streamed(*_capped(text, max_tokens), stop_when)
    if kind == "cut-off":
        finish = "length"
    return ChatReply(text, count_tokens(prompt), count_tokens(text + reasoning), finish, reasoning, 0.01)


@dataclass
class RealisticChatModel:
    """Replies by section title from queued behaviours ("good" when none is queued); every request recorded."""

    name: str = "realistic-7b"
    host: str = "fake.local"
    queued: dict[str, list[str]] = field(default_factory=dict)
    requests: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = Lock()

    def script(self, title: str, *kinds: str) -> None:
        """Queue behaviours for requests about this section title."""
        self.queued.setdefault(title, []).extend(kinds)

    def complete(self, system: str, user: str, max_tokens: int | None = None, stop_when=None) -> ChatReply:
        """Answer one section request the way the queue says."""
        title = _title(user)
        with self._lock:
            queue = self.queued.get(title, [])
            kind = queue.pop(0) if queue else "good"
            self.requests.append({"title": title, "kind": kind, "max_tokens": max_tokens, "user": user})
        return behave(kind, system + "\n" + user, max_tokens, stop_when)
