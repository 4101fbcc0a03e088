import datetime
from decimal import Decimal

import pytest

from puhui.api.services import token_create
from puhui.core.models import ServicePoint, Terminal
from puhui.index import services
from tests.api import conftest as api_fixtures
from tests.conftest import _org

# A client sending a token: api("pboc"), api(None) for none (tests/api/conftest.py).
api = api_fixtures.api


@pytest.fixture
def dated(county):
    """Dated rows so the periods differ: a point opened mid-2020 in 鲁村2村, a terminal installed
    in 2021 in 历山2村 and a point closed at the end of 2019 in 历山2村."""
    v = county["villages"]
    ServicePoint.objects.create(
        code="SP3",
        name="鲁村2村服务点",
        bank=county["rcb"],
        village=v[3],
        functions=["withdrawal"],
        opened_on=datetime.date(2020, 6, 1),
    )
    ServicePoint.objects.create(
        code="SP4",
        name="历山2村旧服务点",
        bank=county["abc"],
        village=v[1],
        functions=["withdrawal"],
        opened_on=datetime.date(2015, 1, 1),
        closed_on=datetime.date(2019, 12, 31),
    )
    Terminal.objects.create(
        code="T3",
        kind="kiosk",
        bank=county["rcb"],
        village=v[1],
        bill_payment=True,
        installed_on=datetime.date(2021, 3, 1),
    )
    return county


@pytest.fixture
def published_v1(dated, users):
    """The same, with framework v1 (base-year min-max goalposts), the one a county may choose."""
    services.framework_ensure_default(actor=users["office"])
    return services.index_build(
        actor=users["office"], version=1, publish=True, last_year=2021, uncertainty_runs=30
    )


def report_npl(towns, codes, value="1.5"):
    """Approved, derived town figures of the NPL ratio (data.npl_ratio) for the given period codes: what
    `derived.compute_all` writes from approved submissions."""
    from puhui.data import services as data_services
    from puhui.data.models import DerivedRun, IndicatorValue

    for code in codes:
        period = data_services.period_get(code)
        run = DerivedRun.objects.create(period=period)
        for n, town in enumerate(towns):
            IndicatorValue.objects.create(
                run=run,
                indicator_code="npl_ratio",
                indicator_version=1,
                period=period,
                level="town",
                division=town,
                value=Decimal(value) + n,
            )


REPORTED_2019_2021 = [str(y) for y in (2019, 2020, 2021)] + [
    f"{y}Q{q}" for y in (2019, 2020, 2021) for q in (1, 2, 3, 4)
]


@pytest.fixture
def reported(dated):
    """The NPL ratio reported and approved for 2019–2021 (years and quarters), nothing later."""
    report_npl(dated["towns"], REPORTED_2019_2021)
    return dated


@pytest.fixture
def published(dated, users):
    """The yearly and quarterly index 2019–2021, published (few Monte-Carlo runs: fast)."""
    return services.index_build(actor=users["office"], publish=True, last_year=2021, uncertainty_runs=30)


@pytest.fixture
def tokens(county, users):
    """The API tests' tokens (tests/api/conftest.py) and "other": an organisation of no known kind, whose
    token gets a public user's scope — no index (`puhui.api.access.role_for_organisation`)."""
    other = _org("CONSULT", "沂源某咨询公司", "other")

    def make(org):
        _token, raw = token_create(actor=users["admin"], organisation=org, name=f"测试 {org.code}")
        return raw

    orgs = {k: county[k] for k in ("pboc", "abc", "rcb")} | {"member": county["finance_centre"]}
    return {name: make(org) for name, org in orgs.items()} | {"other": make(other)}
