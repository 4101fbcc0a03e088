"""Who sees and keeps the first-loan lists, the 首贷 cross-check and the renewals. The only road to their rows:
pages, exports, the API and the hooks load here. Missing and forbidden look the same (Http404).

- The office (县人民银行, lead of 五) and administrators see every bank's list, contacts, outcomes,
  disagreements and renewals, and start a computation.
- A bank (role 金融机构; its county branch, whichever of its offices the user works at) sees the firms of the
  list in its service area — the towns where its county branch, an outlet or a service point of it is present
  in the register — records contacts and outcomes on them, and sees only its own contacts, outcomes,
  disagreements and renewals.
- Member units, towns, agents and the public: nothing here (the list is drawn from the banks' loan data).
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from puhui.core.access import county_bank_of, get_or_404
from puhui.core.models import Division, Organisation, ServicePoint, User
from puhui.firstloans.models import (
    Contact,
    Disagreement,
    ListedFirm,
    Outcome,
    Renewal,
    Run,
)
from puhui.registry.access import BANK_KINDS
from puhui.registry.models import Firm

Role = User.Role


def sees_all(user) -> bool:
    return user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}


def may_compute(user) -> bool:
    return sees_all(user)


bank_of = county_bank_of


def may_see(user) -> bool:
    return sees_all(user) or bank_of(user) is not None


def may_record(user) -> bool:
    return bank_of(user) is not None


def service_area(bank: Organisation, on=None) -> set[int]:
    """The towns where the bank is present: its county branch, its open outlets and its open service points."""
    on = on or timezone.localdate()
    open_ = Q(closed_on__isnull=True) | Q(closed_on__gt=on)
    offices = Organisation.objects.filter(open_, path__startswith=bank.path, division__isnull=False)
    towns = set()
    for level, division_id, parent_id in offices.values_list(
        "division__level", "division_id", "division__parent_id"
    ):
        towns.add(division_id if level == Division.Level.TOWN else parent_id)
    points = ServicePoint.objects.filter(open_, bank__path__startswith=bank.path)
    towns.update(points.values_list("village__parent_id", flat=True))
    towns.discard(None)
    return towns


def county_banks() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind__in=BANK_KINDS, level=Organisation.Level.BRANCH)


def banks_for(user) -> QuerySet[Organisation]:
    """The banks whose records a user reads: the office every county branch, a bank itself."""
    if sees_all(user):
        return county_banks()
    bank = bank_of(user)
    return Organisation.objects.filter(pk=bank.pk) if bank else Organisation.objects.none()


def runs_for(user) -> QuerySet[Run]:
    return Run.objects.select_related("period") if may_see(user) else Run.objects.none()


def access_run_by_id(user, pk) -> Run:
    return get_or_404(runs_for(user), pk=pk)


def listed_for(user, run: Run | None) -> QuerySet[ListedFirm]:
    """The run's firms a user sees: all for the office, those in its service area for a bank."""
    if run is None or not may_see(user):
        return ListedFirm.objects.none()
    qs = ListedFirm.objects.filter(run=run).select_related("firm", "town", "firm__village")
    if sees_all(user):
        return qs
    return qs.filter(town_id__in=service_area(bank_of(user)))


def access_firm_for_record(user, pk) -> Firm:
    """A firm a bank may record a contact or an outcome on: on a first-loan list of some run and in the
    bank's service area. Anything else is 404 — another bank's area included."""
    bank = bank_of(user)
    if bank is None:
        raise Http404
    qs = Firm.objects.filter(
        town_id__in=service_area(bank), pk__in=ListedFirm.objects.values("firm_id")
    ).select_related("town", "village")
    return get_or_404(qs, pk=pk)


def access_firm_for_view(user, pk) -> Firm:
    """A listed firm's page: any listed firm for the office, one in its area for a bank."""
    if sees_all(user):
        qs = Firm.objects.filter(pk__in=ListedFirm.objects.values("firm_id")).select_related(
            "town", "village"
        )
        return get_or_404(qs, pk=pk)
    return access_firm_for_record(user, pk)


def _own(user, qs: QuerySet) -> QuerySet:
    if sees_all(user):
        return qs
    bank = bank_of(user)
    return qs.filter(bank=bank) if bank else qs.none()


def contacts_for(user) -> QuerySet[Contact]:
    return _own(user, Contact.objects.select_related("bank", "firm", "firm__town", "recorded_by"))


def outcomes_for(user) -> QuerySet[Outcome]:
    return _own(user, Outcome.objects.select_related("bank", "firm", "firm__town"))


def disagreements_for(user, run: Run | None) -> QuerySet[Disagreement]:
    if run is None:
        return Disagreement.objects.none()
    qs = Disagreement.objects.filter(run=run).select_related("bank", "town", "period", "firm")
    return _own(user, qs)


def renewals_for(user, run: Run | None) -> QuerySet[Renewal]:
    if run is None:
        return Renewal.objects.none()
    return _own(user, Renewal.objects.filter(run=run).select_related("bank", "town", "period", "firm"))
