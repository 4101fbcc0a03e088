"""Detect a wrong FIELD_ENCRYPTION_KEY before it turns every page that reads personal data into a 500.

The database keeps a check value of the key (`core.KeyCheck`, an HMAC of a constant — see
`crypto.key_check_value`). It is compared

- by a system check, which `puhui check`, `runserver` and `migrate` run (migrate refuses to start);
- by `FieldKeyCheckMiddleware` on the first request, which answers a Chinese 503 page instead of a 500;
- and the row is written after `migrate` (post_migrate), or lazily on the first request.

A database that already holds encrypted data but no check value (made before this check existed) gets its
row only after one stored ciphertext of every encrypted column decrypts with the current key.
"""

import hmac
import logging
import sys

from django.apps import apps
from django.core import checks
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from puhui.core import crypto

logger = logging.getLogger("puhui.security")

MISMATCH = (
    "FIELD_ENCRYPTION_KEY 与数据库中记录的密钥校验值不一致：当前配置的字段加密密钥不是加密这些数据时所用的密钥，"
    "个人信息将无法解密。请恢复正确的 FIELD_ENCRYPTION_KEY（见 docs/personal-data.md）后再启动。"
)
UNDECRYPTABLE = (
    "FIELD_ENCRYPTION_KEY 无法解密数据库中已加密的个人信息（{where}）：当前配置的字段加密密钥不是加密这些数据时"
    "所用的密钥。请恢复正确的 FIELD_ENCRYPTION_KEY（见 docs/personal-data.md）后再启动。"
)
HINT = "字段加密密钥从环境变量 FIELD_ENCRYPTION_KEY 读取；更换密钥必须先用旧密钥解密、再用新密钥重新加密全部数据。"


def _encrypted_columns():
    from puhui.core.fields import EncryptedField

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedField):
                yield model, field


def _probe_ciphertexts(using: str) -> str | None:
    """A message when a stored ciphertext does not decrypt with the current key; None otherwise."""
    connection = connections[using]
    quote = connection.ops.quote_name
    for model, field in _encrypted_columns():
        column, table = quote(field.column), quote(model._meta.db_table)
        try:
            with transaction.atomic(using=using), connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL AND {column} <> '' LIMIT 1"
                )
                row = cursor.fetchone()
        except DatabaseError:  # that app's table is not migrated yet
            continue
        if row is None:
            continue
        try:
            crypto.decrypt(row[0])
        except Exception:
            return UNDECRYPTABLE.format(where=f"{model._meta.verbose_name}·{field.verbose_name}")
    return None


def verify(*, create: bool = True, using: str = DEFAULT_DB_ALIAS) -> str | None:
    """None when FIELD_ENCRYPTION_KEY is the database's key (or nothing can be checked yet), else a message.

    With `create`, a missing check value is recorded once the stored data proved the key right.
    """
    from puhui.core.models import KeyCheck

    try:
        with transaction.atomic(using=using):
            row = KeyCheck.objects.using(using).order_by("pk").first()
    except DatabaseError:  # before migrate, or the database is down: other checks report that
        return None
    expected = crypto.key_check_value()
    if row is not None:
        return None if hmac.compare_digest(row.value, expected) else MISMATCH
    problem = _probe_ciphertexts(using)
    if problem is None and create:
        KeyCheck.objects.using(using).create(value=expected)
    return problem


@checks.register("puhui")
def check_field_encryption_key(app_configs=None, databases=None, **kwargs):
    """Registered without the "database" tag so that plain `check` and `runserver` run it too."""
    problem = verify(create=False)
    return [checks.Error(problem, hint=HINT, id="puhui.E001")] if problem else []


def record_after_migrate(sender, using=DEFAULT_DB_ALIAS, verbosity=1, **kwargs):
    """post_migrate: write the check value of the key that migrated (and, if any, decrypts) the data."""
    problem = verify(create=True, using=using)
    if problem:
        logger.error(problem)
        if verbosity:
            sys.stderr.write(problem + "\n")
