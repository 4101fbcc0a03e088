"""Early warnings through the services: evaluation over the loans (抽贷 with the banks involved, not for a firm
that stopped paying, idempotent), the follow-up lifecycle with its checks, who sees what, and rule versions."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.http import Http404

from puhui.core.crypto import lookup_hash
from puhui.core.models import AuditLog, Notification
from puhui.risk import access
from puhui.risk.models import Warning, WarningNote, WarningRuleVersion
from puhui.risk.services import warnings as services
from tests.risk.conftest import FIRMS

pytestmark = pytest.mark.django_db


def _withdrawals():
    return Warning.objects.filter(rule_code="credit_withdrawal")


def test_a_firm_whose_credit_was_cut_while_paying_raises_one_warning_naming_the_bank(loans, periods, county):
    counts = services.warnings_evaluate(period=periods["2021Q1"])
    assert counts["raised"] >= 1
    w = _withdrawals().get()
    assert w.subject_kind == "firm" and w.subject_key == lookup_hash(FIRMS["A"])
    assert w.subject_label == "沂源甲公司"  # named from the firm register
    assert w.bank_id_list == [county["abc"].pk]  # RCB kept its 200 万
    assert w.severity == "attention" and w.value == pytest.approx(40.0)
    assert w.measured["形态"] == "抽贷、压贷"
    rows = {r[0]: r[1:] for r in w.evidence["rows"]}
    assert rows["农行沂源县支行" if county["abc"].short_name else county["abc"].name] == [
        "3,000,000.00",
        "1,000,000.00",
        "-2,000,000.00",
    ]
    assert w.rule_version.number == 1 and w.status == Warning.Status.OPEN


def test_a_firm_that_became_overdue_is_not_credit_withdrawal(loans, periods):
    services.warnings_evaluate(period=periods["2021Q1"])
    keys = set(_withdrawals().values_list("subject_key", flat=True))
    assert lookup_hash(FIRMS["B"]) not in keys  # 300 万 → 100 万, but overdue: it stopped paying
    assert lookup_hash(FIRMS["C"]) not in keys


def test_evaluating_twice_changes_nothing_and_never_duplicates(loans, periods):
    first = services.warnings_evaluate(period=periods["2021Q1"])
    logs = AuditLog.objects.count()
    again = services.warnings_evaluate(period=periods["2021Q1"])
    assert again["raised"] == again["updated"] == again["cleared"] == 0
    assert again["unchanged"] == first["raised"]
    assert AuditLog.objects.count() == logs
    assert _withdrawals().count() == 1


def test_the_first_quarter_has_nothing_to_compare_with(loans, periods):
    counts = services.warnings_evaluate(period=periods["2020Q4"])
    assert counts["raised"] == 0
    assert counts["skipped"]["credit_withdrawal"] == "没有上一季度的数据"
    assert counts["skipped"]["concentration_network"] == "本季没有生成担保网络"


def test_a_corrected_submission_clears_a_warning_not_yet_assigned(loans, periods):
    services.warnings_evaluate(period=periods["2021Q1"])
    # ABC's 2021Q1 return corrected: firm A still owes it 300 万.
    loans[("2021Q1", "abc")].loans.filter(borrower_hash=lookup_hash(FIRMS["A"])).update(
        balance_fen=300 * 10**6
    )
    counts = services.warnings_evaluate(period=periods["2021Q1"])
    assert counts["cleared"] == 1
    w = _withdrawals().get()
    assert w.status == Warning.Status.CLOSED and "不再触发" in w.closing_note


def test_the_lifecycle_open_assigned_answered_closed(loans, periods, users, county):
    services.warnings_evaluate(period=periods["2021Q1"])
    w = _withdrawals().get()
    office, abc, rcb = users["office"], users["abc"], users["rcb"]

    with pytest.raises(ValidationError) as e:
        services.warning_answer(actor=abc, warning=w, text="已核实")
    assert "只有被指派的责任单位可以答复" in str(e.value)

    services.warning_assign(actor=office, warning=w, owner=county["abc"], note="请说明压降原因")
    w.refresh_from_db()
    assert (w.status, w.owner) == (Warning.Status.ASSIGNED, county["abc"])
    told = Notification.objects.get(user=abc, kind="risk_warning")
    assert "风险预警待处理" in told.title and told.url.endswith(f"/risk/warnings/{w.pk}/")
    assert not Notification.objects.filter(user=rcb).exists()

    services.warning_acknowledge(actor=abc, warning=w)
    with pytest.raises(ValidationError, match="已签收"):
        services.warning_acknowledge(actor=abc, warning=w)
    with pytest.raises(ValidationError):
        services.warning_answer(actor=rcb, warning=w, text="不是我们")
    with pytest.raises(ValidationError, match="请填写答复内容"):
        services.warning_answer(actor=abc, warning=w, text="  ")

    services.warning_answer(actor=abc, warning=w, text="该企业贷款到期正常收回，已续贷 100 万元。")
    w.refresh_from_db()
    assert w.status == Warning.Status.ANSWERED and w.acknowledged_by == abc
    assert WarningNote.objects.filter(warning=w, kind="answer").count() == 1
    assert Notification.objects.filter(user=office, kind="risk_warning").exists()

    with pytest.raises(Http404):
        services.warning_close(actor=abc, warning=w, note="结束")
    with pytest.raises(ValidationError, match="请填写关闭说明"):
        services.warning_close(actor=office, warning=w, note="")
    services.warning_close(actor=office, warning=w, note="已核实为正常到期收回。")
    w.refresh_from_db()
    assert w.status == Warning.Status.CLOSED and w.closed_by == office
    with pytest.raises(ValidationError, match="已关闭"):
        services.warning_note(actor=office, warning=w, text="补记")
    notes = [log.note for log in AuditLog.objects.filter(object_type="risk.Warning", object_id=str(w.pk))]
    assert {"指派给中国农业银行沂源县支行", "签收风险预警", "答复风险预警", "关闭风险预警"} <= set(notes)

    # Closed, a new evaluation raises a new warning rather than reopening the closed one.
    services.warnings_evaluate(period=periods["2021Q1"])
    assert _withdrawals().count() == 2


def test_only_banks_and_linkage_units_may_be_owners(loans, periods, users, county):
    services.warnings_evaluate(period=periods["2021Q1"])
    w = _withdrawals().get()
    with pytest.raises(ValidationError, match="请选择"):
        services.warning_assign(actor=users["office"], warning=w, owner=county["pboc"])
    with pytest.raises(Http404):
        services.warning_assign(actor=users["admin"], warning=w, owner=county["abc"])
    services.warning_assign(actor=users["office"], warning=w, owner=county["finance_centre"])
    assert Notification.objects.filter(user=users["member"], kind="risk_warning").exists()


def test_who_sees_which_warning(loans, periods, users, county):
    services.warnings_evaluate(period=periods["2021Q1"])
    w = _withdrawals().get()
    for who in ("office", "admin"):
        assert access.warning_by_id(users[who], w.pk) == w
    # Not assigned yet, about a firm: no bank and no member unit sees it.
    for who in ("abc", "rcb", "member", "town_lishan", "agent", "public"):
        with pytest.raises(Http404):
            access.warning_by_id(users[who], w.pk)
    services.warning_assign(actor=users["office"], warning=w, owner=county["abc"])
    assert access.warning_by_id(users["abc"], w.pk) == w
    for who in ("rcb", "member"):
        with pytest.raises(Http404):
            access.warning_by_id(users[who], w.pk)


def test_a_bank_sees_the_warnings_about_itself(users, county, periods):
    from tests.risk.conftest import write_loans

    town = county["towns"][0]
    # ABC: 2,000 万 of NPL on 1 亿 becomes 4,000 万: the NPL ratio rises 20 points.
    big = [("A", 8000, "normal"), ("B", 2000, "npl")]
    write_loans(county["abc"], periods["2020Q4"], big, town)
    write_loans(county["abc"], periods["2021Q1"], [("A", 6000, "normal"), ("B", 4000, "npl")], town)
    services.warnings_evaluate(period=periods["2021Q1"])
    w = Warning.objects.get(rule_code="npl_rise_bank")
    assert w.subject_bank == county["abc"] and w.severity == "serious" and w.value == pytest.approx(20.0)
    assert access.warning_by_id(users["abc"], w.pk) == w
    with pytest.raises(Http404):
        access.warning_by_id(users["rcb"], w.pk)


def test_a_threshold_change_is_a_new_audited_version(loans, periods, users):
    office = users["office"]
    with pytest.raises(Http404):
        services.rules_change(
            actor=users["admin"], rule_code="credit_withdrawal", bands={}, min_base=0, note="x"
        )
    with pytest.raises(ValidationError, match="请写明修改原因"):
        services.rules_change(
            actor=office, rule_code="credit_withdrawal", bands={"attention": 50}, min_base=0, note=""
        )
    with pytest.raises(ValidationError, match="递增"):
        services.rules_change(
            actor=office,
            rule_code="credit_withdrawal",
            bands={"attention": 60, "serious": 50},
            min_base=0,
            note="试",
        )
    v2 = services.rules_change(
        actor=office, rule_code="credit_withdrawal", bands={"attention": 50, "serious": 80}, min_base=1000000,
        note="县里企业经营稳定，只关注降幅过半的",
    )  # fmt: skip
    assert v2.number == 2 and v2.is_current and v2.changed_rule == "企业被抽贷、断贷、压贷"
    assert WarningRuleVersion.objects.get(number=1).is_current is False
    assert AuditLog.objects.filter(object_type="risk.WarningRuleVersion", object_id=str(v2.pk)).exists()
    services.warnings_evaluate(period=periods["2021Q1"])
    assert not _withdrawals().exists()  # 40 % is below the new 50 %


def test_the_management_command_evaluates_every_quarter(loans, capsys):
    call_command("risk_warnings")
    out = capsys.readouterr().out
    assert "2021年第1季度：新发" in out
    assert _withdrawals().count() == 1


def test_an_approved_loans_return_queues_the_evaluation(
    catalogue, users, county, periods, django_capture_on_commit_callbacks
):
    from puhui.jobs.models import Job
    from tests.risk.conftest import firm_row, upload_loans

    with django_capture_on_commit_callbacks(execute=True):
        upload_loans(users["abc"], users["office"], county["abc"], "2021Q1", [firm_row(1, "A", 100)])
    assert Job.objects.filter(label__startswith="评估风险预警（2021年第1季度").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        upload_loans(
            users["abc"], users["office"], county["abc"], "2021Q1", [firm_row(1, "A", 90)], approve=False
        )
    assert Job.objects.filter(label__startswith="评估风险预警").count() == 1  # not approved: nothing
