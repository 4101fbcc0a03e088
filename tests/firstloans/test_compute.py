"""The computation on hand-made returns: the list, the service areas, 首贷 and its cross-check, renewals, the
figures the indicator catalogue reads, and the approval event."""

import pytest
from django.core.exceptions import ValidationError

from puhui.data.models import Submission
from puhui.firstloans import access
from puhui.firstloans.models import Disagreement, ListedFirm, Renewal
from puhui.firstloans.selectors import figures
from puhui.firstloans.services.compute import run_compute
from tests.firstloans.conftest import D, approved_return, loan

pytestmark = pytest.mark.django_db


@pytest.fixture
def returns(county, more_firms):
    """ABC lends to 鲁村丙公司 (in 鲁村镇) in 2019Q2 and renews the loan a year later; RCB lends to a farmer.
    A submitted (not approved) return of RCB lends to 沂源甲公司: it must not count."""
    abc, rcb = county["abc"], county["rcb"]
    lucun = county["towns"][1]
    uscc = more_firms["borrower"].uscc
    subs = {code: approved_return(abc, code) for code in ("2019Q2", "2019Q3", "2019Q4", "2020Q1", "2020Q2")}
    for code in ("2019Q2", "2019Q3", "2019Q4", "2020Q1"):
        loan(subs[code], uscc, "ABC-1", D(2019, 4, 10), D(2020, 4, 10), town=lucun, first=True)
    loan(subs["2020Q2"], uscc, "ABC-2", D(2020, 4, 5), D(2021, 4, 5), amount=105_000, town=lucun, first=True)
    farmer = approved_return(rcb, "2020Q2")
    loan(farmer, "370323199001011234", "RCB-1", D(2020, 5, 1), D(2021, 5, 1), town=county["towns"][0],
         kind="ric", borrower_type="farm")  # fmt: skip
    pending = approved_return(rcb, "2020Q2", status=Submission.Status.SUBMITTED, version=2)
    loan(pending, county["firms"][0].uscc, "RCB-9", D(2020, 5, 2), D(2021, 5, 2), town=county["towns"][0])
    return subs


def test_no_approved_return_no_computation(county):
    with pytest.raises(ValidationError, match="还没有审核通过的贷款明细表"):
        run_compute(actor=None)


def test_a_firm_that_borrowed_at_one_bank_is_on_no_list_and_deregistered_firms_are_left_out(
    returns, county, more_firms, users
):
    run = run_compute(actor=users["office"])
    listed = set(ListedFirm.objects.filter(run=run).values_list("firm__name", flat=True))
    assert listed == {"沂源甲公司", "鲁村乙商店"}  # not 鲁村丙公司 (borrowed), not 历山丁公司 (deregistered)
    assert run.period.code == "2020Q2" and run.firms_checked == 3 and run.listed == 2
    names = lambda user: {r.firm.name for r in access.listed_for(user, run)}  # noqa: E731
    assert names(users["office"]) == {"沂源甲公司", "鲁村乙商店"}
    assert names(users["abc"]) == {"沂源甲公司", "鲁村乙商店"}  # ABC serves both towns
    assert names(users["rcb"]) == {"沂源甲公司"}  # RCB: 历山街道 only
    assert names(users["member"]) == names(users["town_lishan"]) == set()


def test_each_run_is_a_snapshot_of_its_own(returns, county, users):
    early = run_compute(actor=None)
    later_return = approved_return(county["rcb"], "2020Q3")
    loan(
        later_return, county["firms"][0].uscc, "RCB-5", D(2020, 8, 1), D(2021, 8, 1), town=county["towns"][0]
    )
    later = run_compute(actor=None)
    assert later.period.code == "2020Q3"
    assert set(ListedFirm.objects.filter(run=early).values_list("firm__name", flat=True)) == {
        "沂源甲公司",
        "鲁村乙商店",
    }
    assert set(ListedFirm.objects.filter(run=later).values_list("firm__name", flat=True)) == {"鲁村乙商店"}
    assert figures.latest_run() == later


def test_service_areas_follow_branches_outlets_and_service_points(county):
    lishan, lucun = (t.pk for t in county["towns"])
    assert access.service_area(county["abc"]) == {lishan, lucun}
    assert access.service_area(county["rcb"]) == {lishan}
    county["abc_outlet"].closed_on = D(2020, 1, 1)
    county["abc_outlet"].save()
    county["service_points"][0].closed_on = D(2020, 1, 1)
    county["service_points"][0].save()
    assert access.service_area(county["abc"]) == {lishan}


def test_an_outlet_user_works_for_its_county_branch(county, users):
    from puhui.core.models import User

    outlet_user = User.objects.create(
        username="abc-outlet", role="institution", organisation=county["abc_outlet"]
    )
    assert access.bank_of(outlet_user) == county["abc"]


def test_first_loans_the_cross_check_and_renewals(returns, county, users):
    run = run_compute(actor=None)
    # ABC-1 is 鲁村丙公司's first loan (flagged: agreed); ABC-2 is flagged too but follows ABC-1.
    flagged = Disagreement.objects.get(run=run, kind="flagged")
    assert (flagged.loan_no, flagged.kind, flagged.earlier_on) == ("ABC-2", "flagged", D(2019, 4, 10))
    assert flagged.earlier_same_bank and flagged.firm.name == "鲁村丙公司"
    # The farmer's RCB-1 is a first loan RCB did not flag... and RCB's submitted return is ignored.
    assert run.first_loans == 2 and run.disagreements == 2
    assert Disagreement.objects.filter(run=run, kind="unflagged").get().loan_no == "RCB-1"
    renewal = Renewal.objects.get(run=run)
    assert (renewal.old_loan_no, renewal.new_loan_no, renewal.carried_fen) == ("ABC-1", "ABC-2", 10_000_000)
    assert renewal.period.code == "2020Q2" and renewal.firm.name == "鲁村丙公司"
    # A bank sees its own disagreements and renewals only.
    assert {d.loan_no for d in access.disagreements_for(users["rcb"], run)} == {"RCB-1"}
    assert not access.renewals_for(users["rcb"], run).exists()
    assert access.renewals_for(users["abc"], run).count() == 1


def test_returns_hashed_under_the_previous_key_still_credit_the_firm(returns, county, settings):
    """Mid-rotation (the new key in force, the returns not yet re-hashed): the firm's loans are still its."""
    settings.FIELD_ENCRYPTION_OLD_KEYS = [settings.FIELD_ENCRYPTION_KEY]
    settings.FIELD_ENCRYPTION_KEY = "rotated-field-key-Zq8wX3vB7nM2kP5s"
    run = run_compute(actor=None)
    assert run.first_loans == 2
    renewal = Renewal.objects.get(run=run)
    assert renewal.firm is not None and renewal.firm.name == "鲁村丙公司"
    assert Disagreement.objects.get(run=run, kind="flagged").firm.name == "鲁村丙公司"


def test_figures_for_the_indicator_catalogue(returns, county):
    run_compute(actor=None)
    abc, rcb = county["abc"].pk, county["rcb"].pk
    lishan, lucun = (t.pk for t in county["towns"])
    assert figures.platform_first_values(D(2019, 1, 1), D(2019, 12, 31)) == [(abc, lucun, None, 1)]
    assert sorted(figures.platform_first_values(D(2020, 1, 1), D(2020, 12, 31))) == [(rcb, lishan, None, 1)]
    assert figures.platform_first_firms_values(D(2020, 1, 1), D(2020, 12, 31)) == []
    assert figures.renewal_count_values(D(2020, 4, 1), D(2020, 6, 30)) == [(abc, lucun, None, 1)]
    assert figures.renewal_carried_values(D(2020, 1, 1), D(2020, 12, 31)) == [(abc, lucun, None, 100_000)]
    assert figures.renewal_balance_values(D(2020, 4, 1), D(2020, 6, 30)) == [(abc, lucun, None, 105_000)]
    assert sorted(figures.never_borrowed_values(D(2020, 4, 1), D(2020, 6, 30))) == [
        (None, lishan, None, 1),
        (None, lucun, None, 1),
    ]


def test_the_renewal_check_sets_detected_balances_beside_the_reported_ones(returns, county, users):
    from puhui.data.models import AggregateValue

    sub = approved_return(county["abc"], "2020Q2", form="deposits_loans")
    AggregateValue.objects.create(submission=sub, row=1, town=county["towns"][1], item="renewal_balance",
                                  value="120000")  # fmt: skip
    run = run_compute(actor=None)
    rows = figures.renewal_check_table(users["office"], run)
    assert [(r["code"], r["count"], r["balance"], r["reported"], r["gap"]) for r in rows] == [
        ("2020Q2", 1, 105_000.0, 120_000.0, -15_000.0)
    ]
    assert figures.renewal_check_table(users["rcb"], run) == []


def test_an_approved_loans_return_queues_one_computation(
    returns, county, users, django_capture_on_commit_callbacks
):
    from puhui.firstloans.events import on_submission_approved
    from puhui.jobs.models import Job

    before = Job.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        on_submission_approved(submission_id=returns["2020Q2"].pk)
        on_submission_approved(submission_id=returns["2020Q1"].pk)
    labels = list(Job.objects.order_by("-pk").values_list("label", flat=True)[: Job.objects.count() - before])
    assert len(labels) == 1 and "首贷" in labels[0]
