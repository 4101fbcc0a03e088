"""Who sees and keeps the cash-service records. The only road to their rows: pages, exports, the API, the to-do
lines and the finder load here. Missing and forbidden look the same: `access_*` raise Http404.

- The office (县人民银行, lead of 八) and administrators see everything; the office keeps every cash point and
  issues the counterfeit warnings.
- A bank (role 金融机构) keeps its own cash points, acknowledges warnings for its own outlets and service points,
  and confirms or refuses the bookings routed to it.
- Member units, towns and agents read the cash points register (the same points the public finder shows).
- The public books and follows its booking on the public pages, with no account (`views/public.py`).
"""

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from puhui.cash.models import Booking, CashPoint, Recipient, Warning
from puhui.core.access import bank_of, get_or_404
from puhui.core.models import Organisation, User

Role = User.Role
Kind = Organisation.Kind
# Banks keep cash: insurers, guarantee firms and the rest have no counter for notes.
BANK_KINDS = Organisation.BANK_KINDS
POINT_READERS = frozenset(
    {Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.INSTITUTION, Role.TOWN, Role.AGENT}
)


def sees_all(user) -> bool:
    return user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN}


def is_office(user) -> bool:
    return user.is_authenticated and user.role == Role.OFFICE


def _own(qs: QuerySet, user, field: str = "bank") -> QuerySet:
    bank = bank_of(user)
    return qs.filter(**{f"{field}__path__startswith": bank.path}) if bank is not None else qs.none()


def banks_for(user) -> QuerySet[Organisation]:
    """The county-level banks a user may keep points for or filter by: all for the office, its own for a bank."""
    qs = Organisation.objects.filter(kind__in=BANK_KINDS, level=Organisation.Level.BRANCH)
    if sees_all(user):
        return qs
    bank = bank_of(user)
    return qs.filter(path__startswith=bank.path) if bank is not None else qs.none()


# ---------------------------------------------------------------- cash points


def may_see_points(user) -> bool:
    return user.is_authenticated and user.role in POINT_READERS


def points_for(user) -> QuerySet[CashPoint]:
    qs = CashPoint.objects.select_related("bank", "outlet", "service_point", "town")
    return qs if may_see_points(user) else qs.none()


def access_point_by_id(user, pk) -> CashPoint:
    return get_or_404(points_for(user), pk=pk)


def may_add_point(user) -> bool:
    return is_office(user) or bank_of(user) is not None


def may_edit_point(user, point: CashPoint) -> bool:
    if is_office(user):
        return True
    bank = bank_of(user)
    return bank is not None and point.bank.path.startswith(bank.path)


def access_point_for_edit(user, pk) -> CashPoint:
    point = access_point_by_id(user, pk)
    if not may_edit_point(user, point):
        raise Http404
    return point


# ---------------------------------------------------------------- counterfeit warnings


def may_see_warnings(user) -> bool:
    return sees_all(user) or bank_of(user) is not None


def may_issue_warning(user) -> bool:
    return is_office(user)


def warnings_for(user) -> QuerySet[Warning]:
    """Every warning for the office; for a bank, those sent to one of its units."""
    qs = Warning.objects.select_related("issued_by")
    if sees_all(user):
        return qs
    bank = bank_of(user)
    if bank is None:
        return qs.none()
    mine = Recipient.objects.filter(warning=OuterRef("pk"), bank__path__startswith=bank.path)
    return qs.filter(Exists(mine))


def access_warning_by_id(user, pk) -> Warning:
    return get_or_404(warnings_for(user), pk=pk)


def recipients_for(user) -> QuerySet[Recipient]:
    qs = Recipient.objects.select_related("warning", "bank")
    return qs if sees_all(user) else _own(qs, user)


def may_acknowledge(user) -> bool:
    return bank_of(user) is not None


# ---------------------------------------------------------------- bookings


def may_see_bookings(user) -> bool:
    return sees_all(user) or bank_of(user) is not None


def bookings_for(user) -> QuerySet[Booking]:
    qs = Booking.objects.select_related("point", "bank", "point__outlet", "point__service_point")
    return qs if sees_all(user) else _own(qs, user)


def access_booking_by_id(user, pk) -> Booking:
    return get_or_404(bookings_for(user), pk=pk)


def may_handle_booking(user, booking: Booking) -> bool:
    bank = bank_of(user)
    return bank is not None and booking.bank.path.startswith(bank.path)


def access_booking_for_handling(user, pk) -> Booking:
    booking = access_booking_by_id(user, pk)
    if not may_handle_booking(user, booking):
        raise Http404
    return booking
