"""`puhui rotate_key`: every personal value, look-up hash and uploaded original re-encrypted under a new key;
interrupted and resumed; look-ups find every row during and after; the key check follows the new key."""

import base64
import io
import json
import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from puhui.core import crypto, keycheck, lists, rotation, sealed_files
from puhui.core.models import AuditLog, KeyCheck, User
from puhui.data.models import LoanRecord, Submission
from puhui.registry.lists import HOUSEHOLDS
from puhui.registry.models import Household
from tests.data.conftest import catalogue, loan_row, loans_csv, upload  # noqa: F401 (catalogue: a fixture)

KEY_B = "rotated-field-key-Zq8wX3vB7nM2kP5s"


@pytest.fixture(autouse=True)
def _dirs(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUHUI_DATA_SPOOL_DIR = None


@pytest.fixture
def loaded(county, users, login, catalogue):  # noqa: F811
    """Data encrypted with key A (the test default): households, users' phones, loans and an original."""
    original = loans_csv([loan_row(1), loan_row(2), loan_row(3)])
    assert upload(login(users["abc"]), "loans", "2020Q1", original).status_code == 302
    sub = Submission.objects.get()
    household = county["households"][3]
    # One value still in the first format (v1, no associated data).
    aes, _ = crypto._keys(crypto.active_masters()[0])
    nonce = os.urandom(12)
    v1 = "v1:" + base64.b64encode(nonce + aes.encrypt(nonce, household.phone.encode(), None)).decode()
    with connection.cursor() as c:
        c.execute("UPDATE registry_household SET phone = %s WHERE id = %s", [v1, household.pk])
    return {
        "households": {h.pk: (h.head_id_number, h.phone) for h in Household.objects.all()},
        "users": {u.pk: u.phone for u in User.objects.all()},
        "loans": {x.pk: x.borrower_id for x in LoanRecord.objects.all()},
        "original": (sub.file, original),
    }


def raw(table, columns):
    with connection.cursor() as c:
        c.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id")
        return c.fetchall()


def tokens() -> list[str]:
    out = [t for row in raw("registry_household", ["head_id_number", "phone"]) for t in row]
    out += [r[0] for r in raw("core_user", ["phone"])]
    out += [r[0] for r in raw("data_loanrecord", ["borrower_id"])]
    return [t for t in out if t]


def under(kid: str) -> int:
    return sum(t.startswith(f"v2:{kid}:") for t in tokens())


def found_by_id_number(user, number) -> bool:
    return bool(
        Household.objects.filter(head_id_hash__in=crypto.lookup_hashes(number)).exists()
        and lists.filtered(HOUSEHOLDS, user, lists.State(q=number)).exists()
    )


def test_rotation_interrupted_resumed_then_only_the_new_key(settings, loaded, users, monkeypatch):
    key_a = settings.FIELD_ENCRYPTION_KEY
    kid_a = crypto.current_kid()
    total = len(tokens())
    assert total > 10 and under(kid_a) == total - 1  # one v1

    # 1. The new key in FIELD_ENCRYPTION_KEY, the old one accepted: the platform runs, nothing rewritten yet.
    settings.FIELD_ENCRYPTION_KEY = KEY_B
    settings.FIELD_ENCRYPTION_OLD_KEYS = [key_a]
    kid_b = crypto.current_kid()
    assert kid_b != kid_a
    assert keycheck.verify() is None
    [warning] = keycheck.check_field_encryption_key()
    assert warning.id == "puhui.W001" and "rotate_key" in warning.msg
    for number, _ in loaded["households"].values():
        assert found_by_id_number(users["office"], number)

    # 2. Interrupted after 5 batches of one row.
    calls = {"n": 0}
    save = rotation._save_state

    def interrupting(state):
        save(state)
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt

    monkeypatch.setattr(rotation, "_save_state", interrupting)
    with pytest.raises(CommandError, match="已中断.*继续"):
        call_command("rotate_key", "--batch-size", "1", stdout=io.StringIO())
    assert 5 <= under(kid_b) < total and under(kid_a) + under(kid_b) == total - 1
    state = json.loads(rotation.progress_path().read_text())
    assert state["kid"] == kid_b and state["tables"]
    assert KeyCheck.objects.get().value == crypto.key_check_value(key_a)  # not finished: still the old key's
    # Half way: every row decrypts and is found by its ID number, whichever key it is under.
    for pk, (number, phone) in loaded["households"].items():
        h = Household.objects.get(pk=pk)
        assert (h.head_id_number, h.phone) == (number, phone)
        assert found_by_id_number(users["office"], number)
        assert h.head_id_hash in crypto.lookup_hashes(number)

    # 3. Resumed: continues after the last row done, rewrites no row twice.
    monkeypatch.setattr(rotation, "_save_state", save)
    out = io.StringIO()
    call_command("rotate_key", "--batch-size", "1", stdout=out)
    text = out.getvalue()
    assert "从上次中断处继续" in text and "轮换完成" in text and "FIELD_ENCRYPTION_OLD_KEYS" in text
    assert under(kid_b) == total
    # Each row rewritten once: 5 rows before the interruption, the rest now.
    rows = sum(any(r) for r in raw("registry_household", ["head_id_number", "phone"]))
    rows += sum(any(r) for r in raw("core_user", ["phone"])) + len(loaded["loans"])
    assert f"重新加密 {rows - 5:,} 行、1 个原始文件" in text
    assert not rotation.progress_path().exists()
    assert KeyCheck.objects.get().value == crypto.key_check_value(KEY_B)
    [warning] = keycheck.check_field_encryption_key()
    assert warning.id == "puhui.W002"
    log = AuditLog.objects.get(object_type="core.KeyCheck")
    assert log.after["kid"] == kid_b and "轮换完成" in log.note

    # 4. Only key B now: every value decrypts, every look-up finds its row, the original opens.
    settings.FIELD_ENCRYPTION_OLD_KEYS = []
    assert keycheck.verify() is None and keycheck.check_field_encryption_key() == []
    for pk, (number, phone) in loaded["households"].items():
        h = Household.objects.get(pk=pk)
        assert (h.head_id_number, h.phone) == (number, phone)
        assert Household.objects.get(head_id_hash=crypto.lookup_hash(number)).pk == pk
        assert found_by_id_number(users["office"], number)
        if phone:
            assert Household.objects.get(phone_hash=crypto.lookup_hash(phone)).pk == pk
    for pk, phone in loaded["users"].items():
        u = User.objects.get(pk=pk)
        assert u.phone == phone and u.phone_hash == (crypto.lookup_hash(phone) if phone else "")
    for pk, number in loaded["loans"].items():
        x = LoanRecord.objects.get(pk=pk)
        assert x.borrower_id == number and x.borrower_hash == crypto.lookup_hash(number)
    path, original = loaded["original"]
    assert sealed_files.original_is_current(path)
    assert b"".join(sealed_files.original_chunks(path)) == original

    # 5. Again: nothing to do.
    out = io.StringIO()
    call_command("rotate_key", stdout=out)
    assert "重新加密 0 行、0 个原始文件" in out.getvalue()


def test_the_key_is_refused_without_the_old_one(settings, loaded):
    settings.FIELD_ENCRYPTION_KEY = KEY_B
    with pytest.raises(CommandError, match="FIELD_ENCRYPTION_KEY"):
        call_command("rotate_key", stdout=io.StringIO())
    assert under(crypto.current_kid()) == 0


def test_without_old_keys_rotation_upgrades_v1_to_v2(settings, loaded, county):
    kid = crypto.current_kid()
    household = county["households"][3]
    assert raw("registry_household", ["phone"])[3][0].startswith("v1:")
    out = io.StringIO()
    call_command("rotate_key", stdout=out)
    assert "只把旧格式密文升级为 v2" in out.getvalue() and "重新加密 1 行" in out.getvalue()
    assert under(kid) == len(tokens())
    assert Household.objects.get(pk=household.pk).phone == loaded["households"][household.pk][1]


def test_a_value_that_no_key_decrypts_stops_the_rotation_clearly(settings, loaded, county):
    key_a = settings.FIELD_ENCRYPTION_KEY
    h = county["households"][0]
    settings.FIELD_ENCRYPTION_KEY = KEY_B
    settings.FIELD_ENCRYPTION_OLD_KEYS = [key_a]
    with connection.cursor() as c:  # the ID ciphertext copied into the phone column
        c.execute("UPDATE registry_household SET phone = head_id_number WHERE id = %s", [h.pk])
    with pytest.raises(CommandError, match=f"主键 {h.pk}.*registry_household.phone") as e:
        call_command("rotate_key", stdout=io.StringIO())
    assert h.head_id_number not in str(e.value)
    assert KeyCheck.objects.get().value == crypto.key_check_value(key_a)  # not recorded as finished
