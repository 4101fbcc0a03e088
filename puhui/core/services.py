"""Writes to the county model. Each runs in a transaction and leaves an audit record."""

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


@transaction.atomic
def user_create(*, actor, username: str, password: str, role: str, **fields) -> User:
    villages = fields.pop("villages", None)
    user = User(username=username, role=role, **fields)
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
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action=AuditLog.Action.UPDATE, obj=user, note="重置密码")
    return user


def user_unlock(*, actor, user: User) -> int:
    """Lift a lock-out after repeated failed logins."""
    from axes.utils import reset

    count = reset(username=user.username)
    audit_record(actor=actor, action=AuditLog.Action.UPDATE, obj=user, note=f"解除登录锁定（{count} 条记录）")
    return count
