"""The disposal pages as people read them: crawled from the two lists for the office, a linkage unit, a bank
and the notified debtor (no server error, no English, downloads named in Chinese); the case page's step
report form for its owner only; a refused objection shown in Chinese with nothing stored."""

import datetime

import pytest
from django.urls import get_resolver, reverse

from puhui.disposal.models import Listing
from puhui.disposal.services import cases as case_services
from tests.crawl import Crawler
from tests.disposal.conftest import days_ago, person_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(users, units, county, walk):
    office = users["office"]
    case = case_services.case_open(
        actor=office, subject_kind="firm", firm=county["firms"][0], title="甲公司风险处置",
        measures=["restructuring", "renewal"], opened_on=datetime.date(2021, 5, 6),
    )  # fmt: skip
    case_services.step_add(actor=office, case=case, what="协调重组", owner=units["centre"], working_days=10)
    case_services.step_add(actor=office, case=case, what="查封资产", owner=units["court"], working_days=10)
    walk("removed")
    walk("listed", person_evidence())
    return {"case": case}


@pytest.mark.parametrize("who", ["office", "member", "abc", "court"])
def test_the_pages_read_in_chinese(client, users, units, scene, who):
    client.force_login(units["court_user"] if who == "court" else users[who])
    # The test users are named in Latin letters (shown in the header and on the timeline).
    # Only this app's pages: the menu's other entries would use up the crawl's limit (each app crawls its own).
    others = tuple(
        f"/{p.pattern}" for p in get_resolver().url_patterns if str(p.pattern) not in ("disposal/", "")
    )
    crawler = Crawler(client, allowed={"office", "member", "abc", "court", "farmer"}, skip=others)
    result = crawler.crawl([reverse("disposal:cases"), reverse("disposal:listings")], limit=60)
    assert result.server_errors == []
    assert {url: words for url, words in result.english.items() if url.startswith("/disposal/")} == {}
    assert any(url.startswith("/disposal/listings/") and url[-2].isdigit() for url in result.visited)
    ours = {url: name for url, name in result.downloads.items() if url.startswith("/disposal/")}
    assert ours, "no export crawled"
    for url, name in ours.items():
        assert name.endswith(".xlsx") and ("风险处置台账" in name or "逃废债黑名单" in name), url


def test_only_the_owner_gets_the_report_form(client, users, units, scene):
    case = scene["case"]
    client.force_login(units["court_user"])
    page = client.get(reverse("disposal:case_detail", args=[case.pk])).content.decode()
    assert "查封资产" in page and "协调重组" not in page and page.count("报告办理情况") == 1
    client.force_login(users["member"])
    page = client.get(reverse("disposal:case_detail", args=[case.pk])).content.decode()
    assert "协调重组" in page and "查封资产" not in page


def test_an_objection_after_the_window_is_refused_on_the_page(client, users, walk):
    listing = walk("notified")  # notified 20 days ago; the window closed 5 days ago
    client.force_login(users["office"])
    response = client.post(
        reverse("disposal:listing_object", args=[listing.pk]),
        {"objection-objection": "不服", "objection-on": days_ago(1).isoformat()},
    )
    assert response.status_code == 400
    assert "不予受理" in response.content.decode()
    listing.refresh_from_db()
    assert listing.status == Listing.Status.NOTIFIED and not listing.steps.filter(kind="object").exists()


def test_a_proposal_without_evidence_is_refused_on_the_page(client, users):
    client.force_login(users["abc"])
    data = person_evidence(judgment_no="", amount_owed="", judgment_date="", enforcement_date="")
    response = client.post(reverse("disposal:listing_propose"), data)
    assert response.status_code == 400
    assert "请填写判决书或裁定书文号（证据）。" in response.content.decode()
    assert not Listing.objects.exists()


def test_an_overdue_step_is_on_its_owners_home_to_do_list(client, users, units, scene):
    client.force_login(units["court_user"])
    page = client.get(reverse("dashboard")).content.decode()
    assert "逾期未办结的风险处置步骤" in page and "甲公司风险处置：查封资产" in page
    client.force_login(units["police_user"])
    assert "逾期未办结的风险处置步骤" not in client.get(reverse("dashboard")).content.decode()
