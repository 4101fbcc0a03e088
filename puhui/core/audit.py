"""The audit trail: every write through a service calls `audit_record` inside its transaction."""

import datetime
import decimal
import uuid

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models

from puhui.core.fields import EncryptedField, LookupHashField
from puhui.core.middleware import current_request
from puhui.core.models import AuditLog
from puhui.core.net import client_ip

MASKED = "******"


def snapshot(obj: models.Model | None) -> dict | None:
    """The object's concrete fields as JSON-safe values; personal data never enters the log in clear."""
    if obj is None:
        return None
    data = {}
    is_user = isinstance(obj, AbstractBaseUser)
    for field in obj._meta.concrete_fields:
        if isinstance(field, LookupHashField):
            continue
        value = getattr(obj, field.attname)
        if is_user and field.attname == "password":
            value = MASKED  # a password hash can be cracked offline; it never enters the log
        elif isinstance(field, EncryptedField):
            value = MASKED if value else ""
        elif isinstance(value, (datetime.date, datetime.datetime, datetime.time, decimal.Decimal, uuid.UUID)):
            value = str(value)
        elif isinstance(value, bytes):
            value = f"<{len(value)} bytes>"
        data[field.attname] = value
    return data


def _client_ip() -> str | None:
    """The client's address, also behind the trusted reverse proxy (PUHUI_TRUSTED_PROXIES)."""
    request = current_request()
    if request is None:
        return None
    return client_ip(request)


def _actor_fields(actor) -> dict:
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return {
        "actor": actor if is_user else None,
        "actor_label": (str(actor) if actor else "系统")[:150],
        "ip_address": _client_ip(),
    }


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> AuditLog:
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    return AuditLog.objects.create(
        **_actor_fields(actor),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        before=before,
        after=after,
        note=note[:300],
    )


def audit_changed_bulk(*, actor, changes: list[tuple[models.Model, dict | None]], note: str = "") -> None:
    """`audit_changed` for many objects at once: (object, state before or None for a create) pairs."""
    common = _actor_fields(actor)
    AuditLog.objects.bulk_create(
        [
            AuditLog(
                **common,
                action=AuditLog.Action.CREATE if before is None else AuditLog.Action.UPDATE,
                object_type=obj._meta.label,
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                before=before,
                after=snapshot(obj),
                note=note[:300],
            )
            for obj, before in changes
        ],
        batch_size=500,
    )


def audit_changed(*, actor, obj: models.Model, before: dict | None, note: str = "") -> AuditLog:
    """Record a create (before is None) or an update, with the object's state after the write."""
    action = AuditLog.Action.CREATE if before is None else AuditLog.Action.UPDATE
    return audit_record(actor=actor, action=action, obj=obj, before=before, after=snapshot(obj), note=note)
