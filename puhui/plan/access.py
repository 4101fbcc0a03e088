"""Who sees which part of the plan. Every view, export and API handler loads through these.

* the office (领导小组办公室, and administrators) sees everything and alone issues 督办, reviews and scores;
* a member unit sees the tasks it leads or co-operates on, its own reports, notices and delay requests,
  and the published 通报;
* a financial institution sees the tasks where "各金融机构" or the institution itself is responsible,
  and likewise its own reports, notices and the published 通报;
* towns, agents and the public see none of it.

Missing and forbidden look the same: `access_*_by_id` raises Http404 for both.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from puhui.core.access import get_or_404
from puhui.core.models import Organisation, User
from puhui.plan.models import (
    AssessmentScheme,
    Assignment,
    Bulletin,
    DelayRequest,
    Evidence,
    LeadingGroupMember,
    Milestone,
    Plan,
    PlanUnit,
    ProgressReport,
    SupervisionNotice,
    Task,
)

Role = User.Role
UNIT_ROLES = frozenset({Role.MEMBER_UNIT, Role.INSTITUTION})
# The office sits in the county PBoC, itself the lead of most tasks: its staff also report for it.
ACTING_ROLES = UNIT_ROLES | {Role.OFFICE}


def is_office(user: User) -> bool:
    return user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}


def acting_unit(user: User) -> Organisation | None:
    """The organisation a user reports and answers for (a unit's staff, or the office for the PBoC)."""
    if user.is_authenticated and user.role in ACTING_ROLES and user.organisation_id:
        return user.organisation
    return None


def _ancestor_ids(org: Organisation) -> list[int]:
    """An outlet's staff are covered by their branch's assignments: the ids on its materialised path."""
    ids = [int(part) for part in org.path.strip("/").split("/") if part.isdigit()]
    return ids or [org.pk]


def assignments_for(user: User) -> QuerySet[Assignment]:
    qs = Assignment.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if is_office(user):
        return qs
    org = acting_unit(user)
    if org is None:
        return qs.none()
    if user.role == Role.MEMBER_UNIT:
        return qs.filter(unit__organisation_id=org.pk)
    return qs.filter(
        Q(unit__organisation_id__in=_ancestor_ids(org)) | Q(unit__type=PlanUnit.Type.ALL_INSTITUTIONS)
    )


def plans_for(user: User) -> QuerySet[Plan]:
    if is_office(user):
        return Plan.objects.all()
    if acting_unit(user) is None:
        return Plan.objects.none()
    return Plan.objects.filter(pk__in=assignments_for(user).values("task__plan_id"))


def tasks_for(user: User) -> QuerySet[Task]:
    qs = Task.objects.all()
    if is_office(user):
        return qs
    if acting_unit(user) is None:
        return qs.none()
    return qs.filter(pk__in=assignments_for(user).values("task_id"))


def access_task_by_id(user: User, pk) -> Task:
    return get_or_404(tasks_for(user).select_related("plan", "section", "lead"), pk=pk)


def milestones_for(user: User) -> QuerySet[Milestone]:
    return Milestone.objects.filter(task__in=tasks_for(user))


def _own(qs: QuerySet, user: User, field: str = "unit_id") -> QuerySet:
    if is_office(user):
        return qs
    org = acting_unit(user)
    if org is None:
        return qs.none()
    return qs.filter(**{field: org.pk})


def reports_for(user: User) -> QuerySet[ProgressReport]:
    return _own(ProgressReport.objects.all(), user)


def access_report_by_id(user: User, pk) -> ProgressReport:
    return get_or_404(
        reports_for(user).select_related("task", "task__plan", "unit", "submitted_by", "reviewed_by"), pk=pk
    )


def evidence_for(user: User) -> QuerySet[Evidence]:
    return Evidence.objects.filter(report__in=reports_for(user))


def access_evidence_by_id(user: User, pk) -> Evidence:
    return get_or_404(evidence_for(user), pk=pk)


def notices_for(user: User) -> QuerySet[SupervisionNotice]:
    return _own(SupervisionNotice.objects.all(), user)


def access_notice_by_id(user: User, pk) -> SupervisionNotice:
    return get_or_404(
        notices_for(user).select_related("task", "unit", "issued_by", "responded_by", "bulletin"), pk=pk
    )


def delay_requests_for(user: User) -> QuerySet[DelayRequest]:
    return _own(DelayRequest.objects.all(), user)


def access_delay_request_by_id(user: User, pk) -> DelayRequest:
    return get_or_404(delay_requests_for(user).select_related("task", "unit", "milestone"), pk=pk)


def bulletins_for(user: User) -> QuerySet[Bulletin]:
    qs = Bulletin.objects.all()
    if is_office(user):
        return qs
    if acting_unit(user) is None:
        return qs.none()
    return qs.filter(status=Bulletin.Status.PUBLISHED)


def access_bulletin_by_id(user: User, pk) -> Bulletin:
    return get_or_404(bulletins_for(user).select_related("plan", "scheme"), pk=pk)


def schemes_for(user: User) -> QuerySet[AssessmentScheme]:
    """Scores are the office's working papers; units see the ranking only in a published 通报."""
    if is_office(user):
        return AssessmentScheme.objects.all()
    return AssessmentScheme.objects.none()


def access_scheme_by_id(user: User, pk) -> AssessmentScheme:
    return get_or_404(schemes_for(user).select_related("plan"), pk=pk)


def may_report_on(user: User, task: Task) -> bool:
    """Units report on the tasks they are responsible for (an institution also under "各金融机构")."""
    org = acting_unit(user)
    if org is None:
        return False
    responsible = Q(unit__organisation_id=org.pk)
    if user.role == Role.INSTITUTION:
        responsible |= Q(unit__type=PlanUnit.Type.ALL_INSTITUTIONS)
    return Assignment.objects.filter(responsible, task_id=task.pk).exists()


# ------------------------------------------------------------------ the gates views and API handlers call
# Each raises Http404 (forbidden looks like missing), so a view never checks a role itself.


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404


def require_office(user: User) -> None:
    """督办, review, delay decisions, assessments, 通报 drafts and the plan's setup: the office alone."""
    _require(is_office(user))


def access_current_plan(user: User, pk=None) -> Plan:
    """The plan a page is about (the one named, else the newest the user sees); 404 when there is none."""
    from puhui.plan import selectors

    plan = selectors.current_plan(user, pk)
    _require(plan is not None)
    return plan


def access_api_plan(user: User, pk: int | None) -> Plan | None:
    """The API's plan: the one named, else the newest visible (None when the user sees no plan).
    Naming a plan the user does not see is 404."""
    from puhui.plan import selectors

    plan = selectors.current_plan(user, pk)
    _require(plan is not None or pk is None)
    return plan


def access_api_task(user: User, number: int, plan_id: int | None) -> Task:
    """A task by its number in the plan (`access_api_plan`), with what the API shows of it."""
    from puhui.plan import selectors

    plan = access_api_plan(user, plan_id)
    _require(plan is not None)
    return get_or_404(selectors.api_tasks(user, plan), number=number)


def may_export_tasks(user: User) -> bool:
    """The task table export: the office and the units (what each sees of the board)."""
    return is_office(user) or acting_unit(user) is not None


def require_task_export(user: User) -> None:
    _require(may_export_tasks(user))


def access_task_for_report(user: User, pk) -> Task:
    """Reporting progress on a task and asking for a delay: a unit responsible for it (`may_report_on`)."""
    task = access_task_by_id(user, pk)
    _require(may_report_on(user, task))
    return task


def access_api_task_for_report(user: User, number: int, plan_id: int | None) -> Task:
    task = access_api_task(user, number, plan_id)
    _require(may_report_on(user, task))
    return task


def access_task_for_notice(user: User, pk) -> Task:
    require_office(user)
    return access_task_by_id(user, pk)


def access_report_for_review(user: User, pk) -> ProgressReport:
    require_office(user)
    return access_report_by_id(user, pk)


def access_notice_for_office(user: User, pk) -> SupervisionNotice:
    """Reminding and closing a 督办单: the office."""
    require_office(user)
    return access_notice_by_id(user, pk)


def access_milestone_for_office(user: User, pk) -> Milestone:
    """Linking a milestone to a target and closing it on the target (or by override): the office."""
    require_office(user)
    return get_or_404(milestones_for(user).select_related("task", "unit"), pk=pk)


def access_delay_request_for_decision(user: User, pk) -> DelayRequest:
    require_office(user)
    return access_delay_request_by_id(user, pk)


def may_edit_bulletin(user: User, bulletin: Bulletin) -> bool:
    """The office edits a 通报 while it is a draft; once published it is read-only for everyone."""
    return is_office(user) and bulletin.status == Bulletin.Status.DRAFT


def access_bulletin_for_edit(user: User, pk) -> Bulletin:
    bulletin = access_bulletin_by_id(user, pk)
    _require(may_edit_bulletin(user, bulletin))
    return bulletin


def access_bulletin_for_publish(user: User, pk) -> Bulletin:
    require_office(user)
    return access_bulletin_by_id(user, pk)


# ---------------------------------------------------------------- the leading group (附件1)
# Its composition is the plan's own annex: the office and administrators keep it (by import), the member
# units read it; banks, towns, agents and the public do not reach it.
LEADING_GROUP_READERS = frozenset({Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT})


def may_see_leading_group(user: User) -> bool:
    return user.is_authenticated and user.role in LEADING_GROUP_READERS


def may_edit_leading_group(user: User) -> bool:
    return is_office(user)


def leading_group_for(user: User) -> QuerySet[LeadingGroupMember]:
    if not may_see_leading_group(user):
        return LeadingGroupMember.objects.none()
    return LeadingGroupMember.objects.select_related("unit")


def access_leading_group_member_by_id(user: User, pk) -> LeadingGroupMember:
    return get_or_404(leading_group_for(user), pk=pk)
