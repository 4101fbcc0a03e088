"""The outcome criteria of the assessment engine: 目标达成 (targets met at their deadline, or closed by the
office's override) and 金融机构综合评价 (a bank's evaluation scaled to the criterion's points)."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from puhui.engines.assessment import BANK_EVALUATION, OUTCOMES, TARGETS, CriterionSpec, UnitFacts, assess

D = Decimal


def one(kind, max_points, facts):
    return assess([CriterionSpec("k", kind, D(max_points))], [facts])[0].scores["k"]


def test_targets_met_or_confirmed_earn_their_share_unmet_and_no_data_nothing():
    s = one(
        TARGETS, 20, UnitFacts("u", targets_due=4, targets_met=1, targets_overridden=1, targets_no_data=1)
    )
    assert s.points == D("10.00")
    assert s.detail == {"关联目标": 4, "按期达成": 1, "办公室确认": 1, "未达成": 1, "暂无数据": 1}
    assert one(TARGETS, 20, UnitFacts("u")).points == D("20.00")  # no linked target: nothing deducted
    assert one(TARGETS, 20, UnitFacts("u", targets_due=3)).points == D("0.00")
    assert one(TARGETS, 20, UnitFacts("u", targets_due=3, targets_met=1)).points == D("6.67")


def test_bank_evaluation_scaled_not_applicable_missing_or_unavailable():
    bank = UnitFacts("b", is_bank=True, bank_score=D("85.5"), bank_grade="良好")
    s = one(BANK_EVALUATION, 10, bank)
    assert s.points == D("8.55") and s.detail == {"综合评价得分": "85.5", "满分": "100", "等级": "良好"}
    assert one(
        BANK_EVALUATION, 10, UnitFacts("b", is_bank=True, bank_score=D("45"), bank_score_max=D("60"))
    ).points == D("7.50")
    assert one(BANK_EVALUATION, 10, UnitFacts("m")).points == D("10.00")  # no bank: not applicable
    missing = one(BANK_EVALUATION, 10, UnitFacts("b", is_bank=True))
    assert missing.points == D("0.00") and missing.detail == {"综合评价": "本考核期暂无评价结果"}
    # No evaluation on the platform at all: the criterion scores nothing, for everyone, and says so.
    for f in (
        bank,
        UnitFacts("m", bank_unavailable=True),
        UnitFacts("b2", is_bank=True, bank_unavailable=True),
    ):
        f.bank_unavailable = True
        s = one(BANK_EVALUATION, 10, f)
        assert s.points == D("0.00") and "未提供" in s.detail["综合评价"]


def test_outcome_kinds_are_automatic_and_marked():
    assert {TARGETS, BANK_EVALUATION} == OUTCOMES


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    due=st.integers(0, 30),
    parts=st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 30)),
    top=st.decimals(min_value=0, max_value=200, places=2),
    is_bank=st.booleans(),
    unavailable=st.booleans(),
    score=st.none() | st.decimals(min_value=-50, max_value=300, places=3),
    score_max=st.decimals(min_value="0.5", max_value=200, places=2),
)
def test_outcome_points_stay_within_zero_and_the_maximum(
    due, parts, top, is_bank, unavailable, score, score_max
):
    met = min(parts[0], due)
    over = min(parts[1], due - met)
    facts = UnitFacts(
        "u",
        targets_due=due,
        targets_met=met,
        targets_overridden=over,
        targets_no_data=min(parts[2], due - met - over),
        is_bank=is_bank,
        bank_score=score,  # even out of range (the file reader refuses it; the engine clamps)
        bank_score_max=score_max,
        bank_unavailable=unavailable,
    )
    for kind in (TARGETS, BANK_EVALUATION):
        p = one(kind, top, facts).points
        assert D("0") <= p <= top.quantize(D("0.01")) and p == p.quantize(D("0.01"))


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 30), st.integers(0, 30), st.decimals(min_value=0, max_value=100, places=2))
def test_more_targets_met_never_scores_less(due, done, top):
    done = min(done, due)
    scores = [
        one(TARGETS, top, UnitFacts("u", targets_due=due, targets_met=k)).points for k in range(done + 1)
    ]
    assert scores == sorted(scores)


def test_the_command_line_reads_the_outcome_columns(tmp_path, capsys):
    import json

    from puhui.engines.assessment.cli import main

    (tmp_path / "c.csv").write_text(
        "key,kind,max_points\nt,targets,20\nb,bank_evaluation,10\n", encoding="utf-8"
    )
    (tmp_path / "f.csv").write_text(
        "unit,name,targets_due,targets_met,targets_overridden,targets_no_data,is_bank,bank_score,bank_grade\n"
        "01,农商行,2,1,0,0,1,85.5,良好\n02,财政局,2,1,1,0,,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.json"
    assert (
        main(["--criteria", str(tmp_path / "c.csv"), "--facts", str(tmp_path / "f.csv"), "--out", str(out)])
        == 0
    )
    rows = {r["unit"]: r for r in json.loads(out.read_text(encoding="utf-8"))}
    assert rows["01"]["scores"]["t"]["points"] == 10 and rows["01"]["scores"]["b"]["points"] == 8.55
    assert rows["02"]["total"] == 30  # 20 (one met, one confirmed) + 10 (no bank)
    (tmp_path / "bad.csv").write_text(
        "unit,targets_due,targets_met,targets_no_data,is_bank,bank_score\n01,1,1,1,1,120\n02,0,0,0,2,\n",
        encoding="utf-8",
    )
    assert (
        main(["--criteria", str(tmp_path / "c.csv"), "--facts", str(tmp_path / "bad.csv"), "--out", str(out)])
        == 2
    )
    err = capsys.readouterr().err
    assert "单位事实第 1 条：targets_met + targets_overridden + targets_no_data 超过 targets_due" in err
    assert "单位事实第 1 条：bank_score 应为 0 到 100 之间的数（现为“120”）" in err
    assert "单位事实第 2 条：is_bank 应为 0 或 1（现为“2”）" in err
