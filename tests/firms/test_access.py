"""Who reads a firm's profile: a bank only under an authorisation in force, every read logged and shown to
the firm; an expired or revoked authorisation ends it. The profile's loans are aggregates."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from puhui.core.crypto import lookup_hash
from puhui.data.models import LoanRecord, ReportingPeriod, Submission
from puhui.firms.models import Authorisation, LookUp
from puhui.firms.services import authorisations

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _grant(scene, bank, days=30):
    return authorisations.authorisation_grant(
        actor=scene["firm_user"], banks=[bank], expires_on=TODAY + datetime.timedelta(days=days)
    )[0]


def _profile(login, user, firm):
    return login(user).get(reverse("firms:profile", args=[firm.pk]))


def test_a_bank_without_authorisation_gets_404_and_nothing_is_logged(firm_scene, users, login):
    assert _profile(login, users["abc"], firm_scene["firm"]).status_code == 404
    assert not LookUp.objects.exists()


def test_with_an_authorisation_the_bank_sees_and_the_firm_sees_who_looked(firm_scene, users, county, login):
    firm = firm_scene["firm"]
    _grant(firm_scene, county["abc"])
    page = _profile(login, firm_scene["outlet_user"], firm)  # an outlet's staff: the county branch's grant
    assert page.status_code == 200 and "信用画像" in page.content.decode()
    looked = LookUp.objects.get()
    assert (looked.firm, looked.bank, looked.user, looked.what) == (
        firm,
        county["abc"],
        firm_scene["outlet_user"],
        "profile",
    )
    assert _profile(login, users["rcb"], firm).status_code == 404  # another bank
    mine = login(firm_scene["firm_user"]).get(reverse("firms:mine")).content.decode()
    assert "中国农业银行沂源县支行" in mine and "abc_outlet" in mine


def test_revoking_or_expiry_ends_the_bank_s_access(firm_scene, users, county, login):
    firm = firm_scene["firm"]
    grant = _grant(firm_scene, county["abc"])
    assert _profile(login, users["abc"], firm).status_code == 200
    login(firm_scene["firm_user"]).post(reverse("firms:revoke", args=[grant.pk]))
    assert _profile(login, users["abc"], firm).status_code == 404
    Authorisation.objects.create(
        firm=firm,
        bank=county["rcb"],
        granted_at=timezone.now(),
        expires_on=TODAY - datetime.timedelta(days=1),
    )
    assert _profile(login, users["rcb"], firm).status_code == 404
    assert LookUp.objects.count() == 1


def test_the_bank_s_work_list_holds_only_firms_that_authorised_it(firm_scene, users, county, login):
    _grant(firm_scene, county["rcb"])
    page = login(users["rcb"]).get(reverse("firms:list")).content.decode()
    assert firm_scene["firm"].name in page and firm_scene["other"].name not in page
    assert firm_scene["firm"].name not in login(users["abc"]).get(reverse("firms:list")).content.decode()


def test_town_staff_see_their_own_town_s_firms(firm_scene, users, login):
    assert _profile(login, users["town_lishan"], firm_scene["firm"]).status_code == 200
    assert _profile(login, users["town_lishan"], firm_scene["other"]).status_code == 404
    assert _profile(login, firm_scene["firm_user"], firm_scene["other"]).status_code == 404
    assert _profile(login, users["public"], firm_scene["firm"]).status_code == 404
    assert not LookUp.objects.exists()


def test_the_profile_shows_loans_as_aggregates_of_the_latest_approved_returns(
    firm_scene, users, county, login
):
    firm = firm_scene["firm"]
    period, _ = ReportingPeriod.objects.get_or_create(
        code="2021Q2",
        defaults=dict(kind="quarter", year=2021, number=2, start=datetime.date(2021, 4, 1),
                      end=datetime.date(2021, 6, 30), due=datetime.date(2021, 7, 15)),
    )  # fmt: skip
    for bank, balance, status in ((county["abc"], 300000_00, "normal"), (county["rcb"], 50000_00, "overdue")):
        sub = Submission.objects.create(
            institution=bank,
            form="loans",
            period=period,
            version=1,
            status="approved",
            channel="demo",
            submitted_at=timezone.now(),
        )
        LoanRecord.objects.create(submission=sub, row=2, loan_no=f"L{bank.pk}", id_kind="uscc", borrower_id=firm.uscc, borrower_hash=lookup_hash(firm.uscc), borrower_type="small", town=firm.town, amount_fen=balance, balance_fen=balance, rate="4.35", issued_on=datetime.date(2021, 3, 1), due_on=datetime.date(2022, 3, 1), guarantee="credit", is_credit=True, is_first=False, is_agri=False, status=status)  # fmt: skip
    page = _profile(login, users["office"], firm).content.decode()
    assert "2 家" in page and "350,000.00 元" in page and "50,000.00 元" in page and "2021-03-01" in page
    assert "L" + str(county["abc"].pk) not in page  # no loan lines, only aggregates
