"""Property tests of the assessment engine (hypothesis): totals are the sum of the points, points stay
within [0, max], ranks follow the totals and ties share a rank (1, 1, 3)."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from puhui.engines.assessment import (
    AUTOMATIC,
    BANK_EVALUATION,
    MILESTONES,
    NOTICE_RESPONSE,
    REPORT_TIMELINESS,
    TARGETS,
    CriterionSpec,
    UnitFacts,
    assess,
)

KINDS = [REPORT_TIMELINESS, MILESTONES, NOTICE_RESPONSE, TARGETS, BANK_EVALUATION, "quality", "innovation"]
points = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def unit_facts(draw, unit):
    """Facts as the database can give them: parts never exceed the whole they are counted from."""
    due = draw(st.integers(0, 40))
    on_time = draw(st.integers(0, due))
    late = draw(st.integers(0, due - on_time))
    m_due = draw(st.integers(0, 20))
    notices = draw(st.integers(0, 20))
    t_due = draw(st.integers(0, 20))
    t_met = draw(st.integers(0, t_due))
    t_over = draw(st.integers(0, t_due - t_met))
    top = draw(st.decimals(min_value="0.01", max_value=1000, places=2))
    return UnitFacts(
        targets_due=t_due,
        targets_met=t_met,
        targets_overridden=t_over,
        targets_no_data=draw(st.integers(0, t_due - t_met - t_over)),
        is_bank=draw(st.booleans()),
        bank_score=draw(st.none() | st.decimals(min_value=0, max_value=top, places=2)),
        bank_score_max=top,
        bank_unavailable=draw(st.booleans()),
        unit=unit,
        name=draw(st.sampled_from(["甲", "乙", "丙", "", "a"])),
        reports_due=due,
        reports_on_time=on_time,
        reports_late=late,
        milestones_due=m_due,
        milestones_met=draw(st.integers(0, m_due)),
        notices=notices,
        notices_on_time=draw(st.integers(0, notices)),
    )


@st.composite
def assessments(draw):
    n_criteria = draw(st.integers(1, 6))
    criteria = [
        CriterionSpec(key=f"c{i}", kind=draw(st.sampled_from(KINDS)), max_points=draw(points))
        for i in range(n_criteria)
    ]
    n_units = draw(st.integers(0, 12))
    facts = [draw(unit_facts(u)) for u in range(n_units)]
    manual = {}
    for c in criteria:
        if c.kind in AUTOMATIC:
            continue
        for f in facts:
            if draw(st.booleans()):
                # The office may enter more than the maximum here; the engine caps it.
                manual[(c.key, f.unit)] = draw(st.decimals(0, 150, places=3))
    return criteria, facts, manual


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(assessments())
def test_totals_points_and_ranks(case):
    criteria, facts, manual = case
    results = assess(criteria, facts, manual)
    assert sorted(r.unit for r in results) == sorted(f.unit for f in facts)
    for r in results:
        assert set(r.scores) == {c.key for c in criteria}
        for c in criteria:
            p = r.scores[c.key].points
            assert Decimal("0") <= p <= c.max_points.quantize(Decimal("0.01"))
            assert p == p.quantize(Decimal("0.01"))
        assert r.total == sum((s.points for s in r.scores.values()), Decimal("0"))
    totals = [r.total for r in results]
    assert totals == sorted(totals, reverse=True)
    for r in results:
        # Competition ranking: one more than the number of units strictly ahead.
        assert r.rank == 1 + sum(t > r.total for t in totals)
    for a, b in zip(results, results[1:], strict=False):
        assert (a.rank == b.rank) == (a.total == b.total)


@settings(max_examples=100, deadline=None)
@given(assessments(), st.randoms(use_true_random=False))
def test_order_of_the_input_does_not_matter(case, rnd):
    criteria, facts, manual = case
    shuffled = list(facts)
    rnd.shuffle(shuffled)
    a = [(r.unit, r.total, r.rank) for r in assess(criteria, facts, manual)]
    b = [(r.unit, r.total, r.rank) for r in assess(criteria, shuffled, manual)]
    assert sorted(a) == sorted(b)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 30), st.integers(0, 30), points)
def test_more_done_never_scores_less(due, done, top):
    done = min(done, due)
    for kind, make in [
        (MILESTONES, lambda k: UnitFacts("x", milestones_due=due, milestones_met=k)),
        (NOTICE_RESPONSE, lambda k: UnitFacts("x", notices=due, notices_on_time=k)),
        (REPORT_TIMELINESS, lambda k: UnitFacts("x", reports_due=due, reports_on_time=k)),
    ]:
        crit = [CriterionSpec("k", kind, top)]
        scores = [assess(crit, [make(k)])[0].total for k in range(due + 1)]
        assert scores == sorted(scores)
        assert scores[-1] == top.quantize(Decimal("0.01"))
