"""The held-out set (three made-up companies): every wrong sentence caught, at most 2% of correct ones flagged.

tests/verify_heldout/cases.tsv holds sentences in the shapes analysts, journalists and models write, each correct
or with exactly one realistic error; facts.csv their quarterly facts. bench/verifier_dev.py --dir prints per tag."""

import csv
from pathlib import Path

from drafter.verify import load_facts_csv, verify_markdown

HERE = Path(__file__).parent / "verify_heldout"
FLAGS = ("mismatch", "claim_error")


def _flagged_lines():
    with (HERE / "cases.tsv").open(encoding="utf-8") as fh:
        cases = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    text = "# 季度业绩\n\n" + "\n\n".join(c["text"] for c in cases) + "\n"
    findings = verify_markdown(text, load_facts_csv(HERE / "facts.csv"))
    flagged = {f.line for f in findings if f.verdict in FLAGS}
    return [(c, 3 + 2 * k in flagged) for k, c in enumerate(cases)]


def test_heldout_set_is_balanced_and_large():
    cases = [c for c, _ in _flagged_lines()]
    assert len(cases) >= 150
    assert sum(c["expect"] == "error" for c in cases) >= 50


def test_every_wrong_sentence_is_caught_and_few_correct_ones_are_flagged():
    judged = _flagged_lines()
    missed = [c["text"] for c, hit in judged if c["expect"] == "error" and not hit]
    alarms = [c["text"] for c, hit in judged if c["expect"] == "ok" and hit]
    oks = sum(c["expect"] == "ok" for c, _ in judged)
    assert missed == []
    assert len(alarms) <= 0.02 * oks, alarms
