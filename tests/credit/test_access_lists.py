"""The bank's verification queue (its service area only), the lists' scopes and their paging.

Test county: ABC has its county branch in 历山1村 and an outlet and a service point in 鲁村1村; RCB has
its branch and an outlet in 历山 and a service point in 历山1村. Households 0–3 live in 历山1村, 历山2村,
鲁村1村 and 鲁村2村.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from puhui.core.models import Organisation, ServicePoint, User
from puhui.credit import access, services
from puhui.credit.models import HouseholdArchive, PreCreditLine


@pytest.fixture
def submitted(county, users, complete):
    """Complete archives waiting for verification for the given household indexes."""

    def make(*indexes):
        return [
            services.archive_save(actor=users["agent"], household=county["households"][i], data=complete)
            for i in indexes
        ]

    return make


def queue(user) -> set[str]:
    return set(access.verification_queue_for(user).values_list("household__code", flat=True))


def test_bank_queue_is_its_service_area(county, users, submitted):
    submitted(0, 1, 2, 3)
    assert queue(users["abc"]) == {"H0", "H1", "H2", "H3"}  # offices in both towns
    assert queue(users["rcb"]) == {"H0", "H1"}  # offices only in 历山
    assert queue(users["town_lucun"]) == {"H2", "H3"}
    assert queue(users["office"]) == {"H0", "H1", "H2", "H3"}
    for who in ("agent", "public", "member"):
        assert queue(users[who]) == set()
    # A service point in 鲁村2村 opens that village (not the rest of 鲁村) to RCB …
    sp = ServicePoint.objects.create(
        code="SP9", name="鲁村2村服务点", bank=county["rcb"], village=county["villages"][3]
    )
    assert queue(users["rcb"]) == {"H0", "H1", "H3"}
    # … until it closes.
    sp.closed_on = datetime.date.today() - datetime.timedelta(days=1)
    sp.save()
    assert queue(users["rcb"]) == {"H0", "H1"}


def test_bank_opens_and_verifies_only_in_its_area(county, users, login, submitted):
    submitted(0, 2)
    h0, h2 = county["households"][0], county["households"][2]
    rcb = login(users["rcb"])
    # The work list's queue shows only the area's archives (H2 lives in 鲁村, outside RCB's area).
    worklist = rcb.get("/credit/").content.decode()
    assert f"/credit/households/{h0.pk}/" in worklist and f"/credit/households/{h2.pk}/" not in worklist
    assert rcb.get(f"/credit/households/{h2.pk}/").status_code == 404
    assert rcb.post(f"/credit/households/{h2.pk}/verify/").status_code == 404
    assert HouseholdArchive.objects.get(household=h2).status == "submitted"
    assert rcb.get(f"/credit/households/{h0.pk}/").status_code == 200
    rcb.post(f"/credit/households/{h0.pk}/verify/")
    archive = HouseholdArchive.objects.get(household=h0)
    assert archive.status == "verified" and archive.verified_bank == county["rcb"]
    assert login(users["abc"]).post(f"/credit/households/{h2.pk}/verify/").status_code == 302


def test_bank_cannot_reverify_another_partys_archive(county, users, login, archived):
    hh = archived(0, verifier="abc")  # ABC's customer now
    rcb = login(users["rcb"])
    assert rcb.get(f"/credit/households/{hh.pk}/").status_code == 404
    assert rcb.post(f"/credit/households/{hh.pk}/verify/").status_code == 404
    assert HouseholdArchive.objects.get(household=hh).verified_bank == county["abc"]
    hh1 = archived(1, verifier="office")
    assert rcb.post(f"/credit/households/{hh1.pk}/verify/").status_code == 404
    assert HouseholdArchive.objects.get(household=hh1).verified_bank is None


def test_own_customer_sent_back_stays_verifiable_outside_area(
    county, users, login, archived, complete, next_year
):
    hh = archived(2, verifier="abc")
    services.line_offer(actor=users["abc"], household=hh, valid_until=next_year)
    # RCB has no office in 鲁村; give it the line's customer relation by an earlier offer of its own.
    PreCreditLine.objects.filter(household=hh).update(bank=county["rcb"])
    services.archive_save(actor=users["agent"], household=hh, data={**complete, "annual_net_income": 90000})
    assert HouseholdArchive.objects.get(household=hh).status == "submitted"
    assert "H2" not in queue(users["rcb"])
    assert access.access_archive_for_verify(users["rcb"], hh.pk).pk == hh.pk


def test_insurers_and_closed_banks_verify_nothing(county, users, login, submitted):
    submitted(0)
    insurer = Organisation.objects.create(
        code="PICC-YY", name="人保财险沂源支公司", kind="insurer", division=county["villages"][0]
    )
    user = User.objects.create(username="picc", role="institution", organisation=insurer)
    h0 = county["households"][0]
    assert not access.may_verify(user) and queue(user) == set()
    assert login(user).get(f"/credit/households/{h0.pk}/").status_code == 404
    assert login(user).post(f"/credit/households/{h0.pk}/verify/").status_code == 404
    county["rcb"].closed_on = datetime.date(2021, 1, 1)
    county["rcb"].save()
    rcb = User.objects.get(pk=users["rcb"].pk)
    assert not access.may_verify(rcb) and queue(rcb) == set()


def test_line_scopes(county, users, login, archived, next_year):
    lines = {}
    for i, bank in ((0, "abc"), (1, "rcb"), (2, "abc"), (3, "rcb")):
        hh = archived(i, verifier="office")
        lines[i] = services.line_offer(actor=users[bank], household=hh, valid_until=next_year)

    def seen(who):
        return {line.household.code for line in access.lines_for(users[who])}

    assert seen("abc") == {"H0", "H2"} and seen("rcb") == {"H1", "H3"}
    assert seen("town_lishan") == {"H0", "H1"} and seen("town_lucun") == {"H2", "H3"}
    assert seen("agent") == {"H0"} and seen("public") == {"H0"}
    assert seen("office") == {"H0", "H1", "H2", "H3"} and seen("member") == set()
    page = login(users["town_lucun"]).get("/credit/lines/").content.decode()
    assert ">H2<" in page and ">H3<" in page and ">H0<" not in page  # codes as link texts
    page = login(users["rcb"]).get("/credit/lines/").content.decode()
    assert ">H1<" in page and ">H3<" in page and ">H0<" not in page and ">H2<" not in page
    assert (
        login(users["rcb"])
        .post(f"/credit/lines/{lines[0].pk}/move/", {"kind": "draw", "amount": "1"})
        .status_code
        == 404
    )


def test_bank_work_list_is_its_customers(county, users, login, archived, next_year):
    archived(0, verifier="abc")  # verified by ABC
    hh1 = archived(1, verifier="office")
    services.line_offer(actor=users["abc"], household=hh1, valid_until=next_year)  # offered by ABC
    archived(2, verifier="office")
    customers = set(access.credit_households_for(users["abc"]).values_list("code", flat=True))
    assert customers == {"H0", "H1"}
    assert set(access.credit_households_for(users["rcb"]).values_list("code", flat=True)) == set()
    page = login(users["abc"]).get("/credit/?status=verified").content.decode()
    assert ">H0<" in page and ">H1<" in page and ">H2<" not in page  # codes as link texts


@pytest.mark.parametrize("who", ["abc", "town_lishan", "office"])
@pytest.mark.parametrize("url", ["/credit/", "/credit/lines/", "/credit/?page=3", "/credit/lines/?page=3"])
def test_list_pages_read_one_page(county, users, login, archived, next_year, who, url, exact_count_runs_out):
    """No list query reads every row: each household/line select is limited to a page (or the count cap).
    (PostgreSQL's exact count runs under a time budget; here it runs out, as on a large county.)"""
    for i in range(4):
        hh = archived(i, verifier="office")
        services.line_offer(actor=users["abc"], household=hh, valid_until=next_year)
    client = login(users[who])
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    tables = ('FROM "registry_household"', 'FROM "credit_precreditline"', 'FROM "credit_householdarchive"')
    for q in ctx.captured_queries:
        sql = q["sql"]
        if sql.lstrip().upper().startswith("SELECT") and any(t in sql.split(" WHERE ")[0] for t in tables):
            assert " LIMIT " in sql, sql


def test_a_bank_is_not_offered_the_no_archive_filter(county, users, login):
    """A bank's customers all have an archive (its customer rule), so 未建档 could only ever show nothing."""
    assert 'value="none"' not in login(users["abc"]).get("/credit/").content.decode()
    assert 'value="none"' in login(users["office"]).get("/credit/").content.decode()


@pytest.mark.parametrize("few", [True, False])
def test_a_bank_filters_its_customers_by_archive_status(
    county, users, login, archived, next_year, few, monkeypatch
):
    """采集中 on a bank's work list: its own customer whose archive went back to draft, never another bank's
    customer or a non-customer; the same rows whether read from the few archives or by the probes."""
    if not few:
        monkeypatch.setattr(access, "FEW_WITH_STATUS", 0)
    for i in range(3):
        archived(i, verifier="office")
    services.line_offer(actor=users["abc"], household=county["households"][0], valid_until=next_year)
    services.line_offer(actor=users["rcb"], household=county["households"][1], valid_until=next_year)
    HouseholdArchive.objects.filter(household__in=county["households"][:3]).update(status="draft")
    for bank, code in [("abc", "H0"), ("rcb", "H1")]:
        page = login(users[bank]).get("/credit/?status=draft").content.decode()
        assert f">{code}<" in page and page.count('href="/credit/households/') == 1, bank
    expected = [county["households"][0].pk] if few else None  # None: too many, the probes read the page
    assert access.bank_customers_with_archive_status(users["abc"], "draft") == expected
