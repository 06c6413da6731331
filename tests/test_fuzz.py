"""Property tests: the text stages never raise on generated report-like input (bench/fuzz.py runs 100,000+)."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafter.corpus.chunk import chunk_sections, sections
from drafter.corpus.classify import infer_kind, infer_period
from drafter.corpus.clean import clean_text
from drafter.corpus.text import decode_bytes
from drafter.errors import UserError
from drafter.render import parse_sections
from drafter.verify import extract_figures, verify_markdown

_spec = importlib.util.spec_from_file_location("fuzz_bench", Path(__file__).parents[1] / "bench" / "fuzz.py")
fuzz_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fuzz_bench)

FACTS = fuzz_bench._facts()
report_text = st.lists(
    st.one_of(st.sampled_from(fuzz_bench.PIECES), st.characters(blacklist_categories=("Cs",)),
              st.integers(-10**15, 10**25).map(str), st.floats(allow_nan=False, allow_infinity=False).map(str)),
    max_size=60,
).map("".join)
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(report_text)
def test_extract_figures_never_raises_and_spans_stay_inside(text):
    for fig in extract_figures(text):
        assert 0 <= fig.start <= fig.end <= len(text)


@FAST
@given(report_text)
def test_verifier_never_raises_on_arbitrary_markdown(text):
    for finding in verify_markdown(text, FACTS, period="2025"):
        assert finding.line >= 1 and finding.verdict in ("verified", "mismatch", "unsupported", "claim_error")


@FAST
@given(report_text)
def test_cleaner_never_raises(text):
    cleaned, removed, hints = clean_text(text)
    assert all(count > 0 for count in removed.values())
    sections(cleaned)
    chunk_sections(cleaned)
    infer_period(cleaned[:40], cleaned, infer_kind(cleaned[:40], cleaned), hints.get("date", ""))


@FAST
@given(st.binary(max_size=300))
def test_decoder_returns_text_or_a_clear_error(data):
    try:
        assert isinstance(decode_bytes(data), str)
    except UserError as err:
        assert "save it as UTF-8" in str(err)


@FAST
@given(report_text)
def test_section_parser_never_raises(text):
    for section in parse_sections(text):
        assert section.start_line <= section.end_line
        assert isinstance(section.edited, bool)


# The hang bench/fuzz.py found, and two crashes found reading the same function (numerals._arabic_at).
@pytest.mark.parametrize("text", [
    # 10 ** 125830722126523: the exponent of "1e…" was taken whole and the power never finished.
    "翻倍HW~~〮1194146521)成位)1e125830722126523.015？“```markdown\n)0环比",
    "1e125830722126523",
    "增长2^9999倍",  # OverflowError: 2.0 ** 9999
    "0^-1",  # ZeroDivisionError: 0.0 ** -1
])
def test_fuzz_crash_regressions(text):
    started = time.perf_counter()
    extract_figures(text)
    verify_markdown(text, FACTS, period="2025")
    assert time.perf_counter() - started < 2


def test_exponents_still_read_as_figures():
    assert [f.value for f in extract_figures("3.2e5元")] == [320000.0]
    assert [f.value for f in extract_figures("1e12元")] == [1e12]
