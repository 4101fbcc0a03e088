"""What each bank offers at its stations and on its channels, kept by the office or the bank itself, and the
register's check that a station offers only what its bank does (`station_functions_allowed`, offered to the
registry as a plug-in service: the registry never names this app)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from puhui.core.audit import audit_changed, snapshot
from puhui.core.models import Organisation, ServicePoint, Terminal
from puhui.stations import access
from puhui.stations.models import BankOffer, ChannelKind, ChannelOffer

FUNCTION_LABELS = dict(ServicePoint.Function.choices)
ITEM_LABELS = dict(Terminal.BillItem.choices)


def _codes(values, known: dict, field: str, what: str) -> list[str]:
    values = [str(v) for v in (values or ())]
    unknown = sorted({v for v in values if v not in known})
    if unknown:
        raise ValidationError({field: f"未知的{what}：{'、'.join(unknown)}。"})
    return [code for code in known if code in values]  # the checklist's order, each once


def _bank(actor, bank) -> Organisation:
    if not isinstance(bank, Organisation) or not access.offer_banks_for(actor).filter(pk=bank.pk).exists():
        raise ValidationError("只有领导小组办公室或该银行本身可以维护它的服务站功能和缴费渠道。")
    return bank


@transaction.atomic
def offer_set(*, actor, bank, functions, bill_items) -> BankOffer:
    """The station functions and bill items `bank` offers (replacing what was there)."""
    bank = _bank(actor, bank)
    functions = _codes(functions, FUNCTION_LABELS, "functions", "服务站功能")
    if not functions:
        raise ValidationError({"functions": "请至少选择一项服务站功能。"})
    bill_items = _codes(bill_items, ITEM_LABELS, "bill_items", "缴费项目")
    offer = BankOffer.objects.select_for_update().filter(bank=bank).first()
    before = snapshot(offer)
    if offer is None:
        offer = BankOffer(bank=bank)
    offer.functions, offer.bill_items, offer.updated_by = functions, bill_items, actor
    offer.save()
    audit_changed(actor=actor, obj=offer, before=before, note="维护银行服务站功能")
    return offer


@transaction.atomic
def channel_offer_set(*, actor, bank, channel, bill_items, realtime: bool) -> ChannelOffer:
    """The bill items `bank` offers on one channel, real time or not; no items removes the channel."""
    bank = _bank(actor, bank)
    if channel not in ChannelKind.values:
        raise ValidationError({"channel": "请选择缴费渠道（自助终端、服务站、网上银行或手机银行）。"})
    bill_items = _codes(bill_items, ITEM_LABELS, f"{channel}_items", "缴费项目")
    if realtime and not bill_items:
        raise ValidationError({f"{channel}_items": "开通实时缴费的渠道请选择缴费项目。"})
    row = ChannelOffer.objects.select_for_update().filter(bank=bank, channel=channel).first()
    before = snapshot(row)
    if row is None:
        row = ChannelOffer(bank=bank, channel=channel)
    row.bill_items, row.realtime = bill_items, bool(realtime)
    row.save()
    audit_changed(actor=actor, obj=row, before=before, note="维护缴费渠道")
    return row


def offer_of(bank: Organisation) -> BankOffer | None:
    """The offer that governs `bank`'s stations: its own, else the nearest ancestor's (an outlet's points follow
    its county branch)."""
    ids = [int(part) for part in (bank.path or "").strip("/").split("/") if part] or [bank.pk]
    offers = {o.bank_id: o for o in BankOffer.objects.filter(bank_id__in=ids)}
    return next((offers[i] for i in reversed(ids) if i in offers), None)


def station_functions_allowed(*, bank, functions) -> str:
    """The register's hook: "" when `bank` offers every one of `functions` (or keeps no offer yet), else the
    refusal in Chinese."""
    if not isinstance(bank, Organisation):
        return ""
    offer = offer_of(bank)
    if offer is None:
        return ""
    missing = [f for f in functions if f not in offer.functions]
    if not missing:
        return ""
    names = "、".join(FUNCTION_LABELS.get(f, f) for f in missing)
    return f"{offer.bank.name}未开通以下服务站功能：{names}（见“便民服务 → 银行服务站功能”）"
