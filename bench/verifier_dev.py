"""Verifier dev set: sentences written after real claim patterns, on real published figures, labelled ok/error.

Reads ../shared/verifier-dev (beside the project) as its README says: every sentence becomes one paragraph of a
Markdown report, verified against the set's facts.csv (the report period is the latest in the facts); findings
map back by line. Per tag: errors caught (a mismatch or claim_error on the line; "on the figure" when one of
them is on the wrong figure the set names) and false alarms (a mismatch or claim_error on a correct line).

    python bench/verifier_dev.py [--show] [--dir PATH] [--alter]

--alter also alters, one at a time, every Arabic figure of every correct sentence by 12% (same written precision)
and counts how many altered sentences are flagged: recall on real phrasing beyond the labelled errors.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FLAGS = ("mismatch", "claim_error")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def run(folder: Path, show: bool) -> int:
    """Verify the set, print per-tag figures; exit 1 when an error is missed or >1 correct line is flagged."""
    from drafter.verify import load_facts_csv, verify_markdown
    from drafter.verify.normalize import normalize

    cases = _rows(folder / "cases.tsv")
    named = folder / "wrong_figures.tsv"  # optional: a set without it counts catches on the line only
    wrong = {r["text"]: r["wrong"] for r in _rows(named)} if named.exists() else {}
    facts = load_facts_csv(folder / "facts.csv")
    lines = ["# verifier-dev", ""]
    where: dict[int, int] = {}
    for k, case in enumerate(cases):
        lines.append(case["text"])
        where[len(lines)] = k
        lines.append("")
    findings = verify_markdown("\n".join(lines), facts)
    by_case: dict[int, list] = defaultdict(list)
    for f in findings:
        if f.line in where:
            by_case[where[f.line]].append(f)
    per_tag: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])  # errors, caught, on figure, oks, alarms
    missed, alarms = 0, 0
    for k, case in enumerate(cases):
        flagged = [f for f in by_case[k] if f.verdict in FLAGS]
        row = per_tag[case["tag"]]
        if case["expect"] == "error":
            row[0] += 1
            want = normalize(wrong.get(case["text"], ""))
            on_fig = any(want and (want in normalize(f.text) or normalize(f.text) in want) for f in flagged)
            row[1] += bool(flagged)
            row[2] += on_fig
            missed += not flagged
            bad = not flagged
        else:
            row[3] += 1
            row[4] += bool(flagged)
            alarms += bool(flagged)
            bad = bool(flagged)
        if show and (bad or show == "all"):
            print(f"{'MISS' if case['expect'] == 'error' else 'FALSE'} [{case['tag']}] {case['text']}")
            for f in by_case[k]:
                print(f"    {f.verdict}: {f.message}")
    print(f"{'tag':<18} {'caught':>8} {'on fig':>7} {'alarms':>8}")
    for tag in sorted(per_tag):
        e, c, o, n, a = per_tag[tag]
        print(f"{tag:<18} {f'{c}/{e}' if e else '-':>8} {f'{o}/{e}' if e else '-':>7} {f'{a}/{n}' if n else '-':>8}")
    errors = sum(r[0] for r in per_tag.values())
    oks = sum(r[3] for r in per_tag.values())
    on_fig = sum(r[2] for r in per_tag.values())
    print(f"errors caught {errors - missed}/{errors} ({on_fig} on the wrong figure); "
          f"false alarms {alarms}/{oks} correct sentences")
    return 0 if missed == 0 and alarms <= 1 else 1


def alter(folder: Path, show: bool) -> None:
    """Each figure of each correct sentence, 12% off: is the sentence flagged?"""
    import re

    from drafter.verify import extract_figures, load_facts_csv, verify_markdown

    facts = load_facts_csv(folder / "facts.csv")
    caught = total = 0
    for case in _rows(folder / "cases.tsv"):
        if case["expect"] != "ok":
            continue
        text = case["text"]
        for fig in extract_figures(text):
            digits = re.search(r"\d+(?:\.\d+)?", fig.text)
            if not fig.claim or digits is None:
                continue
            places = len(digits.group().partition(".")[2])
            new = f"{float(digits.group()) * 1.12:.{places}f}"
            if new == digits.group():
                continue
            start = fig.start + digits.start()
            changed = text[:start] + new + text[start + len(digits.group()):]
            findings = verify_markdown(f"# t\n\n{changed}\n", facts)
            hit = any(f.verdict in FLAGS for f in findings)
            total, caught = total + 1, caught + hit
            if show and not hit:
                print(f"MISS {changed}  ({digits.group()} -> {new}): "
                      + "; ".join(f"{f.verdict} {f.text}" for f in findings if f.verdict != "verified"))
    print(f"altered figures flagged {caught}/{total}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", nargs="?", const="bad", help="print the findings of missed and flagged lines "
                        "(--show all: every line)")
    parser.add_argument("--dir", type=Path, default=ROOT.parent / "shared" / "verifier-dev")
    parser.add_argument("--alter", action="store_true", help="also alter each figure of the correct sentences")
    args = parser.parse_args()
    if not (args.dir / "cases.tsv").exists():
        print(f"{args.dir}: no cases.tsv; the dev set lives in ../shared/verifier-dev beside the project",
              file=sys.stderr)
        return 2
    code = run(args.dir, args.show)
    if args.alter:
        alter(args.dir, bool(args.show))
    return code


if __name__ == "__main__":
    raise SystemExit(main())
