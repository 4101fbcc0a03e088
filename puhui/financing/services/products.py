"""The shelf of loan products, kept by the banks and the guarantee company (their own products only)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from puhui.core.audit import audit_changed, snapshot
from puhui.core.models import Division
from puhui.core.service_checks import text_within
from puhui.engines.matching import MatchingInputError, check_rule
from puhui.engines.matching.vocabulary import COLLATERAL
from puhui.financing import access
from puhui.financing.models import Product

MAX_AMOUNT = Decimal("100000000")  # 1 亿元: more for one small-firm loan is a typing error
MAX_TERM = 360  # 月
MAX_RATE = Decimal("24")  # %: above the judicial protection ceiling of private lending


def _number(value, field: str, label: str, unit: str, *, high) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError):
        raise ValidationError({field: f"请填写{label}（{unit}）。"}) from None
    if not number.is_finite() or number <= 0:
        raise ValidationError({field: f"{label}须大于 0 {unit}。"})
    if number > high:
        raise ValidationError({field: f"{label}不能超过 {high:,} {unit}，请核对。"})
    return number


def _range(data: dict, key: str, label: str, unit: str, high) -> tuple[Decimal, Decimal]:
    low = _number(data.get(f"{key}_min"), f"{key}_min", f"最低{label}", unit, high=high)
    top = _number(data.get(f"{key}_max"), f"{key}_max", f"最高{label}", unit, high=high)
    if low > top:
        raise ValidationError(
            {f"{key}_max": f"最高{label}（{top:,} {unit}）不能小于最低{label}（{low:,} {unit}）。"}
        )
    return low, top


def collateral_checked(codes, field: str = "collateral") -> list[str]:
    codes = list(codes or [])
    unknown = [c for c in codes if c not in COLLATERAL]
    if unknown or not codes:
        raise ValidationError({field: "请选择担保方式（信用、保证、抵押或质押种类）。"})
    return [c for c in COLLATERAL if c in codes]


def rule_checked(text) -> str:
    """The rule as typed, or the engine's refusal on the rule field (nothing stored)."""
    text = (text or "").strip()
    if len(text) > 500:
        raise ValidationError({"rule": f"准入规则最多 500 个字，填写了 {len(text)} 个字。"})
    try:
        check_rule(text)
    except MatchingInputError as e:
        raise ValidationError({"rule": "；".join(e.problems)}) from None
    return text


def _clean(actor, data: dict, product: Product | None) -> dict:
    owner = data.get("owner") or (product.owner if product else access.lender_of(actor))
    if owner is None or not access.owners_for(actor).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": "只能为本机构发布产品。"})
    amount_min, amount_max = _range(data, "amount", "金额", "元", MAX_AMOUNT)
    term_min, term_max = _range(data, "term", "期限", "个月", MAX_TERM)
    rate_min, rate_max = _range(data, "rate", "年利率", "%", MAX_RATE)
    towns = list(data.get("towns") or [])
    if any(not isinstance(t, Division) or t.level != "town" for t in towns):
        raise ValidationError({"towns": "服务范围只能选择镇（街道）。"})
    return {
        "owner": owner,
        "name": text_within(data.get("name"), "name", "产品名称", limit=50),
        "amount_min": amount_min, "amount_max": amount_max,
        "term_min": int(term_min), "term_max": int(term_max),
        "rate_min": rate_min, "rate_max": rate_max,
        "collateral": collateral_checked(data.get("collateral")),
        "rule": rule_checked(data.get("rule")),
        "description": text_within(data.get("description"), "description", "产品说明", limit=300, required=False),
        "active": bool(data.get("active", True)),
        "towns": towns,
    }  # fmt: skip


def _name_free(fields: dict, product: Product | None) -> None:
    clash = Product.objects.filter(owner=fields["owner"], name=fields["name"])
    if product is not None:
        clash = clash.exclude(pk=product.pk)
    if clash.exists():
        raise ValidationError({"name": f"本机构已有名为“{fields['name']}”的产品。"})


@transaction.atomic
def product_create(*, actor, **data) -> Product:
    if not access.may_keep_products(actor):
        raise ValidationError("只有银行和融资担保公司可以发布贷款产品。")
    fields = _clean(actor, data, None)
    _name_free(fields, None)
    towns = fields.pop("towns")
    product = Product.objects.create(**fields)
    product.towns.set(towns)
    audit_changed(actor=actor, obj=product, before=None, note=f"发布贷款产品：{product.name}")
    return product


@transaction.atomic
def product_update(*, actor, product: Product, **data) -> Product:
    if not access.may_edit_product(actor, product):
        raise ValidationError("只能修改本机构的产品。")
    before = snapshot(product)
    fields = _clean(actor, data, product)
    _name_free(fields, product)
    towns = fields.pop("towns")
    for name, value in fields.items():
        setattr(product, name, value)
    product.save()
    product.towns.set(towns)
    audit_changed(actor=actor, obj=product, before=before, note=f"修改贷款产品：{product.name}")
    return product
