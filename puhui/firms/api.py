"""Firm credit information over /api/v1/firms/, for a bank's own systems: the firms that authorised it (its
work list, with ratings) and one firm's profile as aggregates. A token sees what its organisation's staff see
(`access.firms_for`): a bank only firms whose authorisation of it is in force, and every profile it reads is
logged for the firm to see; the office every firm; anyone else 404."""

import datetime

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from puhui.api.auth import token_auth
from puhui.firms import access
from puhui.firms.models import FirmRating, LookUp
from puhui.firms.selectors.loans import loan_summary
from puhui.firms.selectors.profile import latest_records
from puhui.firms.services.authorisations import lookup_record

router = Router(tags=["企业信用信息"], auth=token_auth)
LIMIT = 5000


def _user(request: HttpRequest):
    user = request.auth.user
    if not access.may_see_firms(user):
        raise Http404
    return user


class RatingOut(Schema):
    grade: str = Field(..., title="信用等级")
    score: float = Field(..., title="评分（分）")
    version: str = Field(..., title="评分卡版本")
    rated_on: datetime.date = Field(..., title="评级日期")


class FirmOut(Schema):
    id: int = Field(..., title="企业ID")
    uscc: str = Field(..., title="统一社会信用代码")
    name: str = Field(..., title="企业名称")
    town: str = Field(..., title="镇（街道）")
    rating: RatingOut | None = Field(None, title="当前信用评级")


class SourceOut(Schema):
    source: str = Field(..., title="信息来源")
    department: str = Field(..., title="部门")
    period: datetime.date | None = Field(None, title="期间（月份的第一天）")
    values: dict = Field(..., title="内容（按来源目录的列）")


class LoansOut(Schema):
    banks: int = Field(..., title="有贷款余额的银行（家）")
    balance: str = Field(..., title="贷款余额（元）")
    overdue: str = Field(..., title="逾期余额（元）")
    npl: str = Field(..., title="不良余额（元）")
    first_issued: datetime.date | None = Field(None, title="首次获得贷款日期")


class ProfileOut(FirmOut):
    departments: list[SourceOut] = Field(..., title="部门共享信息（各来源最近一期）")
    loans: LoansOut = Field(..., title="银行贷款（汇总）")


def _rating(rating: FirmRating | None) -> dict | None:
    if rating is None:
        return None
    return {
        "grade": rating.grade,
        "score": float(rating.score),
        "version": rating.version,
        "rated_on": rating.rated_on,
    }


def _firm(firm, rating) -> dict:
    return {
        "id": firm.pk,
        "uscc": firm.uscc,
        "name": firm.name,
        "town": firm.town.name,
        "rating": _rating(rating),
    }


@router.get("/firms", response=list[FirmOut], summary="可查看的企业及其信用等级")
def firms(request):
    """For a bank: the firms whose authorisation of it is in force (its work list)."""
    rows = list(access.firms_for(_user(request)).order_by("name", "id")[:LIMIT])
    ratings = {
        r.firm_id: r for r in FirmRating.objects.filter(firm__in=rows, is_current=True).order_by("rated_on")
    }
    return [_firm(f, ratings.get(f.pk)) for f in rows]


@router.get("/firms/{firm_id}", response=ProfileOut, summary="一户企业的信用画像")
def profile(request, firm_id: int):
    """A bank's read is logged (the firm sees who looked)."""
    user = _user(request)
    firm = access.access_firm_by_id(user, firm_id)
    lookup_record(actor=user, firm=firm, what=LookUp.What.PROFILE, label=str(request.auth))
    rating = FirmRating.objects.filter(firm=firm, is_current=True).order_by("-rated_on").first()
    loans = loan_summary(firm.uscc)
    departments = [
        {"source": d["source"].name, "department": d["source"].department, "period": d["period"],
         "values": dict(d["values"])}
        for d in latest_records(firm)
    ]  # fmt: skip
    return {
        **_firm(firm, rating),
        "departments": departments,
        "loans": {"banks": loans.banks, "balance": loans.balance, "overdue": loans.overdue, "npl": loans.npl,
                  "first_issued": loans.first_issued},
    }  # fmt: skip
