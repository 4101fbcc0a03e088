"""A department's system pushes its data on firms over the API (/api/v1/firms/sources/{code}/rows and /file):
the same checks and matching as an upload on the page, stored whole or not at all."""

import pytest

from puhui.api.services import token_create
from puhui.firms.models import DepartmentRecord, DepartmentUpload
from tests.api.conftest import ApiClient
from tests.firms.conftest import xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def tax_api(firm_scene, users):
    _token, raw = token_create(
        actor=users["admin"], organisation=firm_scene["tax_user"].organisation, name="税务"
    )
    return ApiClient(raw)


def test_rows_are_matched_stored_and_replace_the_period(firm_scene, tax_api):
    firm, other = firm_scene["firm"], firm_scene["other"]
    body = {
        "period": "2020-12",
        "rows": [{"uscc": firm.uscc, "grade": "A"}, {"uscc": other.uscc, "grade": "C"}],
    }
    answer = tax_api.post("/firms/sources/tax_credit/rows", body, key="push-1")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["matched"] == 2 and answer.json()["unmatched"] == []
    grades = dict(DepartmentRecord.objects.values_list("firm_id", "values__grade"))
    assert grades == {firm.pk: "A", other.pk: "C"}
    again = tax_api.post("/firms/sources/tax_credit/rows", {**body, "rows": body["rows"][:1]}, key="push-2")
    assert again.json()["replaced"] is True and DepartmentRecord.objects.count() == 1


def test_a_bad_row_or_an_unknown_uscc_refuses_the_whole_push_naming_the_row(firm_scene, tax_api):
    firm = firm_scene["firm"]
    bad = {"period": "2020-12", "rows": [{"uscc": firm.uscc, "纳税信用等级": "A"}, {"uscc": firm_scene["other"].uscc,
                                                                                "纳税信用等级": "E"}]}  # fmt: skip
    answer = tax_api.post("/firms/sources/tax_credit/rows", bad, key="push-3")
    assert answer.status_code == 422
    assert any(
        "第 3 行" in d["message"] and "纳税信用等级" in d["message"]
        for d in answer.json()["error"]["details"]
    )
    unknown = {"period": "2020-12", "rows": [{"uscc": "91370323MA3C4DB80N", "纳税信用等级": "A"}]}
    answer = tax_api.post("/firms/sources/tax_credit/rows", unknown, key="push-4")
    assert answer.status_code == 422 and "名录中没有" in answer.json()["error"]["details"][0]["message"]
    assert not DepartmentUpload.objects.exists() and not DepartmentRecord.objects.exists()


def test_another_departments_source_and_a_bad_period_are_refused(firm_scene, tax_api):
    rows = [{"uscc": firm_scene["firm"].uscc, "欠缴金额（元）": "10"}]
    answer = tax_api.post(
        "/firms/sources/utility_arrears/rows", {"period": "2021-06", "rows": rows}, key="p5"
    )
    assert answer.status_code == 422 and "不能上传" in str(answer.json())
    answer = tax_api.post("/firms/sources/tax_credit/rows", {"period": "六月", "rows": rows}, key="p6")
    assert answer.status_code == 422 and "期间请写成月份" in str(answer.json())
    assert not DepartmentRecord.objects.exists()


def test_a_file_is_pushed_like_an_upload(firm_scene, tax_api):
    workbook = xlsx(
        ["统一社会信用代码", "纳税信用等级"], [[firm_scene["firm"].uscc, "B"]], "纳税信用等级.xlsx"
    )
    answer = tax_api.client.post(
        "/api/v1/firms/sources/tax_credit/file", {"file": workbook, "period": "2020-12"},
        headers={**tax_api._headers(None), "Idempotency-Key": "p7"},
    )  # fmt: skip
    assert answer.status_code == 201, answer.json()
    assert DepartmentRecord.objects.get().values["grade"] == "B"
