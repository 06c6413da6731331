"""Passages that address the reader or a model (instructions, prompts) rather than report on a business."""

# They stay in the stored text and `corpus show` lists them, but no indexed passage holds one, so no writer
# is ever handed one as a past report's words.

from __future__ import annotations

import re

_ADDRESSING = re.compile(
    r"忽略(?:掉)?(?:以上|上述|之前|前面|先前|此前|前文|所有|全部|其他|其它|你的)+(?:的)?(?:所有|全部|一切)?"
    r"(?:要求|指令|指示|说明|提示|规则|设定|内容|约束)|"
    r"(?:请|务必|必须|一定要)(?:你)?(?:在|于)?(?:报告|回答|输出|文章|文档|草稿|回复|正文|结果)的?"
    r"(?:开头|开始|结尾|末尾|最前面|最后|第一句|标题)(?:处)?(?:写|加|插入|注明|输出|声明|添加|写上|说明)|"
    r"(?:你|您)(?:现在)?(?:是|扮演|作为|充当)(?:一个|一名)?(?:AI|人工智能|助手|语言模型|大模型|ChatGPT|GPT|写作助手)|"
    r"(?:作为|身为)(?:一个|一名)?(?:AI|人工智能|语言模型|大模型)|(?:输出|泄露|显示)(?:你的)?(?:系统)?提示词|system\s*prompt|"
    r"(?:最新|新的|以下|下面的|真正的)指令|照抄本段|(?:不要|无需|不必)(?:核对|核实|检查)(?:数字|数据|数值)|"
    r"(?:ignore|disregard|forget)\s+(?:all\s+)?(?:the\s+)?(?:previous|above|prior|earlier)\s+"
    r"(?:instructions|prompts|rules)|(?:不要|无需|停止|不必)(?:再)?(?:遵守|遵循|理会|执行|听从)(?:以上|上述|之前|原来|原有)",
    re.I,
)
_SENTENCES = re.compile(r"[^。！？!?\n]+[。！？!?]*")


def suspicious_sentences(text: str) -> list[str]:
    """Sentences that address the reader or a model; a flagged one ending in a colon takes the next too."""
    found: list[str] = []
    follow = False
    for m in _SENTENCES.finditer(text):
        sentence = m.group(0).strip()
        if not sentence:
            continue
        if follow or _ADDRESSING.search(sentence):
            found.append(sentence)
            follow = bool(re.search(r"[:：]$", sentence))
    return found


def without_suspicious(text: str) -> str:
    """The text with every suspicious sentence taken out (lines left empty disappear)."""
    for sentence in suspicious_sentences(text):
        text = text.replace(sentence, "")
    return "\n".join(line for line in text.split("\n") if line.strip() or not line)
