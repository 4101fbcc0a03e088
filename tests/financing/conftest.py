"""The financing scene on the shared small county: ABC (its county branch in 历山街道, an outlet and a
service point in 鲁村镇) and RCB (历山街道 only) with products, the guarantee company (every town), a firm
user for 沂源甲公司 (历山街道) and one for 鲁村乙商店 (鲁村镇)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import make_password

from puhui.core.models import User
from puhui.financing.services import products
from tests.conftest import PASSWORD, _org

D = datetime.date


def product_data(**kw):
    data = dict(
        name="担保贷", amount_min=Decimal(10_000), amount_max=Decimal(1_000_000), term_min=1, term_max=36,
        rate_min=Decimal("4.35"), rate_max=Decimal("6.00"), collateral=["guarantee", "credit"], rule="",
    )  # fmt: skip
    return {**data, **kw}


@pytest.fixture
def shelf(county, users):
    guarantee = _org("SDNDB", "山东省农业融资担保有限责任公司沂源办事处", "guarantee")
    users["guarantee"] = User.objects.create(
        username="nongdan", role="institution", organisation=guarantee, password=make_password(PASSWORD)
    )
    users["firm_a"] = User.objects.create(
        username="firm_a", role="public", firm=county["firms"][0], password=make_password(PASSWORD)
    )
    users["firm_b"] = User.objects.create(
        username="firm_b", role="public", firm=county["firms"][1], password=make_password(PASSWORD)
    )
    made = {
        "abc_credit": products.product_create(actor=users["abc"], **product_data(name="巾帼信用贷", rate_min=Decimal("4.00"),
                                              collateral=["credit"], rule="female and amount <= 300000")),
        "abc_loan": products.product_create(actor=users["abc"], **product_data(name="担保贷")),
        "rcb_youth": products.product_create(actor=users["rcb"], **product_data(name="源青创业贷", rate_min=Decimal("3.90"),
                                              rule="youth and firm_age <= 20")),
        "ldhn": products.product_create(actor=users["guarantee"], **product_data(name="鲁担惠农贷", rate_min=Decimal("3.85"),
                                        collateral=["guarantee"], rule="agri")),
    }  # fmt: skip
    return {"guarantee": guarantee, "products": made}
