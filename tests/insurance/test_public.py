"""The public page (no sign-in, phone-sized, no script): the products on sale today with what they cover, the
premium and the insured's own share after subsidies; the API's public list; the public link of the finder."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from puhui.insurance.services import products
from tests.api import conftest as api_fixtures
from tests.insurance.conftest import product_data

pytestmark = pytest.mark.django_db
tokens = api_fixtures.tokens


@pytest.fixture
def stopped(insurers, ins_users):
    data = product_data(insurers["picc"], name="育肥猪保险", line="livestock", subject="hog", premium_rate=None,
                        premium_per_unit=Decimal("30"), sum_insured_per_unit=Decimal("800"),
                        on_sale_to=datetime.date(2021, 12, 31), is_local_special=False)  # fmt: skip
    return products.product_create(actor=ins_users["picc"], **data)


def test_anyone_sees_the_products_on_sale(client, apple, elderly, stopped):
    page = client.get(reverse("insurance:public"))
    text = page.content.decode()
    assert page.status_code == 200
    assert apple.name in text and elderly.name in text and stopped.name not in text
    assert "72 元/亩" in text and "（30%）" in text  # 240 元/亩 × 30%
    assert "10 元/人" in text  # 20 元 × 50%
    assert "<script" not in text
    assert len(page.content) < 30_000


def test_the_page_says_when_nothing_is_on_sale(client, db):
    assert "目前没有在售" in client.get(reverse("insurance:public")).content.decode()


def test_the_finder_links_to_it():
    from puhui.core.plugins import public_links

    assert ("普惠保险产品", "insurance:public") in [(link.label, link.url_name) for link in public_links()]


def test_the_api_lists_public_fields(apple, stopped, tokens):
    from tests.api.conftest import ApiClient

    body = ApiClient(tokens["abc"]).get("/insurance/products").json()
    assert [row["name"] for row in body] == [apple.name]
    row = body[0]
    assert row["farmer_pays_per_unit"] == "72.00" and row["unit"] == "亩" and row["is_local_special"] is True
    assert "entered_by" not in row
