"""金融辅导员 (plan 十六): a bank assigns its staff to firms; an adviser logs visits to its firms on a phone."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from puhui.core.audit import audit_changed, snapshot
from puhui.core.periods import date_cn
from puhui.core.service_checks import not_future, text_within
from puhui.financing import access
from puhui.financing.models import Assignment, Visit


@transaction.atomic
def assignment_create(*, actor, adviser, firm, start: datetime.date) -> Assignment:
    bank = access.bank_of(actor)
    if bank is None or adviser is None or not access.adviser_candidates(actor).filter(pk=adviser.pk).exists():
        raise ValidationError({"adviser": "只能指派本行员工担任金融辅导员。"})
    if firm is None:
        raise ValidationError({"firm": "请选择企业。"})
    start = not_future(start, "start", "结对日期")
    if Assignment.objects.filter(adviser=adviser, firm=firm, end__isnull=True).exists():
        raise ValidationError({"firm": f"{adviser}已与{firm.name}结对。"})
    assignment = Assignment.objects.create(adviser=adviser, bank=bank, firm=firm, start=start)
    audit_changed(actor=actor, obj=assignment, before=None, note=f"指派金融辅导员：{adviser} — {firm.name}")
    return assignment


@transaction.atomic
def assignment_end(*, actor, assignment: Assignment, end: datetime.date) -> Assignment:
    if not access.assignments_for(actor).filter(
        pk=assignment.pk, end__isnull=True
    ).exists() or access.sees_all(actor):
        raise ValidationError("只能结束本行仍在结对中的金融辅导员。")
    end = not_future(end, "end", "结束日期")
    if end < assignment.start:
        raise ValidationError({"end": f"结束日期不能早于结对日期（{date_cn(assignment.start)}）。"})
    before = snapshot(assignment)
    assignment.end = end
    assignment.save(update_fields=["end"])
    audit_changed(actor=actor, obj=assignment, before=before, note="结束金融辅导员结对")
    return assignment


@transaction.atomic
def visit_create(*, actor, firm, visited_on: datetime.date, done: str, follow_up: str = "") -> Visit:
    """A visit by the acting adviser to one of its firms; a date in the future is refused."""
    bank = access.bank_of(actor)
    if bank is None or firm is None or not access.firms_to_visit(actor).filter(pk=firm.pk).exists():
        raise ValidationError({"firm": "只能登记对本人结对企业的走访。"})
    visited_on = not_future(visited_on, "visited_on", "走访日期")
    assigned = Assignment.objects.filter(adviser=actor, firm=firm, start__lte=visited_on)
    if not assigned.exclude(end__lt=visited_on).exists():
        raise ValidationError({"visited_on": f"{date_cn(visited_on)}不在与{firm.name}的结对期内。"})
    visit = Visit.objects.create(
        adviser=actor, bank=bank, firm=firm, visited_on=visited_on,
        done=text_within(done, "done", "走访内容", limit=300),
        follow_up=text_within(follow_up, "follow_up", "后续跟进", limit=300, required=False),
    )  # fmt: skip
    audit_changed(actor=actor, obj=visit, before=None, note=f"登记走访：{firm.name}")
    return visit
