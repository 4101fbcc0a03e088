"""Signing merchants into the 惠农商圈 and correcting them: a bank for its own county branch, the office for
any bank. Each write is one transaction and one audit record; a refusal names the field in Chinese."""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from puhui.core.audit import audit_changed, snapshot
from puhui.core.models import Division, Organisation
from puhui.core.periods import date_cn
from puhui.core.service_checks import not_future, text_within
from puhui.merchants import access
from puhui.merchants.models import ACCEPTANCE, BusinessType, Merchant, MonthlyFigure
from puhui.merchants.services.checks import month_cn

FIRST_YEAR = 2010  # an older signing date is a typing error (bank-card acceptance in the county's villages)
MAX_DISCOUNT_RATE = Decimal("50")  # % off: a larger discount is a typing error
MAX_FEE_SUBSIDY = Decimal("10000")  # 元/月 for one village merchant
CODE = re.compile(r"^[0-9A-Za-z-]{4,32}$")


def _code(value, exclude_pk=None) -> str:
    code = unicodedata.normalize("NFKC", str(value or "")).strip().upper()
    if not code:
        raise ValidationError({"code": "请填写商户编号（收单商户号）。"})
    if not CODE.match(code):
        raise ValidationError({"code": "商户编号应为 4–32 位数字、字母或短横线（收单商户号）。"})
    same = Merchant.objects.filter(code=code).exclude(pk=exclude_pk).first()
    if same is not None:
        raise ValidationError({"code": f"商户编号“{code}”已登记（{same.name}），请核对。"})
    return code


def _bank(actor, bank) -> Organisation:
    own = access.acquirer_of(actor)
    if own is not None:
        return own  # a bank signs merchants for its own county branch, whatever was sent
    if not isinstance(bank, Organisation) or not access.banks_for(actor).filter(pk=bank.pk).exists():
        raise ValidationError({"bank": "请选择签约银行（县级银行机构）。"})
    return bank


def _place(town, village) -> tuple[Division, Division | None]:
    if village is not None:
        if not isinstance(village, Division) or village.level != Division.Level.VILLAGE:
            raise ValidationError({"village": "请选择村（社区）。"})
        if town is not None and village.parent_id != getattr(town, "pk", None):
            raise ValidationError({"village": f"“{village.name}”不在{town.name}。"})
        town = village.parent
    if not isinstance(town, Division) or town.level != Division.Level.TOWN:
        raise ValidationError({"town": "请选择商户所在的镇（街道）。"})
    return town, village


def _decimal(value, field: str, label: str, unit: str, high: Decimal, *, positive: bool) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"{label}应为数字（{unit}）。"}) from None
    if not number.is_finite() or number != number.quantize(Decimal("0.01")):
        raise ValidationError({field: f"{label}最多两位小数（{unit}）。"})
    low = Decimal("0.01") if positive else Decimal("0")
    if number < low or number > high:
        raise ValidationError({field: f"{label}应在 {low} 至 {high:,} {unit} 之间，填写了 {number} {unit}。"})
    return number


def _dates(signed_on, ended_on) -> tuple[datetime.date, datetime.date | None]:
    signed = not_future(signed_on, "signed_on", "签约日期")
    if signed.year < FIRST_YEAR:
        raise ValidationError({"signed_on": f"签约日期不能早于 {FIRST_YEAR} 年，请核对。"})
    if ended_on is None:
        return signed, None
    ended = not_future(ended_on, "ended_on", "终止日期")
    if ended <= signed:
        raise ValidationError({"ended_on": f"终止日期应晚于签约日期（{date_cn(signed)}）。"})
    return signed, ended


def _fields(actor, *, code, name, bank, town, village, address, business_type, acceptance, discounts,
            discount_rate, fee_subsidy, signed_on, ended_on, exclude_pk=None) -> dict:  # fmt: skip
    chosen = set(acceptance or ())
    known = {field for field, _ in ACCEPTANCE}
    if not chosen or not chosen <= known:
        raise ValidationError(
            {"acceptance": "请选择商户受理的非现金支付方式（银行卡、二维码、POS机，至少一项）。"}
        )
    if business_type not in BusinessType.values:
        raise ValidationError({"business_type": "请选择经营类型。"})
    town, village = _place(town, village)
    signed, ended = _dates(signed_on, ended_on)
    return {
        "code": _code(code, exclude_pk),
        "name": text_within(name, "name", "商户名称", limit=100),
        "bank": _bank(actor, bank),
        "town": town,
        "village": village,
        "address": text_within(address, "address", "地址", limit=200, required=False),
        "business_type": business_type,
        **{field: field in chosen for field in known},
        "discounts": text_within(discounts, "discounts", "优惠措施", limit=500, required=False),
        "discount_rate": _decimal(
            discount_rate, "discount_rate", "消费折扣", "%", MAX_DISCOUNT_RATE, positive=True
        ),
        "fee_subsidy": _decimal(
            fee_subsidy, "fee_subsidy", "手续费补贴", "元/月", MAX_FEE_SUBSIDY, positive=False
        ),
        "signed_on": signed,
        "ended_on": ended,
    }


@transaction.atomic
def merchant_create(*, actor, acceptance, bank=None, village=None, town=None, address="", discounts="",
                    discount_rate=None, fee_subsidy=None, ended_on=None, **fields) -> Merchant:  # fmt: skip
    """A merchant signed by a bank: `acceptance` names the model's flags (accepts_card, accepts_qr,
    accepts_pos); `fields` are code, name, business_type and signed_on."""
    if not access.may_keep(actor):
        raise ValidationError("只有县人民银行（领导小组办公室）和银行的县级机构可以登记惠农商圈商户。")
    data = _fields(actor, acceptance=acceptance, bank=bank, village=village, town=town, address=address,
                   discounts=discounts, discount_rate=discount_rate, fee_subsidy=fee_subsidy,
                   ended_on=ended_on, **fields)  # fmt: skip
    merchant = Merchant.objects.create(entered_by=actor, **data)
    audit_changed(actor=actor, obj=merchant, before=None, note="登记惠农商圈商户")
    return merchant


def _figures_outside(merchant: Merchant, signed: datetime.date, ended: datetime.date | None) -> str:
    """Why new dates would leave reported figures outside the merchant's signed life, or ""."""
    figures = MonthlyFigure.objects.filter(merchant=merchant)
    early = figures.filter(month__lt=signed.replace(day=1)).order_by("month").first()
    if early is not None:
        return f"已报送{month_cn(early.month)}的交易数据，签约日期不能晚于该月。"
    if ended is not None:
        late = figures.filter(month__gte=ended).order_by("-month").first()
        if late is not None:
            return f"已报送{month_cn(late.month)}的交易数据，终止日期不能早于该月之后。"
    return ""


@transaction.atomic
def merchant_update(*, actor, merchant: Merchant, acceptance, bank=None, village=None, town=None, address="",
                    discounts="", discount_rate=None, fee_subsidy=None, ended_on=None, **fields) -> Merchant:  # fmt: skip
    """Correct a merchant, or end its signing (`ended_on`); its reported figures must stay inside its dates."""
    merchant = Merchant.objects.select_for_update(of=("self",)).select_related("bank").get(pk=merchant.pk)
    if not access.may_edit_merchant(actor, merchant):
        raise ValidationError("这个商户不是本行签约的商户，不能修改。")
    data = _fields(actor, acceptance=acceptance, bank=bank if bank is not None else merchant.bank,
                   village=village, town=town, address=address, discounts=discounts,
                   discount_rate=discount_rate, fee_subsidy=fee_subsidy, ended_on=ended_on,
                   exclude_pk=merchant.pk, **fields)  # fmt: skip
    problem = _figures_outside(merchant, data["signed_on"], data["ended_on"])
    if problem:
        raise ValidationError({"ended_on" if "终止" in problem else "signed_on": problem})
    before = snapshot(merchant)
    for name, value in data.items():
        setattr(merchant, name, value)
    merchant.save()
    note = "终止签约" if merchant.ended_on and not before.get("ended_on") else "修改惠农商圈商户"
    audit_changed(actor=actor, obj=merchant, before=before, note=note)
    return merchant
