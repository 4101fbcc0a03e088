"""A firm's authorisations of banks (授权, recorded as household consent is: who, when, until when, revoked
when) and the log of every bank look-up. `firm_authorised_bank` is offered to the other apps as a Service."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from puhui.core.access import county_bank
from puhui.core.audit import audit_changed, snapshot
from puhui.firms import access
from puhui.firms.models import Authorisation, LookUp

MAX_DAYS = 3 * 366  # an authorisation lasts at most three years; then the firm grants again


@transaction.atomic
def authorisation_grant(*, actor, banks, expires_on: datetime.date) -> list[Authorisation]:
    """The acting firm authorises one bank or several until `expires_on`; a bank already authorised gets
    the new end date (the earlier authorisation is closed as replaced)."""
    firm = access.firm_of(actor)
    if firm is None:
        raise ValidationError("只有代表企业的用户可以授权。")
    banks = list(banks)
    if not banks:
        raise ValidationError({"banks": "请至少选择一家银行。"})
    allowed = set(access.county_banks().values_list("pk", flat=True))
    outside = [b.name for b in banks if b.pk not in allowed]
    if outside:
        raise ValidationError({"banks": f"只能授权县级银行机构：{'、'.join(outside)}不在其列。"})
    today = timezone.localdate()
    if expires_on <= today:
        raise ValidationError({"expires_on": "授权有效期必须晚于今天。"})
    if (expires_on - today).days > MAX_DAYS:
        raise ValidationError({"expires_on": "授权有效期最长 3 年。"})
    now, made = timezone.now(), []
    for bank in banks:
        for old in Authorisation.objects.select_for_update().filter(
            access.in_force(today), firm=firm, bank=bank
        ):
            before = snapshot(old)
            old.revoked_at, old.revoked_by = now, actor
            old.save(update_fields=["revoked_at", "revoked_by"])
            audit_changed(actor=actor, obj=old, before=before, note="重新授权，原授权结束")
        grant = Authorisation.objects.create(
            firm=firm, bank=bank, granted_by=actor, granted_at=now, expires_on=expires_on
        )
        audit_changed(actor=actor, obj=grant, before=None, note=f"企业授权{bank.name}查询信用信息")
        made.append(grant)
    return made  # fmt: skip


@transaction.atomic
def authorisation_revoke(*, actor, authorisation: Authorisation) -> Authorisation:
    if access.firm_of(actor) is None or access.firm_of(actor).pk != authorisation.firm_id:
        raise ValidationError("只有授权企业本身可以撤回授权。")
    authorisation = Authorisation.objects.select_for_update().get(pk=authorisation.pk)
    if authorisation.revoked_at is not None:
        return authorisation
    before = snapshot(authorisation)
    authorisation.revoked_at, authorisation.revoked_by = timezone.now(), actor
    authorisation.save(update_fields=["revoked_at", "revoked_by"])
    audit_changed(actor=actor, obj=authorisation, before=before, note="企业撤回授权")
    return authorisation


def firm_authorised_bank(*, firm, bank) -> bool:
    """Whether `firm`'s authorisation of `bank` (or of the county-level bank above it) is in force today."""
    branch = county_bank(bank)
    if firm is None or branch is None:
        return False
    return Authorisation.objects.filter(access.in_force(), firm=firm, bank=branch).exists()


def lookup_record(*, actor, firm, what: str = LookUp.What.PROFILE, label: str = "") -> LookUp | None:
    """Log a bank's read of a firm (nothing for other roles: only banks need the firm's consent). `actor` is
    a staff member, or an API token's unsaved scope user with `label` naming the token."""
    bank = access.bank_of(actor)
    if bank is None:
        return None
    label = label or actor.display_name or actor.username
    user = actor if actor.pk else None
    return LookUp.objects.create(
        firm=firm, bank=bank, user=user, user_label=label[:150], at=timezone.now(), what=what
    )
