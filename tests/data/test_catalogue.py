"""The shipped catalogue, its versioning, periods, and the source grammar."""

import datetime
from decimal import Decimal

import pandas as pd
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from puhui.core.models import AuditLog
from puhui.core.periods import codes_between, parse_code, previous_year_code
from puhui.data import catalogue, formula, services
from puhui.data.models import Indicator, Target


def test_every_plan_target_is_shipped(catalogue):
    codes = set(Target.objects.filter(is_current=True).values_list("code", flat=True))
    assert codes == {
        "agri_loan_growth",
        "small_loan_growth",
        "credit_loan_issued_up",
        "credit_loan_balance_up",
        "mobile_bank_events",
        "service_point_upgrade",
        "terminal_bill_payment",
        "archive_rate_2020",
        "archive_rate_2021",
        "precredit_rate_2020",
        "precredit_rate_2021",
        "crop_coverage_up",
        "livestock_coverage_up",
        "farm_insured_rate",
        "financing_cost_down",
        "adviser_quarterly_visit",
    }
    clauses = set(Target.objects.values_list("clause", flat=True))
    assert {"五", "九", "十", "十二", "十四", "十六", "十九", "二十"} <= clauses
    dims = set(Indicator.objects.values_list("dimension", flat=True))
    assert {"availability", "usage", "quality", "safety"} <= dims


def test_sync_is_idempotent_and_keeps_edits(db, users):
    assert services.catalogue_sync(actor=users["office"])["indicators"] > 40
    services.indicator_update(actor=users["office"], code="npl_ratio", change_note="改名", name="不良率")
    assert services.catalogue_sync(actor=users["office"]) == {"indicators": 0, "targets": 0}
    assert Indicator.objects.get(code="npl_ratio", is_current=True).name == "不良率"
    call_command("data_catalogue")


def test_an_edit_is_a_new_version(catalogue, users):
    old = Indicator.objects.get(code="archive_rate", is_current=True)
    new = services.indicator_update(
        actor=users["office"],
        code="archive_rate",
        change_note="改按已评级农户计算",
        source="archived_households / households * 100",
    )
    assert (new.version, new.is_current, new.created_by) == (2, True, users["office"])
    old.refresh_from_db()
    assert (old.version, old.is_current, old.source) == (
        1,
        False,
        "archived_households / farm_households * 100",
    )
    log = AuditLog.objects.get(object_type="data.Indicator", action="update")
    assert log.before["source"] == old.source and log.after["source"] == new.source
    with pytest.raises(ValidationError) as e:
        services.indicator_update(
            actor=users["office"], code="archive_rate", change_note="x", source="nope / farm_households"
        )
    assert "不存在的指标" in str(e.value)
    with pytest.raises(ValidationError):
        services.indicator_update(
            actor=users["office"], code="archive_rate", change_note="x", source="__import__('os')"
        )
    with pytest.raises(ValidationError):
        services.indicator_update(actor=users["office"], code="archive_rate", change_note="")
    t = services.target_update(
        actor=users["office"], code="agri_loan_growth", change_note="提高", threshold="25"
    )
    assert (t.version, t.threshold) == (2, Decimal("25"))


def test_edit_pages(login, users, catalogue):
    office = login(users["office"])
    page = office.get("/data/catalogue/").content.decode()
    assert "农户建档率" in page and "贷款明细表" in page
    r = office.post(
        "/data/targets/agri_loan_growth/edit/",
        {
            **{
                f: getattr(Target.objects.get(code="agri_loan_growth"), f)
                for f in services.TARGET_FIELDS
                if f != "each_threshold"
            },
            "each_threshold": "",
            "threshold": "22",
            "change_note": "按新要求",
        },
    )
    assert r.status_code == 302
    assert Target.objects.get(code="agri_loan_growth", is_current=True).threshold == Decimal("22")
    assert "按新要求" in office.get("/data/targets/agri_loan_growth/").content.decode()
    ind = Indicator.objects.get(code="loan_balance")
    data = {f: getattr(ind, f) for f in services.INDICATOR_FIELDS}
    data.update(levels=["county", "town"], source="balance[type=farm", change_note="试")
    data["auxiliary"] = ""
    page = office.post("/data/catalogue/loan_balance/edit/", data).content.decode()
    assert "无法识别" in page
    assert Indicator.objects.filter(code="loan_balance").count() == 1


def test_the_returns_other_apps_read_row_by_row_are_in_the_catalogue():
    assert catalogue.form(catalogue.LOANS_FORM).is_loans
    assert catalogue.form(catalogue.GUARANTEES_FORM).is_guarantees
    assert [f.code for f in catalogue.forms().values() if f.is_loans] == [catalogue.LOANS_FORM]


def test_loan_source_grammar():
    src = catalogue.parse_loan_source("balance[type=small|individual,is_agri]")
    assert src.flags == ("is_agri",) and src.choices == (("borrower_type", ("individual", "small")),)
    assert src.row_filter() == {"is_agri": True, "borrower_type__in": ["individual", "small"]}
    for bad in ("sum[is_agri]", "balance[colour=red]", "balance[type=giant]"):
        with pytest.raises(ValueError):
            catalogue.parse_loan_source(bad)


def test_formula_is_vectorised_and_safe():
    s = formula.evaluate("a / b * 100", {"a": pd.Series([1.0, 2.0, 3.0]), "b": pd.Series([2.0, 0.0, None])})
    assert s.iloc[0] == 50 and pd.isna(s.iloc[1]) and pd.isna(s.iloc[2])
    assert formula.names("(x + y) / x - 1") == ["x", "y"]
    for bad in ("a ** 2", "a.b", "f(a)", "a if b else c", "[a]"):
        with pytest.raises(formula.FormulaError):
            formula.parse(bad)


def test_periods():
    q = parse_code("2020q3")
    assert (q.code, q.start, q.end) == ("2020Q3", datetime.date(2020, 7, 1), datetime.date(2020, 9, 30))
    assert q.due == datetime.date(
        2020, 10, 28
    )  # 15 working days: the holiday skipped, Saturday 10 October worked
    assert parse_code("2020-02").end == datetime.date(2020, 2, 29)
    assert previous_year_code("2021Q1") == "2020Q1"
    assert codes_between("quarter", "2019Q3", "2020Q2") == ["2019Q3", "2019Q4", "2020Q1", "2020Q2"]
    with pytest.raises(ValueError):
        parse_code("2020Q5")


def test_office_adds_an_indicator(login, users, catalogue):
    office = login(users["office"])
    data = {
        "code": "first_loan_share",
        "name": "首贷户占比",
        "definition": "首贷户数 ÷ 有贷款余额的农户数 × 100",
        "unit": "%",
        "direction": "higher",
        "frequency": "quarter",
        "levels": ["town", "county"],
        "source_kind": "formula",
        "source": "first_loans / farm_borrowers * 100",
        "dimension": "availability",
        "decimals": 2,
        "clause": "五",
    }
    r = office.post("/data/catalogue/new/", data)
    assert r.status_code == 302 and Indicator.objects.get(code="first_loan_share").version == 1
    page = office.post("/data/catalogue/new/", data).content.decode()
    assert "该编码已存在" in page
    assert login(users["abc"]).get("/data/catalogue/new/").status_code == 404


def test_the_catalogue_is_a_list_with_search_filters_and_export(client, users, catalogue):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(users["office"])
    page = client.get("/data/catalogue/?q=首贷").content.decode()
    assert "首贷户数（平台认定）" in page and "农户贷款覆盖率" not in page
    page = client.get("/data/catalogue/?source_kind=platform&q=惠农商圈").content.decode()
    assert "惠农商圈签约商户数" in page and "huinong_merchants" in page
    response = client.get("/data/catalogue/?export=xlsx")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert [c.value for c in sheet[1]][:4] == ["条款", "编码", "名称", "单位"]
    assert sheet.max_row - 1 == Indicator.objects.filter(is_current=True).count()
