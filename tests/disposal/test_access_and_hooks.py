"""Who sees what of risk disposal (access.py), role by role; the profile flag on the registry's firm and
household pages (core plugins `PROFILE_FLAGS`); the rating and pre-credit exclusion of a listed debtor (the
credit app's `dishonest_debtor_households` service)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from puhui.core import plugins
from puhui.credit import scoring
from puhui.credit import services as credit_services
from puhui.credit.models import HouseholdArchive, Rating
from puhui.disposal import access
from puhui.disposal.services import cases as case_services
from puhui.disposal.services import listings as listing_services
from tests.credit.conftest import archived  # noqa: F401 (a fixture)
from tests.disposal.conftest import evidence, person_evidence

pytestmark = pytest.mark.django_db
D = datetime.date


def test_each_linkage_unit_sees_its_own_steps_only(users, units, county):
    office = users["office"]
    case = case_services.case_open(
        actor=office, subject_kind="bank", bank=county["rcb"], title="农商行流动性风险",
        measures=["other"], opened_on=D(2021, 5, 6),
    )  # fmt: skip
    for unit, what in (("court", "诉前保全"), ("police", "立案侦查"), ("centre", "协调处置")):
        case_services.step_add(actor=office, case=case, what=what, owner=units[unit], working_days=5)
    other = case_services.case_open(
        actor=office, subject_kind="group", group_label="担保群 4", title="另一案",
        measures=["isolation"], opened_on=D(2021, 5, 6),
    )  # fmt: skip
    assert set(access.cases_for(office)) == {case, other}
    for user, what in (
        (units["court_user"], "诉前保全"),
        (units["police_user"], "立案侦查"),
        (users["member"], "协调处置"),
    ):
        assert list(access.cases_for(user)) == [case]
        assert [s.what for s in access.steps_for(user, case)] == [what]
    # The bank the case is about sees it (no steps of its own); another bank and outsiders see nothing.
    assert list(access.cases_for(users["rcb"])) == [case]
    assert list(access.steps_for(users["rcb"], case)) == []
    for who in ("abc", "town_lishan", "agent", "public"):
        assert not access.cases_for(users[who]).exists(), who
    assert not access.cases_for(units["czj_user"]).exists()


def test_the_list_is_published_to_financial_institutions_and_linkage_units_only(users, units, walk):
    listed = walk("listed")  # ABC's
    proposed = listing_services.listing_propose(
        actor=users["rcb"], **evidence(uscc="92370323MA3C4DB61L", debtor_name="鲁村乙商店")
    )
    assert set(access.listings_for(users["office"])) == {listed, proposed}
    assert set(access.listings_for(users["rcb"])) == {
        listed,
        proposed,
    }  # its own proposal, the published entry
    assert set(access.listings_for(users["abc"])) == {listed}
    for user in (users["member"], units["court_user"], units["police_user"]):
        assert set(access.listings_for(user)) == {listed}
    for user in (users["town_lishan"], users["agent"], users["public"], units["czj_user"]):
        assert not access.listings_for(user).exists()
        assert not access.may_see_listings(user)


def test_a_debtor_sees_their_own_notice_not_the_proposal(users):
    listing = listing_services.listing_propose(actor=users["rcb"], **person_evidence())
    assert not access.listings_for(users["public"]).exists()
    listing_services.listing_notify(
        actor=users["office"], listing=listing, notified_on=timezone.localdate(), means="post"
    )
    assert list(access.listings_for(users["public"])) == [listing]
    assert access.may_object(users["public"], listing)


def test_the_profile_flag_shows_to_those_in_scope(client, users, units, county, walk):
    firm, household = county["firms"][0], county["households"][0]
    walk("listed")
    assert plugins.profile_flags(users["abc"], firm=firm)[0]["text"] == "已列入逃废债黑名单"
    assert plugins.profile_flags(users["abc"], household=household) == []
    # (other apps may flag the same firm for the town — the firms app's 信用画像 — but not this one)
    assert "已列入逃废债黑名单" not in [
        f["text"] for f in plugins.profile_flags(users["town_lishan"], firm=firm)
    ]
    client.force_login(users["office"])
    page = client.get(reverse("firm_detail", args=[firm.pk])).content.decode()
    assert "已列入逃废债黑名单" in page
    client.force_login(users["town_lishan"])
    response = client.get(reverse("firm_detail", args=[firm.pk]))
    assert response.status_code == 200 and "已列入逃废债黑名单" not in response.content.decode()


def test_a_listed_household_head_is_flagged_on_the_household_page(client, users, walk, county):
    household = county["households"][0]
    walk("listed", person_evidence())
    client.force_login(users["office"])
    page = client.get(reverse("household_detail", args=[household.pk])).content.decode()
    assert 'data-testid="profile-flag"' in page and "已列入逃废债黑名单" in page
    other = client.get(reverse("household_detail", args=[county["households"][1].pk])).content.decode()
    assert 'data-testid="profile-flag"' not in other


def test_a_listed_debtor_is_excluded_from_rating_and_gets_no_line(users, walk, archived):  # noqa: F811
    household = archived(0)
    before = Rating.objects.get(household=household, is_current=True)
    assert not before.excluded
    listing = walk("listed", person_evidence())
    frame = scoring.archive_frame(HouseholdArchive.objects.filter(household=household))
    assert bool(frame.loc[household.pk, "dishonest_debtor"])
    assert bool(frame.loc[household.pk, "debt_evasion_record"])
    credit_services.household_rate(actor=users["abc"], household=household)
    rating = Rating.objects.get(household=household, is_current=True)
    assert rating.excluded and any("逃废" in r["text"] for r in rating.reasons)
    limit, _ = credit_services.household_limit(household)
    assert limit == Decimal(0)
    # Removed from the list: rated again as before.
    listing_services.listing_remove(
        actor=users["office"], listing=listing, removal="settled", reason="已清偿", on=timezone.localdate()
    )
    credit_services.household_rate(actor=users["abc"], household=household)
    assert not Rating.objects.get(household=household, is_current=True).excluded


def test_limits_exclude_the_listed_column_whatever_the_rule_says():
    import numpy as np
    import pandas as pd

    df = pd.DataFrame({"total_assets": [100000.0, 100000.0], "operating_income": [0.0, 0.0],
                       "dishonest_debtor": [False, True]})  # fmt: skip
    rule = {**scoring.DEFAULT_LIMIT_RULE, "exclusions": []}
    limits = scoring.limits_for(df, np.array(["AA", "AA"], dtype=object), rule)
    assert limits[0] > 0 and limits[1] == 0
