"""Progress reports: submit, review, return, resubmit as a new version; evidence checked by content."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from puhui.core.evidence import sniff
from puhui.core.models import AuditLog
from puhui.plan import services
from puhui.plan.models import Milestone, ProgressReport
from tests.plan.conftest import task

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def xlsx_bytes():
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["网点", "数量"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def at(day: str, hour=10):
    return timezone.make_aware(datetime.datetime.fromisoformat(day).replace(hour=hour))


def submit(user, t, period="2020Q4", **kw):
    args = dict(
        status="in_progress",
        completion=40,
        narrative="已召开推进会，制定工作方案。",
        submitted_at=at("2021-01-08"),
    )
    args.update(kw)
    return services.report_submit(actor=user, task=t, unit=user.organisation, period=period, **args)


def test_sniffing_trusts_bytes_not_names():
    assert sniff(PDF) == "application/pdf"
    assert sniff(PNG) == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert sniff(xlsx_bytes()).endswith("spreadsheetml.sheet")
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("[Content_Types].xml", "<x/>")
        zf.writestr("word/document.xml", "<x/>")
    assert sniff(docx.getvalue()) is None
    assert sniff(b"MZ\x90\x00 an exe named report.pdf") is None


def test_submit_review_return_resubmit_keeps_every_version(plan, users):
    member, office = users["member"], users["office"]
    t2 = task(plan, 2)
    v1 = submit(member, t2, files=[("进展.pdf", PDF), ("照片.png", PNG)])
    assert (v1.version, v1.is_current, v1.review, v1.on_time) == (1, True, "submitted", True)
    assert v1.due_on == datetime.date(2021, 1, 15)  # 10 working days after 2020-12-31 (元旦 1 January off)
    assert sorted(e.content_type for e in v1.evidence.all()) == ["application/pdf", "image/png"]

    with pytest.raises(ValidationError, match="退回后才能重新报送"):
        submit(member, t2)
    with pytest.raises(ValidationError, match="审核意见"):
        services.report_review(actor=office, report=v1, accept=False, comment="")
    services.report_review(
        actor=office, report=v1, accept=False, comment="请补充齐鲁农产品交易中心的交易数据。"
    )
    v1.refresh_from_db()
    assert v1.review == "returned"
    assert member.notifications.filter(kind="report_returned").exists()

    v2 = submit(
        member,
        t2,
        completion=55,
        narrative="补充：摘挂牌交易额 1.2 亿元。",
        files=[("交易.xlsx", xlsx_bytes())],
        submitted_at=at("2021-01-12"),
    )
    v1.refresh_from_db()
    assert (v2.version, v2.is_current, v1.is_current) == (2, True, False)
    assert v2.evidence.count() == 3  # the two files carried forward and the new one
    assert v1.narrative == "已召开推进会，制定工作方案。"  # never overwritten
    services.report_review(actor=office, report=v2, accept=True)
    assert ProgressReport.objects.filter(task=t2, unit=member.organisation, period="2020Q4").count() == 2
    notes = list(AuditLog.objects.filter(object_type="plan.ProgressReport").values_list("note", flat=True))
    assert any("第2版" in n for n in notes) and "退回修改" in notes and "审核通过" in notes


def test_old_versions_are_not_reviewable(plan, users):
    v1 = submit(users["member"], task(plan, 2))
    services.report_review(actor=users["office"], report=v1, accept=False, comment="补充")
    submit(users["member"], task(plan, 2))
    with pytest.raises(ValidationError):
        services.report_review(actor=users["office"], report=v1, accept=True)


def test_bad_evidence_is_refused_with_every_reason(plan, users, settings):
    from puhui.core import evidence

    big = b"%PDF-" + b"0" * (evidence.MAX_EVIDENCE_BYTES)
    with pytest.raises(ValidationError) as exc:
        submit(
            users["member"], task(plan, 2), files=[("a.pdf", b"MZ not a pdf"), ("b.pdf", big), ("c.png", b"")]
        )
    text = " ".join(exc.value.messages)
    assert "“a.pdf”不是允许的文件类型" in text and "“b.pdf”超过 10 MB" in text and "“c.png”是空文件" in text
    assert not ProgressReport.objects.exists()


def test_validation_of_the_report_itself(plan, users):
    with pytest.raises(ValidationError) as exc:
        submit(users["member"], task(plan, 2), period="2030Q1", status="done", completion=140, narrative=" ")
    errors = exc.value.message_dict
    assert set(errors) >= {"period", "completion", "narrative"}


def test_units_report_only_on_their_own_tasks(plan, users, more_users):
    with pytest.raises(PermissionDenied):
        submit(more_users["tjj"], task(plan, 2))  # 统计局 is not responsible for task 2
    with pytest.raises(PermissionDenied):
        services.report_submit(
            actor=users["member"],
            task=task(plan, 22),
            unit=more_users["tjj"].organisation,
            period="2020Q4",
            status="done",
            completion=100,
            narrative="x",
        )
    with pytest.raises(PermissionDenied):
        services.report_review(
            actor=users["member"], report=submit(more_users["tjj"], task(plan, 22)), accept=True
        )
    # An institution reports on a task where 各金融机构 are responsible.
    r = submit(users["abc"], task(plan, 9))
    assert r.unit == users["abc"].organisation


def test_accepting_a_report_completes_the_milestones_it_claims(plan, units, more_users, users):
    nyncj = units["县农业农村局"]
    from django.contrib.auth.hashers import make_password

    from puhui.core.models import User

    user = User.objects.create(
        username="nyj", role="member_unit", organisation=nyncj, password=make_password("x" * 12)
    )
    t20 = task(plan, 20)
    m2020 = t20.milestones.get(due_on=datetime.date(2020, 12, 31))
    with pytest.raises(ValidationError):  # 县农业农村局 cannot claim another task's milestone
        submit(
            user, t20, milestones=[Milestone.objects.get(task__number=14, due_on=datetime.date(2020, 12, 31))]
        )
    r = submit(user, t20, milestones=[m2020], submitted_at=at("2021-01-06"))
    services.report_review(actor=users["office"], report=r, accept=True)
    m2020.refresh_from_db()
    assert m2020.completed_on == datetime.date(2020, 12, 31) and m2020.met_on_time  # the period it reports on


def test_monthly_reporting_is_configurable(plan, users):
    services.plan_update_settings(
        actor=users["office"], plan=plan, report_frequency="monthly", report_due_working_days=5
    )
    r = submit(users["member"], task(plan, 2), period="2020-09")
    assert (r.period_start, r.period_end) == (datetime.date(2020, 9, 1), datetime.date(2020, 9, 30))
    # 国庆中秋 1–8 October off; Saturday 10 October a swapped working day: 9, 10, 12, 13, 14.
    assert r.due_on == datetime.date(2020, 10, 14)
    with pytest.raises(PermissionDenied):
        services.plan_update_settings(
            actor=users["member"], plan=plan, report_frequency="quarterly", report_due_working_days=5
        )
