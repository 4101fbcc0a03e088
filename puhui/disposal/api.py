"""The dishonest-debtor list over /api/v1/disposal/: the published list (已列入) for financial institutions'
own systems, and one entry.

A token sees what its organisation's staff see as published (`access.published_for`): financial
institutions, the PBoC and the linkage units the entries 已列入; any other organisation 404. A person's ID
number is given masked: the systems match on their own records by name and the unmasked last digits, and
the full number stays on the platform.
"""

import datetime
from decimal import Decimal

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from puhui.api.auth import token_auth
from puhui.core.access import get_or_404
from puhui.disposal import access
from puhui.disposal.selectors.listings import debtor_code

router = Router(tags=["风险处置"], auth=token_auth)


def _user(request: HttpRequest):
    return request.auth.user


class ListingOut(Schema):
    id: int = Field(..., title="记录ID")
    debtor_kind: str = Field(..., title="债务人类型", description="企业或个人")
    debtor_name: str = Field(..., title="债务人名称或姓名")
    code: str = Field(..., title="统一社会信用代码或身份证号", description="个人的身份证号已遮盖")
    responsible: str = Field(..., title="法定代表人、实际控制人、直接责任人")
    bank: str = Field(..., title="提议银行")
    judgment_no: str = Field(..., title="判决书或裁定书文号")
    amount_owed: Decimal = Field(..., title="拒不偿还金额（元）")
    listed_on: datetime.date = Field(..., title="列入日期")


def _out(listing, user) -> dict:
    return {
        "id": listing.pk,
        "debtor_kind": listing.get_debtor_kind_display(),
        "debtor_name": listing.debtor_name,
        "code": debtor_code(listing, user),
        "responsible": listing.responsible,
        "bank": listing.bank.name,
        "judgment_no": listing.judgment_no,
        "amount_owed": listing.amount_owed,
        "listed_on": listing.decided_on,
    }


def _published(user):
    if not access.in_publication_scope(user):
        raise Http404
    return access.published_for(user)


@router.get("/listings", response=list[ListingOut], summary="逃废债黑名单（已列入）")
def listings(request):
    user = _user(request)
    return [_out(listing, user) for listing in _published(user).order_by("decided_on", "id")]


@router.get("/listings/{listing_id}", response=ListingOut, summary="一条逃废债黑名单记录")
def listing(request, listing_id: int):
    user = _user(request)
    return _out(get_or_404(_published(user), pk=listing_id), user)
