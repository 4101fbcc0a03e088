"""Model fields for personal data: stored encrypted, searchable by a keyed hash."""

from django.db import models

from puhui.core import crypto


class EncryptedField(models.TextField):
    """Holds plaintext in Python and AES-GCM ciphertext in the database."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)

    def get_lookup(self, lookup_name):
        # Ciphertexts differ for equal values; search through the hash field instead.
        if lookup_name not in {"isnull"}:
            return None
        return super().get_lookup(lookup_name)


class LookupHashField(models.CharField):
    """HMAC of another field's normalised value, filled on every save (bulk_create too)."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        plain = getattr(model_instance, self.source)
        value = crypto.lookup_hash(plain) if plain else ""
        setattr(model_instance, self.attname, value)
        return value
