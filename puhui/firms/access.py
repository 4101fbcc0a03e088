"""Who sees firms' credit information. The only road to this app's rows: pages, the hooks and the job load
here. Missing and forbidden look the same (Http404).

- The office, administrators and member units see every firm's profile (信用画像); a member unit uploads the
  sources the catalogue gives its department (`Organisation.plan_alias`).
- A bank (its county-level institution, whichever of its outlets the user works at) sees a firm only while
  the firm's authorisation of that bank is in force; each of its reads is logged (`services.lookups`).
- A town official sees the firms of its town; a public user who acts for a firm (`User.firm`) its own firm.
- Agents and other public users: nothing here.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from puhui.core.access import county_bank_of, firm_of, get_or_404
from puhui.core.models import Organisation, User
from puhui.firms import catalogue
from puhui.firms.models import Authorisation, DepartmentUpload, FirmScorecard, LookUp
from puhui.registry.access import BANK_KINDS
from puhui.registry.models import Firm

Role = User.Role
ALL_FIRMS = frozenset({Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT})


def sees_all(user) -> bool:
    return user.is_authenticated and user.role in ALL_FIRMS


def is_office(user) -> bool:
    return user.is_authenticated and user.role == Role.OFFICE


bank_of = county_bank_of


def acts_for_firm(user) -> bool:
    """A public user who acts for a firm: the firm's own pages are their home."""
    return firm_of(user) is not None


def county_banks() -> QuerySet[Organisation]:
    """The banks a firm may authorise: the county-level institutions, open today."""
    return Organisation.objects.filter(
        kind__in=BANK_KINDS, level=Organisation.Level.BRANCH, closed_on__isnull=True
    ).order_by("name")


def in_force(day=None) -> Q:
    day = day or timezone.localdate()
    return Q(revoked_at__isnull=True, expires_on__gte=day)


# ---------------------------------------------------------------- firms and their profiles


def may_see_firms(user) -> bool:
    return sees_all(user) or bank_of(user) is not None or (user.is_authenticated and user.role == Role.TOWN)


def firms_for(user) -> QuerySet[Firm]:
    """The firms whose profile the user may read now."""
    qs = Firm.objects.select_related("town", "village")
    if sees_all(user):
        return qs
    bank = bank_of(user)
    if bank is not None:
        granted = Authorisation.objects.filter(in_force(), bank=bank).values("firm_id")
        return qs.filter(pk__in=granted)
    if user.is_authenticated and user.role == Role.TOWN and user.town_id:
        return qs.filter(town_id=user.town_id)
    firm = firm_of(user)
    if firm is not None:
        return qs.filter(pk=firm.pk)
    return qs.none()


def access_firm_by_id(user, pk) -> Firm:
    return get_or_404(firms_for(user), pk=pk)


# ---------------------------------------------------------------- department sources and uploads


def sources_for_upload(user) -> list[catalogue.Source]:
    """The sources a member unit keeps: those of its department in the catalogue."""
    if user.is_authenticated and user.role == Role.MEMBER_UNIT and user.organisation_id:
        return catalogue.sources_of(user.organisation.plan_alias)
    return []


def may_upload(user) -> bool:
    return bool(sources_for_upload(user))


def may_see_sources(user) -> bool:
    return sees_all(user)


def uploads_for(user) -> QuerySet[DepartmentUpload]:
    """The office and administrators every upload; a member unit those of its own sources."""
    qs = DepartmentUpload.objects.select_related("organisation", "uploaded_by")
    if user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}:
        return qs
    codes = [s.code for s in sources_for_upload(user)]
    return qs.filter(source__in=codes) if codes else qs.none()


def access_upload_by_id(user, pk) -> DepartmentUpload:
    return get_or_404(uploads_for(user), pk=pk)


def access_source_for_upload(user, code: str) -> catalogue.Source:
    for source in sources_for_upload(user):
        if source.code == code:
            return source
    raise Http404


# ---------------------------------------------------------------- authorisations and look-ups


def authorisations_for(user) -> QuerySet[Authorisation]:
    qs = Authorisation.objects.select_related("firm", "bank")
    if user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}:
        return qs
    firm = firm_of(user)
    if firm is not None:
        return qs.filter(firm=firm)
    bank = bank_of(user)
    if bank is not None:
        return qs.filter(bank=bank)
    return qs.none()


def access_authorisation_for_revoke(user, pk) -> Authorisation:
    """Only the firm itself revokes, and only an authorisation still in force."""
    firm = firm_of(user)
    if firm is None:
        raise Http404
    return get_or_404(authorisations_for(user).filter(in_force()), pk=pk)


def lookups_for(user) -> QuerySet[LookUp]:
    """Who looked: the firm its own look-ups, a bank its own, the office and administrators all."""
    qs = LookUp.objects.select_related("bank", "firm")
    if user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}:
        return qs
    firm = firm_of(user)
    if firm is not None:
        return qs.filter(firm=firm)
    bank = bank_of(user)
    if bank is not None:
        return qs.filter(bank=bank)
    return qs.none()


def may_rate(user) -> bool:
    """The rating job, the firm scorecard's versions and their reports: the office and administrators."""
    return user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}


def scorecards_for(user) -> QuerySet[FirmScorecard]:
    return (
        FirmScorecard.objects.select_related("created_by", "promoted_by")
        if may_rate(user)
        else FirmScorecard.objects.none()
    )


def access_scorecard_by_id(user, pk) -> FirmScorecard:
    return get_or_404(scorecards_for(user), pk=pk)


def may_see_uploads(user) -> bool:
    return (user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}) or may_upload(user)
