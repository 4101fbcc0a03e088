"""The banks' inspections of their stations (with photos and rectification), the agents who run the stations,
and the places of 便民支付 with their acquiring bank. Each write is one transaction and one audit record; a
refusal names the field in Chinese and stores nothing (photos are all checked before any row is written)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from puhui.core.audit import audit_changed, snapshot
from puhui.core.models import Division, Organisation, ServicePoint, User
from puhui.core.service_checks import not_future, text_within
from puhui.core.validators import validate_id_number, validate_mobile
from puhui.stations import access
from puhui.stations.models import CheckItem, Inspection, PaymentScene, SceneKind, StationAgent
from puhui.stations.services.photos import photos_check, photos_store


def _own_point(actor, point) -> ServicePoint:
    bank = access.bank_of(actor)
    if bank is None:
        raise ValidationError("只有签约银行可以办理。")
    if not isinstance(point, ServicePoint) or not point.bank.path.startswith(bank.path):
        raise ValidationError({"point": "请选择本行签约的服务点。"})
    return point


def _in_register(point: ServicePoint, day: datetime.date, field: str) -> None:
    if point.opened_on is not None and day < point.opened_on:
        raise ValidationError({field: f"服务点“{point.name}”{point.opened_on:%Y-%m-%d} 才设立。"})
    if point.closed_on is not None and day >= point.closed_on:
        raise ValidationError({field: f"服务点“{point.name}”已于 {point.closed_on:%Y-%m-%d} 撤销。"})


# ---------------------------------------------------------------- inspections


@transaction.atomic
def inspection_create(
    *, actor, point, inspected_on, inspector, failed=(), findings="", rectify_by=None, photos=()
) -> Inspection:
    """A bank's inspection of its station: the checklist items failed, what was found, and — when anything
    failed — the date by which it is to be put right; at least one photo as evidence."""
    point = _own_point(actor, point)
    day = not_future(inspected_on, "inspected_on", "检查日期")
    _in_register(point, day, "inspected_on")
    failed = list(dict.fromkeys(failed or ()))
    if any(c not in CheckItem.values for c in failed):
        raise ValidationError({"failed": "不合格项目不在检查清单中。"})
    findings = text_within(findings, "findings", "检查发现", limit=2000, required=bool(failed))
    if failed and rectify_by is None:
        raise ValidationError({"rectify_by": "有不合格项目时请填写整改期限。"})
    if not failed and rectify_by is not None:
        raise ValidationError({"rectify_by": "全部合格时不填整改期限。"})
    if rectify_by is not None and rectify_by < day:
        raise ValidationError({"rectify_by": "整改期限不能早于检查日期。"})
    checked = photos_check(photos, required=True)
    inspection = Inspection.objects.create(
        point=point, bank=point.bank, inspected_on=day, entered_by=actor, failed=failed, findings=findings,
        inspector=text_within(inspector, "inspector", "检查人", limit=40), rectify_by=rectify_by,
    )  # fmt: skip
    audit_changed(actor=actor, obj=inspection, before=None, note=f"登记服务站检查（{len(checked)} 张照片）")
    photos_store(inspection, checked)
    return inspection


@transaction.atomic
def inspection_rectify(*, actor, inspection: Inspection, on, note="") -> Inspection:
    inspection = (
        Inspection.objects.select_for_update(of=("self",)).select_related("point__bank").get(pk=inspection.pk)
    )
    _own_point(actor, inspection.point)
    if inspection.rectify_by is None:
        raise ValidationError("这次检查全部合格，无需整改。")
    if inspection.rectified_on is not None:
        raise ValidationError(f"已于 {inspection.rectified_on:%Y-%m-%d} 整改完成。")
    day = not_future(on, "on", "整改完成日期")
    if day < inspection.inspected_on:
        raise ValidationError({"on": "整改完成日期不能早于检查日期。"})
    before = snapshot(inspection)
    inspection.rectified_on = day
    inspection.rectify_note = text_within(note, "note", "整改情况", limit=2000)
    inspection.save(update_fields=["rectified_on", "rectify_note"])
    audit_changed(actor=actor, obj=inspection, before=before, note="整改完成")
    return inspection


# ---------------------------------------------------------------- agents


def _agent_user(user, point: ServicePoint):
    if user is None:
        return None
    if not isinstance(user, User) or user.role != User.Role.AGENT:
        raise ValidationError({"user": "关联的平台账号须为村级代办员账号。"})
    return user


@transaction.atomic
def agent_appoint(*, actor, point, name, phone, since, id_number="", user=None) -> StationAgent:
    """Who runs the station from `since`; one agent at a time (the one before is ended first)."""
    point = _own_point(actor, point)
    day = not_future(since, "since", "开始日期")
    _in_register(point, day, "since")
    try:
        phone = validate_mobile(phone or "")
    except ValidationError as e:
        raise ValidationError({"phone": e.messages}) from None
    id_number = (id_number or "").strip().upper()
    if id_number:
        try:
            id_number = validate_id_number(id_number)
        except ValidationError as e:
            raise ValidationError({"id_number": e.messages}) from None
    current = StationAgent.objects.select_for_update().filter(point=point, until__isnull=True).first()
    if current is not None:
        raise ValidationError({"since": f"该服务点的代办员{current.name}仍在任，请先登记其结束日期。"})
    last = StationAgent.objects.filter(point=point).order_by("-until").values_list("until", flat=True).first()
    if last is not None and day < last:
        raise ValidationError({"since": f"开始日期早于上一位代办员的结束日期（{last:%Y-%m-%d}）。"})
    agent = StationAgent.objects.create(
        point=point, name=text_within(name, "name", "姓名", limit=40), phone=phone, id_number=id_number,
        since=day, user=_agent_user(user, point),
    )  # fmt: skip
    audit_changed(actor=actor, obj=agent, before=None, note="登记服务站代办员")
    return agent


@transaction.atomic
def agent_end(*, actor, agent: StationAgent, on) -> StationAgent:
    agent = (
        StationAgent.objects.select_for_update(of=("self",)).select_related("point__bank").get(pk=agent.pk)
    )
    _own_point(actor, agent.point)
    if agent.until is not None:
        raise ValidationError(f"{agent.name}已于 {agent.until:%Y-%m-%d} 结束。")
    day = not_future(on, "on", "结束日期")
    if day < agent.since:
        raise ValidationError({"on": "结束日期不能早于开始日期。"})
    before = snapshot(agent)
    agent.until = day
    agent.save(update_fields=["until"])
    audit_changed(actor=actor, obj=agent, before=before, note="代办员结束")
    return agent


# ---------------------------------------------------------------- payment scenes


@transaction.atomic
def scene_add(*, actor, kind, name, town, bank, since, methods="") -> PaymentScene:
    """A place of 便民支付 and the bank that acquires its payments: the office records any, a bank its own."""
    if not access.may_add_scene(actor):
        raise ValidationError("只有领导小组办公室和银行可以登记便民支付场景。")
    if kind not in SceneKind.values:
        raise ValidationError({"kind": "请选择场景类型。"})
    if not isinstance(town, Division) or town.level != Division.Level.TOWN:
        raise ValidationError({"town": "请选择镇（街道）。"})
    if not isinstance(bank, Organisation) or not access.scene_banks_for(actor).filter(pk=bank.pk).exists():
        raise ValidationError({"bank": "请选择收单银行（银行只能登记本行收单的场景）。"})
    scene = PaymentScene.objects.create(
        kind=kind, name=text_within(name, "name", "名称", limit=100), town=town, bank=bank,
        since=not_future(since, "since", "开通日期"), methods=text_within(methods, "methods", "支付方式", limit=100, required=False),
    )  # fmt: skip
    audit_changed(actor=actor, obj=scene, before=None, note="登记便民支付场景")
    return scene
