"""Writes of the early warnings (issue #16 §1): evaluating the rules, the office's rule changes, and a
warning's follow-up — assigned by the office to an owner unit, acknowledged and answered by it, closed by
the office with a note.

Every write is one transaction, audited, and checks who acts first. Bad input raises
`ValidationError({field: 中文})` and stores nothing.
"""

import functools
import time
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from puhui.core.audit import audit_changed, audit_changed_bulk, snapshot
from puhui.core.models import Organisation, User
from puhui.core.notifications import notifications_send
from puhui.core.service_checks import text_within
from puhui.data.models import ReportingPeriod
from puhui.data.selectors import approved_loan_returns
from puhui.engines.warnings import SEVERITIES, WarningInputError, evaluate, load_rules
from puhui.engines.warnings.rules import rule_data
from puhui.risk import access
from puhui.risk.models import Warning, WarningNote, WarningRuleVersion
from puhui.risk.selectors import warnings as selectors

DEFAULT_RULES = Path(__file__).resolve().parents[1] / "rules" / "yiyuan-2020.yaml"
TEXT_LIMIT = 2000
NOTE_LIMIT = 300
_text = functools.partial(text_within, limit=TEXT_LIMIT)  # a field's text, at most TEXT_LIMIT
Status = Warning.Status


def _actor_label(actor) -> str:
    return (str(actor) if actor is not None else "系统")[:150]


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# ---------------------------------------------------------------- rule versions


def default_ruleset():
    """The county's rule file, before the office has changed anything (no version stored yet)."""
    return load_rules(DEFAULT_RULES.read_text(encoding="utf-8"))


@transaction.atomic
def rules_current(*, actor=None) -> WarningRuleVersion:
    """The rule version in force, locked for this transaction (evaluations and changes queue behind it);
    the county's rule file becomes version 1 the first time."""
    version = WarningRuleVersion.objects.select_for_update(of=("self",)).filter(is_current=True).first()
    if version is not None:
        return version
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    ruleset = load_rules(text)
    version = WarningRuleVersion.objects.create(
        number=1,
        name=ruleset.name,
        text=text,
        note=f"随系统载入（{DEFAULT_RULES.name}，版本 {ruleset.version}）",
        created_by=_user(actor),
        created_label=_actor_label(actor),
    )
    audit_changed(actor=actor, obj=version, before=None, note="载入预警规则")
    return version


def _clean_threshold(value, field: str, label: str):
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError({field: f"{label}应是数字，填写的是“{value}”。"}) from None
    if number < 0:
        raise ValidationError({field: f"{label}不能为负数。"})
    return number


@transaction.atomic
def rules_change(*, actor, rule_code: str, bands: dict, min_base, note: str) -> WarningRuleVersion:
    """A new rule version in which one rule's thresholds (severity bands, 元 floor) are changed; the old
    version stays, with every warning raised under it."""
    access.require_keep_warnings(actor)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请写明修改原因。"})
    if len(note) > NOTE_LIMIT:
        raise ValidationError({"note": f"修改原因最多 {NOTE_LIMIT} 个字，填写了 {len(note)} 个字。"})
    current = rules_current(actor=actor)
    ruleset = load_rules(current.text)
    rule = ruleset.rule(rule_code)
    if rule is None:
        raise ValidationError({"rule_code": "请选择要修改的规则。"})
    new_bands = {}
    for key, label in SEVERITIES.items():
        value = _clean_threshold(bands.get(key), key, f"“{label}”级的阈值")
        if value is not None:
            new_bands[key] = value
    if not new_bands:
        raise ValidationError({"attention": "至少填写一个严重程度的阈值。"})
    base = _clean_threshold(min_base, "min_base", "最低基数")
    data = yaml.safe_load(current.text)
    entry = {**rule_data(rule), "bands": new_bands, "min_base": base if base is not None else 0}
    data["rules"] = [entry if e.get("code") == rule_code else e for e in data["rules"]]
    number = current.number + 1
    data["version"] = f"第{number}版"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    try:
        load_rules(text)
    except WarningInputError as e:
        raise ValidationError({"__all__": "；".join(e.problems)}) from None
    if load_rules(text).rule(rule_code) == rule:
        raise ValidationError({"__all__": "阈值没有变化，无需保存新版本。"})
    before = snapshot(current)
    current.is_current = False
    current.save(update_fields=["is_current"])
    audit_changed(actor=actor, obj=current, before=before, note=f"被第 {number} 版取代")
    version = WarningRuleVersion.objects.create(
        number=number,
        name=current.name,
        text=text,
        changed_rule=rule.name,
        note=note,
        created_by=_user(actor),
        created_label=_actor_label(actor),
    )
    audit_changed(actor=actor, obj=version, before=None, note=f"修改预警规则“{rule.name}”：{note}"[:300])
    return version


# ---------------------------------------------------------------- evaluation


def _subject_fields(finding, gathered, labels: dict) -> dict:
    kind = finding.subject_kind
    fields = {"subject_bank": None, "subject_town": None, "subject_label": finding.label or ""}
    if kind == "bank":
        fields["subject_bank"] = gathered.banks[int(finding.subject)]
    elif kind == "town":
        fields["subject_town_id"] = int(finding.subject)
        fields.pop("subject_town")
    else:
        fields["subject_label"] = labels[finding.subject]
    return fields


def _fields(f, *, version, period, gathered, labels) -> dict:
    banks = sorted(int(b) for b in f.banks)
    return {
        "rule_version": version,
        "rule_name": f.rule.name,
        "period": period,
        "severity": f.severity,
        "value": f.value,
        "unit": f.rule.unit,
        "measured": f.measured,
        "evidence": f.evidence,
        "bank_ids": "".join(f",{b}" for b in banks) + ("," if banks else ""),
        **_subject_fields(f, gathered, labels),
    }


def _clear_stale(period, evaluated_rules: set[str], found: set, now) -> list[tuple]:
    """Close the period's warnings still 待处理 whose condition no longer holds; (warning, before) pairs."""
    changed = []
    stale = Warning.objects.select_for_update(of=("self",)).filter(
        period=period, status=Status.OPEN, rule_code__in=evaluated_rules
    )
    for w in stale:
        if (w.rule_code, w.subject_kind, w.subject_key) in found:
            continue
        before = snapshot(w)
        w.status, w.closed_at = Status.CLOSED, now
        w.closing_note = "重新评估后不再触发（所用报送已更正或被替换），系统自动关闭。"
        w.save(update_fields=["status", "closed_at", "closing_note"])
        changed.append((w, before))
    return changed


@transaction.atomic
def warnings_evaluate(*, actor=None, period: ReportingPeriod) -> dict:
    """Evaluate every rule for `period` against the quarter before. A warning already open for the same rule
    and subject is updated (never a second one); one still 待处理 for this period whose condition no longer
    holds (a corrected submission) is closed by the system. Running it twice changes nothing the second time."""
    started = time.monotonic()
    version = rules_current(actor=actor)
    ruleset = selectors.ruleset_of(version)
    gathered = selectors.gather(period, ruleset)
    result = evaluate(ruleset, gathered.inputs)
    labels = {
        f.subject: selectors.borrower_label(f.subject, gathered.submissions)
        for f in result.findings
        if f.subject_kind == "firm"
    }
    now = timezone.now()
    counts = {"raised": 0, "updated": 0, "unchanged": 0, "kept_newer": 0}
    # Every open warning of these rules, locked, in one query (the unique constraint keeps one per key).
    open_now = {
        (w.rule_code, w.subject_kind, w.subject_key): w
        for w in Warning.objects.select_for_update(of=("self",))
        .filter(rule_code__in=[r.code for r in ruleset.rules])
        .exclude(status=Status.CLOSED)
        .select_related("period")
    }
    created, changed = [], []
    for f in result.findings:
        fields = _fields(f, version=version, period=period, gathered=gathered, labels=labels)
        existing = open_now.get(f.key)
        if existing is None:
            w = Warning.objects.create(
                rule_code=f.rule.code, subject_kind=f.subject_kind, subject_key=f.subject, raised_at=now,
                evaluated_at=now, **fields,
            )  # fmt: skip
            created.append((w, None))
            counts["raised"] += 1
        elif existing.period.end > period.end:  # a later quarter's evidence stays
            counts["kept_newer"] += 1
        else:
            before = snapshot(existing)
            for name, value in fields.items():
                setattr(existing, name, value)
            if snapshot(existing) == before:
                counts["unchanged"] += 1
                continue
            existing.evaluated_at = now
            existing.save()
            changed.append((existing, before))
            counts["updated"] += 1
    evaluated_rules = {r.code for r in ruleset.rules} - set(result.skipped)
    cleared = _clear_stale(period, evaluated_rules, {f.key for f in result.findings}, now)
    counts["cleared"] = len(cleared)
    if created:
        audit_changed_bulk(actor=actor, changes=created, note=f"发出风险预警（{period.label}）")
    if changed or cleared:
        audit_changed_bulk(actor=actor, changes=changed + cleared, note=f"重新评估风险预警（{period.label}）")
    counts["skipped"] = result.skipped
    counts["seconds"] = round(time.monotonic() - started, 2)
    return counts


def periods_to_evaluate() -> list[ReportingPeriod]:
    """The quarters with an approved 贷款明细表: what the nightly run evaluates."""
    ids = approved_loan_returns().values("period_id").distinct()
    return list(ReportingPeriod.objects.filter(pk__in=ids).order_by("start"))


# ---------------------------------------------------------------- follow-up


def _locked(warning: Warning) -> Warning:
    return (
        Warning.objects.select_for_update(of=("self",)).select_related("period", "owner").get(pk=warning.pk)
    )


def _unit_users(org: Organisation) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, organisation=org, role__in=[User.Role.INSTITUTION, User.Role.MEMBER_UNIT]
        )
    )


def _office_users() -> list[User]:
    return list(User.objects.filter(is_active=True, role=User.Role.OFFICE))


def _url(warning: Warning) -> str:
    return reverse("risk:warning", args=[warning.pk])


@transaction.atomic
def warning_assign(*, actor, warning: Warning, owner: Organisation, note: str = "") -> Warning:
    """The office hands a warning to an owner unit (a bank or a member unit), who is told."""
    access.require_keep_warnings(actor)
    warning = _locked(warning)
    if not warning.is_open:
        raise ValidationError({"__all__": "该预警已关闭，不能指派。"})
    if owner is None or owner.pk not in {o.pk for o in selectors.owner_choices()}:
        raise ValidationError({"owner": "请选择报送贷款明细的银行或联动机制成员单位。"})
    note = _text(note, "note", "指派说明", required=False)
    if len(note) > NOTE_LIMIT:
        raise ValidationError({"note": f"指派说明最多 {NOTE_LIMIT} 个字，填写了 {len(note)} 个字。"})
    before = snapshot(warning)
    warning.owner = owner
    warning.status = Status.ASSIGNED
    warning.assigned_by, warning.assigned_at = _user(actor), timezone.now()
    warning.acknowledged_by = warning.acknowledged_at = None
    warning.save()
    if note:
        WarningNote.objects.create(
            warning=warning,
            kind=WarningNote.Kind.NOTE,
            text=f"指派给{owner.name}：{note}",
            author=_user(actor),
            author_label=_actor_label(actor),
            organisation=getattr(actor, "organisation", None),
        )
    audit_changed(actor=actor, obj=warning, before=before, note=f"指派给{owner.name}")
    notifications_send(
        users=_unit_users(owner),
        kind="risk_warning",
        title=f"风险预警待处理：{warning.rule_name}（{warning.subject_label}）",
        body=f"{warning.period.label}，严重程度：{warning.get_severity_display()}。请签收并答复。{note}".strip(),
        url=_url(warning),
        key=f"risk-warning:{warning.pk}:assigned:{owner.pk}:{warning.assigned_at:%Y%m%d%H%M%S}",
    )
    return warning


@transaction.atomic
def warning_acknowledge(*, actor, warning: Warning) -> Warning:
    """The owner unit confirms it has received the warning (签收); once."""
    warning = _locked(warning)
    if not access.may_answer_warning(actor, warning):
        raise ValidationError({"__all__": "只有被指派的责任单位可以签收。"})
    if warning.acknowledged_at is not None:
        raise ValidationError({"__all__": "该预警已签收。"})
    before = snapshot(warning)
    warning.acknowledged_by, warning.acknowledged_at = _user(actor), timezone.now()
    warning.save(update_fields=["acknowledged_by", "acknowledged_at"])
    audit_changed(actor=actor, obj=warning, before=before, note="签收风险预警")
    return warning


@transaction.atomic
def warning_answer(*, actor, warning: Warning, text: str) -> WarningNote:
    """The owner unit's answer (what it found, what it did): the warning becomes 已答复 and the office is told.
    Answering acknowledges it too."""
    warning = _locked(warning)
    if not access.may_answer_warning(actor, warning):
        raise ValidationError({"__all__": "只有被指派的责任单位可以答复。"})
    text = _text(text, "text", "答复内容")
    before = snapshot(warning)
    now = timezone.now()
    if warning.acknowledged_at is None:
        warning.acknowledged_by, warning.acknowledged_at = _user(actor), now
    warning.status, warning.answered_at = Status.ANSWERED, now
    warning.save()
    answer = WarningNote.objects.create(
        warning=warning,
        kind=WarningNote.Kind.ANSWER,
        text=text,
        author=_user(actor),
        author_label=_actor_label(actor),
        organisation=access.warning_unit_of(actor),
    )
    audit_changed(actor=actor, obj=warning, before=before, note="答复风险预警")
    notifications_send(
        users=_office_users(),
        kind="risk_warning",
        title=f"风险预警已答复：{warning.rule_name}（{warning.subject_label}）",
        body=text[:200],
        url=_url(warning),
        key=f"risk-warning:{warning.pk}:answer:{answer.pk}",
    )
    return answer


@transaction.atomic
def warning_note(*, actor, warning: Warning, text: str) -> WarningNote:
    """A follow-up note by the office or the owner unit, while the warning is open."""
    warning = _locked(warning)
    if not access.may_note_warning(actor, warning):
        raise ValidationError({"__all__": "该预警已关闭或您不是其责任单位，不能填写跟进记录。"})
    text = _text(text, "text", "跟进记录")
    note = WarningNote.objects.create(
        warning=warning,
        kind=WarningNote.Kind.NOTE,
        text=text,
        author=_user(actor),
        author_label=_actor_label(actor),
        organisation=getattr(actor, "organisation", None),
    )
    audit_changed(actor=actor, obj=note, before=None, note="填写风险预警跟进记录")
    return note


@transaction.atomic
def warning_close(*, actor, warning: Warning, note: str) -> Warning:
    """The office closes a warning with a note (what was found, what was done)."""
    access.require_keep_warnings(actor)
    warning = _locked(warning)
    if not warning.is_open:
        raise ValidationError({"__all__": "该预警已关闭。"})
    note = _text(note, "note", "关闭说明")
    before = snapshot(warning)
    warning.status = Status.CLOSED
    warning.closed_by, warning.closed_at, warning.closing_note = _user(actor), timezone.now(), note
    warning.save()
    audit_changed(actor=actor, obj=warning, before=before, note="关闭风险预警")
    return warning
