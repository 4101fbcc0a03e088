"""Keeping the product register: an insurer its own products, the office every one.

A product names its line and insured object (which must belong together), its premium — a rate on the sum
insured or a sum per unit, one of the two —, and the shares of the premium paid by the central, provincial,
city and county governments and the farmer, which add up to 100%. A change that would leave a year's
report outside the product's on-sale years is refused. One transaction, one audit record per write.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from puhui.core.audit import audit_changed, snapshot
from puhui.core.service_checks import text_within
from puhui.insurance import access
from puhui.insurance.models import SHARES, SUBJECT_LINES, Line, Product, Subject
from puhui.insurance.services.checks import amount

HUNDRED = Decimal(100)


def _shares(shares: dict) -> dict:
    out = {}
    for field, label in SHARES:
        value = amount(shares.get(field, 0) or 0, field, f"{label}比例", "%")
        if value > HUNDRED:
            raise ValidationError({field: f"{label}比例不能超过 100%。"})
        out[field] = value
    total = sum(out.values())
    if total != HUNDRED:
        raise ValidationError(
            {
                "farmer_share": f"中央、省、市、县财政补贴和农户自缴比例合计应为 100%，现为 {total:g}%，请核对。"
            }
        )
    return out


def _premium(premium_rate, premium_per_unit, sum_insured) -> dict:
    rate_given = premium_rate not in (None, "")
    unit_given = premium_per_unit not in (None, "")
    if rate_given == unit_given:
        raise ValidationError({"premium_rate": "请填写保险费率（%）或单位保费（元），二者只填一项。"})
    sum_insured = amount(sum_insured, "sum_insured_per_unit", "单位保险金额", "元", positive=True)
    out = {"sum_insured_per_unit": sum_insured, "premium_rate": None, "premium_per_unit": None}
    if rate_given:
        rate = amount(premium_rate, "premium_rate", "保险费率", "%", positive=True, places=3)
        if rate > HUNDRED:
            raise ValidationError({"premium_rate": "保险费率不能超过 100%。"})
        out["premium_rate"] = rate
    else:
        premium = amount(premium_per_unit, "premium_per_unit", "单位保费", "元", positive=True)
        if premium > sum_insured:
            raise ValidationError({"premium_per_unit": "单位保费不能高于单位保险金额。"})
        out["premium_per_unit"] = premium
    return out


def _fields(actor, data: dict) -> dict:
    insurer = data.get("insurer")
    if insurer is None or not access.insurers_for(actor).filter(pk=getattr(insurer, "pk", None)).exists():
        raise ValidationError({"insurer": "请选择保险机构（保险公司只能登记本公司的产品）。"})
    line, subject = data.get("line"), data.get("subject")
    if line not in Line.values:
        raise ValidationError({"line": "请选择险种。"})
    if subject not in Subject.values:
        raise ValidationError({"subject": "请选择保险标的。"})
    if Line(line) not in SUBJECT_LINES[Subject(subject)]:
        allowed = "、".join(f"“{x.label}”" for x in sorted(SUBJECT_LINES[Subject(subject)]))
        raise ValidationError(
            {"subject": f"“{Subject(subject).label}”应归入{allowed}险种，不属于“{Line(line).label}”。"}
        )
    start, end = data.get("on_sale_from"), data.get("on_sale_to")
    if not isinstance(start, datetime.date):
        raise ValidationError({"on_sale_from": "请填写开办日期。"})
    if end is not None and (not isinstance(end, datetime.date) or end < start):
        raise ValidationError({"on_sale_to": "停办日期不能早于开办日期。"})
    return {
        "insurer": insurer,
        "name": text_within(data.get("name"), "name", "产品名称", limit=100),
        "line": line,
        "subject": subject,
        "covers": text_within(data.get("covers"), "covers", "保障内容", limit=1000),
        **_premium(data.get("premium_rate"), data.get("premium_per_unit"), data.get("sum_insured_per_unit")),
        **_shares(data),
        "is_local_special": bool(data.get("is_local_special")),
        "on_sale_from": start,
        "on_sale_to": end,
    }


def _unique(fields: dict, exclude_pk=None) -> None:
    same = Product.objects.filter(insurer=fields["insurer"], name=fields["name"]).exclude(pk=exclude_pk)
    if same.exists():
        raise ValidationError({"name": f"本机构已有名为“{fields['name']}”的产品，请修改原产品。"})


@transaction.atomic
def product_create(*, actor, **data) -> Product:
    if not access.may_add_product(actor):
        raise ValidationError("只有保险机构和领导小组办公室可以登记保险产品。")
    fields = _fields(actor, data)
    _unique(fields)
    product = Product.objects.create(entered_by=actor, **fields)
    audit_changed(actor=actor, obj=product, before=None, note="登记普惠保险产品")
    return product


@transaction.atomic
def product_update(*, actor, product: Product, **data) -> Product:
    product = Product.objects.select_for_update(of=("self",)).get(pk=product.pk)
    if not access.may_edit_product(actor, product):
        raise ValidationError("这个产品不属于本机构，不能修改。")
    fields = _fields(actor, data)
    _unique(fields, exclude_pk=product.pk)
    if fields["insurer"].pk != product.insurer_id and product.reports.exists():
        raise ValidationError({"insurer": "这个产品已有承保理赔情况，不能改为其他保险机构的产品。"})
    years = sorted(set(product.reports.values_list("year", flat=True)))
    probe = Product(on_sale_from=fields["on_sale_from"], on_sale_to=fields["on_sale_to"])
    outside = [y for y in years if not probe.on_sale_in(y)]
    if outside:
        listed = "、".join(f"{y}年" for y in outside)
        raise ValidationError(
            {"on_sale_from": f"已报送{listed}的承保理赔情况，开办和停办日期须包含这些年度。"}
        )
    before = snapshot(product)
    for name, value in fields.items():
        setattr(product, name, value)
    product.save()
    audit_changed(actor=actor, obj=product, before=before, note="修改普惠保险产品")
    return product
