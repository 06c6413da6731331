"""Fuzz the text-handling stages with generated report-like input; any exception is a crash.

    python bench/fuzz.py [--n 100000] [--seed 1] [--workers 4]

Targets: the figure extractor, the verifier on arbitrary Markdown (a handful of facts), the corpus cleaner
(clean_text, sections, chunk_sections, decode_bytes, infer_kind/infer_period) and the report.md section
parser. Inputs mix Chinese text, digits, Chinese numerals, units, punctuation, Markdown syntax, drafter's
marker comments and random unicode. Prints inputs run per target and the crashes found (each crashing
input is saved to bench/fuzz-crashes.json so it can become a regression test).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import signal
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

WORDS = """
全年 GMV 成交额 复购率 客单价 同比增长 同比下降 环比 提升 下降 达到 突破 约 近 超 完成年度目标的 超额完成 未达 差
最高 首次 翻一番 翻倍 占比 抖音 天猫 京东 渠道 品类 家电 分别为 其中 较上年 目标 个百分点 主要原因是 私域 双11 618 Q3
2024年 2025年 第三季度 上半年 1月 12月31日 2025-06-18 一、 （一） 1. ①
0 1 2 3.2 18.5 1,862,345,678 0.05 -3 +12 100 96 1e12 999999999999999999999999999999 07 .5 1.
一 二 三 十 百 千 万 亿 零 两 一千二百八十万 百分之三十五 三成 半 几 数 十几 二十多 1280万 18.6亿 2.5倍 1:3.5 2分15秒
3-5 3~5 3至5 1/3 三分之一
万 亿 % ％ ‰ 个百分点 pp 元 万元 亿元 倍 人 单 次 天 小时 秒 分 ¥ ￥ $ K k w W 名 位 成
， 。 ； ： 、 ！ ？ （ ） ( ) “ ” 《 》 … — - ~ / . , : ; ! ? ' "
# ## ### | |---|---| > - * + ``` ** __ ` [ ] ]( <!-- --> <br> &nbsp; \\ ~~ 【待核】 </excerpt>
_第1页 已阅读3页 下载本文档 版权说明: 温馨提示 最新文档 目录CONTENTS 0102 PART 01 汇报人:张三 日期:2025-10-08
務(wù) (jié) ＧＭＶ １２．５％ 第一章 01业绩回顾 ^ ^- ^+ e E e- e+ 10^ 1e
"""
PIECES = [
    *WORDS.split(),
    # whitespace, line starts and drafter's marker comments
    " ", "  ", "\t", "\n", "\n\n", "\r\n", "\u3000", "\u00a0", "# ", "## ", "| ", " |", "> ", "- ", "* ", "+ ",
    "```markdown\n", "<!-- drafter:section id=overview hash=3f9a0c1d2e4b -->",
    "<!-- drafter:section id=x.y-z hash=0 -->", "<!-- drafter:section id= hash= -->", '<excerpt id="S1">',
]
RANDOM_RANGES = [(0x20, 0x7E), (0x4E00, 0x9FFF), (0x3000, 0x303F), (0xFF00, 0xFFEF), (0x0300, 0x036F),
                 (0x2460, 0x24FF), (0x1F300, 0x1F6FF), (0x0, 0x1F), (0xE000, 0xE0FF), (0x10000, 0x10FFFF),
                 (0x2000, 0x206F), (0x0590, 0x06FF)]


def generate(rng: random.Random) -> str:
    """A string of up to ~60 pieces: report fragments, numbers, units, Markdown and random code points."""
    parts = []
    for _ in range(rng.randint(0, 60)):
        roll = rng.random()
        if roll < 0.8:
            parts.append(rng.choice(PIECES))
        elif roll < 0.95:
            low, high = rng.choice(RANDOM_RANGES)
            code = rng.randint(low, high)
            parts.append(chr(code) if not 0xD800 <= code <= 0xDFFF else "?")
        else:
            parts.append(str(rng.uniform(-1e6, 1e13) if rng.random() < 0.5 else rng.randint(0, 10**rng.randint(1, 25))))
    return "".join(parts)


def generate_bytes(rng: random.Random) -> bytes:
    text = generate(rng)
    roll = rng.random()
    if roll < 0.3:
        return text.encode("gb18030", errors="replace")
    if roll < 0.45:
        return text.encode("big5", errors="replace")
    if roll < 0.6:
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 200)))
    if roll < 0.7:
        return text.encode("utf-16")
    data = bytearray(text.encode("utf-8"))
    for _ in range(rng.randint(0, 3)):  # flip a few bytes
        if data:
            data[rng.randrange(len(data))] = rng.getrandbits(8)
    return bytes(data)


def _facts():
    from drafter.models import Fact

    def fact(fid, metric, label, value, unit, measure="value", period="2025", dimension="", kind="computed",
             aliases=()):
        return Fact(id=fid, metric=metric, label=label, value=value, unit=unit, measure=measure, period=period,
                    dimension=dimension, kind=kind, aliases=list(aliases))

    return [
        fact("gmv.2025", "gmv", "GMV", 3.2e8, "元", aliases=("成交额",)),
        fact("gmv.2024", "gmv", "GMV", 2.7e8, "元", period="2024"),
        fact("gmv.yoy.2025", "gmv", "GMV", 18.5, "%", measure="yoy"),
        fact("repurchase_rate.2025", "repurchase_rate", "复购率", 31.2, "%"),
        fact("repurchase_rate.yoy_pp.2025", "repurchase_rate", "复购率", 2.4, "pp", measure="yoy_pp"),
        fact("gmv.share.2025[channel=抖音]", "gmv", "GMV", 28, "%", measure="share", dimension="channel=抖音"),
        fact("gmv.target.2025", "gmv", "GMV", 3.3e8, "元", measure="target", kind="target"),
        fact("aov.2025", "aov", "客单价", 152, "元"),
        fact("orders.2025", "orders", "订单量", 2.1e6, "单"),
    ]


def targets() -> dict:
    """name → a function of one generated input (raising means a crash)."""
    from drafter.corpus import chunk as corpus_chunk
    from drafter.corpus import classify, clean
    from drafter.corpus import text as corpus_text
    from drafter.render import parse_sections
    from drafter.verify import extract_figures, verify_markdown

    facts = _facts()

    def cleaner(text: str) -> None:
        cleaned, removed, hints = clean.clean_text(text)
        assert isinstance(cleaned, str) and all(v > 0 for v in removed.values())
        corpus_chunk.sections(cleaned)
        corpus_chunk.chunk_sections(cleaned)
        corpus_chunk.heading_labels(cleaned)
        kind = classify.infer_kind(cleaned[:40], cleaned)
        classify.infer_period(cleaned[:40], cleaned, kind, hints.get("date", ""))
        corpus_text.repair_conversions(text)
        corpus_text.to_simplified(text)

    def decoder(data: bytes) -> None:
        from drafter.errors import UserError

        with contextlib.suppress(UserError):  # "cannot tell its text encoding" is the clear error for those
            corpus_text.decode_bytes(data)

    def sections(text: str) -> None:
        for section in parse_sections(text):
            assert section.start_line <= section.end_line
            section.edited  # noqa: B018 - computing it must not fail

    def figures(text: str) -> None:
        for fig in extract_figures(text):
            assert 0 <= fig.start <= fig.end <= len(text), (fig.start, fig.end)

    return {
        "extract_figures": (figures, generate),
        "verify_markdown": (lambda text: verify_markdown(text, facts, period="2025"), generate),
        "clean_text": (cleaner, generate),
        "decode_bytes": (decoder, generate_bytes),
        "parse_sections": (sections, generate),
    }


TIMEOUT = 5  # seconds per input
SHARE = {"extract_figures": 0.3, "verify_markdown": 0.2, "clean_text": 0.2, "decode_bytes": 0.1, "parse_sections": 0.2}


def run(job: tuple[str, int, int]) -> tuple[str, int, list[dict]]:
    """Run one target on `count` inputs from `seed`; return the crashes (one per distinct place)."""
    name, count, seed = job
    fn, make = targets()[name]
    rng = random.Random(seed)
    crashes: dict[str, dict] = {}

    def too_slow(*_args) -> None:
        raise TimeoutError(f"one input took over {TIMEOUT}s")

    signal.signal(signal.SIGALRM, too_slow)
    for _ in range(count):
        data = make(rng)
        signal.alarm(TIMEOUT)  # a hang (a runaway regex, 10**huge) is a crash too
        try:
            fn(data)
        except Exception as exc:  # any exception is a crash to report
            tb = traceback.extract_tb(exc.__traceback__)[-1]
            where = f"{type(exc).__name__} at {Path(tb.filename).name}:{tb.lineno}"
            if where not in crashes or len(repr(data)) < len(repr(crashes[where]["input"])):
                crashes[where] = {"target": name, "where": where, "error": str(exc)[:200],
                                  "input": data if isinstance(data, str) else data.hex()}
        finally:
            signal.alarm(0)
    return name, count, list(crashes.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="total generated inputs across targets")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    jobs = []
    for name, share in SHARE.items():
        total = int(args.n * share)
        per = -(-total // args.workers)
        for w in range(args.workers):
            jobs.append((name, min(per, total - w * per), args.seed * 1000 + w * 7919 + len(name)))
    started = time.perf_counter()
    ran: dict[str, int] = dict.fromkeys(SHARE, 0)
    crashes: list[dict] = []
    with ProcessPoolExecutor(args.workers) as pool:
        for name, count, found in pool.map(run, [j for j in jobs if j[1] > 0]):
            ran[name] += count
            crashes.extend(c for c in found if c["where"] not in {x["where"] for x in crashes})
    seconds = time.perf_counter() - started
    for name, count in ran.items():
        n = sum(c["target"] == name for c in crashes)
        print(f"{name:16} {count:>8,} inputs   {n} crash site(s)")
    print(f"{'total':16} {sum(ran.values()):>8,} inputs   {len(crashes)} crash site(s) in {seconds:.0f}s")
    for crash in crashes:
        print(f"  {crash['target']}: {crash['where']}: {crash['error']}\n    input: {crash['input']!r}"[:600])
    out = Path(__file__).with_name("fuzz-crashes.json")
    if crashes:
        out.write_text(json.dumps(crashes, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"crashing inputs saved to {out}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
