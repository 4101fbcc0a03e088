"""puhui.core.periods: the one definition of period codes, labels, dates and arithmetic, and the three
apps that build on it (data reporting periods, plan progress periods, index series)."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from puhui.core import periods as P

years = st.integers(min_value=P.FIRST_YEAR + 1, max_value=P.LAST_YEAR - 1)
kinds = st.sampled_from(P.KINDS)


@st.composite
def specs(draw, kind=kinds):
    k = draw(kind)
    return P.spec_for(k, draw(years), draw(st.integers(1, P.PER_YEAR[k])))


days = st.dates(min_value=datetime.date(P.FIRST_YEAR, 1, 1), max_value=datetime.date(P.LAST_YEAR - 1, 12, 31))


# ---------------------------------------------------------------- examples (the behaviour the apps relied on)


@pytest.mark.parametrize(
    ("code", "kind", "start", "end", "label"),
    [
        ("2020", "year", "2020-01-01", "2020-12-31", "2020年"),
        ("2020Q1", "quarter", "2020-01-01", "2020-03-31", "2020年第1季度"),
        ("2020q3", "quarter", "2020-07-01", "2020-09-30", "2020年第3季度"),
        ("2020-02", "month", "2020-02-01", "2020-02-29", "2020年2月"),
        ("2021-02", "month", "2021-02-01", "2021-02-28", "2021年2月"),
        (" 2020-08 ", "month", "2020-08-01", "2020-08-31", "2020年8月"),
    ],
)
def test_examples(code, kind, start, end, label):
    spec = P.parse_code(code)
    assert (spec.kind, spec.start.isoformat(), spec.end.isoformat(), spec.label) == (kind, start, end, label)
    assert P.label(code) == label


@pytest.mark.parametrize(
    "bad", ["", None, "20", "2020Q5", "2020Q0", "2020-13", "2020-00", "1999", "2101", "2020-8"]
)
def test_malformed_codes_raise(bad):
    with pytest.raises(ValueError, match="格式错误"):
        P.parse_code(bad)


def test_arithmetic_examples():
    assert P.previous_year_code("2021Q2") == "2020Q2"
    assert P.quarters_of(2020) == ["2020Q1", "2020Q2", "2020Q3", "2020Q4"]
    assert P.codes_between("quarter", "2020Q3", "2021Q2") == ["2020Q3", "2020Q4", "2021Q1", "2021Q2"]
    assert P.codes_between("month", "2020-11", "2021-01") == ["2020-11", "2020-12", "2021-01"]
    assert P.shift("2020Q4", 1) == "2021Q1" and P.shift("2021-01", -1) == "2020-12"
    assert P.ordinal("2020") == P.ordinal("2020Q4") == P.ordinal("2020-12")
    assert P.date_cn(datetime.date(2021, 1, 5)) == "2021年1月5日"
    # Due: 15 working days after 2020Q3 ends; Oct 1–8 are holidays, Saturday Oct 10 a working day.
    assert P.parse_code("2020Q3").due == datetime.date(2020, 10, 28)


# ---------------------------------------------------------------- properties


@given(specs())
def test_code_round_trips(spec):
    assert P.parse_code(spec.code) == spec
    assert P.code_for(spec.kind, spec.year, spec.number) == spec.code
    assert P.parse_code(spec.code.lower()) == spec


@given(specs())
def test_label_is_unique_and_matches_the_code(spec):
    label = P.label(spec.code)
    assert label.startswith(f"{spec.year}年")
    # Distinct periods have distinct labels: the label → code mapping is one-to-one.
    other = P.spec_for(spec.kind, spec.year, spec.number % P.PER_YEAR[spec.kind] + 1)
    assert (P.label(other.code) == label) == (other.code == spec.code)


@given(specs())
def test_start_and_end_bound_the_period(spec):
    assert spec.start <= spec.end
    assert spec.start.day == 1
    assert (spec.end + datetime.timedelta(days=1)).day == 1
    assert P.containing(spec.start, spec.kind) == spec
    assert P.containing(spec.end, spec.kind) == spec
    assert spec.due > spec.end


@given(days, kinds)
def test_containing_contains(day, kind):
    spec = P.containing(day, kind)
    assert spec.start <= day <= spec.end
    assert P.parse_code(spec.code) == spec


@given(days, kinds)
def test_periods_nest(day, kind):
    """A month lies in its quarter, a quarter in its year."""
    month, quarter, year = (P.containing(day, k) for k in (P.KIND_MONTH, P.KIND_QUARTER, P.KIND_YEAR))
    assert year.start <= quarter.start <= month.start <= month.end <= quarter.end <= year.end
    assert quarter.code in P.quarters_of(year.year)


@given(specs(), st.integers(-20, 20), st.integers(-20, 20))
def test_shift_is_additive_and_ordered(spec, a, b):
    spec = P.spec_for(spec.kind, 2040 + spec.year % 20, spec.number)  # room for ±40 years
    moved = P.shift(spec.code, a)
    assert P.parse_code(moved).kind == spec.kind
    assert P.shift(moved, -a) == spec.code
    assert P.shift(moved, b) == P.shift(spec.code, a + b)
    assert (P.ordinal(moved) > P.ordinal(spec.code)) == (a > 0)
    assert (P.parse_code(moved).start > spec.start) == (a > 0)
    assert P.shift(spec.code, P.PER_YEAR[spec.kind]) == P.code_for(spec.kind, spec.year + 1, spec.number)


@given(specs(), st.integers(0, 30))
def test_codes_between_is_consecutive(spec, n):
    last = P.shift(spec.code, n)
    if int(last[:4]) > P.LAST_YEAR:
        return
    codes = P.codes_between(spec.kind, spec.code, last)
    assert len(codes) == n + 1 and codes[0] == spec.code and codes[-1] == last
    for a, b in zip(codes, codes[1:], strict=False):
        assert P.shift(a, 1) == b
        assert P.parse_code(a).end + datetime.timedelta(days=1) == P.parse_code(b).start


@given(days, st.integers(0, 400), kinds)
def test_between_tiles_the_range(first, length, kind):
    last = first + datetime.timedelta(days=length)
    got = P.between(first, last, kind)
    assert got[0].start <= first <= got[0].end and got[-1].start <= last <= got[-1].end
    for a, b in zip(got, got[1:], strict=False):
        assert a.end + datetime.timedelta(days=1) == b.start


@given(specs())
def test_previous_year(spec):
    prev = P.parse_code(P.previous_year_code(spec.code))
    assert (prev.kind, prev.year, prev.number) == (spec.kind, spec.year - 1, spec.number)
    assert P.ordinal(spec.code) - P.ordinal(prev.code) == 12


# ---------------------------------------------------------------- the three apps build on it


@given(days, st.sampled_from(["monthly", "quarterly"]), st.integers(0, 20))
def test_plan_periods_are_core_periods(day, frequency, due):
    from puhui.plan.workdays import period_containing

    period = period_containing(day, frequency, due)
    spec = P.containing(day, P.KIND_MONTH if frequency == "monthly" else P.KIND_QUARTER)
    assert (period.code, period.start, period.end, period.label) == (
        spec.code,
        spec.start,
        spec.end,
        spec.label,
    )
    assert period.due_on >= period.end


def test_plan_periods_between():
    from puhui.plan.workdays import periods_between

    got = periods_between(datetime.date(2020, 2, 15), datetime.date(2020, 7, 1), "quarterly", 10)
    assert [p.code for p in got] == ["2020Q1", "2020Q2", "2020Q3"]
    assert got[0].label == "2020年第1季度"


@given(st.integers(2019, 2040), st.integers(0, 3), st.sampled_from(["year", "quarter"]))
def test_index_periods_are_core_periods(first, span, frequency):
    from puhui.index.periods import periods

    got = periods(frequency, first, first + span)
    assert len(got) == (span + 1) * (1 if frequency == "year" else 4)
    for p in got:
        spec = P.parse_code(p.label)
        assert spec.kind == frequency and p.end == spec.end and p.title == spec.label
