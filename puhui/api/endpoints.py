"""County reference data and service points over the API. Handlers only parse, call, return."""

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from puhui.api import selectors, services
from puhui.api.pagination import LimitOffsetTotal
from puhui.api.schemas import (
    DivisionDetailOut,
    DivisionFilters,
    DivisionOut,
    OrganisationFilters,
    OrganisationOut,
    ServicePointFilters,
    ServicePointIn,
    ServicePointOut,
)

router = Router()


def _user(request: HttpRequest):
    return request.auth.user


@router.get("/divisions", response=list[DivisionOut], tags=["行政区划"], summary="行政区划列表")
@paginate(LimitOffsetTotal)
def list_divisions(request, filters: Query[DivisionFilters]):
    """县、镇（街道）、村（社区）。区划名称、代码和人口统计数是公开统计数据，所有令牌均可读取。"""
    return selectors.divisions_list(user=_user(request), **filters.model_dump())


@router.get("/divisions/{code}", response=DivisionDetailOut, tags=["行政区划"], summary="行政区划详情")
def get_division(request, code: str):
    return selectors.division_get(user=_user(request), code=code)


@router.get("/organisations", response=list[OrganisationOut], tags=["机构"], summary="机构列表")
@paginate(LimitOffsetTotal)
def list_organisations(request, filters: Query[OrganisationFilters]):
    """令牌所属机构可见的机构：人民银行和成员单位可见全部，金融机构只见本机构及下属网点。"""
    return selectors.organisations_list(user=_user(request), **filters.model_dump())


@router.get("/organisations/{int:org_id}", response=OrganisationOut, tags=["机构"], summary="机构详情")
def get_organisation(request, org_id: int):
    return selectors.organisation_get(user=_user(request), pk=org_id)


@router.get("/service-points", response=list[ServicePointOut], tags=["助农取款服务点"], summary="服务点列表")
@paginate(LimitOffsetTotal)
def list_service_points(request, filters: Query[ServicePointFilters]):
    """令牌所属机构可见的服务点：金融机构只见本机构及下属网点签约的服务点。"""
    return selectors.service_points_list(user=_user(request), **filters.model_dump())


@router.get(
    "/service-points/{int:point_id}", response=ServicePointOut, tags=["助农取款服务点"], summary="服务点详情"
)
def get_service_point(request, point_id: int):
    return selectors.service_point_get(user=_user(request), pk=point_id)


@router.post(
    "/service-points", response={201: ServicePointOut}, tags=["助农取款服务点"], summary="登记服务点"
)
def create_service_point(request, payload: ServicePointIn):
    """金融机构登记本机构（或下属网点）签约的助农取款服务点。须带 Idempotency-Key 请求头。"""
    point = services.service_point_create(actor=request.auth, **payload.model_dump())
    return Status(201, selectors.service_point_get(user=_user(request), pk=point.pk))
