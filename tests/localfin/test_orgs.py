"""Local financial organisations: their returns come through the data capability, a figure beyond a cap is
accepted and flagged (never refused), the licence's own cap overrides the rule's default, a form of the wrong
kind is refused, and only the office, the administrators and the finance centre see an organisation's rows."""

import datetime
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from puhui.data import services as data_services
from puhui.data.models import Submission
from puhui.localfin.models import Licence
from puhui.localfin.selectors import orgs as selectors
from puhui.localfin.services.orgs import licence_save
from tests.localfin.returns import lending_items

pytestmark = pytest.mark.django_db
D = datetime.date


def _breaches(user, period=""):
    return {(f.ret.organisation.code, f.finding.rule.code) for f in selectors.breaches(user, period)["rows"]}


def test_a_figure_beyond_a_cap_is_accepted_and_flagged(returns, users):
    office = users["office"]
    assert Submission.objects.filter(form="guarantee", status="approved").count() == 2
    assert _breaches(office, "2020Q4") == {("GUAR", "guarantee_leverage")}
    assert _breaches(office) == {("MCC", "microcredit_single_client")}  # the latest quarter: 2021Q1
    page = selectors.organisation_page(office, returns["guarantee"])
    statuses = {ret.period.code: [f.finding.status for f in flagged] for ret, _v, flagged in page["quarters"]}
    assert statuses == {"2021Q1": ["ok", "ok"], "2020Q4": ["breach", "ok"]}
    leverage = next(f.finding for _r, _v, fl in page["quarters"] for f in fl if f.ret.period.code == "2020Q4")
    assert leverage.value == Decimal("10.5") and leverage.limit == Decimal("10")


def test_the_licensed_cap_overrides_the_default(returns, users):
    licence_save(
        actor=users["member"], organisation=returns["guarantee"], licence_no="鲁融担001", licensed_on=D(2016, 5, 1),
        supervisor="", registered_capital=Decimal("200000000"), leverage_cap=Decimal("15"),
    )  # fmt: skip
    assert _breaches(users["office"], "2020Q4") == set()


def test_a_form_of_the_wrong_kind_is_refused_and_nothing_is_stored(returns, users):
    with pytest.raises(
        PermissionDenied, match="本机构不报送《小额贷款公司、融资租赁和商业保理公司经营情况表》"
    ):
        data_services.upload_start(
            actor=returns["guarantee_user"], institution=returns["guarantee"], form_code="local_lending",
            period_code="2021Q1", channel="api", rows=[{"资本净额": "1"}],
        )  # fmt: skip
    assert not Submission.objects.filter(institution=returns["guarantee"], form="local_lending").exists()


def test_a_row_that_breaks_a_form_check_names_the_row_and_stores_nothing(returns, users):
    items = lending_items(10000, 9000, 9500)  # the largest client above the whole balance
    from puhui.data import catalogue as data_catalogue

    row = {data_catalogue.form("local_lending").item(k).header: str(v) for k, v in items.items()}
    up = data_services.upload_start(
        actor=returns["microcredit_user"], institution=returns["microcredit"], form_code="local_lending",
        period_code="2021Q2", channel="api", rows=[row],
    )  # fmt: skip
    assert up.status == "failed"
    assert "最大单户余额不能大于贷款（融资）余额" in str(up.errors)
    assert not Submission.objects.filter(institution=returns["microcredit"], period__code="2021Q2").exists()


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"licence_no": " "}, "licence_no"),
        ({"licensed_on": D(2099, 1, 1)}, "licensed_on"),
        ({"registered_capital": Decimal("0")}, "registered_capital"),
        ({"leverage_cap": Decimal("16")}, "leverage_cap"),
    ],
)
def test_a_bad_licence_is_refused_with_the_field_named(local, users, changes, field):
    before = Licence.objects.get(organisation=local["guarantee"]).licence_no
    fields = dict(
        licence_no="鲁融担002", licensed_on=D(2016, 5, 1), supervisor="", registered_capital=Decimal("1"),
        leverage_cap=Decimal("10"),
    )  # fmt: skip
    with pytest.raises(ValidationError) as e:
        licence_save(actor=users["member"], organisation=local["guarantee"], **{**fields, **changes})
    assert field in e.value.error_dict
    assert Licence.objects.get(organisation=local["guarantee"]).licence_no == before


def test_only_a_guarantee_company_has_a_leverage_cap_and_only_local_organisations_a_licence(
    local, users, county
):
    base = dict(licence_no="X", licensed_on=D(2016, 5, 1), supervisor="", registered_capital=Decimal("1"))
    with pytest.raises(ValidationError, match="只有融资担保公司有放大倍数上限"):
        licence_save(
            actor=users["member"], organisation=local["microcredit"], leverage_cap=Decimal("10"), **base
        )
    with pytest.raises(ValidationError, match="不是地方金融组织"):
        licence_save(actor=users["member"], organisation=county["abc"], **base)


def test_other_member_units_and_banks_see_county_totals_only(returns, users, client):
    for who in (returns["czj_user"], users["abc"]):
        client.force_login(who)
        home = client.get(reverse("localfin:home"))
        assert home.status_code == 200
        assert "沂源县普惠融资担保有限公司" not in home.content.decode()
        for name in ("organisations", "breaches", "insurance"):
            assert client.get(reverse(f"localfin:{name}")).status_code == 404, (who, name)
        assert client.get(reverse("localfin:organisation", args=[returns["guarantee"].pk])).status_code == 404


def test_a_local_organisation_sees_its_own_row_only(returns, client):
    client.force_login(returns["guarantee_user"])
    own = client.get(reverse("localfin:organisation", args=[returns["guarantee"].pk]))
    assert own.status_code == 200 and "融资担保放大倍数" in own.content.decode()
    assert client.get(reverse("localfin:organisation", args=[returns["microcredit"].pk])).status_code == 404
    listing = client.get(reverse("localfin:organisations")).content.decode()
    assert "沂源县普惠融资担保有限公司" in listing and "沂河源小额贷款" not in listing
    assert client.get(reverse("localfin:licence_edit", args=[returns["guarantee"].pk])).status_code == 404


def test_the_finance_centre_reads_the_breaches_and_exports_them(returns, users, client):
    client.force_login(users["member"])
    page = client.get(reverse("localfin:breaches"), {"period": "2020Q4"}).content.decode()
    assert "融资担保放大倍数" in page and "10.5" in page
    export = client.get(reverse("localfin:breaches"), {"period": "2020Q4", "export": "xlsx"})
    assert export.status_code == 200
    assert "地方金融组织监管指标超限情况_2020年第4季度.xlsx" in unquote(export["Content-Disposition"])


def test_the_breach_count_is_the_finance_centres_to_do(returns, users):
    assert selectors.breach_count(users["member"]) == 1  # 2021Q1: the microcredit company
    assert selectors.breach_count(returns["czj_user"]) == 0
