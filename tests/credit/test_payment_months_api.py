"""GET /api/v1/credit/payment-months: the monthly payment aggregates, a bank only the rows its own institution
(or outlets) reported, the PBoC all, anyone else 403. The row of the role × URL table is in
tests/credit/test_url_table.py."""

from decimal import Decimal

import pytest

from puhui.credit.models import PaymentMonth
from tests.api import conftest as api_fixtures
from tests.api.conftest import error_of

tokens = api_fixtures.tokens
api = api_fixtures.api


@pytest.fixture
def months(county):
    """H0 reported by both banks (ABC through its outlet) in the same month; H2 by the rural bank."""
    h0, h2 = county["households"][0], county["households"][2]

    def row(household, month, bank, inflow):
        return PaymentMonth.objects.create(
            household=household, month=month, bank=county[bank], inflow_count=1, inflow_amount=inflow
        )

    return [
        row(h0, "2021-05", "abc_outlet", Decimal("100.00")),
        row(h0, "2021-05", "rcb", Decimal("200.00")),
        row(h0, "2021-06", "abc", Decimal("300.00")),
        row(h2, "2021-06", "rcb", Decimal("400.00")),
    ]


def amounts(body) -> list[str]:
    return [i["inflow_amount"] for i in body["items"]]


def test_a_bank_sees_only_its_own_institutions_rows(months, api):
    abc = api("abc").get("/credit/payment-months").json()
    assert abc["total"] == 2 and {i["bank_code"] for i in abc["items"]} == {"ABC-YY", "ABC-YY-01"}
    rcb = api("rcb").get("/credit/payment-months").json()
    assert rcb["total"] == 2 and {i["bank_code"] for i in rcb["items"]} == {"RCB-YY"}
    # Naming the other bank does not widen the scope: the filter only narrows it.
    other = api("abc").get("/credit/payment-months", {"bank_id": months[1].bank_id}).json()
    assert other["total"] == 0


def test_the_pboc_sees_all_with_filters_and_paging(months, api):
    client = api("pboc")
    body = client.get("/credit/payment-months").json()
    assert body["total"] == 4 and [i["month"] for i in body["items"]] == [
        "2021-06",
        "2021-06",
        "2021-05",
        "2021-05",
    ]
    item = body["items"][0]
    assert (item["household_code"], item["inflow_count"]) == ("H0", 1)
    assert client.get("/credit/payment-months", {"household": "H2"}).json()["total"] == 1
    may = client.get("/credit/payment-months", {"month_from": "2021-05", "month_to": "2021-05"}).json()
    assert may["total"] == 2
    page = client.get("/credit/payment-months", {"limit": 1, "offset": 3}).json()
    assert page["total"] == 4 and len(page["items"]) == 1


def test_other_organisations_are_refused(months, api):
    r = api("member").get("/credit/payment-months")
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden"


def test_a_month_filter_must_be_a_month(months, api):
    r = api("pboc").get("/credit/payment-months", {"month_from": "2021-13"})
    assert r.status_code == 422 and error_of(r)["details"][0]["field"] == "month_from"
