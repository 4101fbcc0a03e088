"""Writes of the local financial organisations' licences (the finance centre keeps them)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from puhui.core.audit import audit_changed, audit_record, snapshot
from puhui.core.models import AuditLog, Organisation, User
from puhui.core.notifications import notifications_send
from puhui.engines.prudential.engine import BREACH
from puhui.localfin import access
from puhui.localfin.models import Licence
from puhui.localfin.selectors import orgs as org_selectors

# 《融资担保公司监督管理条例》第十五条: 10 times, up to 15 for a company mainly serving small firms and farmers.
MAX_LEVERAGE_CAP = Decimal("15")


@transaction.atomic
def licence_save(
    *,
    actor,
    organisation: Organisation,
    licence_no: str,
    licensed_on,
    supervisor: str,
    registered_capital: Decimal,
    leverage_cap: Decimal | None = None,
    scope: str = "",
) -> Licence:
    """Record or correct an organisation's licence; the caps it sets are what the rules check."""
    access.require_manage(actor)
    if (
        organisation.kind not in Organisation.LOCAL_FINANCE_KINDS
        or organisation.level != Organisation.Level.BRANCH
    ):
        raise ValidationError({"organisation": f"“{organisation.name}”不是地方金融组织，不能登记许可。"})
    errors = {}
    if not (licence_no or "").strip():
        errors["licence_no"] = "经营许可证或批准文号不能为空。"
    if licensed_on is None or licensed_on > timezone.localdate():
        errors["licensed_on"] = "批准日期不能为空，也不能晚于今天。"
    if registered_capital is None or registered_capital <= 0:
        errors["registered_capital"] = "注册资本须大于 0 元。"
    if leverage_cap is not None:
        if organisation.kind != Organisation.Kind.GUARANTEE:
            errors["leverage_cap"] = "只有融资担保公司有放大倍数上限。"
        elif not Decimal("1") <= leverage_cap <= MAX_LEVERAGE_CAP:
            errors["leverage_cap"] = f"放大倍数上限应在 1 到 {MAX_LEVERAGE_CAP} 倍之间（条例第十五条）。"
    if errors:
        raise ValidationError(errors)
    fields = {
        "licence_no": licence_no.strip(),
        "licensed_on": licensed_on,
        "supervisor": (supervisor or "").strip() or access.FINANCE_CENTRE,
        "registered_capital": registered_capital,
        "leverage_cap": leverage_cap,
        "scope": (scope or "").strip(),
    }
    licence = Licence.objects.select_for_update().filter(organisation=organisation).first()
    if licence is None:
        licence = Licence.objects.create(organisation=organisation, **fields)
        audit_record(actor=actor, action=AuditLog.Action.CREATE, obj=licence, after=snapshot(licence))
        return licence
    before = snapshot(licence)
    for name, value in fields.items():
        setattr(licence, name, value)
    licence.save()
    audit_changed(actor=actor, obj=licence, before=before)
    return licence


def breaches_notify(*, actor=None) -> int:
    """Tell the finance centre's and the office's users of each breach once (one notification per user and
    breach, whatever the number of runs); returns how many notifications were created. Run nightly and from
    the job page (`puhui localfin_breaches`)."""
    orgs = list(
        Organisation.objects.filter(
            kind__in=Organisation.LOCAL_FINANCE_KINDS, level=Organisation.Level.BRANCH
        )
        .select_related("localfin_licence")
        .order_by("path")
    )
    flagged = [f for f in org_selectors.findings(org_selectors.returns(orgs)) if f.finding.status == BREACH]
    if not flagged:
        return 0
    users = list(
        User.objects.filter(is_active=True).filter(
            Q(role=User.Role.OFFICE)
            | Q(role=User.Role.MEMBER_UNIT, organisation__plan_alias=access.FINANCE_CENTRE)
        )
    )
    created = 0
    for f in flagged:
        rule, org, period = f.finding.rule, f.ret.organisation, f.ret.period
        created += len(
            notifications_send(
                users=users,
                kind="localfin_breach",
                title=f"{org.short_name or org.name}{period.label}{rule.name}超限",
                body=(
                    f"{rule.name} {f.finding.value.normalize():f} {rule.unit}，限额 {f.finding.limit.normalize():f} "
                    f"{rule.unit}（{rule.severity_label}）。依据：{rule.basis}"
                ),
                url=reverse("localfin:organisation", args=[org.pk]),
                key=f"localfin-breach:{org.pk}:{period.code}:{rule.code}",
            )
        )
    return created
