"""Who sees which case and publicity record, the lists (counts, filters, Excel export named in Chinese), the
selectors the periodic report calls through the plug-in services, the catalogue's sources, and the demo."""

import datetime
import random
from io import BytesIO
from types import SimpleNamespace

import openpyxl
import pytest
from django.http import Http404
from django.urls import reverse

from puhui.cases import access, demo
from puhui.cases.models import Case, Promotion
from puhui.cases.selectors import figures
from puhui.cases.selectors.records import pending_cases_count, pending_promotions_count
from puhui.cases.services import cases, promotions
from puhui.core import plugins

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def scene(users, county, make_case, make_promotion):
    office = users["office"]
    abc_draft = make_case(title="农行未发布的案例")
    rcb_pub = make_case(user=users["rcb"], title="农商行已发布的案例", topic="first_loan", period="2021Q1")
    cases.case_review(actor=office, case=rcb_pub, decision="publish")
    cases.case_select(actor=office, case=rcb_pub, period="2021Q1")
    kept = make_case(user=users["member"], title="金融中心的经验", topic="risk", period="2021")
    cases.case_review(actor=office, case=kept, decision="accept")
    cases.case_select(actor=office, case=kept, period="2021")
    other = make_case(user=users["member"], title="入选 2020 年", period="2020")
    cases.case_review(actor=office, case=other, decision="accept")
    cases.case_select(actor=office, case=other, period="2020")
    approve = lambda r: promotions.promotion_review(actor=office, record=r, decision="approve")  # noqa: E731
    approve(make_promotion(audience=100))
    approve(make_promotion(kind="media", audience=None, town=None, held_on=D(2021, 3, 1)))
    approve(make_promotion(user=users["member"], kind="government", audience=50, town=county["towns"][0]))
    make_promotion(user=users["rcb"], audience=999)  # waiting: never counts
    approve(make_promotion(held_on=D(2020, 5, 1), audience=7))
    return {"abc_draft": abc_draft, "rcb_pub": rcb_pub, "kept": kept}


def test_a_bank_cannot_see_another_banks_unpublished_case(scene, users):
    rcb, abc, member = users["rcb"], users["abc"], users["member"]
    assert set(access.cases_for(rcb).values_list("title", flat=True)) == {"农商行已发布的案例"}
    with pytest.raises(Http404):
        access.access_case_by_id(rcb, scene["abc_draft"].pk)
    with pytest.raises(Http404):
        access.access_case_file_by_id(rcb, scene["abc_draft"].files.get().pk)
    assert access.access_case_by_id(abc, scene["rcb_pub"].pk)  # published: every staff user reads it
    assert not access.may_edit_case(abc, scene["rcb_pub"])
    assert access.cases_for(member).count() == 3  # its own two and the published one
    assert access.cases_for(users["office"]).count() == access.cases_for(users["admin"]).count() == 4
    for who in ("town_lishan", "agent", "public"):
        assert not access.cases_for(users[who]).exists() and not access.promotions_for(users[who]).exists()
    assert set(access.promotions_for(rcb).values_list("audience", flat=True)) == {999}


def test_the_report_selectors_through_the_plugin_services(scene, users):
    evaluation_cases = plugins.service("evaluation_cases")
    year = evaluation_cases("2021")  # the year's report takes its quarters' selections too
    assert [c["title"] for c in year] == ["农商行已发布的案例", "金融中心的经验"]
    assert (
        year[0]["topic_label"] == "首贷培植"
        and year[0]["published"]
        and year[0]["selected_label"] == "2021年第1季度"
    )
    assert [c["title"] for c in evaluation_cases("2021Q1")] == ["农商行已发布的案例"]
    assert [c["title"] for c in evaluation_cases("2020")] == ["入选 2020 年"]
    summary = plugins.service("publicity_summary")("2021")
    assert summary["events"] == 3 and summary["audience"] == 150
    kinds = {k["kind"]: (k["events"], k["audience"]) for k in summary["by_kind"]}
    assert kinds == {
        "government": (1, 50),
        "outlet": (0, 0),
        "session": (1, 100),
        "media": (1, 0),
        "other": (0, 0),
    }
    assert [(u["unit"], u["events"], u["audience"]) for u in summary["by_unit"]] == [
        ("中国农业银行沂源县支行", 2, 100), ("沂源县金融证券工作服务中心", 1, 50)]  # fmt: skip
    assert plugins.service("publicity_summary")("2020")["audience"] == 7


def test_the_catalogue_sources(scene, county):
    year = (D(2021, 1, 1), D(2021, 12, 31))
    abc, lucun = county["abc"].pk, county["towns"][1].pk
    assert sorted(figures.zone_publicity_events_values(*year), key=str) == sorted(
        [
            (abc, lucun, None, 1),
            (abc, None, None, 1),
            (county["finance_centre"].pk, county["towns"][0].pk, None, 1),
        ],
        key=str,
    )
    assert (abc, None, None, 100) not in figures.zone_publicity_audience_values(*year)  # media: no audience
    assert figures.cases_published_values(*year) == [(county["rcb"].pk, None, None, 1)]
    assert figures.cases_published_values(D(2021, 4, 1), D(2021, 6, 30)) == []
    assert {"zone_publicity_events", "zone_publicity_audience", "cases_published"} <= set(
        plugins.data_sources()
    )


def test_the_office_todo_counts(scene, users):
    assert pending_cases_count(users["office"]) == 1 and pending_promotions_count(users["office"]) == 1
    assert pending_cases_count(users["abc"]) == 0


def test_lists_count_filter_and_export_in_chinese(scene, client, users):
    client.force_login(users["office"])
    page = client.get(reverse("cases:cases"), {"selected": "any"})
    assert page.status_code == 200 and page.context["listing"].count.n == 3
    assert client.get(reverse("cases:cases"), {"q": "农商行"}).context["listing"].count.n == 1
    response = client.get(reverse("cases:cases"), {"status": "accepted", "export": "xlsx"})
    assert "filename*=utf-8''%E5%85%B8%E5%9E%8B%E6%A1%88%E4%BE%8B" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("标题", "报送单位", "专题") and sorted(r[0] for r in rows[1:]) == [
        "入选 2020 年",
        "金融中心的经验",
    ]
    publicity = client.get(reverse("cases:publicity"), {"year": "2021", "kind": "media"})
    assert publicity.context["listing"].count.n == 1
    client.force_login(users["rcb"])
    assert client.get(reverse("cases:cases")).context["listing"].count.n == 1
    export = client.get(reverse("cases:publicity"), {"export": "xlsx"})
    assert len(list(openpyxl.load_workbook(BytesIO(b"".join(export.streaming_content))).active.values)) == 2


def test_an_attachment_downloads_under_its_name_for_those_who_see_it(scene, client, users):
    item = scene["abc_draft"].files.get()
    client.force_login(users["abc"])
    response = client.get(reverse("cases:case_file", args=[item.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert "%E5%81%9A%E6%B3%95.pdf" in response["Content-Disposition"]  # 做法.pdf
    client.force_login(users["rcb"])
    assert client.get(reverse("cases:case_file", args=[item.pk])).status_code == 404


def test_the_summary_page_shows_what_the_report_takes(scene, client, users):
    client.force_login(users["office"])
    page = client.get(reverse("cases:summary"), {"period": "2021"})
    assert page.status_code == 200
    assert "金融中心的经验" in page.content.decode() and page.context["publicity"]["events"] == 3
    assert client.get(reverse("cases:summary"), {"period": "bad"}).status_code == 404


def test_the_demo_builds_cases_in_every_state_and_publicity(users, county):
    """`build(ctx)` on the test county with the demo's usernames for the test users (no full demo county)."""
    ctx = SimpleNamespace(
        users={"office": users["office"], "bank_rcb": users["rcb"], "bank_abc": users["abc"],
               "member_jrzx": users["member"]},
        random=lambda n: random.Random(n),
    )  # fmt: skip
    made = demo.build(ctx)
    assert made == {"cases": 4, "publicity": 40} and set(made) == set(demo.COUNT_LABELS)
    assert set(Case.objects.values_list("status", flat=True)) == {"published"}
    assert Case.objects.exclude(selected_for="").count() == 3  # the office's own is not selected
    statuses = set(Promotion.objects.values_list("status", flat=True))
    assert statuses == {"approved", "pending", "returned"}
    assert (
        Promotion.objects.filter(held_on__year=2020).exists()
        and Promotion.objects.filter(held_on__year=2021).exists()
    )
    assert Promotion.objects.filter(kind="media", audience__isnull=True).exists()
