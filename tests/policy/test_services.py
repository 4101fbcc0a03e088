"""The policy app's writes on the worked examples' evaluation (tests/policy/conftest.py): decisions, payments,
objections and rule versions — each rule a clear Chinese refusal, nothing half-stored, everything audited."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from puhui.core.models import AuditLog, Organisation, User
from puhui.policy import access, services
from puhui.policy.models import Objection, ObjectionFile, Result, RuleSetVersion
from puhui.policy.selectors import ledger, rules_current
from tests.policy.conftest import shipped_rules

pytestmark = pytest.mark.django_db
RULES = (Path(__file__).resolve().parents[2] / "puhui" / "policy" / "rules" / "yiyuan-2020.yaml").read_text(
    "utf-8"
)


@pytest.fixture
def finance(county):
    """The finance bureau: the member unit the fiscal rules name as grantor (by its 方案称谓)."""
    czj = Organisation.objects.create(
        code="CZJ", name="沂源县财政局", kind="government", plan_alias="县财政局"
    )
    return User.objects.create(username="czj", role="member_unit", organisation=czj)


def _get(evaluation, code, rule) -> Result:
    return evaluation.results.get(institution__code=code, rule_code=rule)


def _messages(fn, **kw) -> list[str]:
    with pytest.raises(ValidationError) as e:
        fn(**kw)
    return e.value.messages


def test_the_finance_bureau_decides_and_pays_its_grants_and_the_ledger_shows_them(
    worked_evaluation, finance, users
):
    grant = _get(worked_evaluation, "RCB-YY", "startup_award")
    assert grant.amount == Decimal("333333.33")
    services.result_decide(
        actor=finance, result=grant, approve=True, amount="300000", approval_no="沂财金〔2021〕3号"
    )
    grant.refresh_from_db()
    assert (grant.decision, grant.decided_amount, grant.approval_no) == (
        "approved",
        300000,
        "沂财金〔2021〕3号",
    )
    services.result_pay(actor=finance, result=grant, paid_on=timezone.localdate(), reference="ZF1")
    grant.refresh_from_db()
    assert grant.paid_amount == 300000
    assert list(ledger(users["rcb"])) == [grant]
    assert list(ledger(users["abc"])) == []  # another bank's grant is not in its ledger
    assert AuditLog.objects.filter(object_type__icontains="result", object_id=str(grant.pk)).count() == 2


def test_decision_rules(worked_evaluation, finance, users):
    grant = _get(worked_evaluation, "RCB-YY", "startup_award")
    failed = _get(worked_evaluation, "ABC-YY", "startup_award")
    cut = _get(worked_evaluation, "ABC-YY", "rrr_sannong")
    assert _messages(
        services.result_decide, actor=finance, result=grant, approve=True, amount="333333.34"
    ) == ["核定金额不能超过测算金额 333,333.33 元。"]
    assert _messages(services.result_decide, actor=finance, result=failed, approve=True) == [
        "评价结果为“不符合”，不能同意。"
    ]
    assert _messages(services.result_decide, actor=finance, result=grant, approve=False) == [
        "不同意时请写明理由。"
    ]
    # The finance bureau decides the fiscal rules only; a bank decides nothing.
    assert _messages(services.result_decide, actor=finance, result=cut, approve=True) == [
        "您不能审定这项结果。"
    ]
    assert _messages(services.result_decide, actor=users["abc"], result=grant, approve=True) == [
        "您不能审定这项结果。"
    ]
    assert Result.objects.exclude(decision="pending").count() == 0
    services.result_decide(actor=users["office"], result=cut, approve=True, standard_ratio="9.5")
    cut.refresh_from_db()
    assert cut.applied_ratio == Decimal("7.5")  # 9.5 % for the peers, 2 points less for ABC's 三农事业部


def test_payment_rules(worked_evaluation, finance):
    grant = _get(worked_evaluation, "RCB-YY", "startup_award")
    today = timezone.localdate()
    assert _messages(services.result_pay, actor=finance, result=grant, paid_on=today) == [
        "只有已同意的财政奖补才能登记拨付。"
    ]
    services.result_decide(actor=finance, result=grant, approve=True)
    assert _messages(services.result_pay, actor=finance, result=grant, paid_on=today, amount="400000") == [
        "拨付金额不能超过核定金额 333,333.33 元。"
    ]
    assert _messages(
        services.result_pay, actor=finance, result=grant, paid_on=today - datetime.timedelta(days=1)
    ) == ["拨付日期不能早于审定日期。"]
    services.result_pay(actor=finance, result=grant, paid_on=today)
    assert _messages(services.result_decide, actor=finance, result=grant, approve=False, note="撤回") == [
        "已经拨付，不能再改审定。"
    ]


def test_a_bank_objects_to_its_own_result_with_evidence(
    worked_evaluation, users, finance, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    failed = _get(worked_evaluation, "ABC-YY", "startup_award")
    pdf = SimpleUploadedFile("更正说明.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    objection = services.objection_raise(actor=users["abc"], result=failed, text="第四季度漏报", files=[pdf])
    assert [f.name for f in objection.files.all()] == ["更正说明.pdf"]
    assert list(access.objections_to_answer(finance)) == [objection]
    assert list(access.objections_to_answer(users["office"])) == [objection]
    assert list(access.objections_to_answer(users["abc"])) == []
    # A file that is not what it says: nothing is kept, not even the objection's text.
    fake = SimpleUploadedFile("证据.pdf", b"MZ\x90\x00", content_type="application/pdf")
    msgs = _messages(services.objection_raise, actor=users["abc"], result=failed, text="再补充", files=[fake])
    assert msgs == ["“证据.pdf”不是允许的文件类型（只接收 PDF、PNG/JPEG 图片和 Excel）。"]
    assert Objection.objects.count() == 1 and ObjectionFile.objects.count() == 1
    # Only the bank objects; the office answers.
    assert _messages(services.objection_raise, actor=users["office"], result=failed, text="x") == [
        "只有被评价的金融机构可以对结果提出异议。"
    ]
    services.objection_answer(actor=finance, objection=objection, answer="已核对，维持原结果。")
    assert list(access.objections_to_answer(finance)) == []


def test_a_bank_sees_only_its_own_results(worked_evaluation, users, finance):
    assert set(access.results_for(users["abc"]).values_list("institution__code", flat=True)) == {"ABC-YY"}
    assert set(access.results_for(users["rcb"]).values_list("institution__code", flat=True)) == {"RCB-YY"}
    assert access.results_for(users["member"]).count() == 0  # the finance centre grants no rule
    assert set(access.results_for(finance).values_list("kind", flat=True)) == {"fiscal"}
    assert access.results_for(users["office"]).count() == 30
    for role in ("town_lishan", "agent", "public"):
        assert access.results_for(users[role]).count() == 0


def test_a_new_rule_version_is_checked_and_used_by_the_next_evaluation(users):
    shipped_rules()  # version 2020.1, as migration 0002 stores it
    bad = RULES.replace('version: "2020.1"', 'version: "2021.1"').replace(
        "threshold: ldr_floor", "threshold: ldr_flor"
    )
    assert _messages(services.rules_add, actor=users["office"], text=bad) == [
        "规则“new_rural_subsidy”条件“ldr”的“threshold”引用了未知的数据项“ldr_flor”"
    ]
    assert _messages(services.rules_add, actor=users["office"], text=RULES) == [
        "版本“2020.1”已经存在，请在规则文件中写一个新的版本号。"
    ]
    good = RULES.replace('version: "2020.1"', 'version: "2021.1"').replace("min_share: 10", "min_share: 5")
    version = services.rules_add(actor=users["office"], text=good, change_note="成效突出的占比降为5%")
    assert rules_current() == version and RuleSetVersion.objects.count() == 2
    assert version.parsed.rule("startup_award").params["min_share"] == 5


def test_a_year_with_decisions_is_not_evaluated_again(worked_evaluation, finance):
    services.result_decide(
        actor=finance, result=_get(worked_evaluation, "RCB-YY", "startup_award"), approve=True
    )
    assert _messages(services.evaluation_run, actor=finance, year=2020) == [
        "2020 年的评价结果已有审定记录，不能重新评价。"
    ]


def test_a_year_without_reported_data_is_refused(users):
    assert _messages(services.evaluation_run, actor=users["office"], year=2020) == [
        "2020 年还没有审核通过的季度数据，不能评价。"
    ]


def test_the_shipped_rules_are_stored_when_no_version_is(users):
    """A database whose migration rows were emptied (a flush) still evaluates with the shipped rules."""
    RuleSetVersion.objects.all().delete()
    version = services.rules_in_force(actor=users["office"])
    assert (version.version, version.change_note) == ("2020.1", "随平台发布的规则")
    assert services.rules_in_force(actor=users["office"]) == version
    assert access.granting_units() == {"县财政局", "县人民银行"}
