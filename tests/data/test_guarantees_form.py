"""The 担保关系明细表 (guarantees): one row per guarantor of a loan of the same period's 贷款明细表, checked
against that loan return, stored all or nothing with the keyed hashes the loans' borrowers have."""

import csv
import io
import json
import re

import pytest

from puhui.core.crypto import lookup_hash
from puhui.data import catalogue as cat
from puhui.data import services
from puhui.data.models import GuaranteeRecord, LoanRecord, Submission
from puhui.data.specs import spec_for
from puhui.data.workbooks import template_csv
from tests.api.conftest import ApiClient, error_of
from tests.data.conftest import loan_row, loans_csv, make_uscc, resident_id

HEADER = ["借据号", "借款人证件号码", "保证人证件号码", "担保金额（元）"]
FIRM = "91370323MA3C4DB553"  # a county firm: the borrower of loan L00002
OTHER_FIRM = make_uscc("91370302MA3C4DB55")  # registered in 淄川区: a guarantor may be from anywhere
PERSON = resident_id("370302", "19800315", "021")  # a guarantor living outside the county
PERSON2 = resident_id("370323", "19750101", "033")
PERSON3 = resident_id("370323", "19660606", "045")


def guarantees_csv(rows) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEADER)
    for r in rows:
        w.writerow(r)
    return buf.getvalue().encode()


def post(client, content, form="guarantees", period="2020Q1", name="g.csv"):
    f = io.BytesIO(content)
    f.name = name
    return client.post(
        f"/data/forms/{form}/{period}/upload/", {"file": f, "comment": ""}, headers={"HX-Request": "true"}
    )


def errors_of(response) -> list[tuple]:
    html = response.content.decode()
    rows = re.findall(
        r"<tr data-row=\"([^\"]*)\"><td>[^<]*</td><td>([^<]*)</td><td[^>]*>[^<]*</td><td[^>]*>([^<]*)</td>",
        html,
    )
    return [(int(r) if r else None, c, reason) for r, c, reason in rows]


@pytest.fixture
def abc(login, users, catalogue):
    return login(users["abc"])


@pytest.fixture
def loans(abc):
    """ABC's loan return for 2020Q1: L00001 to a farmer, L00002 to a firm, L00003 to another farmer."""
    rows = [
        loan_row(1),
        loan_row(2, 借款人类型="小微企业", 借款人证件号码=FIRM, 担保方式="保证", 信用贷款="否"),
        loan_row(3, 担保方式="保证", 信用贷款="否"),
    ]
    r = post(abc, loans_csv(rows), form="loans", name="loans.csv")
    assert 'data-testid="upload-ok"' in r.content.decode()
    return {r["借据号"]: r["借款人证件号码"] for r in rows}


def good_rows(loans):
    return [
        ["L00002", FIRM, OTHER_FIRM, "100000.00"],
        ["L00002", FIRM, PERSON, "50,000.50"],
        ["L00003", loans["L00003"], PERSON2, "40000"],
    ]


def test_a_good_file_stores_its_rows_with_the_loans_hashes(abc, loans, county):
    r = post(abc, guarantees_csv(good_rows(loans)))
    assert 'data-testid="upload-ok"' in r.content.decode(), r.content.decode()
    sub = Submission.objects.get(form="guarantees")
    loan_sub = Submission.objects.get(form="loans")
    assert (sub.version, sub.row_count, sub.status, sub.institution) == (1, 3, "submitted", county["abc"])
    assert sub.totals == {
        "rows": 3,
        "guarantees": 3,
        "loans": 2,
        "guarantors": 3,
        "amount_fen": 10000000 + 5000050 + 4000000,
        "loans_submission": loan_sub.pk,
        "loans_version": 1,
    }
    rows = list(GuaranteeRecord.objects.filter(submission=sub).order_by("row"))
    assert [(g.row, g.loan_no, g.amount_fen) for g in rows] == [
        (2, "L00002", 10000000),
        (3, "L00002", 5000050),
        (4, "L00003", 4000000),
    ]
    assert [g.guarantor_kind for g in rows] == ["uscc", "ric", "ric"]
    assert [g.guarantor_id for g in rows] == [OTHER_FIRM, PERSON, PERSON2]
    assert [g.guarantor_hash for g in rows] == [lookup_hash(x) for x in (OTHER_FIRM, PERSON, PERSON2)]
    loan_hash = dict(LoanRecord.objects.values_list("loan_no", "borrower_hash"))
    assert [g.borrower_hash for g in rows] == [loan_hash["L00002"], loan_hash["L00002"], loan_hash["L00003"]]
    # A firm that borrows here and guarantees elsewhere is one hash.
    assert lookup_hash(FIRM) == loan_hash["L00002"]


def test_the_guarantor_number_is_encrypted_and_masked_on_the_page_and_in_the_export(abc, loans, users, login):
    post(abc, guarantees_csv(good_rows(loans)))
    sub = Submission.objects.get(form="guarantees")
    from django.db import connection

    with connection.cursor() as c:
        c.execute(f"SELECT guarantor_id FROM {GuaranteeRecord._meta.db_table}")
        stored = [x for (x,) in c.fetchall()]
    assert all(PERSON not in x and OTHER_FIRM not in x for x in stored)
    for user in (users["abc"], users["office"]):
        client = login(user)
        page = client.get(f"/data/submissions/{sub.pk}/").content.decode()
        assert "370302********" in page and PERSON not in page and FIRM not in page
        assert "担保金额合计" in page and "913703********" in page
        export = b"".join(client.get(f"/data/submissions/{sub.pk}/rows.csv").streaming_content).decode(
            "utf-8-sig"
        )
        lines = list(csv.reader(io.StringIO(export)))
        assert lines[0] == [
            "行号",
            "借据号",
            "借款人证件号码",
            "保证人证件类型",
            "保证人证件号码",
            "担保金额（元）",
        ]
        assert lines[2] == [
            "3",
            "L00002",
            FIRM[:6] + "********" + FIRM[-4:],
            "居民身份证",
            PERSON[:6] + "********" + PERSON[-4:],
            "50000.50",
        ]
        assert PERSON not in export
    found = login(users["abc"]).get(f"/data/submissions/{sub.pk}/?q=L00003").content.decode()
    assert found.count("<tr><td>") == 1


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (["L00002", FIRM, FIRM, "100"], "保证人证件号码", "保证人与借款人相同，不能为自己担保"),
        (["L00002", FIRM, PERSON3, "-5"], "担保金额（元）", "金额不能小于 0"),
        (["L00002", FIRM, PERSON3, "0"], "担保金额（元）", "担保金额应大于0"),
        (["L00002", FIRM, PERSON3, ""], "担保金额（元）", "不能为空"),
        (["L00002", FIRM, "12345", "100"], "保证人证件号码", "应为18位居民身份证号码或统一社会信用代码"),
        (["L00002", FIRM, "370302198003150000", "100"], "保证人证件号码", "校验"),
        (["L00002", PERSON, PERSON3, "100"], "借款人证件号码", "不属于沂源县"),
        (["L09999", FIRM, PERSON3, "100"], "借据号", "借据号 L09999 不在本期贷款明细表中"),
        (
            ["L00003", FIRM, PERSON3, "100"],
            "借款人证件号码",
            "借款人证件号码与贷款明细表中该借据的借款人不一致",
        ),
    ],
)
def test_each_bad_row_is_named_and_nothing_is_stored(abc, loans, row, column, reason):
    rows = [*good_rows(loans), row]
    r = post(abc, guarantees_csv(rows))
    html = r.content.decode()
    assert 'data-testid="upload-failed"' in html and "没有保存任何数据" in html
    errs = errors_of(r)
    assert [(n, c) for n, c, _r in errs] == [(5, column)], errs
    assert reason in errs[0][2]
    assert not Submission.objects.filter(form="guarantees").exists()
    assert not GuaranteeRecord.objects.exists()


def test_a_repeated_loan_and_guarantor_pair(abc, loans):
    rows = [*good_rows(loans), ["L00002", FIRM, " " + PERSON.lower(), "1"]]
    errs = errors_of(post(abc, guarantees_csv(rows)))
    assert errs == [(5, "保证人证件号码", "借据号、保证人证件号码与第 3 行重复")]
    assert not GuaranteeRecord.objects.exists()


def test_a_number_excel_stored_as_a_number(abc, loans):
    from tests.data.conftest import xlsx_bytes

    content = xlsx_bytes([HEADER, ["L00003", loans["L00003"], 370302198003150000, 100]], sheet="担保关系明细")
    errs = errors_of(post(abc, content, name="g.xlsx"))
    assert errs[0][:2] == (2, "保证人证件号码") and "被 Excel 存成了数字" in errs[0][2]


def test_without_a_loan_return_of_the_period_the_file_is_refused(abc, loans, users):
    rows = [["L00002", FIRM, PERSON, "100"]]
    errs = errors_of(post(abc, guarantees_csv(rows), period="2020Q2"))
    assert len(errs) == 1 and errs[0][0] is None and "请先报送本期《贷款明细表》" in errs[0][2]
    # A returned loan return does not count either.
    services.submission_review(
        actor=users["office"],
        submission=Submission.objects.get(form="loans"),
        approve=False,
        comment="请更正",
    )
    errs = errors_of(post(abc, guarantees_csv(rows)))
    assert "请先报送本期《贷款明细表》" in errs[0][2]
    assert not Submission.objects.filter(form="guarantees").exists()


def test_a_second_version_replaces_the_first_and_is_checked_against_the_latest_loans(abc, loans):
    post(abc, guarantees_csv(good_rows(loans)))
    # The bank corrects its loans (version 2 drops L00003), then its guarantees.
    rows = [
        loan_row(1),
        loan_row(2, 借款人类型="小微企业", 借款人证件号码=FIRM, 担保方式="保证", 信用贷款="否"),
    ]
    post(abc, loans_csv(rows), form="loans", name="loans.csv")
    errs = errors_of(post(abc, guarantees_csv(good_rows(loans))))
    assert errs[0][:2] == (4, "借据号") and "第2版" in errs[0][2]
    r = post(abc, guarantees_csv(good_rows(loans)[:1]))
    assert 'data-testid="upload-ok"' in r.content.decode()
    v1, v2 = Submission.objects.filter(form="guarantees").order_by("version")
    assert (v1.is_current, v2.is_current, v2.version, v2.row_count) == (False, True, 2, 1)
    assert v2.totals["loans_version"] == 2
    assert GuaranteeRecord.objects.filter(submission=v1).count() == 3
    assert GuaranteeRecord.objects.filter(submission=v2).count() == 1


def test_the_api_takes_json_rows(county, users, loans):
    from puhui.api.services import token_create

    _t, raw = token_create(actor=users["admin"], organisation=county["abc"], name="测试")
    api = ApiClient(raw)
    body = {
        "form": "guarantees",
        "period": "2020Q1",
        "rows": [
            {"loan_no": "L00002", "borrower_id": FIRM, "guarantor_id": OTHER_FIRM, "amount": "300000"},
            {"loan_no": "L00003", "borrower_id": loans["L00003"], "guarantor_id": PERSON, "amount": 1000.5},
        ],
    }
    bad = {**body, "rows": [*body["rows"], {**body["rows"][0], "loan_no": "L7"}]}
    r = api.post("/data/submissions", bad, key="g0")
    assert r.status_code == 422
    assert {d["field"] for d in error_of(r)["details"]} == {"rows[2].loan_no"}
    r = api.post("/data/submissions", body, key="g1")
    assert r.status_code == 201, r.content
    data = json.loads(r.content)
    assert data["submission"]["form"] == "guarantees" and data["submission"]["version"] == 1
    assert sorted(GuaranteeRecord.objects.values_list("amount_fen", flat=True)) == [100050, 30000000]


def test_the_form_in_the_catalogue_and_its_template(county, catalogue):
    form = cat.form("guarantees")
    assert form.is_guarantees and not form.is_loans and not form.is_aggregate and not form.items
    assert form.title == "担保关系明细表" and form.frequency == "quarter" and form.clause == "二十一"
    assert form.applies_to(county["abc"]) and form.applies_to(county["rcb"])
    assert [f.code for f in cat.forms_for_organisation(county["abc"])][:2] == ["loans", "guarantees"]
    from puhui.data.county import county_context

    period = services.period_get("2020Q1")
    spec = spec_for(form, ctx=county_context(), period=period)
    assert [c.header for c in spec.columns] == HEADER
    assert template_csv(spec, form=form, ctx=county_context()).decode("utf-8-sig").strip() == ",".join(HEADER)


def test_the_template_download_and_form_page(abc):
    r = abc.get("/data/forms/guarantees/2020Q1/template.xlsx")
    if r.status_code == 404:  # the URL's own shape
        from django.urls import reverse

        r = abc.get(reverse("data_template", args=["guarantees", "2020Q1", "xlsx"]))
    assert r.status_code == 200
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(r.content))
    assert [c.value for c in wb["担保关系明细"][1]] == HEADER
    notes = " ".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row if c.value)
    assert "须先报送本期《贷款明细表》" in notes and "370323198505052316" in notes
    page = abc.get("/data/forms/guarantees/2020Q1/").content.decode()
    assert "须先报送本期《贷款明细表》" in page
