"""The firms pages in Chinese: the office, a bank and the firm user walk from the app's pages (tests/crawl.py),
and no page under /firms/ shows English words, answers a server error or offers a download without a Chinese
name. The tax grade M (纳税信用等级 A/B/M/C/D, the tax authority's own notation) is allowed here as the other
grades are in `tests.crawl.ALLOWED_WORDS`."""

import datetime

import pytest
from django.urls import reverse

from puhui.firms.services import authorisations, ratings, uploads
from tests.crawl import Crawler
from tests.firms.conftest import xlsx

pytestmark = pytest.mark.django_db
TAX_GRADE = {"M"}


@pytest.fixture
def rated(firm_scene, county, users):
    firm, other = firm_scene["firm"], firm_scene["other"]
    uploads.department_upload(
        actor=firm_scene["tax_user"],
        source_code="tax_credit",
        period=datetime.date(2020, 12, 1),
        file=xlsx(["统一社会信用代码", "纳税信用等级"], [[firm.uscc, "M"], [other.uscc, "D"]]),
    )
    authorisations.authorisation_grant(
        actor=firm_scene["firm_user"],
        banks=[county["abc"]],
        expires_on=datetime.date.today() + datetime.timedelta(days=30),
    )
    ratings.ratings_compute(actor=users["office"])
    return firm_scene


@pytest.mark.parametrize("who", ["office", "abc", "firm_user", "tax_user"])
def test_firm_pages_are_chinese(client, users, rated, who):
    user = users.get(who) or rated[who]
    client.force_login(user)
    starts = [reverse(n) for n in ("firms:list", "firms:uploads", "firms:sources", "firms:mine")]
    result = Crawler(client, allowed=TAX_GRADE | {user.username}).crawl(
        starts, limit=80
    )  # the name in the bar
    ours = lambda urls: {u: v for u, v in urls.items() if u.startswith("/firms/")}  # noqa: E731
    assert not ours(result.english), ours(result.english)
    assert not [e for e in result.server_errors if "/firms/" in e]
    assert all(any("\u4e00" <= c <= "\u9fff" for c in name) for name in ours(result.downloads).values())
    assert any(u.startswith("/firms/") and code == 200 for u, code in result.visited.items())
