"""A wrong FIELD_ENCRYPTION_KEY is named clearly — by `puhui check`/`migrate` and by a 503 page — not a 500."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from puhui.core import crypto, keycheck
from puhui.core.models import KeyCheck, User
from puhui.core.security import FieldKeyCheckMiddleware


@pytest.fixture
def first_request(monkeypatch):
    """Make the next request the process's first (the middleware checks once per process)."""
    monkeypatch.setattr(FieldKeyCheckMiddleware, "verified", False)


def test_migrate_records_the_check_value(db):
    row = KeyCheck.objects.get()
    assert row.value == crypto.key_check_value()
    assert keycheck.verify() is None


def test_check_value_reveals_no_sub_key():
    value = crypto.key_check_value("k" * 40)
    aes, lookup = crypto._keys("k" * 40)
    assert value != lookup.hex() and len(value) == 64


def test_wrong_key_is_a_system_check_error(db, settings):
    assert keycheck.check_field_encryption_key() == []
    settings.FIELD_ENCRYPTION_KEY = "another-key-that-encrypted-nothing-here"
    [error] = keycheck.check_field_encryption_key()
    assert error.id == "puhui.E001" and "FIELD_ENCRYPTION_KEY" in error.msg
    # `puhui check` (and runserver, migrate) stop on it.
    with pytest.raises(SystemCheckError, match="FIELD_ENCRYPTION_KEY"):
        call_command("check")


def test_wrong_key_answers_a_chinese_503_not_a_500(client, users, settings, first_request):
    settings.FIELD_ENCRYPTION_KEY = "another-key-that-encrypted-nothing-here"
    for path in ("/login/", "/", "/healthz"):
        r = client.get(path)
        assert r.status_code == 503, path
        html = r.content.decode()
        assert "系统暂不可用" in html and "FIELD_ENCRYPTION_KEY" in html
    r = client.post("/login/", {"username": "office", "password": "x"})
    assert r.status_code == 503
    assert not FieldKeyCheckMiddleware.verified


def test_right_key_is_checked_once(client, users, first_request):
    assert client.get("/login/").status_code == 200
    assert FieldKeyCheckMiddleware.verified
    KeyCheck.objects.update(value="0" * 64)  # not looked at again in this process
    assert client.get("/login/").status_code == 200


def test_missing_row_is_recorded_only_when_stored_data_decrypts(users, settings):
    user = users["abc"]
    user.phone = "13812345678"
    user.save()
    KeyCheck.objects.all().delete()
    right_key = settings.FIELD_ENCRYPTION_KEY
    settings.FIELD_ENCRYPTION_KEY = "another-key-that-encrypted-nothing-here"
    problem = keycheck.verify()
    assert "FIELD_ENCRYPTION_KEY" in problem and "用户·手机号" in problem
    assert not KeyCheck.objects.exists()
    settings.FIELD_ENCRYPTION_KEY = right_key
    assert keycheck.verify() is None
    assert KeyCheck.objects.get().value == crypto.key_check_value(right_key)
    assert User.objects.get(pk=user.pk).phone == "13812345678"


def test_check_is_quiet_before_migrate(db, monkeypatch):
    from django.db import DatabaseError

    def broken(*args, **kwargs):
        raise DatabaseError("no such table: core_keycheck")

    monkeypatch.setattr(KeyCheck.objects, "using", broken)
    assert keycheck.check_field_encryption_key() == []
