"""Assessment by outcomes (issue #14 item 3): a milestone linked to a target closes only when the target's
figure meets it, or by the office's override with a written reason; the 目标达成 and 金融机构综合评价
criteria; the 通报 (page and Word) lists the unmet milestones and the overrides; published weights freeze.

The target's figure comes from the data app through the "target_status" service; the banks' evaluation
through "bank_evaluation_results", replaced here by a stand-in so the test does not depend on its data.
"""

import datetime
import io
from decimal import Decimal

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document

from puhui.core.models import AuditLog
from puhui.data import services as data_services
from puhui.data.models import DerivedRun, Indicator, IndicatorValue, Target
from puhui.plan import loader, outcomes, services
from puhui.plan.documents import bulletin_docx, plan_workbook
from puhui.plan.models import Milestone, Plan, Score
from puhui.plan.selectors import ranking
from tests.plan.conftest import PLAN_FILE, task

START, END, AS_OF = datetime.date(2020, 7, 28), datetime.date(2021, 1, 31), datetime.date(2021, 2, 1)


def at(day: str):
    return timezone.make_aware(datetime.datetime.fromisoformat(day).replace(hour=10))


def county_figure(indicator: str, period: str, value) -> None:
    run = DerivedRun.objects.create(period=data_services.period_get(period))
    IndicatorValue.objects.create(
        run=run,
        indicator_code=indicator,
        indicator_version=1,
        period=run.period,
        level="county",
        value=Decimal(value),
    )


def target(code, indicator, name, threshold, deadline):
    label = {"archive_rate": "农户建档率", "sp_upgrade_rate": "服务站升级率"}[indicator]
    Indicator.objects.get_or_create(
        code=indicator,
        defaults={"name": label, "definition": label, "unit": "%", "source_kind": "formula", "source": "1"},
    )
    return Target.objects.create(
        code=code,
        name=name,
        indicator_code=indicator,
        rule="level",
        threshold=Decimal(threshold),
        period_kind="quarter",
        deadline_period=deadline,
    )


@pytest.fixture
def linked(plan, users):
    """Task 14's 2020 milestone (建档率 80%) linked to a target whose 2020Q4 figure is 72% — unmet; task
    10's (服务站) linked to one without any figure."""
    target("archive_rate_2020", "archive_rate", "2020年底农户建档率达到80%", "80", "2020Q4")
    target("service_point_upgrade", "sp_upgrade_rate", "2020年底服务点全部建成服务站", "100", "2020Q4")
    county_figure("archive_rate", "2020Q4", "72.5")
    office = users["office"]
    archive = task(plan, 14).milestones.order_by("seq").first()
    station = task(plan, 10).milestones.order_by("seq").first()
    assert archive.due_on == station.due_on == datetime.date(2020, 12, 31)
    services.milestone_link_target(actor=office, milestone=archive, target_code="archive_rate_2020")
    services.milestone_link_target(actor=office, milestone=station, target_code="service_point_upgrade")
    with pytest.raises(ValidationError, match="没有编码"):
        services.milestone_link_target(actor=office, milestone=station, target_code="no_such_target")
    return {"archive": archive, "station": station}


@pytest.fixture
def banks(monkeypatch, users):
    """The banks' evaluation as its app offers it: bank id → published total and grade of a year."""
    asked = []

    def results(year):
        asked.append(year)
        return {users["rcb"].organisation_id: {"total": Decimal("85.5"), "grade": "良好", "rank": 1}}

    real = outcomes._offered
    monkeypatch.setattr(
        outcomes, "_offered", lambda name: results if name == outcomes.BANK_SERVICE else real(name)
    )
    return asked


def test_an_unmet_target_shows_in_the_assessment_and_the_bulletin(plan, users, linked, banks, client):
    office, archive, station = users["office"], linked["archive"], linked["station"]
    pboc = office.organisation  # 县人民银行: the office reports for it, and task 14's milestone is its own

    # The unit claims the milestone done in its 2020Q4 report: refused, the figure and target named.
    with pytest.raises(ValidationError) as refused:
        services.report_submit(
            actor=office,
            task=task(plan, 14),
            unit=pboc,
            period="2020Q4",
            status="in_progress",
            completion=90,
            narrative="建档工作基本完成",
            milestones=[archive],
            submitted_at=at("2021-01-08"),
        )
    message = "；".join(refused.value.messages)
    assert "2020年第4季度" in message and "72.5%" in message and "不低于 80%" in message
    assert "未达到" in message and "不能申报完成" in message
    archive.refresh_from_db()
    assert archive.completed_on is None

    # The office may not close it without a reason either; the station milestone (no figure) it overrides.
    with pytest.raises(ValidationError, match="确认完成的理由"):
        services.milestone_close(actor=office, milestone=archive)
    reason = "服务站已全部挂牌，升级率指标口径尚未报送，经实地核查确认完成。"
    services.milestone_close(
        actor=office, milestone=station, reason=reason, completed_on=datetime.date(2020, 12, 30)
    )
    station.refresh_from_db()
    assert station.override_reason == reason and station.overridden_by == office
    assert station.target_check["override"] and "暂无数据" in station.target_check["text"]
    assert AuditLog.objects.filter(object_id=str(station.pk), note__contains=reason).exists()

    scheme = services.scheme_create(
        actor=office, plan=plan, name="2020年度考核", period_start=START, period_end=END
    )
    services.scheme_compute(actor=office, scheme=scheme, as_of=AS_OF)
    scheme.refresh_from_db()
    assert [w["max_points"] for w in scheme.weights] == ["20.00", "20.00", "15.00", "20.00", "10.00", "15.00"]

    def score(org, kind):
        return Score.objects.get(scheme=scheme, unit=org, criterion__kind=kind)

    # 县人民银行 answers for both linked milestones (task 10's and 14's): one overridden, one unmet.
    got = score(pboc, "targets")
    assert got.detail == {"关联目标": 2, "按期达成": 0, "办公室确认": 1, "未达成": 1, "暂无数据": 0}
    assert got.points == Decimal("10.00")
    # 金融证券工作服务中心 is named for task 10's item: it shares the overridden milestone, not task 14's.
    member = users["member"].organisation
    assert score(member, "targets").detail["办公室确认"] == 1
    assert score(member, "targets").points == Decimal("20.00")
    # A member unit is no bank: full points; 农商行 scores its evaluation (85.5 of 100 → 8.55 of 10).
    assert score(member, "bank_evaluation").detail == {"综合评价": "非金融机构，不适用"}
    rcb = users["rcb"].organisation
    assert score(rcb, "bank_evaluation").points == Decimal("8.55")
    assert score(rcb, "bank_evaluation").detail["等级"] == "良好"
    assert score(rcb, "targets").points == Decimal("20.00")  # no linked milestone of its own: nothing lost
    assert banks == [2020]  # a round ending 2021-01-31 reads 2020's evaluation

    bulletin = services.bulletin_create(
        actor=office,
        plan=plan,
        scheme=scheme,
        title="关于2020年度示范区建设任务落实情况的通报",
        number="普惠办通报〔2021〕1号",
        issued_on=datetime.date(2021, 2, 5),
    )
    assert "二、目标达成情况" in bulletin.body and archive.text in bulletin.body and reason in bulletin.body
    assert [r["milestone"] for r in bulletin.outcomes["unmet"]] == [archive.text]
    assert [r["reason"] for r in bulletin.outcomes["overrides"]] == [reason]

    doc = Document(io.BytesIO(bulletin_docx(bulletin, ranking(scheme))))
    texts = [p.text for p in doc.paragraphs]
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "附件：目标达成情况" in texts
    assert archive.text in cells and "2020年第4季度农户建档率 72.5%，目标不低于 80%" in cells
    assert reason in cells
    assert any(c.startswith("10.00/20.00") for c in cells)  # 县人民银行's 目标达成

    client.force_login(office)
    page = client.get(reverse("plan_bulletin_detail", args=[bulletin.pk])).content.decode()
    assert 'data-testid="bulletin-unmet"' in page and reason in page
    page = client.get(reverse("plan_task_detail", args=[task(plan, 10).pk])).content.decode()
    assert 'data-testid="milestone-override"' in page and reason in page

    # Published: the scores, and the weights behind them, are frozen.
    services.bulletin_publish(actor=office, bulletin=bulletin)
    with pytest.raises(ValidationError, match="已锁定"):
        services.scheme_compute(actor=office, scheme=scheme, as_of=AS_OF)
    quality = scheme.criteria.get(kind="quality")
    with pytest.raises(ValidationError, match="已锁定"):
        services.score_manual(
            actor=office, scheme=scheme, criterion=quality, unit=member, points=10, reason="好"
        )


def test_a_met_target_lets_the_milestone_close_through_the_report(plan, users, linked):
    office, archive = users["office"], linked["archive"]
    county_figure("archive_rate", "2020Q4", "0")  # superseded below: the county's figure is one per period
    IndicatorValue.objects.filter(indicator_code="archive_rate").update(value=Decimal("81.2"))
    report = services.report_submit(
        actor=office,
        task=task(plan, 14),
        unit=office.organisation,
        period="2020Q4",
        status="in_progress",
        completion=90,
        narrative="建档率达标",
        milestones=[archive],
        submitted_at=at("2021-01-08"),
    )
    # The figure is revised down before the review: the milestone stays open and the office is told why.
    IndicatorValue.objects.filter(indicator_code="archive_rate").update(value=Decimal("79"))
    reviewed = services.report_review(actor=office, report=report, accept=True)
    assert len(reviewed.milestones_refused) == 1 and "79%" in reviewed.milestones_refused[0]
    archive.refresh_from_db()
    assert archive.completed_on is None
    # Back above the target: the office closes it on the figure, no reason needed, and it is no override.
    IndicatorValue.objects.filter(indicator_code="archive_rate").update(value=Decimal("80"))
    services.milestone_close(actor=office, milestone=archive, completed_on=datetime.date(2020, 12, 31))
    archive.refresh_from_db()
    assert archive.met_on_time and not archive.is_overridden and archive.target_check["met"]
    with pytest.raises(ValidationError, match="已完成"):
        services.milestone_link_target(actor=office, milestone=archive, target_code="")


def test_without_the_banks_evaluation_the_criterion_scores_nothing_and_says_so(plan, users, monkeypatch):
    real = outcomes._offered
    monkeypatch.setattr(
        outcomes, "_offered", lambda name: None if name == outcomes.BANK_SERVICE else real(name)
    )
    scheme = services.scheme_create(
        actor=users["office"], plan=plan, name="考核", period_start=START, period_end=END
    )
    services.scheme_compute(actor=users["office"], scheme=scheme, as_of=AS_OF)
    scores = Score.objects.filter(scheme=scheme, criterion__kind="bank_evaluation")
    assert scores.count() == 28 and {s.points for s in scores} == {Decimal("0.00")}
    assert {s.detail["综合评价"] for s in scores} == {"未提供（平台未开展金融机构综合评价）"}


def test_weights_change_only_before_the_first_computation(plan, users):
    office = users["office"]
    scheme = services.scheme_create(actor=office, plan=plan, name="考核", period_start=START, period_end=END)
    services.scheme_criteria_set(
        actor=office,
        scheme=scheme,
        criteria=[("目标达成", "targets", Decimal("60"), ""), ("工作质量", "quality", Decimal("40"), "")],
    )
    assert [(c.kind, c.max_points) for c in scheme.criteria.all()] == [("targets", 60), ("quality", 40)]
    assert AuditLog.objects.filter(note="修改考核项目和分值（计算前）").exists()
    with pytest.raises(ValidationError, match="分值不正确"):
        services.scheme_criteria_set(actor=office, scheme=scheme, criteria=[("x", "targets", "abc", "")])
    services.scheme_compute(actor=office, scheme=scheme, as_of=AS_OF)
    with pytest.raises(ValidationError, match="分值已锁定"):
        services.scheme_criteria_set(actor=office, scheme=scheme, criteria=[("工作质量", "quality", 100, "")])
    assert scheme.criteria.count() == 2


def test_the_office_links_and_overrides_from_the_task_page(client, plan, users, linked):
    office, station = users["office"], linked["station"]
    client.force_login(office)
    url = reverse("plan_milestone_close", args=[station.pk])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "请填写办公室确认完成的理由" in response.content.decode()
    client.post(url, {"reason": "经核查已完成。"})
    assert Milestone.objects.get(pk=station.pk).override_reason == "经核查已完成。"
    archive = linked["archive"]
    client.post(reverse("plan_milestone_target", args=[archive.pk]), {"target_code": ""})
    assert Milestone.objects.get(pk=archive.pk).target_code == ""


def test_the_demo_closes_linked_milestones_on_their_figures(plan, users):
    from puhui.plan.demo_outcomes import OVERRIDE_REASON, link_and_close

    target("archive_rate_2020", "archive_rate", "2020年底农户建档率达到80%", "80", "2020Q4")
    target("service_point_upgrade", "sp_upgrade_rate", "2020年底服务点全部建成服务站", "100", "2020Q4")
    t = target("mobile_bank_events", "archive_rate", "每年三进活动", "3", "")
    t.period_kind = "year"
    t.save()
    county_figure("archive_rate", "2020Q4", "85")
    counts = link_and_close(office=users["office"], plan=plan, end=datetime.date(2021, 6, 30))
    # Linked where a target exists (three here): 14-1 met, the first unmet overridden, the next left unmet.
    assert counts == {"linked": 3, "target_met": 1, "overridden": 1, "target_unmet": 1}
    closed = Milestone.objects.filter(task__plan=plan).exclude(target_code="")
    assert closed.get(task__number=14, seq=1).met_on_time
    assert closed.filter(override_reason=OVERRIDE_REASON).count() == 1
    assert closed.filter(completed_on__isnull=True).count() == 1


def _plan_with_targets(*codes: str) -> bytes:
    """The shipped plan, its task 14 milestones naming these target codes (YAML)."""
    data = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    t14 = next(t for t in data["tasks"] if t["number"] == 14)
    for ms, code in zip(t14["milestones"], codes, strict=False):
        ms["target"] = code
    return yaml.safe_dump(data, allow_unicode=True).encode("utf-8")


def test_the_plan_file_names_a_milestones_target(db, units, village_bank, users):
    office = users["office"]
    target("archive_rate_2020", "archive_rate", "2020年底农户建档率达到80%", "80", "2020Q4")
    bad = SimpleUploadedFile("方案.yaml", _plan_with_targets("archive_rate_2020", "no_such_target"))
    with pytest.raises(loader.PlanFileError) as refused:
        services.plan_load(actor=office, file=bad)
    # Located by line and path; the other problems of the file would be listed with it.
    assert [p.split(" 行 ", 1)[1] for p in refused.value.problems] == [
        "tasks[14].milestones[2].target：没有编码为“no_such_target”的现行目标。"
    ]
    assert not Plan.objects.exists()
    good = SimpleUploadedFile("方案.yaml", _plan_with_targets("archive_rate_2020"))
    plan = services.plan_load(actor=office, file=good)
    first, second = task(plan, 14).milestones.order_by("seq")
    assert (first.target_code, second.target_code) == ("archive_rate_2020", "")
    # The Excel template made from a plan file carries the column, and reads back the same.
    data = yaml.safe_load(_plan_with_targets("archive_rate_2020"))
    content = plan_workbook(data)
    read, _locate, problems = loader.read_excel(content)
    assert not problems
    t14 = next(t for t in read["tasks"] if t["number"] == 14)
    assert t14["milestones"][0]["target"] == "archive_rate_2020" and "target" not in t14["milestones"][1]
