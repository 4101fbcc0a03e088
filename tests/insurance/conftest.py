"""The insurance scene on the test county: two insurers (PICC with a user; CLIC, also with a user), helpers that
make product and report data and write through the services. Each town of the test county has 500 farm
households (two villages of 250)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import make_password

from puhui.core.models import User
from puhui.insurance.services import products, reports
from tests.conftest import PASSWORD, _org

D = datetime.date


@pytest.fixture
def insurers(county):
    picc = _org(
        "PICC-YY", "中国人民财产保险股份有限公司沂源支公司", "insurer", short_name="人保财险沂源支公司"
    )
    clic = _org("CLIC-YY", "中国人寿保险股份有限公司沂源县支公司", "insurer")
    return {"picc": picc, "clic": clic}


@pytest.fixture
def ins_users(insurers):
    def make(username, org):
        return User.objects.create(
            username=username, role=User.Role.INSTITUTION, organisation=org, password=make_password(PASSWORD)
        )

    return {"picc": make("ins_picc", insurers["picc"]), "clic": make("ins_clic", insurers["clic"])}


def product_data(insurer, **overrides) -> dict:
    data = {
        "insurer": insurer,
        "name": "沂源苹果种植保险",
        "line": "fruit",
        "subject": "apple",
        "covers": "冰雹、冻害造成的苹果产量损失。",
        "sum_insured_per_unit": Decimal("4000"),
        "premium_rate": Decimal("6"),
        "premium_per_unit": None,
        "central_share": Decimal("0"),
        "provincial_share": Decimal("30"),
        "city_share": Decimal("10"),
        "county_share": Decimal("30"),
        "farmer_share": Decimal("30"),
        "is_local_special": True,
        "on_sale_from": D(2019, 3, 1),
        "on_sale_to": None,
    }
    data.update(overrides)
    return data


def report_data(product, town, **overrides) -> dict:
    data = {
        "product": product,
        "town": town,
        "year": 2021,
        "policies": 300,
        "households": 280,
        "quantity": Decimal("850.50"),
        "premium": Decimal("204120.00"),
        "claims": 12,
        "claims_paid": Decimal("102060.00"),
    }
    data.update(overrides)
    return data


@pytest.fixture
def apple(insurers, ins_users):
    return products.product_create(actor=ins_users["picc"], **product_data(insurers["picc"]))


@pytest.fixture
def wheat(insurers, ins_users):
    data = product_data(
        insurers["picc"], name="小麦种植保险", line="crop", subject="wheat", premium_rate=None,
        premium_per_unit=Decimal("28"), sum_insured_per_unit=Decimal("950"), is_local_special=False,
        central_share=Decimal("40"), provincial_share=Decimal("25"), city_share=Decimal("5"),
        county_share=Decimal("10"), farmer_share=Decimal("20"), on_sale_from=D(2018, 1, 1),
    )  # fmt: skip
    return products.product_create(actor=ins_users["picc"], **data)


@pytest.fixture
def elderly(insurers, ins_users):
    data = product_data(
        insurers["clic"], name="留守老人意外伤害保险", line="personal", subject="elderly", premium_rate=None,
        premium_per_unit=Decimal("20"), sum_insured_per_unit=Decimal("30000"), is_local_special=False,
        provincial_share=Decimal("0"), city_share=Decimal("0"), county_share=Decimal("50"),
        farmer_share=Decimal("50"), on_sale_from=D(2020, 1, 1),
    )  # fmt: skip
    return products.product_create(actor=ins_users["clic"], **data)


@pytest.fixture
def make_report(county, ins_users):
    def make(product, town=None, user=None, **overrides):
        actor = user or (ins_users["picc"] if product.insurer.code == "PICC-YY" else ins_users["clic"])
        return reports.report_save(
            actor=actor, **report_data(product, town or county["towns"][0], **overrides)
        )

    return make


@pytest.fixture
def reported(apple, wheat, elderly, make_report, county):
    """Wheat in both towns, apples in one, the elderly's insurance in the other (2021), wheat in 2020."""
    lishan, lucun = county["towns"]
    make_report(wheat, lishan, year=2021, households=400, policies=400, premium=Decimal("40000"), claims=10,
                claims_paid=Decimal("30000"))  # fmt: skip
    make_report(wheat, lucun, year=2021, households=300, policies=300, premium=Decimal("30000"), claims=5,
                claims_paid=Decimal("15000"))  # fmt: skip
    make_report(apple, lishan, year=2021, households=100, policies=100, premium=Decimal("10000"), claims=0,
                claims_paid=Decimal("0"))  # fmt: skip
    make_report(elderly, lucun, year=2021, households=450, policies=480, premium=Decimal("9000"), claims=1,
                claims_paid=Decimal("1000"))  # fmt: skip
    make_report(wheat, lishan, year=2020, households=250, policies=250, premium=Decimal("25000"), claims=1,
                claims_paid=Decimal("5000"))  # fmt: skip
