"""What real models send around a section: thoughts, chatter, fences, English, tables, loops and cut-offs."""

from __future__ import annotations

import re
from dataclasses import dataclass

_THOUGHT = re.compile(r"<(think|thinking|reasoning)>.*?</\1>", re.S | re.I)
_OPEN_THOUGHT = re.compile(r"<(think|thinking|reasoning)>", re.I)
_CLOSE_THOUGHT = re.compile(r"</(think|thinking|reasoning)>", re.I)
_FENCE = re.compile(r"```[a-zA-Z]*[ \t]*\n(.*?)\n?```", re.S)
_CHATTER_HEAD = re.compile(r"^(好的|好，|以下是|以下为|下面是|下面为|当然|根据您|根据你|根据事实表|根据提供"
                           r"|没问题|明白|收到|sure|here is|here's|certainly|of course|okay|ok,)", re.I)
# "……撰写如下：" — a short line that only announces what follows
_ANNOUNCE = re.compile(r"^.{0,60}(如下|以下|下面)[^。]{0,20}[：:]$")
_CHATTER_TAIL = re.compile(r"^(希望|如需|如果需要|如有需要|如您|如你|若需|若有|以上内容|以上就是|以上是"
                           r"|需要我|是否需要|请问|欢迎|(-{3,}|\*{3,}|_{3,})$"
                           r"|let me know|i hope|feel free|hope this|if you)", re.I)
_REFUSAL = re.compile(r"^(抱歉|很抱歉|对不起|非常抱歉|我无法|我不能"
                      r"|i'?m sorry|i am sorry|i cannot|i can't|as an ai)", re.I)
# A line that ends a sentence; a prose line ending otherwise was cut off (list items, tables and headings may not).
_SENTENCE_ENDS = tuple("。！？!?；;…）)」』”\"'.：:")
_NOT_PROSE = re.compile(r"^([-*+]\s|\d{1,2}[.、)]|[(（][一二三四五六七八九十\d]{1,3}[)）]|#|\||>)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
THOUGHT_LIMIT = 2000  # characters of a model's thoughts kept in run.json for inspection


@dataclass
class Judged:
    """A reply judged: the section text, or why it cannot be used and what to ask next time."""

    text: str
    outcome: str = "ok"  # ok, cut off, looped, refused, malformed
    reason: str = ""
    retry_hint: str = ""
    thoughts: str = ""


def split_thoughts(text: str, reasoning: str = "") -> tuple[str, str]:
    """The reply without a reasoning model's thoughts, and the thoughts (think blocks or reasoning_content)."""
    thoughts = [reasoning.strip()] if reasoning.strip() else []
    thoughts += [m.group(0) for m in _THOUGHT.finditer(text)]
    text = _THOUGHT.sub("", text)
    opened = _OPEN_THOUGHT.search(text)
    if opened:  # a think block never closed: the budget ran out while thinking
        thoughts.append(text[opened.start():])
        text = text[:opened.start()]
    closed = _CLOSE_THOUGHT.search(text)
    if closed:  # some chat templates open the block in the prompt, so only </think> reaches the reply
        thoughts.append(text[:closed.end()])
        text = text[closed.end():]
    joined = "\n".join(t.strip() for t in thoughts if t.strip())
    return text, joined[:THOUGHT_LIMIT] + ("…" if len(joined) > THOUGHT_LIMIT else "")


def _is_title(line: str, title: str) -> bool:
    bare = re.sub(r"^[#*\s]+|[*\s]+$", "", line)
    core = re.sub(r"^[一二三四五六七八九十]+、", "", title.lstrip("#").strip())
    return bool(core) and core in bare and len(bare) <= len(title) + 6


def clean_reply(text: str, title: str) -> str:
    """Strip code fences, a repeated heading, chatter around the body and paragraphs said twice."""
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1)
    lines = text.strip().split("\n")
    while lines and (not lines[0].strip() or _CHATTER_HEAD.match(lines[0].strip())
                     or _ANNOUNCE.match(lines[0].strip()) or _is_title(lines[0], title)):
        lines.pop(0)
    while lines and (not lines[-1].strip() or _CHATTER_TAIL.match(lines[-1].strip())):
        lines.pop()
    seen: set[str] = set()
    kept = []
    for line in lines:  # a paragraph said twice is said once (tables and blank lines may repeat)
        key = line.strip()
        if len(key) >= 20 and not key.startswith("|") and key in seen:
            continue
        seen.add(key)
        kept.append(line)
    return "\n".join(kept).strip() + "\n"


def is_chinese(text: str) -> bool:
    """A section must be Chinese prose, not an English reply."""
    cjk, latin = len(_CJK.findall(text)), len(_LATIN.findall(text))
    return cjk >= 20 and cjk >= latin


def is_truncated(text: str, finish_reason: str = "") -> bool:
    """A reply cut off at the token limit (finish_reason "length"), or whose last prose line stops mid-sentence."""
    if finish_reason == "length":
        return True
    last = next((line.strip() for line in reversed(text.split("\n")) if line.strip()), "")
    return bool(last) and not _NOT_PROSE.match(last) and not last.endswith(_SENTENCE_ENDS)


def repeats_itself(text: str) -> bool:
    """A reply that loops: one sentence three times or more, or a prose tail that is one stretch of Chinese over
    and over (a table's separator row is periodic too, so the stretch must hold a Chinese character)."""
    counts: dict[str, int] = {}
    for sentence in _SENTENCE.findall(text):
        key = sentence.strip()
        if len(key) >= 8 and not key.startswith("|"):
            counts[key] = counts.get(key, 0) + 1
            if counts[key] >= 3:
                return True
    tail = text.rstrip()
    return any(len(tail) >= period * 4 and tail[-period * 4:] == tail[-period:] * 4 and _CJK.search(tail[-period:])
               for period in range(2, 121))


def answer_loops(text: str) -> bool:
    """Whether a reply read so far loops in its answer (a model may go over the same ground while it thinks)."""
    return repeats_itself(split_thoughts(text)[0])


def prose_chars(text: str) -> int:
    """Chinese characters outside tables, headings and list items: the prose a section must have."""
    return sum(len(_CJK.findall(line)) for line in text.split("\n")
               if not line.lstrip().startswith(("|", "#", "-", "*")))


def judge(raw: str, reasoning: str, finish_reason: str, title: str, max_tokens: int | None) -> Judged:
    """Whether a reply is a usable section, and if not, the outcome, the reason and the hint for the next try."""
    body, thoughts = split_thoughts(raw, reasoning)
    text = clean_reply(body, title)
    cap = f"[llm] max_tokens = {max_tokens}" if max_tokens else "[llm] max_tokens"
    if not text.strip() and thoughts and finish_reason == "length":
        return Judged("", "cut off", f"the model spent its whole output budget ({cap}) thinking; raise "
                      f"[llm] max_tokens (and [llm] context_tokens) for a reasoning model", "", thoughts)
    if repeats_itself(body):
        return Judged("", "looped", "the reply repeats itself", "\n\n上一次的回复反复重复同一内容。请重新撰写本节，"
                      "每句话只说一次，写完即止。", thoughts)
    if _REFUSAL.match(text.strip()) and prose_chars(text) < 80:
        return Judged("", "refused", "the model declined to write the section", "", thoughts)
    tabular = sum(line.lstrip().startswith(("|", "-", "*")) for line in text.split("\n"))
    if tabular >= 3 and prose_chars(text) < 40:
        return Judged("", "malformed", "the reply was a table or list without prose",
                      "\n\n请用成段的文字撰写本节正文；表格只能作为补充，不能代替分析段落。", thoughts)
    if not is_chinese(text):
        why = "the reply was not in Chinese" if text.strip() else "the reply was empty"
        return Judged("", "malformed", why, "\n\n请务必用简体中文撰写本节正文。", thoughts)
    if is_truncated(text, finish_reason):
        # A cut-off section may end inside a figure ("增长1" of "增长15%"): never keep it.
        why = (f"the reply was cut off at the output cap ({cap}); raise [llm] max_tokens in drafter.toml"
               if finish_reason == "length" else "the reply ends mid-sentence")
        return Judged("", "cut off", why, "\n\n上一次的回复不完整（在句子中间被截断）。请重新完整地撰写本节正文，"
                      "适当压缩篇幅，确保以完整的句子结束。", thoughts)
    return Judged(text, thoughts=thoughts)
