"""Who sees risk disposal. The only road to its rows: pages, exports, the API and the hooks load here.

Cases (处置台账):
- The office (县人民银行, the plan's lead for 二十一) and administrators see every case; the office keeps them.
- A unit that owns a step of a case (a linkage unit — court, procuratorate, police, finance centre — or a bank
  given a 转贷授信 step) sees that case and only its own steps; it reports on them.
- A bank also sees the cases about itself (subject: the bank). The cases about its borrowers are not shown:
  the platform holds no loan-level link that says whose borrower a firm is, and a guess would leak.

The dishonest-debtor list (逃废债黑名单), published to financial institutions only:
- The office and administrators: every entry in every state; the office acts on them.
- Financial institutions (role 金融机构) and the linkage units: the entries 已列入; a bank also its own
  proposals in every state.
- A debtor with a public account (the head or a member of the household linked to it, matched by ID number)
  sees the entries about themself once notified, and may object within the window.
- Towns, agents, other member units, other public users: nothing.
Missing and forbidden look the same: `access_*` raise Http404.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from puhui.core.access import get_or_404, institution_of
from puhui.core.models import User
from puhui.disposal.models import CaseStep, Listing, RiskCase
from puhui.risk.access import LINKAGE_UNITS, linkage_unit_of  # noqa: F401 (LINKAGE_UNITS: the demo, tests)

Role = User.Role
Status = Listing.Status
# The states a debtor sees: from the notice on (a proposal not yet told is the bank's and the office's).
DEBTOR_SEES = (Status.NOTIFIED, Status.OBJECTED, Status.LISTED, Status.REJECTED, Status.REMOVED)


def sees_all(user) -> bool:
    return user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}


def can_manage(user) -> bool:
    return user.is_authenticated and user.role == Role.OFFICE


def require_manage(user) -> None:
    if not can_manage(user):
        raise Http404


bank_of = institution_of


def step_owner_of(user):
    """The organisation whose steps this user reports on: a linkage unit, a bank or the office's own."""
    if not user.is_authenticated or user.role not in {Role.MEMBER_UNIT, Role.INSTITUTION, Role.OFFICE}:
        return None
    return user.organisation if user.organisation_id else None


# ---------------------------------------------------------------- cases


def cases_for(user) -> QuerySet[RiskCase]:
    qs = RiskCase.objects.select_related("firm", "household", "bank")
    if sees_all(user):
        return qs
    owner = step_owner_of(user)
    if owner is None:
        return qs.none()
    mine = Q(pk__in=CaseStep.objects.filter(owner=owner).values("case_id"))
    if bank_of(user) is not None:
        mine |= Q(subject_kind=RiskCase.Subject.BANK, bank=owner)
    return qs.filter(mine)


def may_see_cases(user) -> bool:
    """The menu entry: the office and admins, and any unit that owns a step or is a case's subject."""
    return sees_all(user) or (step_owner_of(user) is not None and cases_for(user).exists())


def require_cases(user) -> None:
    if not (sees_all(user) or step_owner_of(user) is not None):
        raise Http404


def access_case_by_id(user, pk) -> RiskCase:
    return get_or_404(cases_for(user), pk=pk)


def access_case_for_edit(user, pk) -> RiskCase:
    require_manage(user)
    return access_case_by_id(user, pk)


def steps_for(user, case: RiskCase) -> QuerySet[CaseStep]:
    """The office: every step of the case; an owner: its own steps only."""
    qs = CaseStep.objects.filter(case=case).select_related("owner", "reported_by")
    if sees_all(user):
        return qs
    owner = step_owner_of(user)
    return qs.filter(owner=owner) if owner is not None else qs.none()


def access_step_for_report(user, pk) -> CaseStep:
    """A step its owner reports on (the office may report for any step: it records what it was told)."""
    qs = CaseStep.objects.select_related("case", "owner")
    if not can_manage(user):
        owner = step_owner_of(user)
        if owner is None:
            raise Http404
        qs = qs.filter(owner=owner)
    return get_or_404(qs, pk=pk)


# ---------------------------------------------------------------- the dishonest-debtor list


def in_publication_scope(user) -> bool:
    """Who sees the published (已列入) entries: financial institutions, the office, admins, linkage units."""
    return sees_all(user) or bank_of(user) is not None or linkage_unit_of(user) is not None


def debtor_hashes(user) -> list[str]:
    """The ID-number hashes of a public user's own household (its head and members): whose notices they see."""
    if not user.is_authenticated or user.role != Role.PUBLIC or not user.household_id:
        return []
    household = user.household
    hashes = [household.head_id_hash] if household.head_id_hash else []
    hashes += [h for h in household.members.values_list("id_hash", flat=True) if h]
    return hashes


def listings_for(user) -> QuerySet[Listing]:
    qs = Listing.objects.select_related("bank")
    if sees_all(user):
        return qs
    bank = bank_of(user)
    if bank is not None:
        return qs.filter(Q(status=Status.LISTED) | Q(bank=bank))
    if linkage_unit_of(user) is not None:
        return qs.filter(status=Status.LISTED)
    hashes = debtor_hashes(user)
    if hashes:
        return qs.filter(debtor_kind=Listing.Debtor.PERSON, id_hash__in=hashes, status__in=DEBTOR_SEES)
    return qs.none()


def published_for(user) -> QuerySet[Listing]:
    """The published list (the API, the profile flags): entries 已列入, for those in scope only."""
    if not in_publication_scope(user):
        return Listing.objects.none()
    return Listing.objects.filter(status=Status.LISTED).select_related("bank")


def may_see_listings(user) -> bool:
    """Those in scope; a public user only while an entry about them has been notified."""
    return in_publication_scope(user) or (bool(debtor_hashes(user)) and listings_for(user).exists())


def require_listings(user) -> None:
    if not may_see_listings(user):
        raise Http404


def access_listing_by_id(user, pk) -> Listing:
    return get_or_404(listings_for(user), pk=pk)


def may_propose(user) -> bool:
    return bank_of(user) is not None


def require_propose(user) -> None:
    if not may_propose(user):
        raise Http404


def is_own_proposal(user, listing: Listing) -> bool:
    bank = bank_of(user)
    return bank is not None and listing.bank_id == bank.pk


def is_debtor(user, listing: Listing) -> bool:
    return (
        listing.debtor_kind == Listing.Debtor.PERSON
        and bool(listing.id_hash)
        and listing.id_hash in debtor_hashes(user)
    )


def may_object(user, listing: Listing) -> bool:
    """The office (recording an objection made on paper) or the debtor's own public account."""
    return can_manage(user) or is_debtor(user, listing)
