"""The complaints of an institution over /api/v1/protection/, for its own complaint system.

A token sees what its organisation's staff see (`access.complaints_for`): a bank the complaints routed to
it, the PBoC all; any other organisation 404. The complainant's name and phone are given masked — the bank
works the case on the platform, where the details are shown to those who handle it."""

import datetime

from django.http import Http404
from ninja import Field, Router, Schema

from puhui.api.auth import token_auth
from puhui.core.access import get_or_404
from puhui.core.crypto import mask_phone
from puhui.protection import access

router = Router(tags=["消费者保护"], auth=token_auth)


class ComplaintOut(Schema):
    id: int = Field(..., title="投诉ID")
    number: str = Field(..., title="投诉编号")
    institution: str = Field(..., title="被投诉机构")
    channel: str = Field(..., title="受理方式")
    business_channel: str = Field(..., title="业务办理渠道")
    business: str = Field(..., title="业务类别")
    cause: str = Field(..., title="投诉原因")
    code: str = Field(
        ..., title="分类编码", description="JR/T 0169-2018 的三个维度：A 业务办理渠道、B 业务类别、C 投诉原因"
    )
    phone: str = Field(..., title="联系电话", description="已遮盖")
    received_on: datetime.date = Field(..., title="受理日期")
    deadline: datetime.date = Field(..., title="答复期限")
    status: str = Field(..., title="状态")
    answered_on: datetime.date | None = Field(None, title="答复日期")
    late: bool = Field(..., title="逾期答复")


def _out(c) -> dict:
    return {
        "id": c.pk,
        "number": c.number,
        "institution": c.institution.name,
        "channel": c.get_channel_display(),
        "business_channel": c.get_business_channel_display(),
        "business": c.get_business_display(),
        "cause": c.get_cause_display(),
        "code": c.classification_code,
        "phone": mask_phone(c.phone) if c.phone else "",
        "received_on": c.received_on,
        "deadline": c.deadline,
        "status": c.get_status_display(),
        "answered_on": c.answered_on,
        "late": c.late,
    }


def _complaints(request):
    user = request.auth.user
    if not access.may_see_complaints(user):
        raise Http404
    return access.complaints_for(user)


@router.get("/complaints", response=list[ComplaintOut], summary="本机构的投诉")
def complaints(request, status: str = ""):
    qs = _complaints(request)
    if status:
        qs = qs.filter(status=status)
    return [_out(c) for c in qs.order_by("-received_on", "-id")[:1000]]


@router.get("/complaints/{complaint_id}", response=ComplaintOut, summary="一件投诉")
def complaint(request, complaint_id: int):
    return _out(get_or_404(_complaints(request), pk=complaint_id))
