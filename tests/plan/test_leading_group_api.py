"""GET /api/v1/plan/leading-group: the leading group's terms over time, read as on its page (the office and the
member units); a bank's token is refused. The row of the role × URL table is in tests/plan/test_access.py."""

import datetime

import pytest

from puhui.plan.models import LeadingGroupMember
from tests.api import conftest as api_fixtures
from tests.api.conftest import error_of

tokens = api_fixtures.tokens
api = api_fixtures.api
D = datetime.date
Post = LeadingGroupMember.Post


@pytest.fixture
def terms(county):
    """The leader's post changed hands on 2021-04-01; the finance centre's member sat throughout."""

    def term(name, post, unit, start, end=None, order=0):
        return LeadingGroupMember.objects.create(
            person_name=name,
            post=post,
            unit=county[unit],
            title="职务",
            from_date=start,
            to_date=end,
            order=order,
        )

    return {
        "old_leader": term("甲一", Post.LEADER, "finance_centre", D(2020, 7, 28), D(2021, 3, 31)),
        "new_leader": term("甲二", Post.LEADER, "finance_centre", D(2021, 4, 1)),
        "member": term("丙三", Post.MEMBER, "pboc", D(2020, 7, 28), order=2),
    }


def names(body) -> list[str]:
    return [t["person_name"] for t in body["items"]]


def test_the_whole_history_and_the_group_on_a_date(terms, api):
    client = api("pboc")
    body = client.get("/plan/leading-group").json()
    assert body["total"] == 3 and names(body) == ["甲一", "丙三", "甲二"]  # by start date
    first = body["items"][0]
    assert (first["post"], first["post_label"], first["unit_code"]) == ("leader", "组长", "JRZX")
    assert (first["from_date"], first["to_date"]) == ("2020-07-28", "2021-03-31")
    assert names(client.get("/plan/leading-group", {"on": "2020-12-31"}).json()) == ["甲一", "丙三"]
    assert names(client.get("/plan/leading-group", {"on": "2021-04-01"}).json()) == ["丙三", "甲二"]
    assert names(client.get("/plan/leading-group", {"post": "leader"}).json()) == ["甲一", "甲二"]
    unit = terms["member"].unit_id
    assert names(client.get("/plan/leading-group", {"unit_id": unit}).json()) == ["丙三"]
    page = client.get("/plan/leading-group", {"limit": 1, "offset": 2}).json()
    assert page["total"] == 3 and names(page) == ["甲二"]


def test_member_units_read_it_and_banks_are_refused(terms, api):
    assert api("member").get("/plan/leading-group").json()["total"] == 3
    r = api("abc").get("/plan/leading-group")
    assert (
        r.status_code == 403 and error_of(r)["code"] == "forbidden" and "领导小组" in error_of(r)["message"]
    )


def test_a_bad_filter_is_422_in_chinese(terms, api):
    r = api("pboc").get("/plan/leading-group", {"post": "chief"})
    assert r.status_code == 422 and error_of(r)["details"][0]["field"] == "post"
