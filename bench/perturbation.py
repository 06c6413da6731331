"""Perturbation benchmark: inject one error per copy of correct reports; report recall per type and false alarms.

Correct reports: the demo corpus (checked against facts recomputed from freshly generated demo data) and the
offline writer's annual summaries for 2024 and 2025 at full and at small scale (and a 2025Q3 quarterly review
when that kind can be written). Error types: a number changed
by 3–50%, a 万/亿 swap, % swapped with 个百分点, a flipped direction word, a flipped achievement word, the
previous year's value, another metric's value. Targets: recall ≥ 95% per type, ≤ 1 false alarm per 100
verified figures on the untouched reports.

    python bench/perturbation.py [--copies 40] [--seed 7] [--show-misses]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from drafter.models import Fact, Finding  # noqa: E402
from drafter.verify import verify_markdown  # noqa: E402
from drafter.verify.lexicon import MET_RE, MISSED_RE  # noqa: E402

CORPUS = {"2023年度运营总结.md": "2023", "2024年度运营总结.md": "2024", "2024年度运营计划.md": "2024",
          "2025年度运营计划.md": "2025", "2025年第三季度工作汇报.md": "2025Q3", "2024年第四季度工作汇报.docx": "2024Q4"}
ANNUAL, QUARTERLY = "annual-summary", "quarterly-review"
TYPES = ["number", "scale", "pct_pp", "direction", "achievement", "period", "metric"]
SIGNED = {"yoy", "yoy_pp", "pop", "pop_pp", "share_pp", "gap", "gap_yoy", "gap_share"}
FLIP = {"增长": "下降", "提升": "下降", "上升": "下降", "提高": "降低", "增加": "减少", "上涨": "下跌", "回升": "回落",
        "扩大": "缩小", "延长": "缩短", "下降": "增长", "减少": "增加", "降低": "提高", "回落": "回升", "下滑": "增长",
        "下跌": "上涨", "缩短": "延长", "缩小": "扩大", "高出": "低出", "目标高": "目标低", "目标低": "目标高"}
_FLIP_RE = re.compile("(" + "|".join(sorted(FLIP, key=len, reverse=True)) + r")了?\s*$")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_APPROX = re.compile(r"(?:约|近|超过|超|突破|不到|不足|逾|接近)\s*$")


@dataclass
class Doc:
    """A correct report and the facts it was written against."""

    name: str
    text: str
    facts: list[Fact]
    period: str
    sources: tuple = ()  # the excerpts a draft quotes

    def verify(self, text: str | None = None) -> list[Finding]:
        """Findings for this report, or for a perturbed copy of it."""
        return verify_markdown(self.text if text is None else text, self.facts, self.sources, period=self.period)


@dataclass
class Edit:
    """One perturbation: replace text[start:end] by `new`."""

    kind: str
    doc: Doc
    start: int
    end: int
    new: str
    line: int


def _offsets(text: str) -> list[int]:
    starts, pos = [], 0
    for line in text.split("\n"):
        starts.append(pos)
        pos += len(line) + 1
    return starts


def _located(doc: Doc, f: Finding, starts: list[int]) -> int | None:
    """Offset of a finding's text in the document, or None when it cannot be located exactly."""
    if f.line < 1 or f.line > len(starts):
        return None
    at = starts[f.line - 1] + f.col - 1
    return at if doc.text[at:at + len(f.text)] == f.text else None


def _renumber(text: str, factor: float) -> str | None:
    """The figure text with its first Arabic number multiplied by `factor`, in the same written precision."""
    m = _NUMBER.search(text)
    if not m:
        return None
    raw = m.group()
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    value = float(raw.replace(",", "")) * factor
    new = f"{value:,.{decimals}f}" if "," in raw else f"{value:.{decimals}f}"
    if new == raw or float(new.replace(",", "")) == 0:
        return None
    return text[:m.start()] + new + text[m.end():]


def candidates(doc: Doc, findings: list[Finding], rng: random.Random) -> list[Edit]:
    """Every perturbation this correct report allows, one edit each."""
    starts = _offsets(doc.text)
    by_id = {f.id: f for f in doc.facts}
    out: list[Edit] = []
    for f in findings:
        if f.verdict != "verified":
            continue
        at = _located(doc, f, starts)
        if at is None:
            continue
        end = at + len(f.text)
        fact = by_id.get(f.fact_id)

        def add(kind: str, new: str | None, a: int = at, b: int = end, line: int = f.line) -> None:
            if new is not None and new != doc.text[a:b]:
                out.append(Edit(kind, doc, a, b, new, line))

        if f.value is None:  # a claim word: 超额完成, 未达成, 最高
            if MET_RE.fullmatch(f.text):
                add("achievement", "未达成目标")
            elif MISSED_RE.fullmatch(f.text):
                add("achievement", "超额完成目标")
            continue
        if not _NUMBER.search(f.text) or _APPROX.search(doc.text[max(0, at - 3):at]):
            continue  # Chinese numerals and approximations (约18.6亿) are left alone
        for _ in range(5):
            new = _renumber(f.text, 1 + rng.choice((-1, 1)) * rng.uniform(0.03, 0.5))
            if new is not None:
                add("number", new)
                break
        if "万" in f.text or "亿" in f.text:
            add("scale", f.text.replace("万", "\0").replace("亿", "万").replace("\0", "亿"))
        if f.text.endswith("%"):
            add("pct_pp", f.text[:-1] + "个百分点")
        elif f.text.endswith("个百分点"):
            add("pct_pp", f.text[: -len("个百分点")] + "%")
        if fact is not None and fact.measure in SIGNED and _NUMBER.search(f.text) and abs(f.value or 0) > 0:
            m = _FLIP_RE.search(doc.text[max(0, at - 6):at])
            if m:
                a = at - (len(doc.text[max(0, at - 6):at]) - m.start())
                add("direction", FLIP[m.group(1)], a, a + len(m.group(1)))
            elif f.text[:1] in "+-":
                add("direction", ("-" if f.text[0] == "+" else "+") + f.text[1:])
        if fact is not None and fact.measure == "value" and fact.period == doc.period and fact.value:
            prev = [g for g in doc.facts if g.metric == fact.metric and g.dimension == fact.dimension
                    and g.measure == "value" and g.period == _year_before(doc.period)]
            if prev:
                add("period", _renumber(f.text, prev[0].value / fact.value))
            others = [g for g in doc.facts if g.metric != fact.metric and g.unit == fact.unit and g.measure == "value"
                      and g.period == fact.period and g.dimension == fact.dimension and g.value]
            rng.shuffle(others)
            for g in others:
                new = _renumber(f.text, g.value / fact.value)
                if new is not None:
                    add("metric", new)
                    break
    return out


def _year_before(period: str) -> str:
    return str(int(period[:4]) - 1) + period[4:]


def corpus_docs(data_dir: Path, cache_dir: Path, config) -> list[Doc]:
    """The demo corpus, each report with facts recomputed for its period."""
    from drafter.corpus import load_document
    from drafter.metrics import compute_facts
    from drafter.resources import demo_corpus_dir

    docs, facts = [], {}
    for name, period in CORPUS.items():
        if period not in facts:
            facts[period] = compute_facts(data_dir, period, cache_dir, config.columns, config.promo_windows).facts
        docs.append(Doc(name, load_document(demo_corpus_dir() / name).text, facts[period], period))
    return docs


def draft_docs(root: Path, scale: float, reports: tuple[tuple[str, str], ...]) -> tuple[list[Doc], object]:
    """Offline-writer drafts (period, kind) for a fresh demo workspace at this scale; kinds that fail are noted."""
    from drafter.config import load_config
    from drafter.corpus import add_paths
    from drafter.demo import init_folder
    from drafter.draft.write import write_draft
    from drafter.resources import demo_corpus_dir

    init_folder(root, demo_corpus_dir(), scale=scale, embedder="hash")
    config = load_config(root)
    add_paths(config, [config.corpus_dir])
    docs = []
    for period, kind in reports:
        try:
            result = write_draft(config, period, kind=kind, force=True, use_cache=False)
        except Exception as exc:  # noqa: BLE001 - a report kind still being built must not stop the bench
            print(f"skipped {kind} {period} (scale {scale:g}): {type(exc).__name__}: {exc}"[:160])
            continue
        text = (result.folder / "report.md").read_text(encoding="utf-8")
        sources = tuple(c for s in result.draft.sections for c in s.sources)
        docs.append(Doc(f"{kind} {period} ({scale:g})", text, result.draft.facts, period, sources))
    return docs, config


def _alarms(findings: list[Finding], line: int) -> list[Finding]:
    return [f for f in findings if f.verdict != "verified" and f.line == line]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=40, help="perturbed copies per error type")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        docs, config = draft_docs(Path(tmp) / "full", 1.0, (("2024", ANNUAL), ("2025", ANNUAL),
                                                             ("2025Q3", QUARTERLY)))
        small, _ = draft_docs(Path(tmp) / "small", 0.03, (("2024", ANNUAL), ("2025", ANNUAL)))
        docs = corpus_docs(config.data_dir, config.cache_dir, config) + docs + small
    built = time.perf_counter() - started
    pool: dict[str, list[Edit]] = {t: [] for t in TYPES}
    verified = alarms = 0
    baseline: dict[str, list[Finding]] = {}
    print(f"{'report':34} {'verified':>8} {'alarms':>6}")
    for doc in docs:
        findings = doc.verify()
        baseline[doc.name] = findings
        ok = sum(f.verdict == "verified" for f in findings)
        bad = [f for f in findings if f.verdict != "verified"]
        verified, alarms = verified + ok, alarms + len(bad)
        print(f"{doc.name:34} {ok:8d} {len(bad):6d}")
        for f in bad:
            print(f"    {doc.name}:{f.line}:{f.col}: {f.verdict}: {f.message}")
        for edit in candidates(doc, findings, rng):
            pool[edit.kind].append(edit)
    rate = 100 * alarms / max(verified, 1)
    print(f"false alarms: {alarms} on {verified} verified figures = {rate:.2f} per 100 (target ≤ 1)\n")
    print(f"{'error type':12} {'copies':>6} {'caught':>6} {'recall':>7}  (mismatch/claim_error/unsupported)")
    worst = 100.0
    for kind in TYPES:
        edits = rng.sample(pool[kind], min(args.copies, len(pool[kind])))
        caught, verdicts = 0, {"mismatch": 0, "claim_error": 0, "unsupported": 0}
        for e in edits:
            text = e.doc.text[:e.start] + e.new + e.doc.text[e.end:]
            new = _alarms(e.doc.verify(text), e.line)
            if len(new) > len(_alarms(baseline[e.doc.name], e.line)):
                caught += 1
                verdicts[new[0].verdict] += 1
            elif args.show_misses:
                around = text[max(0, e.start - 40):e.start + len(e.new) + 20].replace("\n", " ")
                print(f"  missed {kind}: {e.doc.name}:{e.line}: {e.doc.text[e.start:e.end]!r} → {e.new!r}: …{around}…")
        recall = 100 * caught / len(edits) if edits else 0.0
        worst = min(worst, recall)
        print(f"{kind:12} {len(edits):6d} {caught:6d} {recall:6.1f}%  "
              f"({verdicts['mismatch']}/{verdicts['claim_error']}/{verdicts['unsupported']})")
    total = time.perf_counter() - started
    print(f"\nreports built in {built:.1f}s, total {total:.1f}s; "
          f"{'PASS' if worst >= 95 and rate <= 1 else 'FAIL'} (recall ≥ 95% per type, ≤ 1 alarm per 100)")
    return 0 if worst >= 95 and rate <= 1 else 1


if __name__ == "__main__":
    sys.exit(main())
