"""Tokens for the test county's organisations, and a client that sends them."""

import json

import pytest
from django.test import Client

from puhui.api.services import token_create


class ApiClient:
    """Django's test client speaking to /api/v1/ with a bearer token."""

    def __init__(self, token: str | None = None, client: Client | None = None):
        self.client = client or Client()
        self.token = token

    def _headers(self, headers):
        out = {}
        if self.token:
            out["Authorization"] = f"Bearer {self.token}"
        out.update(headers or {})
        return out

    def get(self, path, params=None, headers=None):
        return self.client.get(f"/api/v1{path}", params or {}, headers=self._headers(headers))

    def post(self, path, body=None, key=None, headers=None, raw=None):
        headers = dict(headers or {})
        if key is not None:
            headers["Idempotency-Key"] = key
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(
            f"/api/v1{path}", data=data, content_type="application/json", headers=self._headers(headers)
        )


@pytest.fixture
def tokens(county, users):
    """One full token per organisation of interest, created through the service."""

    def make(org):
        _token, raw = token_create(actor=users["admin"], organisation=org, name=f"测试 {org.code}")
        return raw

    return {
        "pboc": make(county["pboc"]),
        "member": make(county["finance_centre"]),
        "abc": make(county["abc"]),
        "rcb": make(county["rcb"]),
    }


@pytest.fixture
def api(tokens):
    """api("abc") → a client acting with the ABC token; api(None) → no token."""

    def make(name):
        return ApiClient(tokens[name] if name else None)

    return make


def error_of(response) -> dict:
    body = json.loads(response.content)
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    return body["error"]
