"""Mediation and the court chain: open (from an escalated complaint, a bank, the court), sessions, the
agreement with both consents, 司法确认 (refused without an agreement), 强制执行, the durations; nothing
half-stored on a refusal."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from puhui.protection import documents
from puhui.protection.models import Complaint, MediationCase
from puhui.protection.selectors import mediation as selectors
from puhui.protection.services import complaints as cs
from puhui.protection.services import mediation as ms
from tests.protection.conftest import days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def escalated(users, file):
    complaint, _ = file(received_ago=40)
    cs.complaint_answer(
        actor=users["abc"], complaint=complaint, answer="不予退费。", answered_on=days_ago(20)
    )
    return cs.complaint_escalate(actor=None, complaint=complaint, reason="不满意")


@pytest.fixture
def case(users, units, escalated):
    return ms.mediation_open(
        actor=users["office"],
        complaint=escalated,
        org=units["org"],
        mediator=units["mediator"],
        opened_on=days_ago(10),
    )


def _agree(users, case, held_on=None, **kw):
    ms.session_add(actor=users["office"], case=case, held_on=held_on or days_ago(9), note="面对面调解")
    data = dict(terms="退还 3,200 元", amount=Decimal("3200"), agreement_on=days_ago(8), applicant_consents=True,
                institution_consents=True)  # fmt: skip
    data.update(kw)
    return ms.agreement_make(
        actor=users["justice"] if "justice" in users else users["office"], case=case, **data
    )


def test_an_escalated_complaint_is_referred_with_its_parties_and_dates(case, escalated, county):
    assert case.source == "complaint" and case.institution == county["abc"]
    assert case.applicant == "户主0" and case.dispute_on == escalated.received_on
    escalated.refresh_from_db()
    assert escalated.status == "mediation" and escalated.steps.last().kind == "mediate"


def test_only_an_escalated_complaint_is_referred(users, units, file):
    complaint, _ = file()
    with pytest.raises(ValidationError):
        ms.mediation_open(
            actor=users["office"], complaint=complaint, org=units["org"], opened_on=timezone.localdate()
        )
    with pytest.raises(Http404):
        ms.mediation_open(
            actor=users["abc"], complaint=complaint, org=units["org"], opened_on=timezone.localdate()
        )
    assert not MediationCase.objects.exists()


def test_a_bank_and_the_court_bring_cases(users, units, county):
    bank_case = ms.mediation_open(
        actor=users["abc"], org=units["org"], applicant="李四", subject="贷款利息争议", dispute_on=days_ago(5),
        opened_on=days_ago(1), institution=county["rcb"],
    )  # fmt: skip
    assert bank_case.source == "bank" and bank_case.institution == county["abc"]  # its own dispute
    court_case = ms.mediation_open(
        actor=units["court_user"], org=units["org"], applicant="王五", subject="信用卡纠纷", dispute_on=days_ago(5),
        opened_on=days_ago(1), institution=county["rcb"],
    )  # fmt: skip
    assert court_case.source == "court" and court_case.institution == county["rcb"]
    with pytest.raises(ValidationError) as e:
        ms.mediation_open(
            actor=units["court_user"], org=units["org"], applicant="王五", subject="x", dispute_on=days_ago(1),
            opened_on=days_ago(3), institution=county["rcb"],
        )  # fmt: skip
    assert "不能早于纠纷发生日期" in " ".join(e.value.messages)
    with pytest.raises(ValidationError):
        ms.mediation_open(actor=users["town_lishan"], org=units["org"], applicant="x", subject="x",
                          dispute_on=days_ago(1), opened_on=days_ago(1), institution=county["rcb"])  # fmt: skip
    assert MediationCase.objects.count() == 2


def test_an_agreement_needs_a_session_and_both_consents(users, case):
    with pytest.raises(ValidationError) as e:
        ms.agreement_make(actor=users["office"], case=case, terms="x", amount=None, agreement_on=days_ago(1),
                          applicant_consents=True, institution_consents=True)  # fmt: skip
    assert "尚无调解记录" in " ".join(e.value.messages)
    ms.session_add(actor=users["office"], case=case, held_on=days_ago(9), note="面对面调解")
    with pytest.raises(ValidationError) as e:
        ms.agreement_make(actor=users["office"], case=case, terms="x", amount=None, agreement_on=days_ago(1),
                          applicant_consents=True, institution_consents=False)  # fmt: skip
    assert "双方当事人均同意" in " ".join(e.value.messages)
    case.refresh_from_db()
    assert case.status == "mediating" and case.agreement_on is None and case.terms == ""


def test_no_judicial_confirmation_without_an_agreement(users, units, case):
    with pytest.raises(ValidationError) as e:
        ms.confirmation_apply(actor=users["office"], case=case, applied_on=timezone.localdate())
    assert "尚未达成调解协议，不能申请司法确认" in " ".join(e.value.messages)
    with pytest.raises(ValidationError) as e:
        ms.confirmation_accept(actor=units["court_user"], case=case, accepted_on=timezone.localdate())
    assert "没有调解协议" in " ".join(e.value.messages)
    with pytest.raises(ValidationError):
        ms.confirmation_rule(
            actor=units["court_user"], case=case, confirmed=True, ruling_no="x", ruled_on=timezone.localdate()
        )
    case.refresh_from_db()
    assert case.status == "mediating" and case.confirm_applied_on is None and case.ruled_on is None


def test_the_whole_chain_and_its_durations(users, units, case):
    users = {**users, "justice": units["justice_user"]}
    _agree(users, case)
    court = units["court_user"]
    with pytest.raises(Http404):  # the court records its own acts; the mediators the application
        ms.confirmation_apply(actor=court, case=case, applied_on=days_ago(7))
    ms.confirmation_apply(actor=units["justice_user"], case=case, applied_on=days_ago(7))
    with pytest.raises(Http404):
        ms.confirmation_accept(actor=users["office"], case=case, accepted_on=days_ago(6))
    with pytest.raises(ValidationError):  # ruling before acceptance
        ms.confirmation_rule(
            actor=court, case=case, confirmed=True, ruling_no="（2021）鲁0323民特1号", ruled_on=days_ago(5)
        )
    ms.confirmation_accept(actor=court, case=case, accepted_on=days_ago(6))
    ms.confirmation_rule(
        actor=court, case=case, confirmed=True, ruling_no="（2021）鲁0323民特1号", ruled_on=days_ago(5)
    )
    ms.enforcement_apply(actor=court, case=case, applied_on=days_ago(3), case_no="（2021）鲁0323执1号")
    case = ms.enforcement_close(
        actor=court, case=case, enforced_on=days_ago(1), amount=Decimal("3200"), outcome="执行完毕"
    )
    assert case.status == "enforced"
    d = selectors.durations(case)
    assert d["to_agreement"] == 32 and d["to_title"] == 35 and d["to_enforced"] == 39  # received 40 days ago
    summary = selectors.chain_summary(users["office"])
    assert summary["to_title"]["mean"] == 35 and summary["agreement_rate"] == "100.0"
    assert selectors.chain_summary(users["town_lishan"])["total"] == 0


def test_enforcement_needs_a_confirmed_agreement(users, units, case):
    users = {**users, "justice": units["justice_user"]}
    _agree(users, case)
    with pytest.raises(ValidationError):
        ms.enforcement_apply(actor=units["court_user"], case=case, applied_on=days_ago(1))
    ms.confirmation_apply(actor=units["justice_user"], case=case, applied_on=days_ago(7))
    ms.confirmation_accept(actor=units["court_user"], case=case, accepted_on=days_ago(6))
    ms.confirmation_rule(
        actor=units["court_user"],
        case=case,
        confirmed=False,
        ruling_no="（2021）鲁0323民特2号",
        ruled_on=days_ago(5),
    )
    with pytest.raises(ValidationError):
        ms.enforcement_apply(actor=units["court_user"], case=case, applied_on=days_ago(1))
    case.refresh_from_db()
    assert case.status == "rejected" and case.enforce_applied_on is None


def test_failure_and_voluntary_performance(users, units, case, county):
    ms.session_add(actor=users["office"], case=case, held_on=days_ago(9), note="调解")
    ms.mediation_fail(actor=users["office"], case=case, reason="银行不同意")
    with pytest.raises(ValidationError):
        ms.session_add(actor=users["office"], case=case, held_on=days_ago(1), note="再调解")
    other = ms.mediation_open(actor=users["abc"], org=units["org"], applicant="李四", subject="利息争议",
                              dispute_on=days_ago(5), opened_on=days_ago(4))  # fmt: skip
    _agree({**users, "justice": units["justice_user"]}, other, held_on=days_ago(3), agreement_on=days_ago(2))
    other = ms.agreement_performed(actor=users["office"], case=other, performed_on=days_ago(1))
    assert other.status == "performed"


def test_the_agreement_is_a_word_document(users, units, case):
    _agree({**users, "justice": units["justice_user"]}, case)
    case.refresh_from_db()
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(documents.agreement_docx(case))).paragraphs)
    assert "调解协议书" in text and "退还 3,200 元" in text and "中国农业银行沂源县支行" in text
    assert documents.agreement_filename(case).startswith("调解协议书_TJ")


def test_the_register_of_organisations(users, units):
    with pytest.raises(Http404):
        ms.org_add(actor=users["abc"], name="新调委会", kind="people")
    ms.org_add(actor=units["justice_user"], name="新调委会", kind="people")
    with pytest.raises(ValidationError):
        ms.org_add(actor=units["justice_user"], name="新调委会", kind="people")


def test_mediation_complaint_status_kept(case):
    assert Complaint.objects.get(pk=case.complaint_id).status == "mediation"
    assert isinstance(case.opened_on, datetime.date)
