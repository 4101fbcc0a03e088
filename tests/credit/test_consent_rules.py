"""Consent: one rule decides who records and who revokes a household's consent (`access.may_manage_consent`),
for every role — the farmer for their own household; the agent, the town official and the office for a
household in their scope; never a bank, a member unit or an administrator. Forbidden is 404 and changes
nothing."""

import pytest

from puhui.credit import access, services
from puhui.credit.models import Consent

# who → may they record/revoke H0's consent (H0: 历山1村, the agent's village, the farmer's household)
EXPECTED = {
    "office": True,
    "admin": False,
    "member": False,
    "abc": False,  # H0's verifying bank: its customer, still not a keeper of the consent
    "rcb": False,
    "town_lishan": True,
    "town_lucun": False,  # another town
    "agent": True,
    "public": True,
}


@pytest.fixture
def hh(archived):
    return archived(0)


def _consent(hh, users, next_year):
    return services.consent_record(
        actor=users["agent"],
        household=hh,
        scope=Consent.Scope.PAYMENT_DATA,
        granted_by_name=hh.head_name,
        expires_on=next_year,
    )


def test_every_role_has_an_expectation(users):
    assert set(EXPECTED) == set(users)


@pytest.mark.parametrize("who", list(EXPECTED))
def test_one_rule_for_record_and_revoke(client, hh, users, next_year, who):
    user = users[who]
    allowed = EXPECTED[who]
    assert access.may_manage_consent(user, hh) is allowed
    client.force_login(user)

    r = client.post(
        f"/credit/households/{hh.pk}/consent/",
        {"scope": "payment_data", "granted_by_name": hh.head_name, "expires_on": next_year.isoformat()},
    )
    assert r.status_code == (302 if allowed else 404)
    assert Consent.objects.filter(household=hh, recorded_by=user).exists() is allowed

    consent = _consent(hh, users, next_year)
    r = client.post(f"/credit/consents/{consent.pk}/revoke/")
    assert r.status_code == (302 if allowed else 404)
    consent.refresh_from_db()
    assert (consent.revoked_at is not None) is allowed

    # the page offers the forms to exactly the same people
    page = client.get(f"/credit/households/{hh.pk}/")
    if page.status_code == 200:
        html = page.content.decode()
        assert (f"/credit/households/{hh.pk}/consent/" in html) is allowed
        assert (f"/credit/consents/{consent.pk}/revoke/" in html) is False  # already revoked
    else:
        assert not allowed


def test_the_revoke_button_follows_the_same_rule(client, hh, users, next_year):
    consent = _consent(hh, users, next_year)
    for who, allowed in EXPECTED.items():
        client.force_login(users[who])
        page = client.get(f"/credit/households/{hh.pk}/")
        shown = page.status_code == 200 and f"/credit/consents/{consent.pk}/revoke/" in page.content.decode()
        assert shown is allowed, who


def test_a_farmer_never_manages_another_households_consent(client, county, users, archived, next_year):
    other = archived(1, verifier="office")
    consent = _consent(other, users, next_year)
    assert not access.may_manage_consent(users["public"], other)
    client.force_login(users["public"])
    assert client.post(f"/credit/households/{other.pk}/consent/", {}).status_code == 404
    assert client.post(f"/credit/consents/{consent.pk}/revoke/").status_code == 404
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_anonymous_manages_nothing(client, hh, users, next_year):
    from django.contrib.auth.models import AnonymousUser

    assert not access.may_manage_consent(AnonymousUser(), hh)
    consent = _consent(hh, users, next_year)
    r = client.post(f"/credit/consents/{consent.pk}/revoke/")
    assert r.status_code == 302 and "/login/" in r["Location"]
    consent.refresh_from_db()
    assert consent.revoked_at is None
