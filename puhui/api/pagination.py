"""limit/offset pagination that also says how many rows match in all (`total`)."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from puhui.core.converters import MAX_ID

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class LimitOffsetTotal(PaginationBase):
    class Input(Schema):
        limit: int = Field(
            DEFAULT_LIMIT,
            ge=1,
            le=MAX_LIMIT,
            title="每页条数",
            description=f"1–{MAX_LIMIT}，默认 {DEFAULT_LIMIT}",
        )
        offset: int = Field(0, ge=0, le=MAX_ID, title="起始位置", description="跳过的条数，从 0 开始")

    class Output(Schema):
        items: list[Any]
        total: int = Field(..., description="符合条件的总条数")
        limit: int
        offset: int

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> Any:
        offset, limit = pagination.offset, pagination.limit
        return {
            "items": queryset[offset : offset + limit],
            "total": queryset.count(),
            "limit": limit,
            "offset": offset,
        }
