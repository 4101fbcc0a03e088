"""Reads for /api/v1/: the access layer's querysets with the API's filters, one query per page."""

from django.db.models import F, Q, QuerySet

from puhui.core.access import divisions_for, get_or_404, organisations_for, service_points_for
from puhui.core.models import Division, Organisation, ServicePoint, User


def divisions_list(
    *, user: User, level: str | None = None, parent: str | None = None, q: str | None = None
) -> QuerySet[Division]:
    qs = divisions_for(user).annotate(parent_code=F("parent__code")).defer("boundary")
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent__code=parent)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    return qs.order_by("code")


def division_get(*, user: User, code: str) -> Division:
    return get_or_404(divisions_for(user).annotate(parent_code=F("parent__code")), code=code)


def organisations_list(
    *,
    user: User,
    kind: str | None = None,
    level: str | None = None,
    parent_id: int | None = None,
    q: str | None = None,
) -> QuerySet[Organisation]:
    qs = organisations_for(user).annotate(division_code=F("division__code"))
    if kind:
        qs = qs.filter(kind=kind)
    if level:
        qs = qs.filter(level=level)
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    if q:
        qs = qs.filter(name__contains=q)
    return qs.order_by("path")


def organisation_get(*, user: User, pk: int) -> Organisation:
    return get_or_404(organisations_for(user).annotate(division_code=F("division__code")), pk=pk)


def service_points_list(
    *,
    user: User,
    bank_id: int | None = None,
    town: str | None = None,
    village: str | None = None,
    is_station: bool | None = None,
) -> QuerySet[ServicePoint]:
    qs = service_points_for(user).annotate(village_code=F("village__code"))
    if bank_id is not None:
        qs = qs.filter(bank_id=bank_id)
    if town:
        qs = qs.filter(village__parent__code=town)
    if village:
        qs = qs.filter(village__code=village)
    if is_station is not None:
        qs = qs.filter(is_station=is_station)
    return qs.order_by("code")


def service_point_get(*, user: User, pk: int) -> ServicePoint:
    return get_or_404(service_points_for(user).annotate(village_code=F("village__code")), pk=pk)
