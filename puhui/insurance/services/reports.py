"""Policies and claims per product, town and year, reported by the insurer (or entered for it by the office):
one at a time on the entry form, or many from an Excel/CSV file.

A report of a product, town and year already reported replaces the earlier figures (audited with both).
Refused in Chinese, nothing stored: a product the actor may not report on, a year in the future or when the
product was not on sale, negative figures, policies or households above the town's farm households (the
census 农户数 of its villages), claims paid without a claim. A file is checked row by row — every error named
by its row and column — and stores nothing unless every row passes.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from puhui.core.audit import audit_changed, audit_changed_bulk, snapshot
from puhui.core.models import Division
from puhui.imports.tabular import Column, DecimalNumber, ErrorList, Integer, Money, TableSpec, Text, parse
from puhui.insurance import access
from puhui.insurance.models import Product, Report
from puhui.insurance.selectors.coverage import town_farm_households
from puhui.insurance.services.checks import amount, count

FIRST_YEAR = 2015  # reports reach back before the plan (2019 is the targets' base year)

FIGURES = (
    ("policies", "承保件数", "件"),
    ("households", "参保户数", "户"),
    ("claims", "赔付件数", "件"),
)


def _year(year) -> int:
    this_year = timezone.localdate().year
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": "请填写年度。"}) from None
    if year > this_year:
        raise ValidationError({"year": f"年度（{year}年）不能晚于今年（{this_year}年）。"})
    if year < FIRST_YEAR:
        raise ValidationError({"year": f"年度不能早于 {FIRST_YEAR} 年。"})
    return year


def report_fields(actor, *, product, town, year, farm_households=None, **figures) -> dict:
    """The checked figures of one report, or ValidationError({field: 中文}); `farm_households` may be given
    (an upload looks the towns up once)."""
    if (
        not isinstance(product, Product)
        or not access.reportable_products(actor).filter(pk=product.pk).exists()
    ):
        raise ValidationError({"product": "请选择本机构的保险产品。"})
    if not isinstance(town, Division) or town.level != Division.Level.TOWN:
        raise ValidationError({"town": "请选择镇（街道）。"})
    year = _year(year)
    if not product.on_sale_in(year):
        raise ValidationError(
            {"year": f"“{product.name}”{year}年未开办（开办日期 {product.on_sale_from:%Y-%m-%d}）。"}
        )
    fields = {name: count(figures.get(name), name, label, unit) for name, label, unit in FIGURES}
    fields["quantity"] = amount(figures.get("quantity"), "quantity", "承保数量", product.unit)
    fields["premium"] = amount(figures.get("premium"), "premium", "保费", "元")
    fields["claims_paid"] = amount(figures.get("claims_paid"), "claims_paid", "赔款", "元")
    farm = town_farm_households(town) if farm_households is None else farm_households
    for name, label, unit in FIGURES[:2]:
        if fields[name] > farm:
            raise ValidationError(
                {name: f"{label}（{fields[name]:,} {unit}）不能超过{town.name}的农户数（{farm:,} 户）。"}
            )
    if fields["claims_paid"] > 0 and fields["claims"] == 0:
        raise ValidationError({"claims": "有赔款时请填写赔付件数（件）。"})
    if fields["claims"] > 0 and fields["claims_paid"] == 0:
        raise ValidationError({"claims_paid": "有赔付件数时请填写赔款（元）。"})
    return {"product": product, "town": town, "year": year, **fields}


@transaction.atomic
def report_save(*, actor, product, town, year, **figures) -> Report:
    """One product's business in one town and year; an existing report of the three is replaced."""
    if not access.may_report(actor):
        raise ValidationError("只有保险机构可以报送承保理赔情况。")
    fields = report_fields(actor, product=product, town=town, year=year, **figures)
    keys = {k: fields.pop(k) for k in ("product", "town", "year")}
    report = Report.objects.select_for_update().filter(**keys).first()
    before = snapshot(report)
    if report is None:
        report = Report(entered_by=actor, **keys)
    for name, value in fields.items():
        setattr(report, name, value)
    report.entered_by = actor
    report.save()
    audit_changed(actor=actor, obj=report, before=before, note="报送承保理赔情况")
    return report


# ---------------------------------------------------------------- the file


SPEC = TableSpec(
    name="insurance_reports",
    title="承保理赔情况",
    columns=(
        Column("product", "产品编号", Integer(min_value=1), required=True, aliases=("产品ID",),
               help="保险产品页上的产品编号", example="1"),
        Column("town", "镇（街道）", Text(50), required=True, aliases=("镇街", "乡镇"),
               help="镇（街道）名称或区划代码", example="鲁村镇"),
        Column("year", "年度", Integer(min_value=None), required=True, example="2021"),
        Column("policies", "承保件数（件）", Integer(min_value=None), required=True, aliases=("承保件数",), example="320"),
        Column("households", "参保户数（户）", Integer(min_value=None), required=True, aliases=("参保户数",), example="300"),
        Column("quantity", "承保数量", DecimalNumber(2, 14, min_value=None), required=True,
               aliases=("承保数量（亩/头/人）",), help="按产品的单位：亩、头、户、台或人", example="1250.5"),
        Column("premium", "保费（元）", Money(min_value=None), required=True, aliases=("保费",), example="56,000.00"),
        Column("claims", "赔付件数（件）", Integer(min_value=None), default=0, aliases=("赔付件数",), example="12"),
        Column("claims_paid", "赔款（元）", Money(min_value=None), default=0, aliases=("赔款",), example="18,600.00"),
    ),
    unique=(("product", "town", "year"),),
    notes=(
        "每行一个产品在一个镇（街道）一个年度的承保理赔情况；已报送过的同一产品、镇（街道）和年度将被新数字替换。",
        "承保件数和参保户数不能超过该镇（街道）的农户数；年度须在产品开办期间，且不能晚于今年。",
        "文件中任何一行有错误时，整个文件都不保存，请按提示改正后重新上传。",
    ),
)  # fmt: skip


@dataclass
class UploadResult:
    errors: ErrorList
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _towns() -> dict[str, Division]:
    out = {}
    for town in Division.objects.filter(level=Division.Level.TOWN):
        out[town.name] = out[town.code] = out[town.code[:9]] = town
    return out


def _checked_rows(actor, parsed) -> list[dict]:
    products = {p.pk: p for p in access.reportable_products(actor)}
    towns = _towns()
    farm: dict[int, int] = {}
    keys = {c.key for c in SPEC.columns}
    out = []
    for row in parsed.rows:
        if not row.ok:
            continue
        values = SPEC.complete(row.values)
        product = products.get(values["product"])
        if product is None:
            parsed.add_error(row, "product", f"产品编号 {values['product']} 不存在，或不是本机构的产品")
            continue
        town = towns.get(str(values["town"]).strip())
        if town is None:
            parsed.add_error(row, "town", f"没有名为“{values['town']}”的镇（街道）")
            continue
        if town.pk not in farm:
            farm[town.pk] = town_farm_households(town)
        try:
            out.append(
                report_fields(
                    actor, **{**values, "product": product, "town": town}, farm_households=farm[town.pk]
                )
            )
        except ValidationError as e:
            for field, messages in e.message_dict.items():
                parsed.add_error(row, field if field in keys else "product", "；".join(messages))
    return out


@transaction.atomic
def reports_upload(*, actor, file, filename: str = "") -> UploadResult:
    """Every row of the file checked; all stored, or none."""
    if not access.may_report(actor):
        raise ValidationError("只有保险机构可以报送承保理赔情况。")
    parsed = parse(file, SPEC, filename=filename)
    rows = _checked_rows(actor, parsed) if parsed.reader is not None else []
    result = UploadResult(errors=parsed.errors)
    if parsed.errors:
        return result
    if not rows:
        parsed.errors.add_fatal(None, "", "", "文件中没有数据行。")
        return result
    changes = []
    for fields in rows:
        keys = {k: fields.pop(k) for k in ("product", "town", "year")}
        report = Report.objects.select_for_update().filter(**keys).first()
        before = snapshot(report)
        if report is None:
            report = Report(**keys)
            result.created += 1
        else:
            result.updated += 1
        for name, value in fields.items():
            setattr(report, name, value)
        report.entered_by = actor
        report.save()
        changes.append((report, before))
    name = filename or getattr(file, "name", "")
    audit_changed_bulk(actor=actor, changes=changes, note=f"上传承保理赔情况（{name}，{len(changes)} 行）")
    return result
