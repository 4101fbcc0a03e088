"""Detect a wrong FIELD_ENCRYPTION_KEY before it turns every page that reads personal data into a 500.

The database keeps a check value of the key (`core.KeyCheck`, an HMAC of a constant — see
`crypto.key_check_value`). It is compared

- by a system check, which `puhui check`, `runserver` and `migrate` run (migrate refuses to start);
- by `FieldKeyCheckMiddleware` on the first request, which answers a Chinese 503 page instead of a 500;
- and the row is written after `migrate` (post_migrate), or lazily on the first request.

A database that already holds encrypted data but no check value (made before this check existed) gets its
row only after one stored ciphertext of every encrypted column decrypts with the current key.

During a key rotation (`puhui rotate_key`, `puhui.core.rotation`) the check value is still the old key's:
a check value of any active key (FIELD_ENCRYPTION_KEY or one of FIELD_ENCRYPTION_OLD_KEYS) is accepted, and
warning `puhui.W001` says the rotation is not finished. The rotation writes the new key's check value when
every value is under the new key; `puhui.W002` then says FIELD_ENCRYPTION_OLD_KEYS can go.
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
HINT = (
    "字段加密密钥从环境变量 FIELD_ENCRYPTION_KEY 读取；更换密钥时把原密钥放进 FIELD_ENCRYPTION_OLD_KEYS，"
    "再运行 puhui rotate_key 用新密钥重新加密全部数据（见 docs/personal-data.md）。"
)
ROTATION_PENDING = (
    "字段加密密钥轮换尚未完成：数据库中的密钥校验值属于 FIELD_ENCRYPTION_OLD_KEYS 中的旧密钥。"
    "请运行 puhui rotate_key 完成轮换；完成前不要移除 FIELD_ENCRYPTION_OLD_KEYS。"
)
OLD_KEYS_LEFT = (
    "字段加密密钥轮换已完成，但仍配置了 FIELD_ENCRYPTION_OLD_KEYS。请从环境中移除该变量后重启，"
    "旧密钥交密钥保管人按规定销毁或封存。"
)


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
            crypto.decrypt(row[0], context=field.context)
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
        # The current key's value, or — while a rotation is under way — an old key's.
        accepted = any(hmac.compare_digest(row.value, value) for value in crypto.key_check_values())
        return None if accepted else MISMATCH
    problem = _probe_ciphertexts(using)
    # With old keys configured the data may still be under one of them: the rotation records the value.
    if problem is None and create and not crypto.old_masters():
        KeyCheck.objects.using(using).create(value=expected)
    return problem


def rotation_state(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The state of a key rotation, when FIELD_ENCRYPTION_OLD_KEYS is set.

    "pending" when the stored check value is an old key's, "old-keys-left" when it is the current key's,
    None when there are no old keys (or nothing can be read).
    """
    from puhui.core.models import KeyCheck

    if not crypto.old_masters():
        return None
    try:
        with transaction.atomic(using=using):
            row = KeyCheck.objects.using(using).order_by("pk").first()
    except DatabaseError:
        return None
    if row is None or not hmac.compare_digest(row.value, crypto.key_check_value()):
        return "pending"
    return "old-keys-left"


def record_current_key(using: str = DEFAULT_DB_ALIAS) -> None:
    """After a finished rotation: the check value becomes the current key's."""
    from puhui.core.models import KeyCheck

    value = crypto.key_check_value()
    with transaction.atomic(using=using):
        row = KeyCheck.objects.using(using).select_for_update().order_by("pk").first()
        if row is None:
            KeyCheck.objects.using(using).create(value=value)
        elif row.value != value:
            row.value = value
            row.save(using=using, update_fields=["value"])


@checks.register("puhui")
def check_field_encryption_key(app_configs=None, databases=None, **kwargs):
    """Registered without the "database" tag so that plain `check` and `runserver` run it too."""
    problem = verify(create=False)
    if problem:
        return [checks.Error(problem, hint=HINT, id="puhui.E001")]
    state = rotation_state()
    if state == "pending":
        return [checks.Warning(ROTATION_PENDING, id="puhui.W001")]
    if state == "old-keys-left":
        return [checks.Warning(OLD_KEYS_LEFT, id="puhui.W002")]
    return []


def record_after_migrate(sender, using=DEFAULT_DB_ALIAS, verbosity=1, **kwargs):
    """post_migrate: write the check value of the key that migrated (and, if any, decrypts) the data."""
    problem = verify(create=True, using=using)
    if problem:
        logger.error(problem)
        if verbosity:
            sys.stderr.write(problem + "\n")
