"""The insurers' 农业保险业务情况表 (the data app's `insurance` form, with policies and claims) beside the product
records: county totals per insurer, the difference, each role's scope; a return not yet approved is not used."""

import pytest
from django.urls import reverse

from puhui.data import catalogue as data_catalogue
from puhui.data import services as data_services
from puhui.insurance.selectors.returns import returns_beside_records

pytestmark = pytest.mark.django_db


def _return(actor, office, org, rows, *, approve=True):
    form = data_catalogue.form("insurance")
    table = [
        {"镇（街道）代码": town.code, **{form.item(k).header: str(v) for k, v in items.items()}}
        for town, items in rows
    ]
    up = data_services.upload_start(
        actor=actor, institution=org, form_code="insurance", period_code="2021", channel="api", rows=table
    )
    assert up.status == "succeeded", up.errors
    if approve:
        data_services.submission_review(actor=office, submission=up.submission, approve=True, recompute=False)
    return up.submission


def _items(policies, premiums, claim_count, claims):
    return {"crop_area": 1000, "livestock_heads": 0, "insured_households": policies, "policies": policies,
            "premiums": premiums, "claim_count": claim_count, "claims": claims}  # fmt: skip


@pytest.fixture
def both(reported, county, users, insurers, ins_users):
    lishan, lucun = county["towns"]
    rows = [(lishan, _items(500, 50000, 10, 30000)), (lucun, _items(300, 30000, 4, 15000))]
    _return(ins_users["picc"], users["office"], insurers["picc"], rows)
    return county


def test_totals_and_differences_per_insurer(both, users, insurers):
    rows = returns_beside_records(users["office"], 2021)
    picc = next(r for r in rows if r.insurer == insurers["picc"])
    assert picc.form == {"policies": 800, "premiums": 80000, "claim_count": 14, "claims": 45000}
    assert picc.records == {"policies": 800, "premiums": 80000, "claim_count": 15, "claims": 45000}
    assert picc.differences == {"policies": 0, "premiums": 0, "claim_count": 1, "claims": 0}
    assert not picc.agrees
    assert insurers["clic"] not in [r.insurer for r in rows]  # only personal insurance, no return
    (earlier,) = returns_beside_records(users["office"], 2020)  # records, but no return for 2020
    assert earlier.form["policies"] is None and earlier.records["policies"] == 250
    assert earlier.differences["policies"] is None and not earlier.agrees


def test_each_role_sees_its_own_part(both, users, ins_users, insurers):
    assert [r.insurer for r in returns_beside_records(ins_users["clic"], 2021)] == []
    assert [r.insurer for r in returns_beside_records(ins_users["picc"], 2021)] == [insurers["picc"]]
    lucun = returns_beside_records(users["town_lucun"], 2021)
    assert lucun[0].form["policies"] == 300 and lucun[0].records["policies"] == 300
    assert returns_beside_records(users["rcb"], 2021) == []


def test_only_the_latest_approved_version_counts(both, users, ins_users, insurers, county):
    lishan, lucun = county["towns"]
    fixed = [(lishan, _items(500, 50000, 10, 30000)), (lucun, _items(300, 30000, 5, 15000))]
    _return(ins_users["picc"], users["office"], insurers["picc"], fixed, approve=False)
    picc = returns_beside_records(users["office"], 2021)[0]
    assert picc.form["claim_count"] == 14  # the correction waits for review
    data_services.submission_review(
        actor=users["office"], submission=data_services.Submission.objects.get(is_current=True, form="insurance"),
        approve=True, recompute=False,
    )  # fmt: skip
    assert returns_beside_records(users["office"], 2021)[0].agrees


def test_the_coverage_page_shows_the_comparison(both, client, users, insurers):
    client.force_login(users["office"])
    text = client.get(reverse("insurance:coverage") + "?year=2021").content.decode()
    assert f'data-testid="return-{insurers["picc"].pk}" class="table-warning"' in text
    assert "与《农业保险业务情况表》核对" in text
    assert "未报送" in client.get(reverse("insurance:coverage") + "?year=2020").content.decode()
