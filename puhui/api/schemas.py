"""Request and response bodies of /api/v1/. Titles are Chinese: they appear in the docs and in error messages."""

import datetime
from decimal import Decimal

from django.db import models
from ninja import Field, Schema
from pydantic import ConfigDict

from puhui.core.converters import MAX_ID
from puhui.core.models import Division, Organisation, ServicePoint


def _named(choices, name: str):
    """A model's choices under a name of their own: the OpenAPI schema names an enum by its class name, so
    Division.Level and Organisation.Level (both "Level") would otherwise collapse into one wrong schema."""
    return models.TextChoices(name, [(m.name, (m.value, m.label)) for m in choices])


DivisionLevel = _named(Division.Level, "DivisionLevel")
DivisionKind = _named(Division.Kind, "DivisionKind")
OrganisationLevel = _named(Organisation.Level, "OrganisationLevel")
OrganisationKind = _named(Organisation.Kind, "OrganisationKind")


class DivisionFilters(Schema):
    level: DivisionLevel | None = Field(None, title="层级")
    parent: str | None = Field(None, max_length=12, title="上级区划代码")
    q: str | None = Field(None, max_length=50, title="名称或代码前缀")


class OrganisationFilters(Schema):
    kind: OrganisationKind | None = Field(None, title="机构类型")
    level: OrganisationLevel | None = Field(None, title="机构层级")
    parent_id: int | None = Field(None, ge=1, le=MAX_ID, title="上级机构ID")
    q: str | None = Field(None, max_length=50, title="名称包含")


class ServicePointFilters(Schema):
    bank_id: int | None = Field(None, ge=1, le=MAX_ID, title="签约银行ID")
    town: str | None = Field(None, max_length=12, title="所在镇（街道）区划代码")
    village: str | None = Field(None, max_length=12, title="所在村区划代码")
    is_station: bool | None = Field(None, title="是否普惠金融服务站")


class DivisionOut(Schema):
    code: str = Field(..., title="区划代码")
    name: str = Field(..., title="名称")
    level: DivisionLevel = Field(..., title="层级")
    kind: DivisionKind = Field(..., title="类型")
    parent_code: str | None = Field(None, title="上级区划代码")
    population: int = Field(..., title="户籍人口")
    households: int = Field(..., title="户数")
    farm_households: int = Field(..., title="农户数")
    longitude: Decimal | None = Field(None, title="经度")
    latitude: Decimal | None = Field(None, title="纬度")


class DivisionDetailOut(DivisionOut):
    boundary: dict | None = Field(None, title="边界（GeoJSON）")


class OrganisationOut(Schema):
    id: int
    code: str = Field(..., title="机构编码")
    name: str = Field(..., title="名称")
    short_name: str = Field(..., title="简称")
    kind: OrganisationKind = Field(..., title="类型")
    level: OrganisationLevel = Field(..., title="层级")
    parent_id: int | None = Field(None, title="上级机构ID")
    uscc: str = Field(..., title="统一社会信用代码")
    division_code: str | None = Field(None, title="所在区划代码")
    address: str = Field(..., title="地址")
    opened_on: datetime.date | None = Field(None, title="开业日期")
    closed_on: datetime.date | None = Field(None, title="撤销日期")
    is_county_legal_person: bool = Field(..., title="县域法人机构")
    is_new_rural_institution: bool = Field(..., title="新型农村金融机构")
    has_sannong_division: bool = Field(..., title="三农金融事业部")
    is_leading_group_member: bool = Field(..., title="领导小组成员单位")


class ServicePointOut(Schema):
    id: int
    code: str = Field(..., title="服务点编号")
    name: str = Field(..., title="名称")
    bank_id: int = Field(..., title="签约银行ID")
    village_code: str = Field(..., title="所在村区划代码")
    functions: list[str] = Field(..., title="服务功能")
    is_station: bool = Field(..., title="已升级为普惠金融服务站")
    opened_on: datetime.date | None = Field(None, title="设立日期")
    closed_on: datetime.date | None = Field(None, title="撤销日期")


class ServicePointIn(Schema):
    # Unknown fields are refused: a misspelt field name must not be dropped silently.
    model_config = ConfigDict(extra="forbid")

    code: str = Field(..., max_length=32, title="服务点编号", description="全县唯一，字母、数字、-、_")
    name: str = Field(..., max_length=100, title="服务点名称")
    bank_id: int = Field(..., ge=1, le=MAX_ID, title="签约银行ID", description="本机构或其下属网点的机构ID")
    village_code: str = Field(
        ..., max_length=12, title="所在村区划代码", description="12位统计用区划代码，须为村/社区"
    )
    functions: list[ServicePoint.Function] = Field(..., min_length=1, title="服务功能")
    is_station: bool = Field(False, title="已升级为普惠金融服务站")
    opened_on: datetime.date = Field(..., title="设立日期")
