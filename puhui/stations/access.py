"""Who sees and keeps the stations' records. The only road to their rows: pages, exports, the API and the
hooks load here. Missing and forbidden look the same (Http404).

- The office (县人民银行, lead of 十 and 十二) and administrators see everything; the office keeps every bank's
  offers and records payment scenes.
- A bank (role 金融机构 of a bank) keeps its own offers, reports its stations' months, inspects them and
  records who runs them; it sees its own subtree's records.
- A town official reads the monthly figures and inspections of the stations in its town.
- Member units read the targets (county figures) and the offers; agents and the public: nothing here.
"""

from django.db.models import QuerySet
from django.http import Http404

from puhui.core.access import bank_of, get_or_404, service_points_for
from puhui.core.models import Organisation, ServicePoint, User
from puhui.registry.access import BANK_KINDS
from puhui.stations.models import (
    BankOffer,
    Inspection,
    InspectionPhoto,
    MonthlyReport,
    PaymentScene,
    StationAgent,
)

Role = User.Role


def sees_all(user) -> bool:
    return user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}


def is_office(user) -> bool:
    return user.is_authenticated and user.role == Role.OFFICE


def town_of(user):
    if user.is_authenticated and user.role == Role.TOWN and user.town_id:
        return user.town
    return None


def may_see_targets(user) -> bool:
    return user.is_authenticated and user.role in {
        Role.OFFICE,
        Role.ADMIN,
        Role.MEMBER_UNIT,
        Role.INSTITUTION,
        Role.TOWN,
    }


def county_banks():
    """The county-level banks (the units that keep offers and report)."""
    return Organisation.objects.filter(kind__in=BANK_KINDS, level=Organisation.Level.BRANCH)


# ---------------------------------------------------------------- offers


def may_see_offers(user) -> bool:
    return may_see_targets(user)


def offer_banks_for(user) -> QuerySet[Organisation]:
    """The banks whose offers the user keeps: the office every county-level bank, a bank itself."""
    if is_office(user):
        return county_banks()
    bank = bank_of(user)
    if bank is not None:
        return Organisation.objects.filter(pk=bank.pk)
    return Organisation.objects.none()


def access_offer_bank_for_edit(user, pk) -> Organisation:
    return get_or_404(offer_banks_for(user), pk=pk)


def offers_for(user) -> QuerySet[BankOffer]:
    """What banks offer is no secret among the staff: everyone who sees the targets reads every offer."""
    if not may_see_offers(user):
        return BankOffer.objects.none()
    return BankOffer.objects.select_related("bank")


# ---------------------------------------------------------------- the stations' records


def _scoped(user, qs: QuerySet, *, town: bool = True) -> QuerySet:
    if sees_all(user):
        return qs
    bank = bank_of(user)
    if bank is not None:
        return qs.filter(point__bank__path__startswith=bank.path)
    place = town_of(user) if town else None
    if place is not None:
        return qs.filter(point__village__parent_id=place.pk)
    return qs.none()


def points_for_bank(user) -> QuerySet[ServicePoint]:
    """The service points a bank reports, inspects and staffs (its own subtree's)."""
    bank = bank_of(user)
    if bank is None:
        return ServicePoint.objects.none()
    return service_points_for(user).filter(bank__path__startswith=bank.path)


def may_report(user) -> bool:
    return bank_of(user) is not None


def may_see_records(user) -> bool:
    return sees_all(user) or bank_of(user) is not None or town_of(user) is not None


def monthly_for(user) -> QuerySet[MonthlyReport]:
    return _scoped(user, MonthlyReport.objects.select_related("point", "bank", "point__village"))


def inspections_for(user) -> QuerySet[Inspection]:
    return _scoped(user, Inspection.objects.select_related("point", "bank", "point__village"))


def access_inspection_by_id(user, pk) -> Inspection:
    return get_or_404(inspections_for(user), pk=pk)


def access_inspection_for_rectify(user, pk) -> Inspection:
    if not may_report(user):
        raise Http404
    return access_inspection_by_id(user, pk)


def access_photo_by_id(user, pk) -> InspectionPhoto:
    """A photo is shown to exactly those who see its inspection."""
    return get_or_404(
        InspectionPhoto.objects.filter(inspection__in=inspections_for(user).values("pk")), pk=pk
    )


# ---------------------------------------------------------------- agents (personal data: no town, no member)


def may_see_agents(user) -> bool:
    return sees_all(user) or bank_of(user) is not None


def agents_for(user) -> QuerySet[StationAgent]:
    qs = StationAgent.objects.select_related("point", "point__bank", "user")
    return _scoped(user, qs, town=False)


def access_agent_for_edit(user, pk) -> StationAgent:
    if not may_report(user):
        raise Http404
    return get_or_404(agents_for(user), pk=pk)


# ---------------------------------------------------------------- payment scenes


def may_see_scenes(user) -> bool:
    return may_see_targets(user)


def may_add_scene(user) -> bool:
    return is_office(user) or bank_of(user) is not None


def scenes_for(user) -> QuerySet[PaymentScene]:
    if not may_see_scenes(user):
        return PaymentScene.objects.none()
    return PaymentScene.objects.select_related("town", "bank")


def scene_banks_for(user) -> QuerySet[Organisation]:
    """The acquiring banks a user may record a scene for: the office any, a bank itself."""
    return offer_banks_for(user)


def may_see_any(user) -> bool:
    return may_see_targets(user)
