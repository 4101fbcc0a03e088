"""Bearer tokens: missing, malformed, unknown, revoked and expired tokens get 401 in Chinese."""

import datetime

import pytest
from django.utils import timezone

from puhui.api.access import TokenActor, role_for_organisation, scope_user_for_token
from puhui.api.models import ApiToken
from puhui.api.services import hash_token, token_revoke
from tests.api.conftest import ApiClient, error_of


def test_no_token_is_401_in_chinese(api):
    r = api(None).get("/divisions")
    assert r.status_code == 401
    err = error_of(r)
    assert err["code"] == "unauthorized"
    assert "令牌" in err["message"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer ph_00000000_notarealsecret",
        "Bearer ",
        "Token something",
        "Basic dXNlcjpwYXNz",
        "ph_00000000_x",
    ],
)
def test_bad_tokens_are_401(tokens, client, header):
    r = client.get("/api/v1/divisions", headers={"Authorization": header})
    assert r.status_code == 401
    assert error_of(r)["code"] == "unauthorized"


def test_a_token_with_one_character_changed_is_unknown(tokens):
    raw = tokens["abc"]
    tampered = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    assert ApiClient(tampered).get("/divisions").status_code == 401
    assert ApiClient(raw).get("/divisions").status_code == 200


def test_only_a_hash_of_the_token_is_stored(tokens):
    raw = tokens["abc"]
    token = ApiToken.objects.get(key_hash=hash_token(raw))
    assert raw.startswith(token.prefix + "_")
    assert token.prefix.startswith("ph_")
    stored = [str(v) for v in ApiToken.objects.filter(pk=token.pk).values_list(named=False).first()]
    assert not any(raw in v or raw.split("_", 2)[2] in v for v in stored)


def test_revoked_token_is_401_with_its_own_message(tokens, users):
    token = ApiToken.objects.get(key_hash=hash_token(tokens["rcb"]))
    token_revoke(actor=users["rcb"], token=token)
    r = ApiClient(tokens["rcb"]).get("/organisations")
    assert r.status_code == 401
    err = error_of(r)
    assert err["code"] == "token_revoked"
    assert "吊销" in err["message"]


def test_expired_token_is_401_with_its_own_message(tokens):
    ApiToken.objects.filter(key_hash=hash_token(tokens["abc"])).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    r = ApiClient(tokens["abc"]).get("/divisions")
    assert r.status_code == 401
    err = error_of(r)
    assert err["code"] == "token_expired"
    assert "过期" in err["message"]


def test_token_valid_until_its_expiry(tokens):
    ApiToken.objects.filter(key_hash=hash_token(tokens["abc"])).update(
        expires_at=timezone.now() + datetime.timedelta(hours=1)
    )
    assert ApiClient(tokens["abc"]).get("/divisions").status_code == 200


def test_revoked_and_expired_tokens_cannot_write(tokens, county, users):
    token = ApiToken.objects.get(key_hash=hash_token(tokens["abc"]))
    token_revoke(actor=users["abc"], token=token)
    r = ApiClient(tokens["abc"]).post("/service-points", {"code": "X1"}, key="k")
    assert r.status_code == 401
    assert error_of(r)["code"] == "token_revoked"


def test_last_used_is_written_at_most_once_a_minute(tokens, django_assert_num_queries):
    token = ApiToken.objects.get(key_hash=hash_token(tokens["abc"]))
    assert token.last_used_at is None
    client = ApiClient(tokens["abc"])
    assert client.get("/divisions/370323000000").status_code == 200
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    # The second call within the minute: token lookup and the read, no UPDATE.
    with django_assert_num_queries(2):
        assert client.get("/divisions/370323000000").status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    # A minute later the time moves on.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - datetime.timedelta(minutes=2))
    client.get("/divisions/370323000000")
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first - datetime.timedelta(minutes=2)


def test_tokens_act_with_the_role_of_their_organisations_staff(county):
    assert role_for_organisation(county["pboc"]) == "office"
    assert role_for_organisation(county["finance_centre"]) == "member_unit"
    assert role_for_organisation(county["abc"]) == "institution"
    assert role_for_organisation(county["rcb_outlet"]) == "institution"


def test_scope_user_is_never_a_saved_user(tokens):
    token = ApiToken.objects.get(key_hash=hash_token(tokens["abc"]))
    user = scope_user_for_token(token)
    assert user.pk is None
    assert user.organisation == token.organisation
    actor = TokenActor(token)
    assert str(actor) == f"接口令牌 {token.prefix}（中国农业银行沂源县支行）"
    assert actor.is_authenticated is False
