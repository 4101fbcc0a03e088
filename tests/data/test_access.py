"""Leak tests: an institution never sees another institution's submissions, rows, files, uploads or figures."""

import pytest

from puhui.data import derived, services
from puhui.data.models import IndicatorValue, Submission, Upload
from tests.data.conftest import loan_row, loans_csv

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def abc_submission(users, county):
    up = services.upload_start(
        actor=users["abc"],
        institution=county["abc"],
        form_code="loans",
        period_code="2020Q1",
        channel="page",
        file=loans_csv([loan_row(1)]),
        filename="abc.csv",
    )
    assert up.status == "succeeded"
    services.submission_review(actor=users["office"], submission=up.submission, approve=True)
    derived.compute_all()
    return up


def paths(up: Upload) -> list[str]:
    sid = up.submission_id
    return [
        f"/data/submissions/{sid}/",
        f"/data/submissions/{sid}/rows.csv",
        f"/data/submissions/{sid}/file/",
        f"/data/uploads/{up.pk}/",
    ]


def test_owner_and_office_see_it(login, users, abc_submission):
    for who in ("abc", "office"):
        client = login(users[who])
        for path in paths(abc_submission):
            assert client.get(path).status_code == 200, (who, path)
    export = login(users["abc"]).get(paths(abc_submission)[1])
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "L00001" in body and "370323********" in body and "3703231990" not in body


@pytest.mark.parametrize("who", ["rcb", "member", "town_lishan", "agent", "public"])
def test_others_get_404(login, users, abc_submission, who):
    client = login(users[who])
    for path in paths(abc_submission):
        assert client.get(path).status_code == 404, (who, path)
    assert (
        client.post(
            f"/data/submissions/{abc_submission.submission_id}/review/", {"decision": "approve"}
        ).status_code
        == 404
    )


def test_admin_sees_the_submission_but_never_its_original(login, users, abc_submission):
    """The original holds clear ID numbers; the administrator never sees clear personal data."""
    admin = login(users["admin"])
    sid = abc_submission.submission_id
    assert admin.get(f"/data/submissions/{sid}/").status_code == 200
    assert admin.get(f"/data/submissions/{sid}/rows.csv").status_code == 200  # masked
    assert admin.get(f"/data/submissions/{sid}/file/").status_code == 404


def test_other_banks_forms_and_inbox(login, users, abc_submission):
    rcb = login(users["rcb"])
    assert "L00001" not in rcb.get("/data/forms/").content.decode()
    page = rcb.get("/data/forms/loans/2020Q1/").content.decode()
    assert f"/data/submissions/{abc_submission.submission_id}/" not in page and "尚未报送" in page
    assert rcb.get("/data/inbox/").status_code == 404
    assert login(users["office"]).get("/data/inbox/?period=2020Q1").status_code == 200
    # Uploading for another bank is impossible: the form page is always the user's own organisation.
    assert login(users["member"]).get("/data/forms/").status_code == 404  # a unit with no forms


def test_figures_follow_the_scope(login, users, county, abc_submission):
    inst = IndicatorValue.objects.get(
        indicator_code="loan_balance", level="institution", period__code="2020Q1"
    )
    town = IndicatorValue.objects.get(indicator_code="loan_balance", level="town", period__code="2020Q1")
    village = IndicatorValue.objects.filter(
        indicator_code="farm_households", level="village", division=county["villages"][0]
    ).first()
    assert login(users["abc"]).get(f"/data/values/{inst.pk}/").status_code == 200
    assert login(users["rcb"]).get(f"/data/values/{inst.pk}/").status_code == 404
    assert (
        login(users["rcb"]).get(f"/data/values/{town.pk}/").status_code == 404
    )  # institutions see the county level only
    lucun = login(users["town_lucun"])
    assert lucun.get(f"/data/values/{town.pk}/").status_code == 200  # its own town
    assert lucun.get(f"/data/values/{village.pk}/").status_code == 404  # a village of 历山街道
    assert lucun.get(f"/data/values/{inst.pk}/").status_code == 404
    assert login(users["public"]).get(f"/data/values/{inst.pk}/").status_code == 404
    # A member unit reads the county's figures, not a bank's nor a town's (docs/data.md, 权限).
    member = login(users["member"])
    county_value = IndicatorValue.objects.get(
        indicator_code="loan_balance", level="county", period__code="2020Q1"
    )
    assert member.get(f"/data/values/{county_value.pk}/").status_code == 200
    assert member.get(f"/data/values/{inst.pk}/").status_code == 404
    assert member.get(f"/data/values/{town.pk}/").status_code == 404
    assert member.get("/data/indicators/?indicator=loan_balance&level=institution").status_code == 404
    # The explorer refuses levels outside the scope and its export shows only what the table shows.
    rcb = login(users["rcb"])
    assert rcb.get("/data/indicators/?indicator=loan_balance&level=town").status_code == 404
    r = rcb.get("/data/indicators/?indicator=loan_balance&level=institution&period=2020Q1&export=xlsx")
    assert r.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    cells = [
        c for row in load_workbook(BytesIO(r.content)).active.iter_rows(values_only=True) for c in row if c
    ]
    assert "农行沂源县支行" not in cells and "中国农业银行沂源县支行" not in cells
    r = login(users["abc"]).get(
        "/data/indicators/?indicator=loan_balance&level=institution&period=2020Q1&export=xlsx"
    )
    cells = [
        c for row in load_workbook(BytesIO(r.content)).active.iter_rows(values_only=True) for c in row if c
    ]
    assert "ABC-YY" in cells


def test_catalogue_edit_is_the_office_s(login, users):
    for who in ("abc", "member", "admin"):
        assert login(users[who]).get("/data/catalogue/loan_balance/edit/").status_code == 404
        assert login(users[who]).get("/data/targets/agri_loan_growth/edit/").status_code == 404
        # Recomputing is a system job: the administrator starts it too (docs/architecture.md, Jobs).
        assert login(users[who]).post("/data/compute/").status_code == (302 if who == "admin" else 404)
    assert login(users["office"]).get("/data/catalogue/loan_balance/edit/").status_code == 200


def test_anonymous_is_sent_to_login(client, abc_submission):
    r = client.get(f"/data/submissions/{abc_submission.submission_id}/")
    assert r.status_code == 302 and "/login/" in r["Location"]
    assert Submission.objects.count() == 1


def test_reporting_window_ends_at_the_last_year(users, county, settings):
    """PUHUI_DATA_LAST_YEAR (the demo: 2021) ends the periods expected from institutions; unset, this year."""
    import re

    from django.test import Client

    office, abc = Client(), Client()
    office.force_login(users["office"])
    abc.force_login(users["abc"])
    settings.PUHUI_DATA_LAST_YEAR = None
    assert 'value="2022Q1"' in office.get("/data/inbox/?period=2020Q1").content.decode()
    settings.PUHUI_DATA_LAST_YEAR = 2021
    page = office.get("/data/inbox/?period=2020Q1").content.decode()
    periods = set(re.findall(r'<option value="(\d{4}Q\d)"', page))
    assert periods == {f"{y}Q{q}" for y in (2019, 2020, 2021) for q in (1, 2, 3, 4)}
    assert office.get("/data/inbox/?period=2022Q1").status_code == 404
    mine = abc.get("/data/forms/").content.decode()
    assert 'data-period="2021Q4"' in mine and 'data-period="2022Q1"' not in mine
    r = abc.post("/data/forms/loans/2022Q1/upload/", {"file": _csv()}, headers={"HX-Request": "true"})
    assert "不在报送范围内（2019–2021 年）" in r.content.decode()


def _csv():
    import io

    from tests.data.conftest import loan_row, loans_csv

    f = io.BytesIO(loans_csv([loan_row(1, 发放日期="2022-01-10", 到期日期="2023-01-09")]))
    f.name = "loans.csv"
    return f
