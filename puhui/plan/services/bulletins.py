"""通报: drafted (listing overdue 督办 notices), edited while a draft, published to the units."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from puhui.core.audit import audit_changed, snapshot
from puhui.core.models import User
from puhui.core.notifications import notifications_send
from puhui.plan import outcomes, selectors
from puhui.plan.models import AssessmentScheme, Bulletin, Plan, SupervisionNotice
from puhui.plan.services.common import Role, at_or_now, require_office


@transaction.atomic
def bulletin_create(
    *,
    actor,
    plan: Plan,
    title: str,
    number: str,
    issued_on,
    scheme: AssessmentScheme | None = None,
    body: str | None = None,
) -> Bulletin:
    """A draft 通报. Open 督办 notices past their deadline and not yet listed are listed in it."""
    require_office(actor)
    errors = {}
    if not (title or "").strip():
        errors["title"] = "请填写标题。"
    if not (number or "").strip():
        errors["number"] = "请填写文号。"
    elif Bulletin.objects.filter(plan=plan, number=number.strip()).exists():
        errors["number"] = "该文号已被使用。"
    if scheme is not None and (
        scheme.plan_id != plan.pk or scheme.status != AssessmentScheme.Status.COMPUTED
    ):
        errors["scheme"] = "请先计算考核得分。"
    if errors:
        raise ValidationError(errors)
    overdue = list(
        SupervisionNotice.objects.select_for_update().filter(
            plan=plan, status=SupervisionNotice.Status.OPEN, deadline__lt=issued_on, bulletin__isnull=True
        )
    )
    # The targets' state as the 通报 reports it, kept on it so a published 通报 never changes.
    found = outcomes.bulletin_outcomes(scheme) if scheme is not None else {}
    if body is None:
        body = selectors.bulletin_draft_body(
            plan=plan, scheme=scheme, issued_on=issued_on, overdue=overdue, found=found
        )
    bulletin = Bulletin.objects.create(
        plan=plan,
        scheme=scheme,
        outcomes=found,
        number=number.strip(),
        title=title.strip(),
        issued_on=issued_on,
        body=body,
        created_by=actor,
    )
    SupervisionNotice.objects.filter(pk__in=[n.pk for n in overdue]).update(bulletin=bulletin)
    audit_changed(
        actor=actor, obj=bulletin, before=None, note=f"起草通报，列入逾期督办事项 {len(overdue)} 件"
    )
    return bulletin


@transaction.atomic
def bulletin_update(*, actor, bulletin: Bulletin, title: str, body: str, issued_on) -> Bulletin:
    require_office(actor)
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if bulletin.status != Bulletin.Status.DRAFT:
        raise ValidationError("已发布的通报不能修改。")
    before = snapshot(bulletin)
    bulletin.title, bulletin.body, bulletin.issued_on = title.strip(), body, issued_on
    bulletin.full_clean()
    bulletin.save()
    audit_changed(actor=actor, obj=bulletin, before=before)
    return bulletin


@transaction.atomic
def bulletin_publish(*, actor, bulletin: Bulletin, published_at=None) -> Bulletin:
    require_office(actor)
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if bulletin.status != Bulletin.Status.DRAFT:
        raise ValidationError("该通报已发布。")
    before = snapshot(bulletin)
    bulletin.status = Bulletin.Status.PUBLISHED
    bulletin.published_at = at_or_now(published_at)
    bulletin.save(update_fields=["status", "published_at"])
    audit_changed(actor=actor, obj=bulletin, before=before, note="发布通报")
    org_ids = selectors.assessed_unit_ids(bulletin.plan)
    notifications_send(
        users=User.objects.filter(
            organisation_id__in=org_ids, is_active=True, role__in=[Role.MEMBER_UNIT, Role.INSTITUTION]
        ),
        kind="bulletin_published",
        title=f"通报：{bulletin.title}",
        url=reverse("plan_bulletin_detail", args=[bulletin.pk]),
        key=f"bulletin:{bulletin.pk}",
    )
    return bulletin
