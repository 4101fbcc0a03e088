"""Model fields for personal data: stored encrypted, searchable by a keyed hash."""

import logging

from django.db import models

from puhui.core import crypto

logger = logging.getLogger("puhui.security")


class EncryptedField(models.TextField):
    """Holds plaintext in Python and AES-GCM ciphertext in the database, bound to its table and column.

    A stored value that does not decrypt (tampered, copied from another column, or written under a key
    that is not configured) loads as `crypto.Unreadable` — shown as 「（无法解密）」 and logged — instead of
    failing the whole page; saving it back writes the stored ciphertext unchanged.
    """

    @property
    def context(self) -> str:
        """The associated data of this column's ciphertexts: "<db_table>.<column>"."""
        return crypto.field_context(self.model._meta.db_table, self.column)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        try:
            return crypto.decrypt(value, context=self.context)
        except crypto.DecryptionError as e:
            logger.error("个人信息无法解密：%s", e)
            return crypto.Unreadable(value, self.context)

    def get_prep_value(self, value):
        if isinstance(value, crypto.Unreadable):
            return value.token  # keep what is stored; never encrypt the placeholder
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value, context=self.context)

    def get_lookup(self, lookup_name):
        # Ciphertexts differ for equal values; search through the hash field instead.
        if lookup_name not in {"isnull"}:
            return None
        return super().get_lookup(lookup_name)


class LookupHashField(models.CharField):
    """HMAC of another field's normalised value, filled on every save (bulk_create too).

    Search with `<field>__in=crypto.lookup_hashes(value)`: during a key rotation a row not yet rotated
    carries the hash under the old key.
    """

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
        if isinstance(plain, crypto.Unreadable):  # the value is unknown: leave its hash as stored
            return getattr(model_instance, self.attname)
        value = crypto.lookup_hash(plain) if plain else ""
        setattr(model_instance, self.attname, value)
        return value
