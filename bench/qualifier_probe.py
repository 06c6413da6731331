"""Fresh annual-summary probes and the qualifier-insertion property, on the demo's 2025 facts.

Probes (tests/verify_probes.py): sub-period totals, per-day/per-buyer/per-order values, target amounts, counts
over a dimension, "1 in N", sums of members, growth-rate changes, ceiling targets — each correct sentence with a
wrong twin. Targets: errors caught ≥ 95%, false alarms ≤ 2% (a false alarm: mismatch/claim_error on a correct one).

Insertion: each meaning-changing word of the vocabulary, and each time shift, inserted into every correct probe;
each figure after the insertion is classed by how its verdict and reading changed:
  confident-wrong   mismatch/claim_error on the reading the word did not change (the word was ignored)
  verified-changed  verified on the unchanged reading (the word was ignored)
  unsupported       withheld (the word was seen and not understood)
  derived           verified or flagged on a reading that took the word in (another measure, period, scope, op)
Targets: no confident-wrong, verified-changed ≤ 5%, every time shift caught (never verified-changed).

    python bench/qualifier_probe.py [--show]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

FLAGS = ("mismatch", "claim_error")


def _key(finding) -> tuple:
    r = finding.reading or {}
    return (r.get("metric"), r.get("measure"), r.get("period"), r.get("dimension"), r.get("operation"),
            str(r.get("derived")))


def classify(before, after, word: str) -> str:
    """How one figure's verdict changed once a qualifier was inserted before it."""
    if after.verdict == "unsupported":
        return "unsupported"
    a, b = after.reading or {}, before.reading or {}
    if after.verdict in FLAGS:
        # flagged on a reading that took the word in: another metric, period or measure, a derivation, or the
        # dimension value the word names (12月单月 → month=12月)
        took = a.get("operation") or any(a.get(k) != b.get(k) for k in ("metric", "period", "measure")) or \
            (a.get("dimension") != b.get("dimension") and word[:3] in a.get("dimension", ""))
        return "derived" if took else "confident-wrong"
    return "derived" if _key(after) != _key(before) else "verified-changed"


def main() -> int:
    from verify_probes import insertions, later_probes, probes

    from bench.prose_probe import demo_facts
    from drafter.verify import verify_markdown

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every sentence that misses a target")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        facts = demo_facts(Path(tmp))["2025"]
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # right, alarms, wrong, caught
    unsupported_right = 0
    corrects = []
    sets = [("fresh", p) for p in probes(facts)] + [("later", p) for p in later_probes(facts)]
    later = [0, 0, 0, 0]  # the later set alone: right, alarms, wrong, caught
    for which, probe in sets:
        right = verify_markdown(probe.right, facts, period="2025")
        wrong = verify_markdown(probe.wrong, facts, period="2025")
        row = rows[probe.shape] if which == "fresh" else later
        alarm = any(f.verdict in FLAGS for f in right)
        caught = any(f.verdict in FLAGS for f in wrong)
        row[0] += 1
        row[1] += alarm
        row[2] += 1
        row[3] += caught
        unsupported_right += any(f.verdict == "unsupported" for f in right)
        if which == "fresh" and all(f.verdict == "verified" for f in right):
            corrects.append((probe.right, right))
        if args.show and (alarm or not caught or any(f.verdict != "verified" for f in right)):
            print(f"[{which} {probe.shape}] {probe.right} -> {[(f.text, f.verdict) for f in right]}")
            print(f"    twin {probe.wrong} -> {[(f.text, f.verdict) for f in wrong]}")
    print(f"{'shape':<14} {'alarms':>7} {'caught':>7}")
    for shape, (n, a, w, c) in rows.items():
        print(f"{shape:<14} {f'{a}/{n}':>7} {f'{c}/{w}':>7}")
    total = [sum(r[k] for r in rows.values()) for k in range(4)]
    print(f"probes: false alarms {total[1]}/{total[0]}, errors caught {total[3]}/{total[2]}, "
          f"correct sentences with an unsupported figure {unsupported_right} (both sets), fully verified "
          f"{len(corrects)}")
    print(f"later probes (written after the reader, untouched): false alarms {later[1]}/{later[0]}, "
          f"errors caught {later[3]}/{later[2]}")

    classes: dict[str, Counter] = defaultdict(Counter)
    for sentence, base in corrects:
        variants = insertions(sentence)
        # one document, one paragraph per variant: the facts are indexed once per sentence
        found = verify_markdown("\n\n".join(changed for _, _, changed in variants), facts, period="2025")
        by_line: dict[int, list] = defaultdict(list)
        for f in found:
            by_line[f.line].append(f)
        for k, (cls, word, changed) in enumerate(variants):
            at = next(i for i in range(len(sentence)) if sentence[i] != changed[i]) if changed != sentence else 0
            after = by_line[2 * k + 1]
            shift = len(changed) - len(sentence)
            for fig in base:
                if fig.col - 1 < at:
                    continue  # a figure before the insertion keeps its meaning
                twin = next((g for g in after if g.text == fig.text and abs((g.col - 1) - (fig.col - 1 + shift)) <= 3),
                            None)
                if twin is None:
                    continue
                kind = classify(fig, twin, word)
                classes[cls][kind] += 1
                if args.show and kind in ("confident-wrong", "verified-changed"):
                    print(f"{kind} [{cls}] {changed}: {twin.text} {twin.verdict} {twin.message}")
    kinds = ("confident-wrong", "verified-changed", "unsupported", "derived")
    print(f"{'class':<12}" + "".join(f"{k:>18}" for k in kinds))
    for cls, counts in classes.items():
        print(f"{cls:<12}" + "".join(f"{counts[k]:>18}" for k in kinds))
    changed_total = sum(sum(c.values()) for c in classes.values())
    wrong = sum(c["confident-wrong"] for c in classes.values())
    green = sum(c["verified-changed"] for c in classes.values())
    shifts_missed = classes["shift"]["verified-changed"] + classes["shift"]["confident-wrong"]
    print(f"insertions: {changed_total} figures; confident-wrong {wrong}, verified on changed meaning {green} "
          f"({100 * green / max(changed_total, 1):.1f}%), time shifts missed {shifts_missed} "
          f"({time.perf_counter() - started:.1f}s)")
    ok = (total[3] >= 0.95 * total[2] and total[1] <= 0.02 * total[0] and wrong == 0
          and green <= 0.05 * changed_total and shifts_missed == 0)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
