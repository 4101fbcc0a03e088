"""The credit API over /api/v1/credit/: a bank's token sees only its own lines; rates for every token."""

import pytest
from django.test import Client

from puhui.api.services import token_create
from puhui.credit import services


@pytest.fixture
def get(county, users):
    tokens = {}

    def call(org_key, path):
        if org_key not in tokens:
            tokens[org_key] = token_create(actor=users["admin"], organisation=county[org_key], name="t")[1]
        headers = {"Authorization": f"Bearer {tokens[org_key]}"}
        r = Client().get(f"/api/v1/credit{path}", headers=headers)
        return r.status_code, r.json()

    return call


def test_bank_sees_only_its_own_lines(county, users, archived, next_year, get):
    hh = archived(0)
    line = services.line_offer(actor=users["abc"], household=hh, valid_until=next_year)
    status, body = get("abc", "/lines")
    assert status == 200 and body["total"] == 1 and body["items"][0]["household_code"] == "H0"
    status, body = get("rcb", "/lines")
    assert status == 200 and body["total"] == 0
    assert get("rcb", f"/lines/{line.pk}")[0] == 404
    assert get("abc", f"/lines/{line.pk}")[0] == 200
    assert get("pboc", "/lines")[1]["total"] == 1


def test_rates(county, users, archived, get):
    archived(0)
    status, body = get("rcb", "/rates?kind=archive&level=village")
    assert status == 200
    row = next(r for r in body if r["division_id"] == county["villages"][0].pk)
    assert row == {"division_id": row["division_id"], "farm_households": 250, "count": 1, "rate": 0.004}
    status, body = get("finance_centre", "/rates?kind=precredit&level=county")
    assert status == 200 and body[0]["count"] == 0
