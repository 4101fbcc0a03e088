"""Reads for the pages and the home page's to-do lines."""

from django.utils import timezone

from puhui.cases import access
from puhui.cases.models import Case, CaseStatus, Promotion, PromotionStatus
from puhui.cases.services.cases import FIRST_YEAR
from puhui.core import periods
from puhui.core.plugins import capped_count


def year_choices(user=None, values=None) -> list[tuple[int, str]]:
    """The plan's years up to this one, newest first (a list filter's choices)."""
    return [(y, f"{y}年") for y in range(timezone.localdate().year, FIRST_YEAR - 1, -1)]


def period_choices(user=None, values=None) -> list[tuple[str, str]]:
    """Years and the quarters that have begun, newest first: what a case may report on or be selected for."""
    today = timezone.localdate()
    out = []
    for year in range(today.year, FIRST_YEAR - 1, -1):
        out.append((str(year), f"{year}年"))
        out += [
            (code, periods.label(code))
            for code in reversed(periods.quarters_of(year))
            if periods.parse_code(code).start <= today
        ]
    return out


def pending_cases_count(user) -> int:
    """The office's to-do: cases waiting for its decision."""
    if not access.can_review(user):
        return 0
    return capped_count(Case.objects.filter(status=CaseStatus.SUBMITTED))


def pending_promotions_count(user) -> int:
    """The office's to-do: publicity records waiting for review."""
    if not access.can_review(user):
        return 0
    return capped_count(Promotion.objects.filter(status=PromotionStatus.PENDING))


def case_files(case: Case) -> list:
    """The attachments of a case the user sees (`access_case_by_id` gave `case`)."""
    return list(case.files.order_by("id"))


def promotion_files(record: Promotion) -> list:
    return list(record.files.order_by("id"))


def summary_periods() -> list[str]:
    """The periods that have something for a report, newest first: those cases were selected for, and the
    years with approved publicity."""
    selected = set(Case.objects.exclude(selected_for="").values_list("selected_for", flat=True).distinct())
    days = Promotion.objects.filter(status=PromotionStatus.APPROVED).values_list("held_on", flat=True)
    years = {str(d.year) for d in days.dates("held_on", "year")}
    return sorted(selected | years, key=periods.ordinal, reverse=True)
