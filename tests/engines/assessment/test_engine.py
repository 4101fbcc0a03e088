"""The assessment rules (no database): shares, half credit for late reports, nothing due → full points,
manual points capped, ties share a rank."""

from decimal import Decimal

import pytest

from puhui.engines.assessment import (
    MILESTONES,
    NOTICE_RESPONSE,
    REPORT_TIMELINESS,
    CriterionSpec,
    UnitFacts,
    assess,
    automatic_score,
)

D = Decimal


def test_engine_scores_and_ranks_with_ties():
    crit = [
        CriterionSpec("r", REPORT_TIMELINESS, D("30")),
        CriterionSpec("m", MILESTONES, D("30")),
        CriterionSpec("n", NOTICE_RESPONSE, D("20")),
        CriterionSpec("q", "quality", D("20")),
    ]
    facts = [
        UnitFacts("a", "甲", reports_due=4, reports_on_time=4, milestones_due=2, milestones_met=1, notices=0),
        UnitFacts("b", "乙", reports_due=4, reports_on_time=2, reports_late=1, notices=2, notices_on_time=1),
        UnitFacts("c", "丙", reports_due=4, reports_on_time=4, milestones_due=2, milestones_met=1),
    ]
    results = assess(crit, facts, {("q", "a"): D("18"), ("q", "c"): D("18"), ("q", "b"): D("25")})
    by = {r.unit: r for r in results}
    assert by["a"].scores["r"].points == D("30.00")
    assert by["b"].scores["r"].points == D("18.75")  # (2 + 0.5) / 4 × 30
    assert by["b"].scores["m"].points == D("30.00")  # nothing due: nothing deducted
    assert by["b"].scores["n"].points == D("10.00")
    assert by["b"].scores["q"].points == D("20.00")  # capped at the maximum
    assert by["a"].total == by["c"].total == D("83.00")
    # Ties share the rank and are listed by name (丙 U+4E19 before 甲 U+7532), then unit.
    assert [(r.unit, r.rank) for r in results] == [("c", 1), ("a", 1), ("b", 3)]


def test_report_timeliness_detail_and_half_credit():
    f = UnitFacts("x", reports_due=14, reports_on_time=0, reports_late=1)
    s = automatic_score(REPORT_TIMELINESS, D("30"), f)
    assert s.points == D("1.07")  # 0.5 / 14 × 30 = 1.0714…
    assert s.detail == {"应报": 14, "按时": 0, "逾期补报": 1, "未报": 13}


def test_rounding_is_half_up_to_cents():
    # 1 of 8 × 0.1 = 0.0125 → 0.01; 3 of 8 × 0.1 = 0.0375 → 0.04 (half up, not half even)
    assert automatic_score(
        MILESTONES, D("0.1"), UnitFacts("x", milestones_due=8, milestones_met=1)
    ).points == D("0.01")
    assert automatic_score(
        MILESTONES, D("0.1"), UnitFacts("x", milestones_due=8, milestones_met=3)
    ).points == D("0.04")
    assert automatic_score(
        NOTICE_RESPONSE, D("20"), UnitFacts("x", notices=8, notices_on_time=1)
    ).points == D("2.50")


@pytest.mark.parametrize("kind", [REPORT_TIMELINESS, MILESTONES, NOTICE_RESPONSE])
def test_nothing_due_scores_full_points(kind):
    assert automatic_score(kind, D("12.5"), UnitFacts("x")).points == D("12.50")


def test_details_name_what_was_counted():
    f = UnitFacts("x", milestones_due=3, milestones_met=2, notices=5, notices_on_time=4)
    assert automatic_score(MILESTONES, D("30"), f).detail == {"到期里程碑": 3, "按期完成": 2}
    assert automatic_score(NOTICE_RESPONSE, D("20"), f).detail == {"督办事项": 5, "按期办理": 4}


def test_manual_criterion_without_points_scores_zero_until_entered():
    crit = [CriterionSpec(7, "quality", D("20"))]
    [r] = assess(crit, [UnitFacts(1, "甲")])
    assert r.scores[7].points == D("0.00") and r.scores[7].detail == {"人工评分": False}
    [r] = assess(crit, [UnitFacts(1, "甲")], {(7, 1): D("12.345")})
    assert r.scores[7].points == D("12.34") and r.scores[7].detail == {"人工评分": True}
    assert r.total == D("12.34") and r.rank == 1


def test_automatic_score_refuses_a_manual_kind():
    with pytest.raises(ValueError, match="not an automatic criterion"):
        automatic_score("quality", D("20"), UnitFacts("x"))


def test_ranks_are_competition_ranks():
    crit = [CriterionSpec("q", "quality", D("10"))]
    facts = [UnitFacts(u, u) for u in "abcde"]
    manual = {
        ("q", "a"): D("5"),
        ("q", "b"): D("9"),
        ("q", "c"): D("9"),
        ("q", "d"): D("5"),
        ("q", "e"): D("1"),
    }
    results = assess(crit, facts, manual)
    assert [(r.unit, r.total, r.rank) for r in results] == [
        ("b", D("9.00"), 1),
        ("c", D("9.00"), 1),
        ("a", D("5.00"), 3),
        ("d", D("5.00"), 3),
        ("e", D("1.00"), 5),
    ]


def test_no_units_no_results():
    assert assess([CriterionSpec("r", REPORT_TIMELINESS, D("30"))], []) == []
