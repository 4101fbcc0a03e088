"""The disposal scene on the test county: the linkage units known by their 方案称谓 (the finance centre, the
court, the police) with one user each, another member unit outside the mechanism, and helpers that take a
listing through its due process with the services."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from puhui.core.models import User
from puhui.disposal.models import Listing
from puhui.disposal.services import listings as services
from tests.conftest import ID_NUMBERS, PASSWORD, _org

D = datetime.date


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def units(county, users):
    centre = county["finance_centre"]
    centre.plan_alias = "县金融证券工作服务中心"
    centre.save(update_fields=["plan_alias"])
    court = _org("FY", "沂源县人民法院", "court", plan_alias="县法院", is_leading_group_member=True)
    police = _org("GAJ", "沂源县公安局", "government", plan_alias="县公安局", is_leading_group_member=True)
    czj = _org("CZJ", "沂源县财政局", "government", plan_alias="县财政局", is_leading_group_member=True)

    def make(username, org):
        return User.objects.create(
            username=username, role=User.Role.MEMBER_UNIT, organisation=org, password=make_password(PASSWORD)
        )

    return {
        "centre": centre,
        "court": court,
        "police": police,
        "czj": czj,
        "court_user": make("court", court),
        "police_user": make("police", police),
        "czj_user": make("czj", czj),
    }


def evidence(**overrides) -> dict:
    data = {
        "debtor_kind": "firm",
        "debtor_name": "沂源甲公司",
        "uscc": "91370323MA3C4DB553",
        "responsible": "法定代表人 张某某",
        "judgment_no": "（2020）鲁0323民初1234号",
        "amount_owed": Decimal("1250000.00"),
        "judgment_date": D(2020, 6, 1),
        "enforcement_date": D(2020, 9, 1),
    }
    data.update(overrides)
    return data


def person_evidence(**overrides) -> dict:
    """The debtor is the head of household H0, whose public account is the user "farmer"."""
    person = {"debtor_kind": "person", "debtor_name": "户主0", "uscc": "", "id_number": ID_NUMBERS[0]}
    return evidence(**{**person, **overrides})


@pytest.fixture
def walk(users):
    """walk(stage, **evidence) → a listing taken by the services up to `stage` (proposed … removed)."""

    def go(stage: str, data=None):
        office, bank = users["office"], users["abc"]
        listing = services.listing_propose(actor=bank, **(data or evidence()))
        if stage == "proposed":
            return listing
        # Proposed a month ago, so the notice, the window and the decision all lie in the past.
        Listing.objects.filter(pk=listing.pk).update(proposed_on=days_ago(30))
        listing.refresh_from_db()
        listing = services.listing_notify(
            actor=office, listing=listing, notified_on=days_ago(20), means="post"
        )
        if stage == "notified":
            return listing
        if stage == "objected":
            return services.listing_object(
                actor=office, listing=listing, objection="已部分还款", on=days_ago(10)
            )
        listing = services.listing_decide(
            actor=office, listing=listing, decision="list", reason="异议期满未提出异议", on=days_ago(2)
        )
        if stage == "listed":
            return listing
        return services.listing_remove(
            actor=office, listing=listing, removal="settled", reason="已全额清偿", on=timezone.localdate()
        )

    return go
