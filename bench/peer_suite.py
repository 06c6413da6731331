"""Score extract_figures on the peer suite (../shared/peer-tests/cn-figures.json), per kind.

A case passes when every expected value (value_float) is among the extracted figures' base values,
and, for a negative case, when nothing of that kind is extracted. Each kind is one model's view
(see the suite's README): percent cases look at % and 个百分点 figures only, currency cases at
money figures only, number and cn2an cases at all figures. Expected entries without a numeric
value (人民币 alone, 39℃, 1-2) are skipped.

Usage: python bench/peer_suite.py [--fails KIND] [--suite PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drafter.verify import extract_figures  # noqa: E402

DEFAULT_SUITE = ROOT.parent / "shared" / "peer-tests" / "cn-figures.json"
COMBINED = ("number", "percent", "currency")


def in_view(kind: str, fig) -> bool:
    """Which figures a case of this kind looks at."""
    if kind == "percent":
        return fig.base_unit in ("%", "pp")
    if kind == "currency":
        return fig.kind == "currency"
    return True


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def passes(case: dict) -> bool:
    """True when the extractor gives every expected value (or nothing, for a negative case)."""
    figs = [f for f in extract_figures(case["input"]) if in_view(case["kind"], f)]
    if not case["expected"]:
        return not figs
    for exp in case["expected"]:
        want = exp.get("value_float")
        if want is None:
            continue
        if not any(close(f.base, want) for f in figs):
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", type=Path, default=DEFAULT_SUITE)
    parser.add_argument("--fails", metavar="KIND", help="print the failing cases of KIND")
    args = parser.parse_args(argv)
    if not args.suite.exists():
        print(f"peer suite not found at {args.suite}; nothing to score")
        return 0
    cases = json.loads(args.suite.read_text(encoding="utf-8"))
    total, ok = Counter(), Counter()
    started = time.perf_counter()
    for case in cases:
        kind = case["kind"]
        total[kind] += 1
        good = passes(case)
        ok[kind] += good
        if not good and args.fails in (kind, "all"):
            got = [(f.text, f.base, f.base_unit) for f in extract_figures(case["input"])]
            want = [(e["text"], e.get("value_float")) for e in case["expected"]]
            print(f"FAIL {case['id']}: {case['input'][:60]!r}\n  want {want}\n  got  {got}")
    seconds = time.perf_counter() - started
    for kind in ("number", "percent", "currency", "cn2an"):
        if total[kind]:
            print(f"{kind:9s} {ok[kind]:4d}/{total[kind]:<4d} {100 * ok[kind] / total[kind]:5.1f}%")
    n = sum(total[k] for k in COMBINED)
    good = sum(ok[k] for k in COMBINED)
    print(f"combined  {good:4d}/{n:<4d} {100 * good / max(n, 1):5.1f}%  (number+percent+currency; target 90%)")
    print(f"all       {sum(ok.values()):4d}/{sum(total.values()):<4d} in {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
