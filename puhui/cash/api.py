"""Cash points and counterfeit warnings over /api/v1/cash/, for a bank's own systems. A token sees what its
organisation's staff see (`access.py`): the PBoC every point and warning with the county's acknowledgement
figures; a bank its own points, and the warnings sent to its units with its own figures; any other organisation
404. No person's data: bookings stay on the platform."""

import datetime

from django.db.models import Count, Q
from django.http import Http404
from ninja import Field, Router, Schema

from puhui.api.auth import token_auth
from puhui.cash import access
from puhui.cash.rules import hours_text

router = Router(tags=["现金服务"], auth=token_auth)


class PointOut(Schema):
    id: int = Field(..., title="服务点ID")
    kind: str = Field(..., title="类型")
    name: str = Field(..., title="名称")
    bank: str = Field(..., title="所属银行")
    place: str = Field(..., title="所在网点或服务点")
    services: list[str] = Field(..., title="服务项目")
    hours: str = Field(..., title="营业时间")
    phone: str = Field(..., title="联系电话")
    opened_on: datetime.date = Field(..., title="设立日期")
    closed_on: datetime.date | None = Field(None, title="撤销日期")


class WarningOut(Schema):
    id: int = Field(..., title="预警ID")
    title: str = Field(..., title="标题")
    denomination: str = Field(..., title="券别")
    features: str = Field(..., title="冠字号码及特征")
    issued_on: datetime.date = Field(..., title="发布日期")
    deadline: datetime.date = Field(..., title="确认期限")
    units: int = Field(..., title="发送单位数（个）", description="银行令牌：本行的网点和服务点")
    acknowledged: int = Field(..., title="已确认单位数（个）")


def _user(request):
    user = request.auth.user
    if not (access.sees_all(user) or access.bank_of(user) is not None):
        raise Http404
    return user


@router.get("/points", response=list[PointOut], summary="现金服务点")
def points(request):
    user = _user(request)
    qs = access.points_for(user).prefetch_related("hours").order_by("pk")
    if not access.sees_all(user):
        qs = qs.filter(bank__path__startswith=access.bank_of(user).path)
    return [
        {
            "id": p.pk,
            "kind": p.get_kind_display(),
            "name": p.name,
            "bank": p.bank.name,
            "place": p.place_label,
            "services": p.service_labels.split("、") if p.services else [],
            "hours": hours_text({h.weekday: (h.opens, h.closes) for h in p.hours.all()}),
            "phone": p.phone,
            "opened_on": p.opened_on,
            "closed_on": p.closed_on,
        }  # fmt: skip
        for p in qs[:5000]
    ]


@router.get("/warnings", response=list[WarningOut], summary="假币预警及确认情况")
def warnings(request):
    user = _user(request)
    counts = {
        row["warning_id"]: row
        for row in access.recipients_for(user)
        .values("warning_id")
        .annotate(units=Count("pk"), acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)))
    }
    return [
        {
            "id": w.pk,
            "title": w.title,
            "denomination": w.get_denomination_display(),
            "features": w.features,
            "issued_on": w.issued_on,
            "deadline": w.deadline,
            "units": counts.get(w.pk, {}).get("units", 0),
            "acknowledged": counts.get(w.pk, {}).get("acknowledged", 0),
        }  # fmt: skip
        for w in access.warnings_for(user).order_by("-issued_on", "-pk")[:1000]
    ]
