"""Writes of the firms the finance centre follows (shared by the pipeline and the financing records)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from puhui.core.audit import audit_changed, audit_record, snapshot
from puhui.core.models import AuditLog, Division
from puhui.core.validators import validate_uscc
from puhui.localfin import access
from puhui.localfin.models import Enterprise


@transaction.atomic
def enterprise_save(*, actor, uscc: str, name: str, town: Division, industry: str) -> Enterprise:
    """Add a firm, or update the one with this 统一社会信用代码; returns it."""
    access.require_manage(actor)
    uscc = (uscc or "").strip().upper()
    try:
        validate_uscc(uscc)
    except ValidationError as e:
        raise ValidationError({"uscc": f"统一社会信用代码“{uscc}”无效：{' '.join(e.messages)}"}) from None
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "企业名称不能为空。"})
    if town is None or town.level != Division.Level.TOWN:
        raise ValidationError({"town": "请选择企业所在的镇（街道）。"})
    firm = Enterprise.objects.select_for_update().filter(uscc=uscc).first()
    if firm is None:
        firm = Enterprise.objects.create(uscc=uscc, name=name, town=town, industry=(industry or "").strip())
        audit_record(actor=actor, action=AuditLog.Action.CREATE, obj=firm, after=snapshot(firm))
        return firm
    before = snapshot(firm)
    firm.name, firm.town, firm.industry = name, town, (industry or "").strip()
    firm.save()
    audit_changed(actor=actor, obj=firm, before=before)
    return firm
