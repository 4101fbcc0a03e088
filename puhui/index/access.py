"""Who sees what of the county index.

The index is public statistics of the demonstration zone: the office, administrators, member units and
town officials see every town (a town official compares the own town with the others — that is the
point of a ranking). Institutions see the county figures and the methodology only; village agents and
the public see nothing here. Draft (unpublished) runs and recomputation are for the office and admins.

An API token acts as its organisation's staff (`puhui.api.access.scope_user_for_token`): the PBoC as the
office, a government unit as a member unit, a bank as an institution. The API reads published runs only.
"""

from django.db.models import QuerySet
from django.http import Http404

from puhui.core.access import divisions_for, get_or_404
from puhui.core.converters import MAX_ID
from puhui.core.models import Division, User
from puhui.index.models import IndexFramework, IndexRankInterval, IndexRun, IndexScore

Role = User.Role
TOWN_VIEW_ROLES = frozenset({Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.TOWN})
COUNTY_VIEW_ROLES = TOWN_VIEW_ROLES | {Role.INSTITUTION}
MANAGE_ROLES = frozenset({Role.OFFICE, Role.ADMIN})


def can_view_county(user) -> bool:
    return user.is_authenticated and user.role in COUNTY_VIEW_ROLES


def can_view_towns(user) -> bool:
    return user.is_authenticated and user.role in TOWN_VIEW_ROLES


def can_manage(user) -> bool:
    return user.is_authenticated and user.role in MANAGE_ROLES


def require_county(user) -> None:
    if not can_view_county(user):
        raise Http404


def require_towns(user) -> None:
    if not can_view_towns(user):
        raise Http404


def require_manager(user) -> None:
    if not can_manage(user):
        raise Http404


def access_town_by_code(user, code) -> Division:
    """A town whose index page this user may open: every town for those who see towns, 404 otherwise."""
    require_towns(user)
    return get_or_404(divisions_for(user).filter(level=Division.Level.TOWN), code=code)


def frameworks_for(user) -> QuerySet[IndexFramework]:
    """The indicator systems (methodology) are public to everyone who sees the county index."""
    return IndexFramework.objects.all() if can_view_county(user) else IndexFramework.objects.none()


def runs_for(user) -> QuerySet[IndexRun]:
    if not can_view_county(user):
        return IndexRun.objects.none()
    qs = IndexRun.objects.select_related("framework")
    return qs if can_manage(user) else qs.filter(status=IndexRun.Status.PUBLISHED)


def access_run_by_id(user, pk) -> IndexRun:
    try:
        return runs_for(user).get(pk=pk)
    except (IndexRun.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def access_framework_by_version(user, version) -> IndexFramework:
    if not isinstance(version, int) or not 0 < version <= MAX_ID:
        raise Http404
    return get_or_404(frameworks_for(user), version=version)


def published_runs_for(user) -> QuerySet[IndexRun]:
    """The published runs, for everyone who sees the county index (drafts are the office's, on the pages)."""
    return runs_for(user).filter(status=IndexRun.Status.PUBLISHED)


def access_published_run_by_id(user, pk) -> IndexRun:
    if not isinstance(pk, int) or not 0 < pk <= MAX_ID:
        raise Http404
    return get_or_404(published_runs_for(user), pk=pk)


def scores_for(user, run: IndexRun) -> QuerySet[IndexScore]:
    """A run's scores: every town's and the county's for those who see towns, the county's (town NULL)
    for institutions — the county figures of the overview — and none for anyone else."""
    if not can_view_county(user):
        return IndexScore.objects.none()
    qs = IndexScore.objects.filter(run=run)
    return qs if can_view_towns(user) else qs.filter(town__isnull=True)


def rank_intervals_for(user, run: IndexRun) -> QuerySet[IndexRankInterval]:
    """Rank intervals are per town: for those who see the towns' ranking."""
    if not can_view_towns(user):
        return IndexRankInterval.objects.none()
    return IndexRankInterval.objects.filter(run=run)
