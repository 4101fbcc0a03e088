"""Personal data is encrypted at rest, searchable by keyed hash, masked on display."""

import base64
import os

import pytest
from django.db import connection
from django.db.models import TextField, Value
from hypothesis import given
from hypothesis import strategies as st

from puhui.core import crypto
from puhui.registry.models import Household


def raw_column(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_id_numbers_are_not_stored_in_clear(county):
    household = county["households"][0]
    stored = raw_column("registry_household", "head_id_number", household.pk)
    assert stored.startswith(f"v2:{crypto.current_kid()}:")
    assert household.head_id_number not in stored
    assert Household.objects.get(pk=household.pk).head_id_number == household.head_id_number


def test_equal_values_give_different_ciphertexts():
    context = "registry_household.head_id_number"
    assert crypto.encrypt("370323199001011234", context=context) != crypto.encrypt(
        "370323199001011234", context=context
    )


def test_lookup_by_keyed_hash_finds_the_row(county):
    household = county["households"][1]
    found = Household.objects.get(head_id_hash=crypto.lookup_hash(household.head_id_number.lower()))
    assert found.pk == household.pk


def test_hash_depends_on_the_key(settings):
    before = crypto.lookup_hash("370323199001011234")
    settings.FIELD_ENCRYPTION_KEY = "another-key"
    assert crypto.lookup_hash("370323199001011234") != before


@given(st.text(min_size=1, max_size=40))
def test_encrypt_round_trip(value):
    assert crypto.decrypt(crypto.encrypt(value, context="t.c"), context="t.c") == value


def test_masks():
    assert crypto.mask_id_number("370323199001011234") == "370323********1234"
    assert crypto.mask_phone("13812345678") == "138****5678"
    assert crypto.mask_id_number("12345") == "*****"


def test_bulk_create_fills_hashes(county):
    village = county["villages"][0]
    Household.objects.bulk_create(
        [
            Household(
                code="BULK1",
                village=village,
                town=village.parent,
                head_name="甲",
                head_id_number="370323199006150022",
                head_age=36,
                size=2,
            )
        ]
    )
    assert Household.objects.get(code="BULK1").head_id_hash == crypto.lookup_hash("370323199006150022")


# ---------------------------------------------------------------- format v2: bound to table and column


ID = "370323199001011234"


def v1_token(value: str, master: str) -> str:
    """A ciphertext in the first format (no associated data, no key name), as stored before v2."""
    aes, _ = crypto._keys(master)
    nonce = os.urandom(12)
    return "v1:" + base64.b64encode(nonce + aes.encrypt(nonce, value.encode(), None)).decode()


def test_ciphertext_names_format_and_key_and_is_bound_to_its_column():
    token = crypto.encrypt(ID, context="registry_household.head_id_number")
    assert token.startswith(f"v2:{crypto.current_kid()}:") and crypto.is_current(token)
    assert crypto.decrypt(token, context="registry_household.head_id_number") == ID
    for other in ("registry_household.phone", "core_user.phone", "registry_firm.head_id_number", ""):
        with pytest.raises(crypto.DecryptionError, match="复制") as e:
            crypto.decrypt(token, context=other)
        assert ID not in str(e.value)


def test_key_name_reveals_nothing_and_an_unknown_key_is_named(settings):
    token = crypto.encrypt(ID, context="t.c")
    kid = crypto.token_kid(token)
    aes, lookup = crypto._keys(settings.FIELD_ENCRYPTION_KEY)
    assert len(kid) == 8 and kid not in lookup.hex() and kid not in crypto.key_check_value()
    old = settings.FIELD_ENCRYPTION_KEY
    settings.FIELD_ENCRYPTION_KEY = "another-key-" * 4
    with pytest.raises(crypto.DecryptionError, match=f"标识 {kid}.*FIELD_ENCRYPTION_OLD_KEYS"):
        crypto.decrypt(token, context="t.c")
    settings.FIELD_ENCRYPTION_OLD_KEYS = f" {old} ,"  # as the environment gives it also works
    assert crypto.decrypt(token, context="t.c") == ID


def test_v1_ciphertexts_still_decrypt(settings, county):
    household = county["households"][0]
    token = v1_token(household.head_id_number, settings.FIELD_ENCRYPTION_KEY)
    assert crypto.decrypt(token) == household.head_id_number
    assert not crypto.is_current(token)
    Household.objects.filter(pk=household.pk).update(head_id_number=RawText(token))
    assert raw_column("registry_household", "head_id_number", household.pk) == token
    assert Household.objects.get(pk=household.pk).head_id_number == household.head_id_number


def test_old_keys_decrypt_and_are_searched(settings):
    old = settings.FIELD_ENCRYPTION_KEY
    token, digest = crypto.encrypt(ID, context="t.c"), crypto.lookup_hash(ID)
    settings.FIELD_ENCRYPTION_KEY = "the-new-field-key-" * 3
    assert crypto.lookup_hashes(ID) == [crypto.lookup_hash(ID)]  # no old keys: only the current
    settings.FIELD_ENCRYPTION_OLD_KEYS = [old]
    assert crypto.decrypt(token, context="t.c") == ID
    assert crypto.lookup_hashes(ID) == [crypto.lookup_hash(ID), digest]
    assert crypto.token_kid(crypto.encrypt(ID, context="t.c")) != crypto.token_kid(token)


def test_a_ciphertext_copied_to_another_column_reads_as_unreadable_not_a_500(county, users, login, caplog):
    household = county["households"][0]
    phone_hash = Household.objects.get(pk=household.pk).phone_hash
    stolen = raw_column("registry_household", "head_id_number", household.pk)
    Household.objects.filter(pk=household.pk).update(phone=RawText(stolen))  # copy ID ciphertext into phone
    loaded = Household.objects.get(pk=household.pk)
    assert isinstance(loaded.phone, crypto.Unreadable) and loaded.phone == crypto.UNREADABLE_TEXT
    assert loaded.head_id_number == household.head_id_number  # the rest of the row reads
    assert "registry_household.phone" in caplog.text and household.head_id_number not in caplog.text
    assert crypto.mask_phone(loaded.phone) == crypto.UNREADABLE_TEXT
    client = login(users["office"])
    for path in ("/registry/households/", f"/registry/households/{household.pk}/"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert crypto.UNREADABLE_TEXT in r.content.decode()
    # Saving the row keeps what is stored: the placeholder is never encrypted, the hash not recomputed.
    loaded.head_age = 50
    loaded.save()
    assert raw_column("registry_household", "phone", household.pk) == stolen
    assert Household.objects.get(pk=household.pk).phone_hash == phone_hash


class RawText(Value):
    """A literal stored as it is, past EncryptedField (to plant ciphertexts)."""

    def __init__(self, value):
        super().__init__(value, output_field=TextField())
