"""Who sees and enters the outreach records. The only road to their rows: pages, exports, the API, the
photos and the hooks load here. Missing and forbidden look the same: `access_*` raise Http404.

- The office (县人民银行, lead of 九, 十六 and 十七) and administrators see every record; the office reviews.
- A bank (role 金融机构) enters and sees its own 流动银行 events and publicity, and sees the school bases it
  is paired with.
- A village agent (代办员) enters publicity in its own villages and sees what it entered.
- The education bureau (方案称谓 县教育和体育局, partner of 十七) enters and sees the school bases.
- A town sees the approved records in its town. Other member units and the public: nothing.
"""

from django.db.models import QuerySet
from django.http import Http404

from puhui.core.access import get_or_404, institution_of
from puhui.core.models import Organisation, User
from puhui.outreach.models import EventPhoto, MobileEvent, Publicity, SchoolBase, Status

Role = User.Role
EDUCATION_BUREAU = "县教育和体育局"
# The banks of 九 (the 服务渠道情况表's submitters): insurers and other institutions hold no 流动银行 events.
Kind = Organisation.Kind
BANK_KINDS = Organisation.BANK_KINDS


def sees_all(user) -> bool:
    return user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}


def can_review(user) -> bool:
    return user.is_authenticated and user.role == Role.OFFICE


def require_review(user) -> None:
    if not can_review(user):
        raise Http404


bank_of = institution_of


def is_agent(user) -> bool:
    return user.is_authenticated and user.role == Role.AGENT


def is_education_bureau(user) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.MEMBER_UNIT
        and user.organisation_id is not None
        and user.organisation.plan_alias == EDUCATION_BUREAU
    )


def town_of(user):
    if user.is_authenticated and user.role == Role.TOWN and user.town_id:
        return user.town
    return None


def agent_village_ids(user) -> list[int]:
    return list(user.villages.values_list("pk", flat=True)) if is_agent(user) else []


# ---------------------------------------------------------------- 流动银行 events


def events_for(user) -> QuerySet[MobileEvent]:
    qs = MobileEvent.objects.select_related("bank", "town")
    if sees_all(user):
        return qs
    bank = bank_of(user)
    if bank is not None:
        return qs.filter(bank=bank)
    town = town_of(user)
    if town is not None:
        return qs.filter(town=town, status=Status.APPROVED)
    return qs.none()


def may_see_events(user) -> bool:
    return sees_all(user) or bank_of(user) is not None or town_of(user) is not None


def may_add_event(user) -> bool:
    bank = bank_of(user)
    return bank is not None and bank.kind in BANK_KINDS


def access_event_by_id(user, pk) -> MobileEvent:
    return get_or_404(events_for(user), pk=pk)


def may_edit_event(user, event: MobileEvent) -> bool:
    bank = bank_of(user)
    return bank is not None and event.bank_id == bank.pk and event.status != Status.APPROVED


def access_event_for_edit(user, pk) -> MobileEvent:
    event = access_event_by_id(user, pk)
    if not may_edit_event(user, event):
        raise Http404
    return event


def access_photo_by_id(user, pk) -> EventPhoto:
    """A photo is shown to exactly those who see its event."""
    return get_or_404(EventPhoto.objects.filter(event__in=events_for(user).values("pk")), pk=pk)


# ---------------------------------------------------------------- publicity


def publicity_for(user) -> QuerySet[Publicity]:
    qs = Publicity.objects.select_related("organiser", "town", "village", "entered_by")
    if sees_all(user):
        return qs
    bank = bank_of(user)
    if bank is not None:
        return qs.filter(organiser=bank)
    if is_agent(user):
        return qs.filter(entered_by=user)
    town = town_of(user)
    if town is not None:
        return qs.filter(town=town, status=Status.APPROVED)
    return qs.none()


def may_see_publicity(user) -> bool:
    return sees_all(user) or bank_of(user) is not None or is_agent(user) or town_of(user) is not None


def may_add_publicity(user) -> bool:
    return bank_of(user) is not None or is_agent(user)


def access_publicity_by_id(user, pk) -> Publicity:
    return get_or_404(publicity_for(user), pk=pk)


def may_edit_publicity(user, record: Publicity) -> bool:
    if record.status == Status.APPROVED:
        return False
    bank = bank_of(user)
    if bank is not None:
        return record.organiser_id == bank.pk
    return is_agent(user) and record.entered_by_id == user.pk


def access_publicity_for_edit(user, pk) -> Publicity:
    record = access_publicity_by_id(user, pk)
    if not may_edit_publicity(user, record):
        raise Http404
    return record


# ---------------------------------------------------------------- school bases


def schools_for(user) -> QuerySet[SchoolBase]:
    qs = SchoolBase.objects.select_related("town", "bank")
    if sees_all(user) or is_education_bureau(user):
        return qs
    bank = bank_of(user)
    if bank is not None:
        return qs.filter(bank=bank)
    town = town_of(user)
    if town is not None:
        return qs.filter(town=town, status=Status.APPROVED)
    return qs.none()


def may_see_schools(user) -> bool:
    return may_see_events(user) or is_education_bureau(user)


def may_add_school(user) -> bool:
    return can_review(user) or is_education_bureau(user)


def access_school_by_id(user, pk) -> SchoolBase:
    return get_or_404(schools_for(user), pk=pk)


def may_edit_school(user, record: SchoolBase) -> bool:
    return may_add_school(user) and record.status != Status.APPROVED


def access_school_for_edit(user, pk) -> SchoolBase:
    record = access_school_by_id(user, pk)
    if not may_edit_school(user, record):
        raise Http404
    return record


# ---------------------------------------------------------------- the cross-check


def banks_for(user) -> QuerySet[Organisation]:
    """The banks whose figures a user may compare: every county-level bank for the office, a bank its own."""
    qs = Organisation.objects.filter(kind__in=BANK_KINDS, level=Organisation.Level.BRANCH)
    if sees_all(user):
        return qs
    bank = bank_of(user)
    return qs.filter(pk=bank.pk) if bank is not None else qs.none()


def may_see_crosscheck(user) -> bool:
    return sees_all(user) or bank_of(user) is not None


def require_crosscheck(user) -> None:
    if not may_see_crosscheck(user):
        raise Http404


def may_see_any(user) -> bool:
    """The menu: anyone who sees one of the lists."""
    return may_see_events(user) or may_see_publicity(user) or may_see_schools(user)
