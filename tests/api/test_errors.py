"""Every error has one shape: {"error": {"code", "message", "details": [{"field", "message"}]}}, in Chinese."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from ninja.errors import HttpError

from puhui.api.errors import json_nesting_exceeds
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


# --- unmatched paths and bodies the JSON parser cannot take (issue "Security and reliability") ------------


@pytest.mark.parametrize(
    "path", ["/no/such/deep/path", "/%E4%B8%AD%E6%96%87", "/organisations/1/nothing", "/divisions/", "/"]
)
def test_unmatched_paths_answer_json_404_also_in_production(api, settings, path):
    settings.DEBUG = False
    r = api("abc").get(path)
    assert r.status_code == 404, path
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert error_of(r)["code"] == "not_found"


def test_unmatched_write_answers_json_404_without_csrf(tokens):
    client = Client(enforce_csrf_checks=True)
    r = client.post(
        "/api/v1/no-such-thing",
        data="{}",
        content_type="application/json",
        headers={"Authorization": f"Bearer {tokens['abc']}", "Idempotency-Key": "u1"},
    )
    assert r.status_code == 404
    assert error_of(r)["code"] == "not_found"


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100000,
        "[" * 100000 + "]" * 100000,
        '{"a":' * 50000 + "1" + "}" * 50000,
    ],
)
def test_deeply_nested_json_is_a_chinese_400(api, settings, body):
    settings.DEBUG = False
    r = api("abc").post("/service-points", raw=body, key="deep")
    assert r.status_code == 400
    assert error_of(r) == {
        "code": "bad_request",
        "message": "请求体的 JSON 嵌套层数过多，无法解析",
        "details": [],
    }


def test_deeply_nested_json_in_ninjas_parser(county):
    # Where ninja itself parses the body, its HttpError carries the RecursionError as its cause.
    request = RequestFactory().post("/api/v1/service-points")
    try:
        raise HttpError(400, "Cannot parse request body") from RecursionError("maximum recursion depth")
    except HttpError as exc:
        r = ninja_api.on_exception(request, exc)
    assert r.status_code == 400
    assert error_of(r)["message"] == "请求体的 JSON 嵌套层数过多，无法解析"


def test_nesting_scan():
    assert json_nesting_exceeds(b"[" * 300, 200)
    assert not json_nesting_exceeds(b'{"a": "' + b"[" * 300 + b'"}', 200)  # inside a string
    assert not json_nesting_exceeds(b'["\\"", ' + b"[" * 10 + b"]" * 10 + b"]", 200)
