"""The local-finance scene (`returns`: their approved quarterly returns, one beyond a cap each quarter): the finance centre known by its 方案称谓, another member unit (县财政局) that sees
county totals only, a guarantee company and a microcredit company with their own users, and two firms."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import make_password

from puhui.core.models import User
from puhui.data import services as data_services
from puhui.localfin.access import FINANCE_CENTRE
from puhui.localfin.models import Enterprise, Licence
from tests.conftest import PASSWORD, _org
from tests.localfin.returns import guarantee_items, lending_items, submit

D = datetime.date


@pytest.fixture(autouse=True)
def finance_centre(county):
    org = county["finance_centre"]
    org.plan_alias = FINANCE_CENTRE
    org.save(update_fields=["plan_alias"])
    return org


@pytest.fixture
def local(county, users):
    """Local financial organisations and their users; the finance bureau as a member unit that is not the
    finance centre."""
    v = county["villages"]
    guarantee = _org("GUAR", "沂源县普惠融资担保有限公司", "guarantee", division=v[0])
    microcredit = _org("MCC", "沂源县沂河源小额贷款股份有限公司", "microcredit", division=v[1])
    czj = _org("CZJ", "沂源县财政局", "government", plan_alias="县财政局", is_leading_group_member=True)
    Licence.objects.create(
        organisation=guarantee,
        licence_no="鲁融担001",
        licensed_on=D(2016, 5, 1),
        registered_capital=Decimal("200000000"),
        leverage_cap=Decimal("10"),
    )
    Licence.objects.create(
        organisation=microcredit,
        licence_no="鲁金小贷〔2012〕3号",
        licensed_on=D(2012, 8, 1),
        registered_capital=Decimal("100000000"),
    )

    def make(username, role, org):
        return User.objects.create(
            username=username, role=role, organisation=org, password=make_password(PASSWORD)
        )

    return {
        "guarantee": guarantee,
        "microcredit": microcredit,
        "czj": czj,
        "guarantee_user": make("guar", User.Role.INSTITUTION, guarantee),
        "microcredit_user": make("mcc", User.Role.INSTITUTION, microcredit),
        "czj_user": make("czj", User.Role.MEMBER_UNIT, czj),
    }


@pytest.fixture
def firms(county):
    towns = county["towns"]
    return {
        "yiyuan": Enterprise.objects.create(
            uscc="91370323MA3C4DB553", name="山东沂源药业股份有限公司", town=towns[0], industry="医药制造"
        ),
        "lucun": Enterprise.objects.create(
            uscc="91370323163034563Q", name="沂源鲁村果业有限公司", town=towns[1], industry="农副食品加工"
        ),
    }


@pytest.fixture
def returns(local, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    office = users["office"]
    data_services.catalogue_sync(actor=office)
    # 2020Q4: 21,000 万 in force on 2,000 万 of net assets = 10.5 倍 (the cap is 10); 2021Q1: 9.5 倍.
    submit(
        local["guarantee_user"],
        office,
        local["guarantee"],
        "guarantee",
        "2020Q4",
        guarantee_items(2000, 21000),
    )
    submit(
        local["guarantee_user"],
        office,
        local["guarantee"],
        "guarantee",
        "2021Q1",
        guarantee_items(2000, 19000),
    )
    # The microcredit company lends 600 万 to one borrower on 10,000 万 of capital: 6 % > 5 %.
    submit(
        local["microcredit_user"], office, local["microcredit"], "local_lending", "2021Q1",
        lending_items(10000, 9000, 600),
    )  # fmt: skip
    return local
