"""Scoped access to credit archives, ratings and pre-credit lines (the only road to them).

Agents: their villages; town officials: their town; the office: everything; a bank: only its
customers — households it offered a pre-credit line to, or whose archive it verified; a farmer:
their own household. Member units see nothing here (personal credit data, minimum necessary).

Verification queue: a bank (banks only, not insurers or other institutions) also opens complete
archives waiting for verification in its service area — towns where it (or one of its outlets) has an
office, and villages where it runs an open service point; a town official their town; the office all.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from puhui.core.access import get_or_404
from puhui.core.models import AuditLog, Division, Organisation, ServicePoint, User
from puhui.credit import selectors
from puhui.credit.models import (
    Consent,
    HouseholdArchive,
    Objection,
    PaymentMonth,
    PreCreditLine,
    ScorecardVersion,
)
from puhui.registry.access import households_for, may_unmask
from puhui.registry.models import Household

Role = User.Role
STAFF_EDIT_ROLES = {Role.AGENT, Role.TOWN, Role.OFFICE}


def _require(allowed: bool) -> None:
    """Forbidden is the same 404 as missing."""
    if not allowed:
        raise Http404


# Institutions that verify archives (the plan's 十四: the county's banks, led by the rural commercial
# bank and the village bank); insurers, guarantors and other institutions do not.
VERIFYING_KINDS = frozenset(
    {
        Organisation.Kind.POLICY_BANK,
        Organisation.Kind.COMMERCIAL_BANK,
        Organisation.Kind.RURAL_BANK,
        Organisation.Kind.VILLAGE_BANK,
    }
)


def _bank_path(user: User) -> str | None:
    if user.role == Role.INSTITUTION and user.organisation_id:
        return user.organisation.path
    return None


def bank_ids(user: User) -> list[int]:
    """The bank user's organisation and its outlets (a handful of ids, read once per request)."""
    path = _bank_path(user)
    if path is None:
        return []
    cached = getattr(user, "_credit_bank_ids", None)
    if cached is None or cached[0] != path:
        ids = list(Organisation.objects.filter(path__startswith=path).values_list("pk", flat=True))
        cached = (path, ids)
        user._credit_bank_ids = cached
    return cached[1]


# A bank with fewer lines plus verified archives than this is "small": its customers are read as one
# set (a UNION the database hashes); a larger one is read household by household along the page's
# order (an EXISTS probe per household on two primary-key/FK indexes), which stops after one page.
SMALL_BANK = 20_000


def _is_small_bank(user: User, ids: list[int]) -> bool:
    cached = getattr(user, "_credit_small_bank", None)
    if cached is None or cached[0] != ids:
        n = PreCreditLine.objects.filter(bank_id__in=ids)[:SMALL_BANK].count()
        if n < SMALL_BANK:
            n += HouseholdArchive.objects.filter(verified_bank_id__in=ids)[: SMALL_BANK - n].count()
        cached = (ids, n < SMALL_BANK)
        user._credit_small_bank = cached
    return cached[1]


def bank_customer_filter(user: User) -> Q:
    """The bank user's customers as a filter on Household (a subquery, never materialised)."""
    ids = bank_ids(user)
    if not ids:
        return Q(pk__in=[])
    offered = PreCreditLine.objects.filter(bank_id__in=ids)
    verified = HouseholdArchive.objects.filter(verified_bank_id__in=ids)
    if _is_small_bank(user, ids):
        return Q(pk__in=offered.values("household_id").union(verified.values("household_id")))
    return _customer_probe(ids, "pk")


def _customer_probe(ids: list[int], household_ref: str) -> Q:
    """The customer rule (an archive verified or a line offered by one of `ids`) as EXISTS probes on the
    household named by `household_ref` of the outer query."""
    offered = PreCreditLine.objects.filter(bank_id__in=ids, household_id=OuterRef(household_ref))
    verified = HouseholdArchive.objects.filter(verified_bank_id__in=ids, household_id=OuterRef(household_ref))
    return Q(Exists(verified)) | Q(Exists(offered))


# A status few of a large bank's customers have (采集中, 待核实) is found from the archives with that status, probed
# for the customer rule, when there are at most this many; PostgreSQL would otherwise walk every household in
# the page's order, probing each (5–10 s at demo scale 10, usually to show nothing).
FEW_WITH_STATUS = 5_000


def bank_customers_with_archive_status(user: User, status: str) -> list[int] | None:
    """The ids of the bank user's customers whose archive has `status`, when there are few; None when there
    are many (the ordinary probes then find a page quickly) or the user is not a bank's."""
    ids = bank_ids(user)
    if not ids:
        return None
    # The customer rule read on the archive row itself: verified by the bank, or a line of the bank's.
    offered = PreCreditLine.objects.filter(bank_id__in=ids, household_id=OuterRef("household_id"))
    found = list(
        HouseholdArchive.objects.filter(status=status)
        .filter(Q(verified_bank_id__in=ids) | Q(Exists(offered)))
        .values_list("household_id", flat=True)[: FEW_WITH_STATUS + 1]
    )
    return found if len(found) <= FEW_WITH_STATUS else None


def is_bank_customer(user: User, household_id) -> bool:
    ids = bank_ids(user)
    return bool(ids) and (
        HouseholdArchive.objects.filter(household_id=household_id, verified_bank_id__in=ids).exists()
        or PreCreditLine.objects.filter(household_id=household_id, bank_id__in=ids).exists()
    )


def may_verify_as_bank(user: User) -> bool:
    return (
        _bank_path(user) is not None
        and user.organisation.kind in VERIFYING_KINDS
        and user.organisation.closed_on is None
    )


def bank_service_area(user: User) -> tuple[list[int], list[int]]:
    """(town ids, village ids) where the bank works: towns of its open offices (the county branch and
    its outlets: an office serves its whole town) and villages of its open service points."""
    if not may_verify_as_bank(user):
        return [], []
    today = timezone.localdate()
    open_ = Q(closed_on__isnull=True) | Q(closed_on__gt=today)
    offices = Organisation.objects.filter(open_, pk__in=bank_ids(user), division__isnull=False)
    towns = set()
    for level, division_id, parent_id in offices.values_list(
        "division__level", "division_id", "division__parent_id"
    ):
        if level == Division.Level.TOWN:
            towns.add(division_id)
        elif level == Division.Level.VILLAGE:
            towns.add(parent_id)
    points = ServicePoint.objects.filter(open_, bank_id__in=bank_ids(user))
    # Only villages outside those towns (the towns cover theirs): the queue is then read off the town
    # index alone for most banks, not by scanning every waiting archive of the county.
    villages = {v for v, town in points.values_list("village_id", "village__parent_id") if town not in towns}
    return sorted(towns), sorted(villages)


def verification_queue_for(user: User) -> QuerySet[HouseholdArchive]:
    """Complete archives waiting for verification that the user may open and verify."""
    qs = HouseholdArchive.objects.filter(status=HouseholdArchive.Status.SUBMITTED, is_complete=True)
    if not user.is_authenticated:
        return qs.none()
    if user.role in {Role.OFFICE, Role.ADMIN}:
        return qs
    if user.role == Role.TOWN and user.town_id:
        return qs.filter(town_id=user.town_id)
    if user.role == Role.INSTITUTION:
        towns, villages = bank_service_area(user)
        if not towns and not villages:
            return qs.none()
        return qs.filter(Q(town_id__in=towns) | Q(village_id__in=villages))
    return qs.none()


def credit_households_for(user: User) -> QuerySet[Household]:
    """The registry's household scope (`registry.access.households_for`) plus one branch: a bank sees the
    households that are its credit customers."""
    if user.is_authenticated and user.role == Role.INSTITUTION:
        return Household.objects.filter(bank_customer_filter(user))
    return households_for(user)


def access_credit_household_by_id(user: User, pk) -> Household:
    return get_or_404(credit_households_for(user).select_related("village", "town"), pk=pk)


def access_household_for_page(user: User, pk) -> Household:
    """The household's credit page: a household in the user's credit scope, or — for a bank — one whose
    complete archive waits in its verification queue (`access_archive_for_verify`; opening it does not make
    the household its customer, verifying does)."""
    try:
        return access_credit_household_by_id(user, pk)
    except Http404:
        if not may_verify(user):
            raise
        hh = access_archive_for_verify(user, pk).household
        if hh.archive.status != HouseholdArchive.Status.SUBMITTED:
            raise Http404 from None
        return hh


def may_edit_archive(user: User) -> bool:
    return user.is_authenticated and user.role in STAFF_EDIT_ROLES


def access_household_for_archive_edit(user: User, pk) -> Household:
    """Agents collect archives; town officials and the office may correct them. Banks and farmers may not."""
    _require(may_edit_archive(user))
    return access_credit_household_by_id(user, pk)


def access_household_for_archive_unmask(user: User, pk) -> Household:
    """The archive form's 显示明文: a role that edits archives and may see clear personal data
    (`registry.access.UNMASK_ROLES`), for a household in its scope. Anything else is 404."""
    _require(may_unmask(user))
    return access_household_for_archive_edit(user, pk)


def may_verify(user: User) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == Role.INSTITUTION:
        return may_verify_as_bank(user)
    return user.role in {Role.TOWN, Role.OFFICE}


def access_archive_for_verify(user: User, pk) -> HouseholdArchive:
    """A bank may verify a complete archive waiting for verification in its service area (that makes
    the household its customer) or its own customer's archive sent back for verification — never
    another party's verified archive; a town official any archive in their town; the office all."""
    _require(may_verify(user))
    qs = HouseholdArchive.objects.select_related("household")
    if user.role == Role.TOWN:
        qs = qs.filter(town_id=user.town_id)
    elif user.role == Role.INSTITUTION:
        archive = get_or_404(qs, household_id=pk)
        waiting = archive.status == HouseholdArchive.Status.SUBMITTED and archive.is_complete
        if waiting and verification_queue_for(user).filter(pk=archive.pk).exists():
            return archive
        if waiting and is_bank_customer(user, archive.household_id):
            return archive
        raise Http404
    return get_or_404(qs, household_id=pk)


def may_rate(user: User) -> bool:
    """Re-rating one household: the office (and administrators) and town officials, in their scope."""
    return may_manage_credit(user) or (user.is_authenticated and user.role == Role.TOWN)


def access_household_for_rate(user: User, pk) -> Household:
    _require(may_rate(user))
    return access_credit_household_by_id(user, pk)


# ---------------------------------------------------------------- consent
# One rule for recording and for revoking a consent, for every role (`may_manage_consent`).


def may_manage_consent(user: User, household: Household) -> bool:
    """Who records and who revokes a household's consent — the same people: the farmer for their own
    household, and the roles that collect and correct archives (agent, town official, office) for a
    household in their scope. Banks (the party the consent is given to), member units and administrators
    do neither."""
    if not user.is_authenticated:
        return False
    if user.role == Role.PUBLIC:
        return user.household_id is not None and user.household_id == household.pk
    return may_edit_archive(user) and credit_households_for(user).filter(pk=household.pk).exists()


def may_see_consents(user: User) -> bool:
    """A bank does not see the consent records (it learns only whether signals were used in a rating)."""
    return user.is_authenticated and user.role != Role.INSTITUTION


def consents_for(user: User) -> QuerySet[Consent]:
    if not may_see_consents(user):
        return Consent.objects.none()
    return Consent.objects.filter(household__in=credit_households_for(user))


def access_household_for_consent(user: User, pk) -> Household:
    """Recording a consent: a household in the user's scope that `may_manage_consent` allows."""
    hh = access_credit_household_by_id(user, pk)
    _require(may_manage_consent(user, hh))
    return hh


def access_consent_for_revoke(user: User, pk) -> Consent:
    """Revoking a consent: the same rule as recording one (`may_manage_consent`)."""
    consent = get_or_404(consents_for(user).select_related("household"), pk=pk)
    _require(may_manage_consent(user, consent.household))
    return consent


# ---------------------------------------------------------------- pre-credit lines


def may_list_lines(user: User) -> bool:
    """The pre-credit list: banks (their own lines), staff in their scope; not farmers or member units."""
    return user.is_authenticated and user.role not in {Role.PUBLIC, Role.MEMBER_UNIT}


def lines_list_for(user: User) -> QuerySet[PreCreditLine]:
    _require(may_list_lines(user))
    return lines_for(user)


def lines_for(user: User) -> QuerySet[PreCreditLine]:
    """A bank sees only its own lines, even for a shared customer."""
    qs = PreCreditLine.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.INSTITUTION:
        ids = bank_ids(user)
        return qs.filter(bank_id__in=ids) if ids else qs.none()
    if user.role in {Role.OFFICE, Role.ADMIN}:
        return qs  # no IN over every household
    # The line's own village and town (copied from the household at the offer): an index read, not an
    # IN over the scope's households.
    if user.role == Role.TOWN and user.town_id:
        return qs.filter(town_id=user.town_id)
    if user.role == Role.AGENT:
        return qs.filter(village_id__in=user.villages.values("pk"))
    if user.role == Role.PUBLIC and user.household_id:
        return qs.filter(household_id=user.household_id)
    return qs.none()


def access_line_by_id(user: User, pk) -> PreCreditLine:
    return get_or_404(lines_for(user).select_related("household", "bank"), pk=pk)


def _own_household(user: User, household_id) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.PUBLIC
        and user.household_id is not None
        and user.household_id == household_id
    )


def access_line_for_respond(user: User, pk) -> PreCreditLine:
    """Only the household itself accepts or declines a line offered to it."""
    line = access_line_by_id(user, pk)
    _require(_own_household(user, line.household_id))
    return line


def access_line_for_move(user: User, pk) -> PreCreditLine:
    """Drawing and repaying: the household itself, or the bank that owns the line (`lines_for`)."""
    line = access_line_by_id(user, pk)
    _require(_own_household(user, line.household_id) or may_offer(user))
    return line


def may_offer(user: User) -> bool:
    return _bank_path(user) is not None


def access_household_for_offer(user: User, pk) -> Household:
    """A bank offers a pre-credit line only to a household whose credit page it may open
    (`access_household_for_page`: its customers — households whose archive it verified or to which it
    offered a line — and archives waiting in its verification queue), and only while that household's
    archive counts as 建档 (`selectors.archived_q`, the one rule; `services.line_offer` refuses the rest
    too). A waiting archive never counts, so in effect a bank offers to its own customers — not to every
    archived household of the county (the first version's docstring): the offer shows the household's
    rating and rule limit, which a bank reads only for its customers. Anything else is 404."""
    _require(may_offer(user))
    hh = access_household_for_page(user, pk)
    _require(Household.objects.filter(selectors.archived_q("archive__"), pk=hh.pk).exists())
    return hh


def objections_for(user: User) -> QuerySet[Objection]:
    """Objections in the user's scope. A bank's are those of its customers (`credit_households_for`: a
    line it offered or an archive it verified) — the households whose rating and line it stands behind;
    never another bank's customers'."""
    if user.is_authenticated and user.role == Role.INSTITUTION:
        # probed from the few objections, as for a town below
        ids = bank_ids(user)
        return (
            Objection.objects.filter(_customer_probe(ids, "household_id"))
            if ids
            else Objection.objects.none()
        )
    if user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}:
        return Objection.objects.all()  # no IN over every household of the county
    if user.is_authenticated and user.role == Role.TOWN and user.town_id:
        # = households_for(user), probed from the few objections (EXISTS on the household's primary key)
        # rather than an IN over the town's tens of thousands of households
        in_town = Household.objects.filter(pk=OuterRef("household_id"), town_id=user.town_id)
        return Objection.objects.filter(Exists(in_town))
    return Objection.objects.filter(household__in=credit_households_for(user))


def may_answer_objection(user: User) -> bool:
    """Who answers objections in writing: the office, the household's town and — for its own customers
    (`objections_for`) — the bank (issue 12: a bank sees the objections it has to answer)."""
    if not user.is_authenticated:
        return False
    return user.role in {Role.OFFICE, Role.TOWN} or _bank_path(user) is not None


def access_objection_for_answer(user: User, pk) -> Objection:
    _require(may_answer_objection(user))
    return get_or_404(objections_for(user), pk=pk)


def objections_to_answer_for(user: User) -> QuerySet[Objection]:
    """The objections list (`credit/objections/`): those who answer them, in their scope."""
    _require(may_answer_objection(user))
    return objections_for(user)


def access_household_for_objection(user: User, pk) -> Household:
    """Only the household itself raises an objection to its rating."""
    _require(_own_household(user, int(pk)))
    return access_credit_household_by_id(user, pk)


def own_household_id(user: User) -> int:
    """A farmer's own household (the navigation entry “我的信用”); 404 for everyone else."""
    _require(user.is_authenticated and user.role == Role.PUBLIC and user.household_id is not None)
    return user.household_id


def may_manage_credit(user: User) -> bool:
    """Scorecards, rules, bulk rating, designations and the archive access log: the office."""
    return user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}


def require_credit_manager(user: User) -> None:
    _require(may_manage_credit(user))


def scorecards_for(user: User) -> QuerySet[ScorecardVersion]:
    require_credit_manager(user)
    return ScorecardVersion.objects.all()


def access_scorecard_by_id(user: User, pk) -> ScorecardVersion:
    return get_or_404(scorecards_for(user).select_related("promoted_by"), pk=pk)


def archive_access_log_for(user: User) -> QuerySet[AuditLog]:
    """Every opening of a credit archive (`credit/access-log/`), for the office."""
    require_credit_manager(user)
    return AuditLog.objects.filter(object_type="credit.HouseholdArchive")


def require_archive_importer(user: User) -> None:
    """The archive import page and its template: those who save archives (`may_edit_archive`)."""
    _require(may_edit_archive(user))


# ---------------------------------------------------------------- village and town credit pages
# Aggregate figures only (counts and rates, no household): agents their villages, town officials their
# town, the office, member units and banks every village and town; farmers none.


def may_see_village(user: User, village: Division) -> bool:
    if not user.is_authenticated or user.role == Role.PUBLIC:
        return False
    if user.role == Role.AGENT:
        return user.villages.filter(pk=village.pk).exists()
    if user.role == Role.TOWN:
        return village.parent_id == user.town_id
    return user.role in {Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.INSTITUTION}


def credit_towns_for(user: User) -> QuerySet[Division]:
    """Towns whose credit page the user may open. An agent sees no town page: it shows every village
    of the town, and an agent's scope is their own villages."""
    qs = Division.objects.filter(level=Division.Level.TOWN)
    if not user.is_authenticated:
        return qs.none()
    if user.role in {Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.INSTITUTION}:
        return qs
    if user.role == Role.TOWN and user.town_id:
        return qs.filter(pk=user.town_id)
    return qs.none()


def may_see_town(user: User, town: Division) -> bool:
    return credit_towns_for(user).filter(pk=town.pk).exists()


def credit_towns_overview_for(user: User) -> QuerySet[Division]:
    """The county overview `credit/towns/`: 404 for a user who may see no town page."""
    visible = credit_towns_for(user)
    _require(visible.exists())
    return visible


def credit_map_villages_for(user: User, town: Division) -> QuerySet[Division]:
    """The villages of `town` drawn on a village page's map: all of them for a user who may see the town
    page, else (an agent) only the user's own villages."""
    villages = Division.objects.filter(level=Division.Level.VILLAGE, parent=town)
    if may_see_town(user, town):
        return villages
    if not user.is_authenticated:
        return villages.none()
    return villages.filter(pk__in=user.villages.values("pk"))


def access_credit_village_by_id(user: User, pk) -> Division:
    village = get_or_404(
        Division.objects.filter(level=Division.Level.VILLAGE).select_related("parent"), pk=pk
    )
    _require(may_see_village(user, village))
    return village


def access_credit_town_by_id(user: User, pk) -> Division:
    return get_or_404(credit_towns_for(user).select_related("parent"), pk=pk)


# ---------------------------------------------------------------- monthly payment aggregates
# The rows an institution reported are its own: a bank reads its own (and its outlets') rows, never another
# bank's figures for a shared customer; the office and administrators read all. Nobody else reads them.
PAYMENT_READERS = frozenset({Role.OFFICE, Role.ADMIN, Role.INSTITUTION})


def may_read_payment_months(user: User) -> bool:
    return user.is_authenticated and user.role in PAYMENT_READERS


def payment_months_for(user: User) -> QuerySet[PaymentMonth]:
    qs = PaymentMonth.objects.all()
    if not may_read_payment_months(user):
        return qs.none()
    if user.role == Role.INSTITUTION:
        ids = bank_ids(user)
        return qs.filter(bank_id__in=ids) if ids else qs.none()
    return qs
