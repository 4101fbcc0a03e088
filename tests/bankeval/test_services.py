"""The evaluation's services on the small scene: figures read at institution level, scored, graded, ranked,
stored and published; qualitative scores refused in Chinese with nothing half-stored."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from puhui.bankeval.models import Evidence, QualitativeScore, Result, Run
from puhui.bankeval.selectors import results
from puhui.bankeval.services.qualitative import qualitative_set
from puhui.bankeval.services.runs import run_compute, run_publish
from puhui.bankeval.services.sets import set_add, set_in_force
from puhui.core import plugins
from puhui.core.models import AuditLog
from puhui.data.models import ReportingPeriod
from tests.bankeval.conftest import score_all

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


def _result(run, bank) -> Result:
    return run.results.get(bank=bank)


def test_a_year_is_scored_from_institution_figures_registers_and_qualitative_points(users, county, figures):
    office = users["office"]
    score_all(office, county, 2021)
    run = run_compute(actor=office, period=ReportingPeriod.objects.get(code="2021"))
    abc, rcb = _result(run, county["abc"]), _result(run, county["rcb"])
    # RCB: agri +20 % (12), small +25 % (12), best credit share (8) and first loans (8), pre-credit 250 of the
    # 500 farm households of 历山街道 it serves = 50 % of the 2021 goal 70 % (5.71), channels kept (6), bill pay
    # 100 % (6), dearer loans (0), NPL 2.0 % (4.29), qualitative 20; no complaint was due: full 5 → 87 of 100.
    assert rcb.scores["agri_loan_growth"] == {"value": "20.00", "points": "12.00", "status": "scored"}
    assert rcb.scores["precredit_coverage"]["value"] == "50.00"
    assert rcb.scores["precredit_coverage"]["points"] == "5.71"
    assert rcb.scores["complaint_on_time"] == {"value": None, "points": "5.00", "status": "absent"}
    assert (rcb.total, rcb.grade, rcb.rank) == (Decimal("87.00"), "良好", 1)
    # ABC keeps no credit archives: pre-credit does not apply; 62.79 of 92 → 68.25.
    assert abc.scores["precredit_coverage"]["status"] == "na"
    assert abc.scores["loan_rate"]["points"] == "5.00"
    assert (abc.total, abc.grade, abc.rank) == (Decimal("68.25"), "中等", 2)
    assert run.averages["total"] == "77.63"
    assert run.missing_qualitative == 0 and run.banks == 2
    assert AuditLog.objects.filter(object_type="bankeval.Run", object_id=str(run.pk)).exists()


def test_the_plan_goal_of_the_year_is_used(users, county, figures):
    score_all(users["office"], county, 2020)
    run = run_compute(actor=users["office"], period=ReportingPeriod.objects.get(code="2020"))
    # 2020: 150 of 500 = 30 % against the plan's 60 % for 2020 → 8 × 0.5 = 4.
    assert _result(run, county["rcb"]).scores["precredit_coverage"]["points"] == "4.00"


def test_quarterly_monitoring_scores_the_quantitative_indicators_only(users, county, figures):
    run = run_compute(actor=users["office"], period=ReportingPeriod.objects.get(code="2021Q2"))
    assert run.kind == Run.Kind.MONITORING and run.missing_qualitative == 0
    abc = _result(run, county["abc"])
    assert abc.scores["policy"]["status"] == "na"
    assert abc.scores["agri_loan_growth"]["value"] == "30.00"  # 130 on 100 a year earlier
    assert abc.scores["credit_loan_share"]["status"] == "absent"  # not reported: no points
    # 75 less pre-credit (8) and bill pay (6, not reported: a bank without terminals has none)
    assert abc.applicable == Decimal("61.00")


def test_a_complaints_service_when_installed_is_scored_and_no_complaint_costs_nothing(
    users, county, figures, monkeypatch
):
    real = plugins.service

    def fake(name):
        if name == "complaints_on_time_rate":
            return lambda start, end: {county["abc"].pk: 90}  # RCB received none
        return real(name)

    monkeypatch.setattr(plugins, "service", fake)
    score_all(users["office"], county, 2021)
    run = run_compute(actor=users["office"], period=ReportingPeriod.objects.get(code="2021"))
    assert _result(run, county["abc"]).scores["complaint_on_time"]["points"] == "2.50"  # 90 % of 80–100
    assert _result(run, county["rcb"]).scores["complaint_on_time"] == {"value": None, "points": "5.00",
                                                                       "status": "absent"}  # fmt: skip


def test_publishing_needs_every_qualitative_score_and_replaces_the_earlier_publication(
    users, county, figures
):
    office = users["office"]
    year = ReportingPeriod.objects.get(code="2021")
    early = run_compute(actor=office, period=year)
    assert early.missing_qualitative == 10
    with pytest.raises(ValidationError, match="还有 10 个定性项目未录入"):
        run_publish(actor=office, run=early)
    score_all(office, county, 2021)
    first = run_publish(actor=office, run=run_compute(actor=office, period=year))
    second = run_publish(actor=office, run=run_compute(actor=office, period=year))
    first.refresh_from_db()
    assert not first.is_published and second.is_published
    with pytest.raises(ValidationError, match="只有领导小组办公室"):
        run_publish(actor=users["abc"], run=early)


def test_the_service_offers_published_results_for_the_plan(users, county, figures):
    office = users["office"]
    score_all(office, county, 2021)
    run = run_compute(actor=office, period=ReportingPeriod.objects.get(code="2021"))
    service = plugins.service("bank_evaluation_results")
    assert service(2021) == {}  # not published yet
    run_publish(actor=office, run=run)
    got = service(2021)
    assert got[county["rcb"].pk] == {
        "total": Decimal("87.00"),
        "grade": "良好",
        "rank": 1,
        "banks": 2,
        "run": run.pk,
    }


def test_the_office_is_told_of_missing_qualitative_scores(users, county, figures):
    office = users["office"]
    set_in_force(actor=office)
    assert results.missing_qualitative_count(office) == 10  # 2021: 2 banks × 5 items
    assert results.missing_qualitative_count(users["abc"]) == 0
    score_all(office, county, 2021)
    assert results.missing_qualitative_count(office) == 0


@pytest.mark.parametrize(
    "item,points,reason,files,message",
    [
        ("policy", "6", "理由", [], "“政策实施”的得分应在 0 到 5 分之间"),
        ("policy", "-1", "理由", [], "得分应在 0 到 5 分之间"),
        ("policy", "四分", "理由", [], "“政策实施”的得分应为数字"),
        ("policy", "3.333", "理由", [], "最多两位小数"),
        ("policy", "3", "  ", [], "请写明评分理由"),
        ("nope", "3", "理由", [], "没有定性项目“nope”"),
        ("policy", "3", "理由", [("说明.txt", b"plain text")], "不是允许的文件类型"),
    ],
)
def test_bad_qualitative_input_is_refused_in_chinese_and_nothing_is_kept(
    users, county, item, points, reason, files, message
):
    stored = set_in_force(actor=users["office"])
    with pytest.raises(ValidationError) as e:
        qualitative_set(actor=users["office"], indicator_set=stored, bank=county["abc"], year=2021, item=item,
                        points=points, reason=reason, files=[("材料.pdf", PDF), *files])  # fmt: skip
    assert any(message in m for m in e.value.messages), e.value.messages
    assert not QualitativeScore.objects.exists() and not Evidence.objects.exists()


def test_only_the_office_scores_and_only_county_banks(users, county):
    stored = set_in_force(actor=users["office"])
    for actor, bank in ((users["abc"], county["abc"]), (users["office"], county["pboc"])):
        with pytest.raises(ValidationError, match="只有领导小组办公室"):
            qualitative_set(actor=actor, indicator_set=stored, bank=bank, year=2021, item="policy", points="3",
                            reason="理由")  # fmt: skip


def test_a_new_version_of_the_set_is_checked_whole(users):
    stored = set_in_force(actor=users["office"])
    with pytest.raises(ValidationError, match="版本 1 已经存在"):
        set_add(actor=users["office"], text=stored.text)
    with pytest.raises(ValidationError) as e:
        set_add(actor=users["office"], text="version: 2\nname: 新版\ngrades: []\nindicators: []\n")
    assert len(e.value.messages) == 2  # grades and indicators, both reported


def test_only_the_office_runs_the_evaluation(users, figures):
    with pytest.raises(ValidationError, match="只有领导小组办公室可以进行综合评价"):
        run_compute(actor=users["abc"], period=ReportingPeriod.objects.get(code="2021"))
    assert not Run.objects.exists()
