"""Who sees which submissions and figures. The only road to them: pages, API and exports all load here.

- The office (and administrators) see every submission and every figure.
- An institution or member unit sees its own submissions (its organisation and any units under it),
  its own institution-level figures, and the county-level figures.
- A town official sees the county's figures and those of their own town and its villages.
Missing and forbidden look the same: `access_*_by_id` raise Http404.
"""

from django.db.models import Q, QuerySet

from puhui.core.access import get_or_404
from puhui.core.models import Organisation, User
from puhui.data import catalogue
from puhui.data.models import IndicatorValue, Submission, Upload

Role = User.Role
SUBMITTER_ROLES = frozenset({Role.INSTITUTION, Role.MEMBER_UNIT})
FIGURE_ROLES = frozenset({Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.INSTITUTION, Role.TOWN})


def _sees_all(user) -> bool:
    return user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}


def _own_subtree(user) -> str | None:
    if user.is_authenticated and user.role in SUBMITTER_ROLES and user.organisation_id:
        return user.organisation.path
    return None


def submissions_for(user: User) -> QuerySet[Submission]:
    qs = Submission.objects.select_related("institution", "period")
    if _sees_all(user):
        return qs
    path = _own_subtree(user)
    if path:
        return qs.filter(institution__path__startswith=path)
    return qs.none()


def access_submission_by_id(user: User, pk) -> Submission:
    return get_or_404(submissions_for(user), pk=pk)


def uploads_for(user: User) -> QuerySet[Upload]:
    qs = Upload.objects.select_related("institution", "period", "submission")
    if _sees_all(user):
        return qs
    path = _own_subtree(user)
    if path:
        return qs.filter(institution__path__startswith=path)
    return qs.none()


def access_upload_by_id(user: User, pk) -> Upload:
    return get_or_404(uploads_for(user), pk=pk)


def can_review(user: User) -> bool:
    """Approving and returning is the office's business (not the system administrator's)."""
    return user.is_authenticated and user.role == Role.OFFICE


def can_edit_catalogue(user: User) -> bool:
    return user.is_authenticated and user.role == Role.OFFICE


def can_see_figures(user: User) -> bool:
    return user.is_authenticated and user.role in FIGURE_ROLES


def submitting_organisation(user: User) -> Organisation | None:
    """The unit this user submits for: their own organisation, if it has forms to submit."""
    if not (user.is_authenticated and user.role in SUBMITTER_ROLES and user.organisation_id):
        return None
    org = user.organisation
    return org if catalogue.forms_for_organisation(org) else None


def indicator_values_for(user: User) -> QuerySet[IndicatorValue]:
    qs = IndicatorValue.objects.all()
    if _sees_all(user) or (user.is_authenticated and user.role == Role.MEMBER_UNIT):
        return qs
    county = Q(level=IndicatorValue.Level.COUNTY)
    if user.is_authenticated and user.role == Role.INSTITUTION and user.organisation_id:
        own = Q(level=IndicatorValue.Level.INSTITUTION, organisation__path__startswith=user.organisation.path)
        return qs.filter(county | own)
    if user.is_authenticated and user.role == Role.TOWN and user.town_id:
        own = Q(level=IndicatorValue.Level.TOWN, division_id=user.town_id) | Q(
            level=IndicatorValue.Level.VILLAGE, division__parent_id=user.town_id
        )
        return qs.filter(county | own)
    return qs.none()


def access_value_by_id(user: User, pk) -> IndicatorValue:
    return get_or_404(indicator_values_for(user).select_related("period", "organisation", "division"), pk=pk)


def levels_for(user: User) -> list[str]:
    """The levels whose figures this user may browse."""
    if _sees_all(user) or (user.is_authenticated and user.role == Role.MEMBER_UNIT):
        return ["county", "town", "village", "institution"]
    if user.is_authenticated and user.role == Role.INSTITUTION:
        return ["county", "institution"]
    if user.is_authenticated and user.role == Role.TOWN:
        return ["county", "town", "village"]
    return []
