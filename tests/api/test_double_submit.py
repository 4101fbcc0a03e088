"""The token form submitted twice (a double click) stores one token; the secret shown last is the valid one."""

import re

from puhui.api.models import ApiToken
from puhui.api.services import hash_token, token_create
from puhui.core.models import AuditLog


def _secret(response) -> str:
    return re.search(r"ph_[0-9a-f]{8}_[A-Za-z0-9_-]+", response.content.decode()).group(0)


def test_double_submitted_token_form_stores_one_token(login, users, county):
    client = login(users["abc"])
    first = client.post("/tokens/new/", {"name": "信贷报送"})
    second = client.post("/tokens/new/", {"name": "信贷报送"})
    assert first.status_code == second.status_code == 200
    token = ApiToken.objects.get(organisation=county["abc"])
    assert token.key_hash == hash_token(_secret(second))  # the page the browser shows last
    assert token.key_hash != hash_token(_secret(first))  # the discarded page's secret is void
    assert AuditLog.objects.filter(note__startswith="重复提交").count() == 1


def test_different_or_later_tokens_are_new(users, county, settings):
    abc, org = users["abc"], county["abc"]
    token_create(actor=abc, organisation=org, name="甲")
    token_create(actor=abc, organisation=org, name="乙")  # another use
    assert ApiToken.objects.count() == 2
    settings.PUHUI_DOUBLE_SUBMIT_SECONDS = 0
    token_create(actor=abc, organisation=org, name="甲")  # outside the window
    assert ApiToken.objects.count() == 3


def test_a_used_token_is_never_rekeyed(users, county):
    abc, org = users["abc"], county["abc"]
    token, raw = token_create(actor=abc, organisation=org, name="甲")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=token.created_at)
    token_create(actor=abc, organisation=org, name="甲")
    assert ApiToken.objects.count() == 2
    assert ApiToken.objects.get(pk=token.pk).key_hash == hash_token(raw)
