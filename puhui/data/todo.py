"""The data app's lines of the home page's to-do list (`TODO` in plugin.py) and its menu badge: each count
reads through `access` and matches the page it links to — the inbox, 我的报表, the indicator explorer."""

from django.db.models import QuerySet
from django.urls import reverse

from puhui.core.models import User
from puhui.core.periods import KIND_QUARTER
from puhui.data import access
from puhui.data.models import DerivedRun, IndicatorValue, ReportingPeriod, Submission, Target
from puhui.data.selectors import Cell, ended_periods, inbox, latest_reported, my_forms
from puhui.data.targets import compare


def _awaiting_review(user: User) -> QuerySet[Submission]:
    return access.submissions_for(user).filter(is_current=True, status=Submission.Status.SUBMITTED)


def todo_reviews(user: User) -> int:
    """Submissions awaiting the office's review: the inbox's 待审核 list."""
    return _awaiting_review(user).count() if access.can_review(user) else 0


def todo_review_items(user: User, limit: int) -> list[tuple[str, str]]:
    if not access.can_review(user):
        return []
    return [
        (
            f"{s.institution.short_name or s.institution.name} · {s.form_title} · {s.period.label}",
            reverse("data_submission", args=[s.pk]),
        )
        for s in _awaiting_review(user).order_by("submitted_at")[:limit]
    ]


def todo_overdue_forms(user: User) -> int:
    """Forms past their deadline and not submitted, in the quarter the inbox opens on (its 逾期未报)."""
    if not access.can_see_inbox(user):
        return 0
    choices = ended_periods(KIND_QUARTER)
    code = latest_reported(user, KIND_QUARTER) or (choices[0].code if choices else "")
    return inbox(user, code)["counts"]["missing"] if code else 0


def _open_cells(user: User) -> list[Cell]:
    org = access.submitting_organisation(user)
    if org is None:
        return []
    cells = [c for f in my_forms(org) for y in f["years"] for c in y["cells"]]
    return [c for c in cells if c.state in {"missing", "returned"}]


def todo_forms_due(user: User) -> int:
    """A submitting unit's forms past due and not submitted, or returned: the open items of 我的报表."""
    return len(_open_cells(user))


def todo_forms_due_items(user: User, limit: int) -> list[tuple[str, str]]:
    cells = sorted(_open_cells(user), key=lambda c: c.period.end, reverse=True)[:limit]
    return [
        (
            f"{c.form.title} · {c.period.label} · {c.label}",
            reverse("data_form", args=[c.form.code, c.period.code]),
        )
        for c in cells
    ]


def todo_forms_badge(user: User) -> int:
    """The 数据报送 entry's badge: the office's reviews, or a unit's forms to submit."""
    return todo_reviews(user) if access.can_review(user) else todo_forms_due(user)


# A town's gaps: its villages below the plan's final target for each rate (the current target version
# with the latest deadline), on the latest quarter that has derived figures.
GAP_INDICATORS = {"archive_rate": "建档率", "precredit_rate": "预授信率"}


def _final_target(code: str) -> Target | None:
    targets = Target.objects.filter(is_current=True, indicator_code=code, rule=Target.Rule.LEVEL)
    return max(targets, key=lambda t: t.deadline_period or "9999", default=None)


def _village_gaps(user: User, code: str) -> list[tuple[IndicatorValue, object]]:
    if user.role != User.Role.TOWN:
        return []
    target = _final_target(code)
    period = (
        ReportingPeriod.objects.filter(kind=KIND_QUARTER, pk__in=DerivedRun.objects.values("period_id"))
        .order_by("-end")
        .first()
    )
    if target is None or period is None:
        return []
    values = access.indicator_values_for(user).filter(
        period=period, indicator_code=code, level=IndicatorValue.Level.VILLAGE
    )
    below = [v for v in values.select_related("division") if compare(_float(v.value), target) is False]
    return [(v, target) for v in sorted(below, key=lambda v: v.value)]


def _float(value) -> float | None:
    return None if value is None else float(value)


def todo_archive_gaps(user: User) -> int:
    return len(_village_gaps(user, "archive_rate"))


def todo_precredit_gaps(user: User) -> int:
    return len(_village_gaps(user, "precredit_rate"))


def _gap_items(user: User, code: str, limit: int) -> list[tuple[str, str]]:
    name = GAP_INDICATORS[code]
    return [
        (
            f"{v.division.name}：{name} {float(v.value):.1f}%（目标 {float(t.threshold):g}%）",
            reverse("data_value", args=[v.pk]),
        )
        for v, t in _village_gaps(user, code)[:limit]
    ]


def todo_archive_gap_items(user: User, limit: int) -> list[tuple[str, str]]:
    return _gap_items(user, "archive_rate", limit)


def todo_precredit_gap_items(user: User, limit: int) -> list[tuple[str, str]]:
    return _gap_items(user, "precredit_rate", limit)
