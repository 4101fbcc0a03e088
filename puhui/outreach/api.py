"""A bank's own 流动银行 events over /api/v1/outreach/, for its own systems: what it entered and how the office
judged it. A token sees what its organisation's staff see (`access.events_for`): a bank its own events, the
PBoC every bank's; any other organisation 404. Photos stay on the platform (their count is given)."""

import datetime

from django.db.models import Count
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from puhui.api.auth import token_auth
from puhui.core.access import get_or_404
from puhui.outreach import access

router = Router(tags=["宣传教育"], auth=token_auth)


def _events(request: HttpRequest):
    user = request.auth.user
    if not (access.sees_all(user) or access.may_add_event(user)):
        raise Http404
    return access.events_for(user).annotate(photo_count=Count("photos"))


class EventOut(Schema):
    id: int = Field(..., title="记录ID")
    bank: str = Field(..., title="银行")
    held_on: datetime.date = Field(..., title="活动日期")
    place_type: str = Field(..., title="活动地点类型", description="农村、社区或矿区")
    town: str = Field(..., title="镇（街道）")
    place: str = Field(..., title="具体地点")
    services: list[str] = Field(..., title="提供的服务")
    people_served: int = Field(..., title="服务人数（人）")
    photos: int = Field(..., title="照片数（张）")
    status: str = Field(..., title="审核状态", description="待审核、已通过或已退回")
    return_reason: str = Field(..., title="退回原因")


def _out(event) -> dict:
    return {
        "id": event.pk,
        "bank": event.bank.name,
        "held_on": event.held_on,
        "place_type": event.get_place_type_display(),
        "town": event.town.name,
        "place": event.place,
        "services": event.service_labels.split("、") if event.services else [],
        "people_served": event.people_served,
        "photos": event.photo_count,
        "status": event.get_status_display(),
        "return_reason": event.return_reason,
    }


@router.get("/events", response=list[EventOut], summary="流动银行“三进”活动")
def events(request, year: int | None = Query(None, ge=2000, le=2100, title="年度")):
    """`year`: only that year's events."""
    qs = _events(request)
    if year is not None:
        qs = qs.filter(held_on__gte=datetime.date(year, 1, 1), held_on__lte=datetime.date(year, 12, 31))
    return [_out(e) for e in qs.order_by("held_on", "id")[:5000]]


@router.get("/events/{event_id}", response=EventOut, summary="一次流动银行“三进”活动")
def event(request, event_id: int):
    return _out(get_or_404(_events(request), pk=event_id))
