"""Who sees and enters typical cases and the zone's publicity. The only road to their rows: pages, exports, the
API, the attachments and the hooks load here. Missing and forbidden look the same: `access_*` raise Http404.

- A unit is the organisation of a staff user of the office, a member unit or a financial institution. It
  sends cases and publicity records, sees and (until the office has decided) corrects its own.
- The office (领导小组办公室) sees everything and decides: review, publish, select for the periodic report.
- Administrators see everything and decide nothing.
- Published cases are read by every staff user (office, administrators, member units, institutions).
- Towns, agents and the public: nothing here.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from puhui.cases.models import (
    KEPT,
    Case,
    CaseFile,
    CaseStatus,
    Promotion,
    PromotionFile,
    PromotionStatus,
)
from puhui.core.access import get_or_404
from puhui.core.models import Organisation, User
from puhui.core.plugins import STAFF

Role = User.Role
UNIT_ROLES = frozenset({Role.OFFICE, Role.MEMBER_UNIT, Role.INSTITUTION})


def is_staff(user) -> bool:
    return user.is_authenticated and user.role in STAFF


def sees_all(user) -> bool:
    return user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}


def can_review(user) -> bool:
    return user.is_authenticated and user.role == Role.OFFICE


def require_review(user) -> None:
    if not can_review(user):
        raise Http404


def unit_of(user) -> Organisation | None:
    """The unit a user sends cases and publicity for (its organisation), else None."""
    if user.is_authenticated and user.role in UNIT_ROLES and user.organisation_id:
        return user.organisation
    return None


# ---------------------------------------------------------------- cases


def cases_for(user) -> QuerySet[Case]:
    qs = Case.objects.select_related("unit", "task", "entered_by")
    if sees_all(user):
        return qs
    if not is_staff(user):
        return qs.none()
    unit = unit_of(user)
    published = Q(status=CaseStatus.PUBLISHED)
    return qs.filter(published | Q(unit=unit)) if unit is not None else qs.filter(published)


def may_see_cases(user) -> bool:
    return is_staff(user)


def may_add_case(user) -> bool:
    return unit_of(user) is not None


def access_case_by_id(user, pk) -> Case:
    return get_or_404(cases_for(user), pk=pk)


def may_edit_case(user, case: Case) -> bool:
    """The unit corrects its case until the office has kept it (采用 or 发布)."""
    unit = unit_of(user)
    return unit is not None and case.unit_id == unit.pk and case.status not in KEPT


def access_case_for_edit(user, pk) -> Case:
    case = access_case_by_id(user, pk)
    if not may_edit_case(user, case):
        raise Http404
    return case


def access_case_file_by_id(user, pk) -> CaseFile:
    """An attachment is served to exactly those who see its case."""
    return get_or_404(
        CaseFile.objects.select_related("case").filter(case__in=cases_for(user).values("pk")), pk=pk
    )


# ---------------------------------------------------------------- the zone's publicity


def promotions_for(user) -> QuerySet[Promotion]:
    qs = Promotion.objects.select_related("unit", "town", "entered_by")
    if sees_all(user):
        return qs
    unit = unit_of(user)
    return qs.filter(unit=unit) if unit is not None else qs.none()


def may_see_promotions(user) -> bool:
    return sees_all(user) or unit_of(user) is not None


def may_add_promotion(user) -> bool:
    return unit_of(user) is not None


def access_promotion_by_id(user, pk) -> Promotion:
    return get_or_404(promotions_for(user), pk=pk)


def may_edit_promotion(user, record: Promotion) -> bool:
    unit = unit_of(user)
    return unit is not None and record.unit_id == unit.pk and record.status != PromotionStatus.APPROVED


def access_promotion_for_edit(user, pk) -> Promotion:
    record = access_promotion_by_id(user, pk)
    if not may_edit_promotion(user, record):
        raise Http404
    return record


def access_promotion_file_by_id(user, pk) -> PromotionFile:
    return get_or_404(
        PromotionFile.objects.select_related("record").filter(record__in=promotions_for(user).values("pk")),
        pk=pk,
    )


def may_see_summary(user) -> bool:
    return sees_all(user)
