"""/api/v1/data/: JSON and file submissions with idempotency keys, review, figures; and what a token may see."""

import io
import json
import uuid
from decimal import Decimal

import pytest

from puhui.api.services import token_create
from puhui.data import derived, services
from puhui.data.models import LoanRecord, Submission, Upload
from tests.api.conftest import ApiClient, error_of
from tests.data.conftest import loan_row, loans_csv

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def api(county, users):
    def make(org_key):
        _t, raw = token_create(actor=users["admin"], organisation=county[org_key], name=f"测试 {org_key}")
        return ApiClient(raw)

    return make


def rows(*ns, **kw):
    return [loan_row(n, **kw) for n in ns]


def test_json_rows_stored_and_replayed_with_the_same_key(api):
    abc = api("abc")
    body = {"form": "loans", "period": "2020Q1", "rows": rows(1, 2)}
    body["rows"][0]["贷款余额（元）"] = 12345.10  # a JSON number: kept exact, not through a float
    key = str(uuid.uuid4())
    r = abc.post("/data/submissions", body, key=key)
    assert r.status_code == 201, r.content
    data = json.loads(r.content)
    assert data["status"] == "succeeded" and data["submission"]["version"] == 1
    assert LoanRecord.objects.order_by("row").first().balance_fen == 1234510
    again = abc.post("/data/submissions", body, key=key)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert Submission.objects.count() == 1
    other = abc.post("/data/submissions", {**body, "comment": "改"}, key=key)
    assert other.status_code == 422 and error_of(other)["code"] == "idempotency_key_reused"
    assert abc.post("/data/submissions", body).status_code == 400  # no key


def test_json_errors_name_row_and_field_and_store_nothing(api):
    abc = api("abc")
    body = {"form": "loans", "period": "2020Q1", "rows": rows(1, 2, 1)}
    body["rows"][1]["贷款金额（元）"] = "50000,5"
    key = str(uuid.uuid4())
    r = abc.post("/data/submissions", body, key=key)
    assert r.status_code == 422
    err = error_of(r)
    assert "没有保存任何数据" in err["message"]
    fields = {d["field"]: d["message"] for d in err["details"]}
    assert "rows[1].贷款金额（元）" in fields and "逗号" in fields["rows[1].贷款金额（元）"]
    assert "rows[2].借据号" in fields and "与第 1 行重复" in fields["rows[2].借据号"]
    assert not Submission.objects.exists() and not Upload.objects.exists()
    # The key was not spent on a failed request: the corrected request may reuse it.
    body["rows"] = rows(1, 2)
    assert abc.post("/data/submissions", body, key=key).status_code == 201


def test_english_keys_and_unknown_fields(api):
    abc = api("abc")
    row = {
        "loan_no": "X1",
        "borrower_id": "91370323MA3C4DB553",
        "borrower_type": "small",
        "place": "370323102000",
        "amount": "100000",
        "balance": "80000",
        "rate": "4.35%",
        "issued_on": "2020-02-01",
        "due_on": "2021-02-01",
        "guarantee": "mortgage",
        "is_credit": False,
        "is_first": True,
        "is_agri": False,
        "status": "normal",
    }
    assert (
        abc.post(
            "/data/submissions", {"form": "loans", "period": "2020Q1", "rows": [row]}, key="k1"
        ).status_code
        == 201
    )
    r = abc.post(
        "/data/submissions", {"form": "loans", "period": "2020Q1", "rows": [row], "extra": 1}, key="k2"
    )
    assert r.status_code == 422 and error_of(r)["details"][0]["field"] == "extra"
    r = abc.post(
        "/data/submissions", {"form": "loans", "period": "2020Q1", "rows": [{**row, "amout": 1}]}, key="k3"
    )
    assert r.status_code == 422 and "无法识别的列" in json.dumps(error_of(r), ensure_ascii=False)


def test_file_upload_and_a_form_the_institution_does_not_submit(api):
    abc = api("abc")
    content = loans_csv([loan_row(1)])
    r = abc.client.post(
        "/api/v1/data/submissions/file",
        {"form": "loans", "period": "2020Q1", "file": _file(content, "a.csv")},
        headers={"Authorization": f"Bearer {abc.token}", "Idempotency-Key": "f1"},
    )
    assert r.status_code == 201, r.content
    assert Submission.objects.get().channel == "api_file"
    r = abc.post(
        "/data/submissions", {"form": "credit_archive", "period": "2020Q1", "rows": [{"x": 1}]}, key="f2"
    )
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden"
    member = api("finance_centre")
    r = member.post("/data/submissions", {"form": "loans", "period": "2020Q1", "rows": rows(1)}, key="f3")
    assert r.status_code == 403


def _file(content, name):
    f = io.BytesIO(content)
    f.name = name
    return f


def test_review_by_the_office_token_only(api):
    abc, rcb, pboc = api("abc"), api("rcb"), api("pboc")
    r = abc.post("/data/submissions", {"form": "loans", "period": "2020Q1", "rows": rows(1)}, key="a")
    sid = json.loads(r.content)["submission"]["id"]
    assert abc.post(f"/data/submissions/{sid}/review", {"decision": "approve"}, key="r1").status_code == 403
    assert rcb.post(f"/data/submissions/{sid}/review", {"decision": "approve"}, key="r2").status_code == 404
    r = pboc.post(f"/data/submissions/{sid}/review", {"decision": "return"}, key="r3")
    assert r.status_code == 422 and error_of(r)["details"][0]["field"] == "comment"
    r = pboc.post(f"/data/submissions/{sid}/review", {"decision": "approve", "comment": "好"}, key="r4")
    assert r.status_code == 200 and json.loads(r.content)["status"] == "approved"


def test_leaks_another_banks_submissions_rows_and_uploads(api):
    abc, rcb, pboc = api("abc"), api("rcb"), api("pboc")
    r = abc.post("/data/submissions", {"form": "loans", "period": "2020Q1", "rows": rows(1)}, key="a")
    data = json.loads(r.content)
    sid, uid = data["submission"]["id"], data["id"]
    assert abc.get(f"/data/submissions/{sid}").status_code == 200
    rows_page = json.loads(abc.get(f"/data/submissions/{sid}/rows").content)
    assert rows_page["total"] == 1 and "****" in rows_page["items"][0]["borrower_id"]
    for path in (f"/data/submissions/{sid}", f"/data/submissions/{sid}/rows", f"/data/uploads/{uid}"):
        r = rcb.get(path)
        assert r.status_code == 404 and error_of(r)["code"] == "not_found", path
    assert json.loads(rcb.get("/data/submissions").content)["total"] == 0
    assert json.loads(pboc.get("/data/submissions").content)["total"] == 1
    assert pboc.get(f"/data/submissions/{sid}/rows").status_code == 200


def test_forms_indicators_values_and_targets(api, users, county):
    abc, pboc, rcb = api("abc"), api("pboc"), api("rcb")
    forms = {f["code"]: f for f in json.loads(abc.get("/data/forms").content)}
    assert forms["loans"]["applies"] and not forms["credit_archive"]["applies"]
    cols = json.loads(abc.get("/data/forms/loans").content)["columns"]
    assert {"key": "loan_no", "header": "借据号"}.items() <= cols[0].items()
    assert len(json.loads(abc.get("/data/indicators").content)) > 40
    for key, n in (("a", (1, 2)), ("b", (3,))):
        token = abc if key == "a" else rcb
        r = token.post("/data/submissions", {"form": "loans", "period": "2020Q1", "rows": rows(*n)}, key=key)
        services.submission_review(
            actor=users["office"],
            submission=Submission.objects.get(pk=json.loads(r.content)["submission"]["id"]),
            approve=True,
        )
    derived.compute_all()
    params = {"indicator": "loan_balance", "period": "2020Q1", "level": "institution"}
    assert json.loads(pboc.get("/data/values", params).content)["total"] == 2
    mine = json.loads(abc.get("/data/values", params).content)
    assert mine["total"] == 1 and mine["items"][0]["organisation_id"] == county["abc"].pk
    assert json.loads(abc.get("/data/values", {**params, "level": "town"}).content)["total"] == 0
    county = json.loads(abc.get("/data/values", {**params, "level": "county"}).content)["items"][0]
    assert Decimal(county["value"]) == 120000
    statuses = json.loads(abc.get("/data/targets").content)
    assert {s["code"] for s in statuses} >= {"agri_loan_growth", "archive_rate_2020", "mobile_bank_events"}


def _loan_rows_over(limit: int) -> tuple[list[dict], bytes]:
    """Loan rows whose CSV is larger than `limit` bytes (distinct loan ids and borrowers)."""
    n = limit // 100 + 50
    body = [loan_row(i) for i in range(1, n + 1)]
    content = loans_csv(body)
    assert len(content) > limit
    return body, content


def test_a_file_larger_than_the_request_body_limit_is_accepted_and_replayed(api, settings):
    """The API stands in for a >10 MB file: with the limits at 64 KB the same code path streams
    the file to a temporary file and hashes its parts for the idempotency key, never `request.body`."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    abc = api("abc")
    _rows, content = _loan_rows_over(3 * 64 * 1024)

    def send(data, key):
        return abc.client.post(
            "/api/v1/data/submissions/file",
            {"form": "loans", "period": "2020Q1", "file": _file(data, "big.csv")},
            headers={"Authorization": f"Bearer {abc.token}", "Idempotency-Key": key},
        )

    r = send(content, "big-1")
    assert r.status_code == 201, r.content
    first = json.loads(r.content)
    assert first["rows"] == len(_rows) and first["submission"]["row_count"] == len(_rows)
    again = send(content, "big-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert json.loads(again.content) == first
    assert Submission.objects.count() == 1 and LoanRecord.objects.count() == len(_rows)
    # The same key with another file (one byte changed) is another request.
    changed = content.replace(b"L00001", b"L99999", 1)
    other = send(changed, "big-1")
    assert other.status_code == 422 and error_of(other)["code"] == "idempotency_key_reused"


def test_a_json_body_over_the_limit_is_413_pointing_to_the_file_endpoint(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    abc = api("abc")
    body_rows, _content = _loan_rows_over(64 * 1024)
    r = abc.post("/data/submissions", {"form": "loans", "period": "2020Q1", "rows": body_rows}, key="too-big")
    assert r.status_code == 413, r.content
    err = error_of(r)
    assert err["code"] == "payload_too_large"
    assert "文件" in err["message"] and "/data/submissions/file" in err["message"]
    assert not Upload.objects.exists() and not Submission.objects.exists()
