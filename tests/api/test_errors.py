"""Every error has one shape: {"error": {"code", "message", "details": [{"field", "message"}]}}, in Chinese."""

import re

from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from puhui.api.v1 import api as ninja_api
from tests.api.conftest import error_of

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_401(api):
    err = error_of(api(None).get("/organisations"))
    assert err["code"] == "unauthorized" and CJK.search(err["message"])


def test_404_missing_object(api):
    r = api("abc").get("/organisations/424242")
    assert r.status_code == 404
    err = error_of(r)
    assert err == {"code": "not_found", "message": "未找到该资源，或无权访问", "details": []}


def test_404_unknown_endpoint(api):
    r = api("abc").get("/no-such-thing")
    assert r.status_code == 404
    assert error_of(r)["code"] == "not_found"


def test_404_non_numeric_id(api):
    # The path converter refuses it; the answer is still our JSON.
    r = api("abc").get("/organisations/abc")
    assert r.status_code == 404
    assert error_of(r)["code"] == "not_found"


def test_405(api, tokens):
    r = api("abc").client.delete("/api/v1/divisions", headers={"Authorization": f"Bearer {tokens['abc']}"})
    assert r.status_code == 405
    err = error_of(r)
    assert err["code"] == "method_not_allowed" and "DELETE" in err["message"]
    assert r.headers["Allow"] == "GET"


def test_400_bad_json(api):
    r = api("abc").post("/service-points", raw="{not json", key="j1")
    assert r.status_code == 400
    assert error_of(r) == {"code": "bad_request", "message": "请求体不是合法的 JSON", "details": []}


def test_422_empty_body(api):
    r = api("abc").post("/service-points", raw="", key="j2")
    assert r.status_code == 422
    assert error_of(r)["details"] == [{"field": None, "message": "请求体不能为空"}]


def test_422_body_not_an_object(api):
    r = api("abc").post("/service-points", raw="[1, 2]", key="j3")
    assert r.status_code == 422
    assert "JSON 对象" in error_of(r)["details"][0]["message"]


def test_422_query_parameters_in_chinese(api):
    r = api("abc").get("/divisions", {"level": "province", "limit": "0", "offset": "-1"})
    assert r.status_code == 422
    err = error_of(r)
    assert err["code"] == "validation_error"
    assert err["message"] == "请求数据有误，共 3 处"
    got = {d["field"]: d["message"] for d in err["details"]}
    assert got["level"].startswith("“层级”（level）取值应为以下之一：")
    assert got["limit"] == "“每页条数”（limit）不能小于 1"
    assert got["offset"] == "“起始位置”（offset）不能小于 0"


def test_422_limit_too_large(api):
    got = error_of(api("abc").get("/organisations", {"limit": "501"}))["details"]
    assert got == [{"field": "limit", "message": "“每页条数”（limit）不能大于 500"}]


def test_422_bool_and_int_query(api):
    err = error_of(api("abc").get("/service-points", {"is_station": "maybe", "bank_id": "x"}))
    got = {d["field"]: d["message"] for d in err["details"]}
    assert got == {
        "is_station": "“是否普惠金融服务站”（is_station）应为布尔值 true 或 false",
        "bank_id": "“签约银行ID”（bank_id）应为整数",
    }


def test_403_and_500_handlers_answer_in_format(county):
    request = RequestFactory().get("/api/v1/divisions")
    r = ninja_api.on_exception(request, PermissionDenied())
    assert r.status_code == 403
    assert error_of(r)["code"] == "forbidden"
    r = ninja_api.on_exception(request, RuntimeError("secret internals"))
    assert r.status_code == 500
    err = error_of(r)
    assert err["code"] == "server_error" and CJK.search(err["message"])
    assert "secret internals" not in r.content.decode()


def test_errors_are_readable_utf8(api):
    r = api(None).get("/divisions")
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert "令牌".encode() in r.content
