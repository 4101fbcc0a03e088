"""Rate limits: the counter, the shared database cache, the login and the upload/import pages."""

import pytest
from django.core.cache import caches
from django.db import connection

from puhui.core import ratelimit
from puhui.core.ratelimit import Rate, hit, parse_rate

pytestmark = pytest.mark.django_db


def test_parse_and_describe_rates():
    assert parse_rate("10/m") == Rate(10, 60)
    assert parse_rate("600/5m") == Rate(600, 300)
    assert parse_rate(" 20 / h ") == Rate(20, 3600)
    assert parse_rate("") is None and parse_rate("0") is None and parse_rate(None) is None
    with pytest.raises(ValueError):
        parse_rate("10 per minute")
    assert Rate(10, 60).describe() == "每分钟 10 次"
    assert Rate(600, 300).describe() == "每 5 分钟 600 次"
    assert Rate(20, 3600).describe() == "每小时 20 次"


def test_counter_refuses_past_the_limit_per_identity():
    verdicts = [hit("t", "a", "3/d") for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert verdicts[-1].count == 4 and 1 <= verdicts[-1].retry_after <= 86400
    assert hit("t", "b", "3/d").allowed  # another identity has its own count
    assert hit("other", "a", "3/d").allowed  # and another scope
    assert all(hit("t", "a", "").allowed for _ in range(5))  # an empty rate is no limit


def test_database_cache_counts_and_keeps_the_expiry():
    cache = caches["shared"]
    assert isinstance(cache, ratelimit.DatabaseCache)
    cache.add("k", 1, timeout=3600)

    def expires():
        with connection.cursor() as cursor:
            cursor.execute("SELECT expires FROM puhui_cache WHERE cache_key = %s", [cache.make_key("k")])
            return cursor.fetchone()[0]

    before = expires()
    assert cache.incr("k") == 2 and cache.incr("k", 3) == 5
    assert cache.get("k") == 5
    assert expires() == before  # Django's incr would have reset it to the 300 s default
    with pytest.raises(ValueError):
        cache.incr("missing")


def test_broken_cache_lets_requests_through(monkeypatch):
    class Broken:
        def add(self, *args, **kwargs):
            raise ConnectionError("redis is down")

    monkeypatch.setattr(ratelimit, "_cache", lambda alias=None: Broken())
    assert all(hit("t", "a", "1/m").allowed for _ in range(3))


# ----- login -----


def _login(client, username, addr="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": "wrong"}, REMOTE_ADDR=addr)


def test_login_posts_limited_per_address(client, users, settings):
    settings.PUHUI_RATE_LOGIN_IP = "10/d"  # a day: no window boundary inside the test
    for i in range(10):  # ten different names: no account lock-out gets in the way
        assert _login(client, f"nobody{i}").status_code == 200
    r = _login(client, "nobody-else")
    assert r.status_code == 429
    assert 1 <= int(r["Retry-After"]) <= 86400
    text = r.content.decode()
    assert "本机登录尝试过于频繁" in text and "每天 10 次" in text
    assert _login(client, "nobody-else", addr="10.0.0.2").status_code == 200  # another address
    assert client.get("/login/", REMOTE_ADDR="10.0.0.1").status_code == 200  # the page itself is not limited


def test_login_posts_limited_per_username(client, users, settings):
    settings.PUHUI_RATE_LOGIN_USERNAME = "3/h"
    for i, name in enumerate(["office", "Office", " office"]):
        assert _login(client, name, addr=f"10.0.1.{i}").status_code == 200
    r = _login(client, "OFFICE", addr="10.0.1.9")
    assert r.status_code == 429 and "该账号的登录尝试过于频繁" in r.content.decode()
    assert int(r["Retry-After"]) <= 3600
    assert _login(client, "abc", addr="10.0.1.9").status_code == 200  # another account


def test_refused_login_does_not_try_the_password(client, users, settings):
    from tests.conftest import PASSWORD

    settings.PUHUI_RATE_LOGIN_IP = "1/d"
    _login(client, "nobody")
    r = client.post("/login/", {"username": "office", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert r.status_code == 429
    assert "_auth_user_id" not in client.session
    r = client.post("/login/", {"username": "office", "password": PASSWORD}, REMOTE_ADDR="10.0.0.3")
    assert r.status_code == 302  # the right password from an address under the limit


# ----- uploads and imports -----

IMPORT_POSTS = [
    "/imports/",
    "/credit/archives/import/",
    "/data/forms/X/2024/upload/",
]


def test_imports_share_one_budget_per_user(login, users, settings):
    settings.PUHUI_RATE_IMPORT_USER = "2/h"
    office = login(users["office"])
    for url in IMPORT_POSTS[:2]:
        assert office.post(url, {}).status_code != 429  # a refused form still counts
    r = office.post(IMPORT_POSTS[2], {})
    assert r.status_code == 429 and "上传导入过于频繁" in r.content.decode()
    assert "每小时 2 次" in r.content.decode() and int(r["Retry-After"]) <= 3600
    assert office.get("/imports/").status_code == 200  # pages stay readable
    assert login(users["admin"]).post("/imports/", {}).status_code != 429  # another user


def test_htmx_upload_refusal_goes_back_with_a_message(login, users, settings):
    settings.PUHUI_RATE_IMPORT_USER = "1/h"
    office = login(users["office"])
    office.post("/imports/", {})
    r = office.post(
        "/imports/", {}, headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/imports/"}
    )
    assert r.status_code == 429 and r["HX-Redirect"] == "http://testserver/imports/"
    assert "上传导入过于频繁" in office.get("/imports/").content.decode()  # the flash message
