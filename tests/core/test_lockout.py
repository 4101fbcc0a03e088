"""Lock-outs and audit addresses behind the reverse proxy, and the per-account back-off."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import RequestFactory
from django.utils import timezone

from puhui.core.models import AuditLog
from puhui.core.net import client_ip
from tests.conftest import PASSWORD

PROXY = "10.0.0.2"


@pytest.fixture
def behind_proxy(settings):
    settings.PUHUI_TRUSTED_PROXIES = ["10.0.0.0/24", "fd00::/8"]


def ip(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.PUHUI_TRUSTED_PROXIES = []
    assert ip("203.0.113.5", "198.51.100.1") == "203.0.113.5"


def test_client_ip_behind_trusted_proxies(behind_proxy):
    # An untrusted peer cannot choose its address by sending the header.
    assert ip("203.0.113.5", "198.51.100.1") == "203.0.113.5"
    # The proxy appended the peer it saw; what the client wrote on the left is not believed.
    assert ip(PROXY, "6.6.6.6, 198.51.100.1") == "198.51.100.1"
    # Two proxies: skip the trusted hops from the right.
    assert ip(PROXY, "6.6.6.6, 198.51.100.1, 10.0.0.7") == "198.51.100.1"
    # No header: the proxy itself (e.g. its health probe).
    assert ip(PROXY) == PROXY
    # Garbage where an address should be: stop at the last trusted hop, record no garbage.
    assert ip(PROXY, "198.51.100.1, junk") == PROXY
    # Ports and IPv6.
    assert ip(PROXY, "198.51.100.1:51234") == "198.51.100.1"
    assert ip("fd00::1", "[2001:db8::7]:443") == "2001:db8::7"
    assert ip("::ffff:10.0.0.2", "198.51.100.9") == "198.51.100.9"
    # Not an address at all.
    assert ip("not-an-ip") is None


def login_via_proxy(client, username, password, client_address):
    return client.post(
        "/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )


def test_lockout_behind_the_proxy_locks_the_client_not_everyone(client, users, behind_proxy, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_via_proxy(client, "office", "wrong-password", "198.51.100.1")
    assert login_via_proxy(client, "office", PASSWORD, "198.51.100.1").status_code == 429
    # The same account from another client behind the same proxy still logs in.
    r = login_via_proxy(client, "office", PASSWORD, "198.51.100.2")
    assert r.status_code == 302 and r.url == "/"
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.1"}


def test_audit_records_the_client_behind_the_proxy(client, users, behind_proxy):
    login_via_proxy(client, "office", "wrong-password", "198.51.100.1")
    login_via_proxy(client, "office", PASSWORD, "198.51.100.2")
    assert AuditLog.objects.get(action="login_failed").ip_address == "198.51.100.1"
    assert AuditLog.objects.get(action="login").ip_address == "198.51.100.2"


def test_refused_attempts_do_not_prolong_the_lockout(client, users, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        client.post("/login/", {"username": "office", "password": "wrong"})
    assert AccessAttempt.objects.get().failures_since_start == settings.AXES_FAILURE_LIMIT


def test_account_backoff_after_failures_from_many_addresses(client, users, behind_proxy, settings):
    limit = settings.PUHUI_ACCOUNT_BACKOFF_FAILURES
    for i in range(limit):  # one failure each: no address reaches the 5-failure pair limit
        r = login_via_proxy(client, "abc", "wrong-password", f"198.51.100.{i + 1}")
        assert r.status_code == 200
    # Now even the right password from a fresh address waits.
    r = login_via_proxy(client, "abc", PASSWORD, "203.0.113.99")
    assert r.status_code == 429 and "15 分钟" in r.content.decode()
    assert AccessFailureLog.objects.filter(username="abc").count() == limit  # the refusal is not counted
    # Other accounts are unaffected.
    assert login_via_proxy(client, "office", PASSWORD, "203.0.113.99").status_code == 302
    # After the window the account logs in again.
    AccessFailureLog.objects.update(
        attempt_time=timezone.now()
        - datetime.timedelta(minutes=settings.PUHUI_ACCOUNT_BACKOFF_MINUTES, seconds=1)
    )
    r = login_via_proxy(client, "abc", PASSWORD, "203.0.113.99")
    assert r.status_code == 302 and r.url == "/"


def test_admin_sees_and_lifts_the_backoff(client, users, login, behind_proxy, settings):
    for i in range(settings.PUHUI_ACCOUNT_BACKOFF_FAILURES):
        login_via_proxy(client, "abc", "wrong-password", f"198.51.100.{i + 1}")
    admin = login(users["admin"])
    assert "已锁定" in admin.get("/users/", {"q": "abc"}).content.decode()
    admin.post(f"/users/{users['abc'].pk}/unlock/")
    assert "已锁定" not in admin.get("/users/", {"q": "abc"}).content.decode()
    assert AuditLog.objects.filter(note__startswith="解除登录锁定").exists()
    from django.test import Client

    r = login_via_proxy(Client(), "abc", PASSWORD, "203.0.113.99")
    assert r.status_code == 302
