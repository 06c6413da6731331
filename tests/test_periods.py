"""The one period reader: every label make_period writes reads back, strict and lenient, to the same period; the
looser spellings a facts table or a sentence uses name the same period; a 53rd ISO week exists only where the
calendar has one; whatever is not a period is None to the lenient reader and a clear error to the strict one."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drafter.corpus.classify import check_period
from drafter.errors import UserError
from drafter.periods import Period, make_period, parse_period, period_days, read_period, shift_period

YEARS = range(2020, 2031)
COUNTS = {"year": 1, "half": 2, "quarter": 4, "month": 12}


def has_53_weeks(year: int) -> bool:
    """The calendar rule, independent of the reader: 1 January a Thursday, or a Wednesday in a leap year."""
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    weekday = date(year, 1, 1).isoweekday()
    return weekday == 4 or (leap and weekday == 3)


def every_period(years=YEARS) -> list[Period]:
    out = [make_period(grain, year, index) for year in years for grain, count in COUNTS.items()
           for index in range(1, count + 1)]
    return out + [make_period("week", year, week) for year in years for week in range(1, 53 + has_53_weeks(year))]


def loose_spellings(period: Period) -> list[str]:
    """Ways a document writes the period's name besides its label: a 年 or a space after the year, lower case,
    a month without its zero, a week without its dash."""
    year, index = period.year, period.index
    if period.grain in ("quarter", "half"):
        letter = "Q" if period.grain == "quarter" else "H"
        return [f"{year}{joint}{case}{index}" for joint in ("年", " ", " 年") for case in (letter, letter.lower())]
    if period.grain == "month":
        return [f"{year}年-{index}", f"{year} -{index:02d}", f"{year}-{index}"]
    if period.grain == "week":
        return [f"{year}W{index}", f"{year}w{index:02d}", f"{year}年W{index}", f"{year} -W{index:02d}"]
    return [f" {year} "]


def test_every_label_reads_back_strictly_and_leniently_to_its_period():
    periods = every_period()
    assert len(periods) == len(YEARS) * (1 + 2 + 4 + 12 + 52) + 2  # 2020 and 2026 have a 53rd week
    for period in periods:
        assert parse_period(period.label) == period
        assert read_period(period.label) == period
        assert read_period(f" {period.label}\n") == period
        assert period_days(period.label) == len(period.days()) == (period.end - period.start).days


def test_loose_spellings_name_the_same_period_and_only_the_lenient_reader_takes_a_joint():
    for period in every_period():
        for text in loose_spellings(period):
            assert read_period(text) == period, text
            if "年" in text or " " in text.strip():
                with pytest.raises(UserError, match="not understood"):
                    parse_period(text)
            else:
                assert parse_period(text) == period, text


def test_a_53rd_week_only_in_years_that_have_one():
    assert [year for year in YEARS if has_53_weeks(year)] == [2020, 2026]
    for year in range(1990, 2060):
        label = f"{year}-W53"
        if has_53_weeks(year):
            assert read_period(label) == make_period("week", year, 53)
            next_week_one = date(year + 1, 1, 4) - timedelta(days=date(year + 1, 1, 4).weekday())  # holds 4 January
            assert parse_period(label).end == next_week_one
        else:
            assert read_period(label) is None and period_days(label) == 0 and shift_period(label, years=-1) == ""
            with pytest.raises(UserError, match=f"{year} has ISO weeks 1 to 52"):
                parse_period(label)


@pytest.mark.parametrize("text", ["2025Q5", "2025Q0", "2025H3", "2025-13", "2025-00", "2025-W00", "2025-W54",
                                  "2025年", "Q3", "", "2025Q3x", "25Q3", "2025-Q3", "2025年第三季度", "2025/07",
                                  "0000-W01", "0999"])
def test_what_is_not_a_period_is_none_or_a_clear_error(text):
    assert read_period(text) is None
    assert period_days(text) == 0 and shift_period(text, steps=-1) == ""
    with pytest.raises(UserError, match="period"):
        parse_period(text)


def test_periods_tile_the_calendar_and_shifts_undo_each_other():
    for period in every_period():
        following = period.shifted(steps=1)
        assert following.start == period.end and following.grain == period.grain
        assert following.shifted(steps=-1) == period == period.previous().shifted(steps=1)
        assert shift_period(period.label, steps=1) == following.label
        assert shift_period(period.label, years=-1) == period.previous_year().label
    for year in YEARS:
        months = [make_period("month", year, m) for m in range(1, 13)]
        assert sum(len(m.days()) for m in months) == period_days(str(year)) == (366 if year % 4 == 0 else 365)


@given(st.text(alphabet="0123456789QHWqhw-年 第季度月周", max_size=12))
def test_any_text_reads_as_no_period_or_one_whose_label_reads_back(text):
    period = read_period(text)
    if period is None:
        with pytest.raises(UserError):
            parse_period(text)
    else:
        assert read_period(period.label) == period == parse_period(period.label)
        assert int(text.strip()[:4]) == period.year


def test_the_corpus_takes_a_period_through_the_same_reader():
    for period in every_period():
        for text in (period.label, *loose_spellings(period)):
            assert check_period(text) == period.label, text
    assert check_period("2025年") == "2025"
    for text in ("2021-W53", "25年", "last year", "2025Q5"):
        with pytest.raises(UserError, match="2025Q3"):
            check_period(text)
