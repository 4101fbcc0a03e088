"""API rate limits per token: all requests, and writes separately; Chinese 429 with Retry-After."""

import pytest

from tests.api.conftest import ApiClient


def test_requests_limited_per_token(api, settings):
    settings.PUHUI_RATE_API_TOKEN = "3/d"
    abc = api("abc")
    for _ in range(3):
        assert abc.get("/divisions").status_code == 200
    r = abc.get("/divisions")
    assert r.status_code == 429
    assert 1 <= int(r["Retry-After"]) <= 86400
    error = r.json()["error"]
    assert error["code"] == "throttled"
    assert "该令牌的请求过于频繁" in error["message"] and "每天 3 次" in error["message"]
    assert api("rcb").get("/divisions").status_code == 200  # another token has its own budget


def test_writes_limited_separately(api, county, settings):
    settings.PUHUI_RATE_API_TOKEN_WRITE = "1/d"
    abc = api("abc")
    assert abc.post("/service-points", {}, key="w-1").status_code == 422  # a refused write counts too
    r = abc.post("/service-points", {}, key="w-2")
    assert r.status_code == 429 and "写操作" in r.json()["error"]["message"]
    assert r["Retry-After"]
    assert abc.get("/divisions").status_code == 200  # reads go on


def test_a_write_counts_once(api, settings):
    # The idempotency layer and ninja both authenticate a write; it must count as one request.
    settings.PUHUI_RATE_API_TOKEN = "2/d"
    abc = api("abc")
    assert abc.post("/service-points", {}, key="once-1").status_code == 422
    assert abc.get("/divisions").status_code == 200
    assert abc.get("/divisions").status_code == 429


def test_unknown_tokens_are_not_counted(api, settings):
    settings.PUHUI_RATE_API_TOKEN = "1/d"
    stranger = ApiClient("ph_00000000_notatoken")
    assert all(stranger.get("/divisions").status_code == 401 for _ in range(3))


@pytest.mark.parametrize("rate", ["", "0"])
def test_a_limit_can_be_switched_off(api, settings, rate):
    settings.PUHUI_RATE_API_TOKEN = rate
    abc = api("abc")
    assert all(abc.get("/divisions").status_code == 200 for _ in range(5))
