"""Writes to the county model. Each runs in a transaction and leaves an audit record."""

import secrets
import string

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from puhui.core.audit import audit_changed, audit_record, snapshot
from puhui.core.models import AuditLog, Division, Organisation, User


@transaction.atomic
def division_create(
    *, actor, code: str, name: str, level: str, kind: str, parent: Division | None = None, **fields
) -> Division:
    division = Division(code=code, name=name, level=level, kind=kind, parent=parent, **fields)
    division.full_clean()
    division.save()
    audit_changed(actor=actor, obj=division, before=None)
    return division


@transaction.atomic
def organisation_create(
    *, actor, code: str, name: str, kind: str, parent: Organisation | None = None, **fields
) -> Organisation:
    org = Organisation(code=code, name=name, kind=kind, parent=parent, **fields)
    org.full_clean(exclude=["path"])
    org.save()
    org.path = org.compute_path()
    org.save(update_fields=["path"])
    audit_changed(actor=actor, obj=org, before=None)
    return org


@transaction.atomic
def organisation_update(*, actor, org: Organisation, **changes) -> Organisation:
    before = snapshot(org)
    for name, value in changes.items():
        setattr(org, name, value)
    org.full_clean(exclude=["path"])
    if "parent" in changes or "parent_id" in changes:
        old_prefix = org.path
        org.path = org.compute_path()
        # Move the whole subtree with it.
        for child in Organisation.objects.filter(path__startswith=old_prefix).exclude(pk=org.pk):
            child.path = org.path + child.path[len(old_prefix) :]
            child.save(update_fields=["path"])
    org.save()
    audit_changed(actor=actor, obj=org, before=before)
    return org


def generate_password(length: int = 16) -> str:
    """A random password that satisfies AUTH_PASSWORD_VALIDATORS (all four character classes)."""
    alphabet = string.ascii_letters + string.digits + "-_.+=@#%"
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        if (
            any(c.isupper() for c in password)
            and any(c.islower() for c in password)
            and any(c.isdigit() for c in password)
            and any(not c.isalnum() for c in password)
        ):
            try:
                password_validation.validate_password(password)
            except ValidationError:  # e.g. too similar to something: draw again
                continue
            return password


@transaction.atomic
def user_create(
    *, actor, username: str, password: str, role: str, must_change_password: bool = True, **fields
) -> User:
    """An account made by an administrator: its user must replace the initial password at first login.

    Scripts that make accounts for machines or benchmarks pass must_change_password=False.
    """
    villages = fields.pop("villages", None)
    user = User(username=username, role=role, must_change_password=must_change_password, **fields)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    if villages is not None:
        user.villages.set(villages)
    audit_changed(actor=actor, obj=user, before=None)
    return user


@transaction.atomic
def user_update(*, actor, user: User, villages=None, **changes) -> User:
    before = snapshot(user)
    for name, value in changes.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    if villages is not None:
        user.villages.set(villages)
    audit_changed(actor=actor, obj=user, before=before)
    return user


@transaction.atomic
def user_set_password(*, actor, user: User, password: str) -> User:
    """An administrator's reset: the user must replace this password at their next login."""
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit_record(actor=actor, action=AuditLog.Action.UPDATE, obj=user, note="重置密码（须在下次登录时修改）")
    return user


@transaction.atomic
def user_change_own_password(*, user: User, password: str) -> User:
    """The user's own change (validated by the form); lifts a forced change."""
    was_forced = user.must_change_password
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit_record(
        actor=user,
        action=AuditLog.Action.UPDATE,
        obj=user,
        note="修改本人密码（首次登录或重置后的强制修改）" if was_forced else "修改本人密码",
    )
    return user


def user_unlock(*, actor, user: User) -> int:
    """Lift both lock-outs after repeated failed logins (see puhui.core.lockout)."""
    from axes.models import AccessFailureLog
    from axes.utils import reset

    count = reset(username=user.username)
    backoff, _ = AccessFailureLog.objects.filter(username=user.username).delete()
    audit_record(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=user,
        note=f"解除登录锁定（{count} 条锁定记录，{backoff} 条失败记录）",
    )
    return count
