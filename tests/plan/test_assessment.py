"""考核: automatic points from reports, milestones and 督办; manual quality points with a reason; rank; 通报 docx.

The scoring rules alone (no database) are tested in tests/engines/assessment/.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from puhui.plan import services
from puhui.plan.documents import bulletin_docx
from puhui.plan.models import AssessmentResult, Criterion, Score
from puhui.plan.selectors import ranking
from tests.plan.conftest import task

# The four reporting criteria of the first rounds, with their points: this test's figures are theirs.
REPORTING_CRITERIA = [
    ("进度报送及时性", "report_timeliness", Decimal("30"), ""),
    ("里程碑完成情况", "milestones", Decimal("30"), ""),
    ("督办事项按期办理", "notice_response", Decimal("20"), ""),
    ("工作质量", "quality", Decimal("20"), ""),
]


def at(day: str, hour=10):
    return timezone.make_aware(datetime.datetime.fromisoformat(day).replace(hour=hour))


def test_a_round_of_assessment_ranks_the_units(plan, units, users, more_users):
    office, member, czj = users["office"], users["member"], more_users["czj"]
    scheme = services.scheme_create(
        actor=office,
        plan=plan,
        name="2020年度考核",
        period_start=datetime.date(2020, 7, 28),
        period_end=datetime.date(2021, 1, 31),
        criteria=REPORTING_CRITERIA,
    )
    assert [c.kind for c in scheme.criteria.all()] == [
        "report_timeliness",
        "milestones",
        "notice_response",
        "quality",
    ]
    # 金融证券工作服务中心 reports on time on every task for 2020Q3 and 2020Q4; 财政局 late on one and misses the rest.
    for number in plan.tasks.filter(assignments__unit__organisation=member.organisation).values_list(
        "number", flat=True
    ):
        for period, day in [("2020Q3", "2020-10-15"), ("2020Q4", "2021-01-08")]:
            services.report_submit(
                actor=member,
                task=task(plan, number),
                unit=member.organisation,
                period=period,
                status="in_progress",
                completion=50,
                narrative="推进中",
                submitted_at=at(day),
            )
    services.report_submit(
        actor=czj,
        task=task(plan, 3),
        unit=czj.organisation,
        period="2020Q4",
        status="in_progress",
        completion=30,
        narrative="推进中",
        submitted_at=at("2021-01-25"),
    )
    n = services.notice_issue(
        actor=office,
        task=task(plan, 3),
        unit=czj.organisation,
        reason="未按期报送",
        required_action="补报",
        working_days=5,
        issued_on=datetime.date(2021, 1, 18),
    )
    services.notice_respond(
        actor=czj, notice=n, response="已补报", responded_at=at("2021-01-28")
    )  # after the deadline
    quality = scheme.criteria.get(kind=Criterion.Kind.QUALITY)
    with pytest.raises(ValidationError, match="理由"):
        services.score_manual(
            actor=office, scheme=scheme, criterion=quality, unit=member.organisation, points=18, reason=""
        )
    with pytest.raises(ValidationError):
        services.score_manual(
            actor=office, scheme=scheme, criterion=quality, unit=member.organisation, points=25, reason="好"
        )
    with pytest.raises(PermissionDenied):
        services.score_manual(
            actor=member, scheme=scheme, criterion=quality, unit=member.organisation, points=20, reason="自评"
        )
    services.score_manual(
        actor=office, scheme=scheme, criterion=quality, unit=member.organisation, points=18, reason="报告翔实"
    )
    services.score_manual(
        actor=office, scheme=scheme, criterion=quality, unit=czj.organisation, points=12, reason="报告简略"
    )
    with pytest.raises(PermissionDenied):
        services.scheme_compute(actor=member, scheme=scheme)

    services.scheme_compute(actor=office, scheme=scheme, as_of=datetime.date(2021, 2, 1))
    results = {r.unit_id: r for r in AssessmentResult.objects.filter(scheme=scheme)}
    assert len(results) == 28  # 26 member units with tasks, and the two banks named in task 14
    jrzx, fin = results[member.organisation.pk], results[czj.organisation.pk]
    assert jrzx.rank == 1 and jrzx.total == Decimal(
        "98.00"
    )  # 30 + 30 (no milestone of its own due yet) + 20 + 18
    timeliness = Score.objects.get(scheme=scheme, unit=czj.organisation, criterion__kind="report_timeliness")
    # 财政局 owes 2 periods × 7 tasks; one report late earns half of one.
    assert timeliness.detail == {"应报": 14, "按时": 0, "逾期补报": 1, "未报": 13}
    assert timeliness.points == Decimal("1.07")
    assert Score.objects.get(
        scheme=scheme, unit=czj.organisation, criterion__kind="notice_response"
    ).points == Decimal("0.00")
    assert fin.total == Decimal("1.07") + Decimal("30") + Decimal("0") + Decimal("12")
    assert fin.rank > jrzx.rank

    # Recomputing keeps the manual points and replaces the automatic ones.
    services.scheme_compute(actor=office, scheme=scheme, as_of=datetime.date(2021, 2, 1))
    assert Score.objects.filter(scheme=scheme, is_manual=True).count() == 2
    assert AssessmentResult.objects.filter(scheme=scheme).count() == 28

    bulletin = services.bulletin_create(
        actor=office,
        plan=plan,
        scheme=scheme,
        title="关于2020年度示范区建设任务落实情况的通报",
        number="普惠办通报〔2021〕1号",
        issued_on=datetime.date(2021, 2, 5),
    )
    assert "县金融证券工作服务中心" in bulletin.body
    content = bulletin_docx(bulletin, ranking(scheme))
    from docx import Document

    doc = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert (
        "普惠办通报〔2021〕1号" in text
        and "关于2020年度示范区建设任务落实情况的通报" in text
        and "2021年2月5日" in text
    )
    assert "沂源县县域普惠金融综合示范区试点县建设工作领导小组办公室" in text
    table = doc.tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["名次", "单位", "得分", "备注"]
    assert rows[1][:3] == ["1", "县金融证券工作服务中心", "98.00"]
    assert len(rows) == 1 + 28
    assert any(r[1] == "县财政局" for r in rows)

    services.bulletin_publish(actor=office, bulletin=bulletin)
    assert member.notifications.filter(kind="bulletin_published").exists()
    with pytest.raises(ValidationError):
        services.bulletin_update(
            actor=office, bulletin=bulletin, title="x", body="y", issued_on=bulletin.issued_on
        )


def test_the_default_round_adds_the_outcome_criteria(plan, users):
    scheme = services.scheme_create(
        actor=users["office"],
        plan=plan,
        name="默认",
        period_start=datetime.date(2021, 1, 1),
        period_end=datetime.date(2021, 6, 30),
    )
    weights = [(c.kind, c.max_points) for c in scheme.criteria.all()]
    assert weights == [
        ("report_timeliness", 20),
        ("milestones", 20),
        ("notice_response", 15),
        ("targets", 20),
        ("bank_evaluation", 10),
        ("quality", 15),
    ]
    assert sum(p for _k, p in weights) == 100


def test_bulletin_needs_a_computed_scheme(plan, users):
    scheme = services.scheme_create(
        actor=users["office"],
        plan=plan,
        name="未计算",
        period_start=datetime.date(2021, 1, 1),
        period_end=datetime.date(2021, 6, 30),
    )
    with pytest.raises(ValidationError, match="请先计算"):
        services.bulletin_create(
            actor=users["office"],
            plan=plan,
            scheme=scheme,
            title="t",
            number="n1",
            issued_on=datetime.date(2021, 7, 1),
        )
