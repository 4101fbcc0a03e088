"""The token pages: own organisation's tokens only, secret shown once, revoke by POST, audited."""

import datetime
import re

import pytest
from django.utils import timezone

from puhui.api.models import ApiToken
from puhui.api.services import hash_token, token_create
from puhui.core.models import AuditLog
from tests.api.conftest import ApiClient


@pytest.fixture
def bank_tokens(county, users):
    abc, _ = token_create(actor=users["abc"], organisation=county["abc"], name="农行信贷报送")
    rcb, _ = token_create(actor=users["rcb"], organisation=county["rcb"], name="农商行信贷报送")
    return {"abc": abc, "rcb": rcb}


def test_bank_user_lists_only_own_tokens(login, users, bank_tokens):
    html = login(users["abc"]).get("/tokens/").content.decode()
    assert "农行信贷报送" in html
    assert "农商行信贷报送" not in html
    assert bank_tokens["rcb"].prefix not in html


def test_admin_lists_all_tokens(login, users, bank_tokens):
    html = login(users["admin"]).get("/tokens/").content.decode()
    assert "农行信贷报送" in html and "农商行信贷报送" in html


@pytest.mark.parametrize("role", ["town_lishan", "agent", "public"])
def test_other_roles_have_no_token_pages(login, users, bank_tokens, role):
    client = login(users[role])
    assert client.get("/tokens/").status_code == 404
    assert client.get("/tokens/new/").status_code == 404
    assert client.get(f"/tokens/{bank_tokens['abc'].pk}/revoke/").status_code == 404


def test_anonymous_is_sent_to_login(client):
    r = client.get("/tokens/")
    assert r.status_code == 302 and r.url.startswith("/login/")


def test_bank_user_cannot_see_or_revoke_another_banks_token(login, users, bank_tokens):
    client = login(users["abc"])
    other = bank_tokens["rcb"]
    assert client.get(f"/tokens/{other.pk}/revoke/").status_code == 404
    assert client.post(f"/tokens/{other.pk}/revoke/").status_code == 404
    assert client.post("/tokens/999999/revoke/").status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_create_shows_the_secret_once_and_stores_only_its_hash(login, users, county):
    client = login(users["abc"])
    assert client.get("/tokens/new/").status_code == 200
    r = client.post("/tokens/new/", {"name": "网点数据对接", "expires_on": ""})
    assert r.status_code == 200
    assert "no-store" in r.headers["Cache-Control"] or "max-age=0" in r.headers["Cache-Control"]
    html = r.content.decode()
    secret = re.search(
        r'data-testid="secret"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*data-testid="secret"', html
    )
    raw = next(g for g in secret.groups() if g)
    token = ApiToken.objects.get(name="网点数据对接")
    assert token.organisation == county["abc"]
    assert token.created_by == users["abc"]
    assert token.key_hash == hash_token(raw)
    assert token.expires_at is None
    # Never shown again.
    assert raw not in client.get("/tokens/").content.decode()
    # And it works.
    assert ApiClient(raw).get("/organisations").status_code == 200
    log = AuditLog.objects.get(action="token", object_id=str(token.pk))
    assert log.actor == users["abc"]
    assert "key_hash" not in log.after


def test_expiry_date_is_inclusive(login, users):
    client = login(users["rcb"])
    today = timezone.localdate()
    client.post("/tokens/new/", {"name": "短期", "expires_on": today.isoformat()})
    token = ApiToken.objects.get(name="短期")
    expected = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min)
    )
    assert token.expires_at == expected
    assert token.status == "active"


def test_form_errors_in_chinese(login, users):
    client = login(users["abc"])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    r = client.post("/tokens/new/", {"name": "", "expires_on": yesterday.isoformat()})
    html = r.content.decode()
    assert r.status_code == 200
    assert "有效期不能早于今天" in html
    assert "这个字段是必填项" in html
    assert not ApiToken.objects.exists()


def test_admin_creates_for_any_organisation(login, users, county):
    client = login(users["admin"])
    r = client.post("/tokens/new/", {"name": "代建", "organisation": county["rcb"].pk})
    assert r.status_code == 200
    assert ApiToken.objects.get(name="代建").organisation == county["rcb"]


def test_bank_user_cannot_create_for_another_organisation(login, users, county):
    # The organisation field does not exist for them; a forged value is ignored.
    login(users["abc"]).post("/tokens/new/", {"name": "伪造", "organisation": county["rcb"].pk})
    assert ApiToken.objects.get(name="伪造").organisation == county["abc"]


def test_revoke_needs_confirmation_and_post(login, users, bank_tokens, county):
    _t, raw = token_create(actor=users["abc"], organisation=county["abc"], name="待吊销")
    token = ApiToken.objects.get(name="待吊销")
    client = login(users["abc"])
    r = client.get(f"/tokens/{token.pk}/revoke/")
    assert r.status_code == 200 and "确认吊销" in r.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    r = client.post(f"/tokens/{token.pk}/revoke/")
    assert r.status_code == 302 and r.url == "/tokens/"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiClient(raw).get("/divisions").status_code == 401
    log = AuditLog.objects.filter(action="token", object_id=str(token.pk)).order_by("-id").first()
    assert log.note == "吊销接口令牌" and log.before["revoked_at"] is None and log.after["revoked_at"]
    # Revoking twice changes nothing.
    client.post(f"/tokens/{token.pk}/revoke/")
    assert AuditLog.objects.filter(action="token", object_id=str(token.pk)).count() == 2


def test_member_and_office_manage_their_own(login, users, county):
    for name, org in (("member", "finance_centre"), ("office", "pboc")):
        client = login(users[name])
        client.post("/tokens/new/", {"name": f"{name} 令牌"})
        assert ApiToken.objects.get(name=f"{name} 令牌").organisation == county[org]


def test_navigation_shows_tokens_to_managers(login, users):
    html = login(users["abc"]).get("/tokens/").content.decode()
    assert 'href="/tokens/"' in html
