"""Who sees which submissions and figures. The only road to them: pages, API and exports all load here.

- The office (and administrators) see every submission and every figure.
- An institution or member unit sees its own submissions (its organisation and any units under it),
  its own institution-level figures, and the county-level figures — never another bank's figures, nor
  those of towns and villages (docs/data.md, 权限).
- A town official sees the county's figures and those of their own town and its villages.
- The original uploaded file holds borrowers' ID numbers in clear: whoever sees the submission may
  download it (each download is audited), except the administrator, who never sees clear personal data.
Missing and forbidden look the same: `access_*_by_id` raise Http404.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from puhui.core.access import get_or_404
from puhui.core.models import Organisation, User
from puhui.data import catalogue
from puhui.data.models import (
    AggregateValue,
    Indicator,
    IndicatorValue,
    ReportingPeriod,
    Submission,
    Target,
    Upload,
)

Role = User.Role
SUBMITTER_ROLES = frozenset({Role.INSTITUTION, Role.MEMBER_UNIT})
FIGURE_ROLES = frozenset({Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.INSTITUTION, Role.TOWN})


def _sees_all(user) -> bool:
    return user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}


def _own_subtree(user) -> str | None:
    if user.is_authenticated and user.role in SUBMITTER_ROLES and user.organisation_id:
        return user.organisation.path
    return None


def can_see_inbox(user) -> bool:
    """The office's inbox of every unit's submissions (administrators see it too)."""
    return _sees_all(user)


def require_inbox_reader(user) -> None:
    if not can_see_inbox(user):
        raise Http404


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


def can_download_original(user: User) -> bool:
    """The administrator keeps the system running and never sees clear personal data (docs/personal-data.md)."""
    return user.is_authenticated and user.role in {Role.OFFICE, *SUBMITTER_ROLES}


def access_submission_file_by_id(user: User, pk) -> Submission:
    """A submission whose original file this user may download; 404 for the administrator as for others."""
    if not can_download_original(user):
        raise Http404
    return access_submission_by_id(user, pk)


def access_submission_for_review(user: User, pk) -> Submission:
    """A submission this user may approve or return: the office's, 404 for everyone else."""
    submission = access_submission_by_id(user, pk)
    if not can_review(user):
        raise Http404
    return submission


def aggregate_values_for(user: User) -> QuerySet[AggregateValue]:
    """The figures of aggregate forms as submitted: whoever sees the submission sees its values."""
    return AggregateValue.objects.filter(submission__in=submissions_for(user).values("pk"))


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


RECOMPUTE_ROLES = frozenset({Role.OFFICE, Role.ADMIN})


def can_recompute(user: User) -> bool:
    """Recomputing the derived indicators is a system job: the office's and the administrator's, on the
    targets page (`data_compute`) as on the job page (the `derived_compute` launcher, data/plugin.py)."""
    return user.is_authenticated and user.role in RECOMPUTE_ROLES


def require_recomputer(user: User) -> None:
    if not can_recompute(user):
        raise Http404


def can_see_figures(user: User) -> bool:
    return user.is_authenticated and user.role in FIGURE_ROLES


def require_catalogue_editor(user: User) -> None:
    if not can_edit_catalogue(user):
        raise Http404


def require_figures_reader(user: User) -> None:
    if not can_see_figures(user):
        raise Http404


def submitting_organisation(user: User) -> Organisation | None:
    """The unit this user submits for: their own organisation, if it has forms to submit."""
    if not (user.is_authenticated and user.role in SUBMITTER_ROLES and user.organisation_id):
        return None
    org = user.organisation
    return org if catalogue.forms_for_organisation(org) else None


def require_submitting_organisation(user: User) -> Organisation:
    """The unit whose forms this user fills in; 404 for a user who submits nothing."""
    org = submitting_organisation(user)
    if org is None:
        raise Http404
    return org


def indicator_values_for(user: User) -> QuerySet[IndicatorValue]:
    """The figures this user may read: the one rule behind the pages, the Excel exports and the API.

    Institutions and member units alike: the county, plus their own organisation's institution-level
    figures (a member unit that reports has some; one that does not sees the county only).
    """
    qs = IndicatorValue.objects.all()
    if _sees_all(user):
        return qs
    county = Q(level=IndicatorValue.Level.COUNTY)
    if user.is_authenticated and user.role in SUBMITTER_ROLES:
        if not user.organisation_id:
            return qs.filter(county)
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
    if _sees_all(user):
        return ["county", "town", "village", "institution"]
    if user.is_authenticated and user.role == Role.INSTITUTION:
        return ["county", "institution"]
    if user.is_authenticated and user.role == Role.MEMBER_UNIT:  # its own figures only if it reports
        return ["county", "institution"] if submitting_organisation(user) else ["county"]
    if user.is_authenticated and user.role == Role.TOWN:
        return ["county", "town", "village"]
    return []


# The catalogue (indicators, targets, reporting periods) is the county's published definitions: every
# user who may see figures reads all of it; only the office edits it.


def indicators_for(user: User) -> QuerySet[Indicator]:
    return Indicator.objects.all() if can_see_figures(user) else Indicator.objects.none()


def targets_for(user: User) -> QuerySet[Target]:
    return Target.objects.all() if can_see_figures(user) else Target.objects.none()


def periods_for(user: User) -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.all() if can_see_figures(user) else ReportingPeriod.objects.none()


def access_target_by_code(user: User, code) -> Target:
    """The current version of a target; 404 when missing or for a user who sees no figures."""
    target = targets_for(user).filter(code=code, is_current=True).first()
    if target is None:
        raise Http404
    return target


def access_target_for_edit(user: User, code) -> Target:
    require_catalogue_editor(user)
    return access_target_by_code(user, code)


def access_indicator_for_edit(user: User, code) -> Indicator:
    require_catalogue_editor(user)
    indicator = indicators_for(user).filter(code=code, is_current=True).first()
    if indicator is None:
        raise Http404
    return indicator
