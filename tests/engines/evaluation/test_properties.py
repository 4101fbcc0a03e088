"""Property tests of the evaluation engine (hypothesis): points within [0, weight], totals within [0, full],
ties share a rank and a rank is one more than the banks strictly ahead, grades monotone in the total."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from puhui.engines.evaluation import (
    NA,
    NOT_APPLICABLE,
    BankFigures,
    Grade,
    IndicatorSet,
    IndicatorSpec,
    evaluate,
)

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=50)
numbers = st.decimals(min_value=-50, max_value=150, places=2, allow_nan=False, allow_infinity=False)
weights = st.decimals(min_value=1, max_value=30, places=1)
GRADES = (
    Grade("优秀", Decimal(90)),
    Grade("良好", Decimal(75)),
    Grade("中等", Decimal(60)),
    Grade("较差", Decimal(0)),
)


@st.composite
def indicator(draw, n):
    method = draw(st.sampled_from(["linear", "rank", "manual"]))
    floor = draw(numbers)
    goal = draw(numbers.filter(lambda g: g != floor))
    return IndicatorSpec(
        code=f"i{n}", name=f"指标{n}", unit="%", weight=draw(weights), method=method,
        part="qualitative" if method == "manual" else "quantitative",
        direction=draw(st.sampled_from(["higher", "lower"])), floor=floor, goal=goal,
        if_absent=draw(st.sampled_from(["zero", "full", "na"])),
    )  # fmt: skip


@st.composite
def evaluations(draw):
    specs = tuple(draw(indicator(n)) for n in range(draw(st.integers(1, 6))))
    banks = [
        BankFigures(
            bank=str(b),
            name=draw(st.sampled_from(["甲", "乙", "丙", ""])),
            values={s.code: draw(st.one_of(st.none(), st.just(NA), numbers)) for s in specs},
        )
        for b in range(draw(st.integers(1, 8)))
    ]
    return IndicatorSet(version=1, name="测试", indicators=specs, grades=GRADES), banks


@SETTINGS
@given(evaluations())
def test_points_and_totals_stay_within_their_maximum(case):
    indicator_set, banks = case
    for r in evaluate(indicator_set, banks, year=2021):
        for spec in indicator_set.indicators:
            assert Decimal(0) <= r.scores[spec.code].points <= spec.weight
        assert Decimal(0) <= r.total <= indicator_set.full


@SETTINGS
@given(evaluations())
def test_ties_share_a_rank_and_a_rank_counts_the_banks_ahead(case):
    indicator_set, banks = case
    results = evaluate(indicator_set, banks)
    for r in results:
        assert r.rank == 1 + sum(1 for o in results if o.total > r.total)
    assert [r.rank for r in results] == sorted(r.rank for r in results)


@SETTINGS
@given(evaluations())
def test_grades_are_monotone_in_the_total(case):
    indicator_set, banks = case
    order = {g.label: n for n, g in enumerate(indicator_set.grades)}  # 0 is the best
    results = evaluate(indicator_set, banks)
    for a in results:
        for b in results:
            if a.total >= b.total:
                assert order[a.grade] <= order[b.grade]


@SETTINGS
@given(evaluations())
def test_a_rank_indicator_gives_tied_values_the_same_points(case):
    indicator_set, banks = case
    results = evaluate(indicator_set, banks)
    for spec in indicator_set.indicators:
        if spec.method != "rank":
            continue
        seen = {}
        for r in results:
            s = r.scores[spec.code]
            if s.status != NOT_APPLICABLE and s.value is not None:
                assert seen.setdefault(s.value, s.points) == s.points
