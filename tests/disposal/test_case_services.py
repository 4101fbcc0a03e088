"""The disposal register (services/cases.py): opening a case, steps with working-day deadlines given to the
linkage units, the owners' reports, closing; the refusals and the owners' to-do count."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from puhui.core.models import AuditLog, Notification
from puhui.core.workdays import add_working_days
from puhui.disposal.models import CaseStep, RiskCase
from puhui.disposal.selectors.cases import overdue_count
from puhui.disposal.services import cases as services

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def case(users, county):
    return services.case_open(
        actor=users["office"],
        subject_kind="firm",
        firm=county["firms"][0],
        title="沂源甲公司资金链断裂风险处置",
        measures=["restructuring", "renewal"],
        opened_on=D(2021, 9, 28),
    )


def test_open_a_case_for_each_kind_of_subject(users, county, case):
    assert case.subject_name == "沂源甲公司" and case.measure_labels == "企业重组、转贷授信"
    group = services.case_open(
        actor=users["office"], subject_kind="group", group_label="担保群 3，2021年第一季度",
        firm=county["firms"][0], title="担保圈风险隔断", measures=["isolation"], opened_on=D(2021, 5, 6),
    )  # fmt: skip
    assert group.firm is None and group.subject_name == "担保群 3，2021年第一季度"
    bank = services.case_open(
        actor=users["office"], subject_kind="bank", bank=county["rcb"], title="流动性风险",
        measures=["other"], opened_on=D(2021, 5, 6),
    )  # fmt: skip
    assert bank.subject_name == "沂源农村商业银行"
    assert AuditLog.objects.filter(object_type="disposal.RiskCase").count() == 3


def test_opening_refusals_store_nothing(users, county):
    bad = [
        ({"subject_kind": "firm"}, "请选择处置的企业"),
        ({"subject_kind": "group", "group_label": " "}, "请填写担保群"),
        ({"subject_kind": "bank", "bank": county["pboc"]}, "不是金融机构"),
        ({"measures": []}, "请至少选择一项处置措施"),
        ({"measures": ["magic"]}, "不在可选范围内"),
        ({"opened_on": timezone.localdate() + datetime.timedelta(days=1)}, "不能晚于今天"),
    ]
    for change, message in bad:
        data = {"subject_kind": "household", "household": county["households"][0], "title": "农户风险",
                "measures": ["debt"], "opened_on": D(2021, 5, 6), **change}  # fmt: skip
        with pytest.raises(ValidationError) as exc:
            services.case_open(actor=users["office"], **data)
        assert message in " ".join(exc.value.messages), change
    with pytest.raises(Http404):
        services.case_open(actor=users["abc"], subject_kind="group", group_label="x", title="x",
                           measures=["other"], opened_on=D(2021, 5, 6))  # fmt: skip
    assert not RiskCase.objects.exists()


def test_a_step_deadline_counts_working_days_over_the_national_day(users, units, case):
    # Opened Tuesday 2021-09-28: 5 working days are 29, 30 September, then (after 1–7 October and the
    # working Saturday 9 October) 8 and 9 October and 11 October.
    step = services.step_add(
        actor=users["office"], case=case, what="查封资产", owner=units["court"], working_days=5
    )
    assert step.deadline == add_working_days(D(2021, 9, 28), 5) == D(2021, 10, 11)
    assert Notification.objects.filter(user=units["court_user"], key=f"disposal-step-{step.pk}").exists()


def test_a_step_goes_to_a_linkage_unit_the_pboc_or_a_bank_only(users, units, county, case):
    with pytest.raises(ValidationError) as exc:
        services.step_add(
            actor=users["office"], case=case, what="拨付资金", owner=units["czj"], working_days=5
        )
    assert "不是联动机制成员单位" in " ".join(exc.value.messages)
    with pytest.raises(ValidationError):
        services.step_add(actor=users["office"], case=case, what="续贷", owner=county["abc"], working_days=0)
    services.step_add(actor=users["office"], case=case, what="续贷", owner=county["abc"], working_days=10)
    services.step_add(actor=users["office"], case=case, what="协调", owner=county["pboc"], working_days=3)
    assert case.steps.count() == 2


def test_the_owner_reports_and_the_case_closes_when_every_step_is_done(users, units, case):
    office = users["office"]
    step = services.step_add(actor=office, case=case, what="立案侦查", owner=units["police"], working_days=10)
    with pytest.raises(ValidationError) as exc:
        services.step_report(actor=units["court_user"], step=step, report="已办", done_on=None)
    assert "只有责任单位" in " ".join(exc.value.messages)
    with pytest.raises(ValidationError) as exc:
        services.case_close(
            actor=office, case=case, outcome="已化解", amount_resolved=None, closed_on=timezone.localdate()
        )
    assert "尚有 1 个处置步骤未办结" in " ".join(exc.value.messages)
    services.step_report(actor=units["police_user"], step=step, report="已受理，正在侦查", done_on=None)
    step.refresh_from_db()
    assert step.done_on is None and step.report == "已受理，正在侦查"
    services.step_report(
        actor=units["police_user"], step=step, report="已移送检察院", done_on=D(2021, 10, 20)
    )
    with pytest.raises(ValidationError):
        services.step_report(actor=units["police_user"], step=step, report="再报", done_on=D(2021, 10, 21))
    closed = services.case_close(
        actor=office,
        case=case,
        outcome="重组完成，转贷到位",
        amount_resolved=Decimal("3200000"),
        closed_on=D(2021, 12, 1),
    )
    assert closed.status == RiskCase.Status.CLOSED and closed.amount_resolved == Decimal("3200000")
    with pytest.raises(ValidationError) as exc:
        services.step_add(actor=office, case=closed, what="补充", owner=units["police"], working_days=1)
    assert "已于" in " ".join(exc.value.messages)


def test_the_overdue_count_is_the_owners_own(users, units, case):
    office = users["office"]
    services.step_add(actor=office, case=case, what="查封资产", owner=units["court"], working_days=5)
    services.step_add(actor=office, case=case, what="冻结账户", owner=units["court"], working_days=5)
    late = services.step_add(actor=office, case=case, what="侦查", owner=units["police"], working_days=5)
    fresh = services.case_open(actor=office, subject_kind="group", group_label="担保群 1", title="新案",
                               measures=["isolation"], opened_on=timezone.localdate())  # fmt: skip
    services.step_add(actor=office, case=fresh, what="审查", owner=units["court"], working_days=5)
    assert overdue_count(units["court_user"]) == 2
    assert overdue_count(units["police_user"]) == 1
    services.step_report(actor=units["police_user"], step=late, report="完成", done_on=D(2021, 10, 9))
    assert overdue_count(units["police_user"]) == 0
    assert overdue_count(users["town_lishan"]) == 0
    assert CaseStep.objects.count() == 4
