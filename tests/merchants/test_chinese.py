"""Every page of the app reads in Chinese for the office and a bank (the crawler's own reading, tests/crawl.py),
including an upload's error table and a refused form."""

import pytest
from django.urls import reverse

from puhui.core.models import User
from puhui.merchants.services.figures import figure_report
from tests.crawl import ALLOWED_WORDS, PageParser, english_words
from tests.merchants.conftest import D, xlsx

pytestmark = pytest.mark.django_db


def _words(html: str) -> set[str]:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    usernames = set(User.objects.values_list("username", flat=True))
    return english_words(parser.text, ALLOWED_WORDS | usernames)


@pytest.mark.parametrize("who", ["office", "abc"])
def test_the_pages_are_chinese(who, make_merchant, users, county, client):
    m = make_merchant(users["abc"], code="ABC-0001", village=county["villages"][2], town=county["towns"][1])
    f = figure_report(actor=users["abc"], merchant=m, month=D(2021, 3, 1), transactions=5, amount=50)
    client.force_login(users[who])
    pages = [
        client.get(reverse("merchants:list")),
        client.get(reverse("merchants:merchant_add")),
        client.get(reverse("merchants:merchant_detail", args=[m.pk])),
        client.get(reverse("merchants:merchant_edit", args=[m.pk])),
        client.get(reverse("merchants:figure_edit", args=[f.pk])),
        client.get(reverse("merchants:coverage"), {"town": county["towns"][1].pk}),
        client.get(reverse("merchants:figures_upload")),
        client.post(
            reverse("merchants:figures_upload"), {"file": xlsx([("ABC-0001", "2021-03", -1, "九十")])}
        ),
        client.post(
            reverse("merchants:figure_add", args=[m.pk]),
            {"month": "2099-01", "transactions": "-1", "amount": "1"},
        ),
        client.post(reverse("merchants:merchant_add"), {"code": "x", "signed_on": "2099-01-01"}),
    ]
    for page in pages:
        assert page.status_code in (200, 400)
        assert _words(page.content.decode()) == set(), page.request["PATH_INFO"]
