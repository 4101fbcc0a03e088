"""Writes of the policy app: keyword-only, atomic, audited.

An evaluation reads the figures (`figures.policy_figures`) and runs the engine with the current rules;
the office or the rule's grantor then decides each result, the grantor records the payment, and a bank may
object to its own result with evidence.
"""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from puhui.core.audit import audit_changed, snapshot
from puhui.core.evidence import check_evidence
from puhui.core.models import Organisation
from puhui.engines.policy import FigureRow, PolicyInputError, evaluate, load_rules, result_json
from puhui.policy import access
from puhui.policy.figures import AVERAGES, SUMS, policy_figures
from puhui.policy.models import Evaluation, Objection, ObjectionFile, Result, RuleSetVersion
from puhui.policy.selectors import SHIPPED_RULES, current_evaluation, rules_current


@transaction.atomic
def rules_add(*, actor, text: str, change_note: str = "") -> RuleSetVersion:
    """A new version of the rules; every problem in the text is reported and nothing is stored."""
    try:
        parsed = load_rules(text)
    except PolicyInputError as e:
        raise ValidationError(e.problems) from None
    if RuleSetVersion.objects.filter(version=parsed.version).exists():
        raise ValidationError(f"版本“{parsed.version}”已经存在，请在规则文件中写一个新的版本号。")
    version = RuleSetVersion.objects.create(
        version=parsed.version, name=parsed.name, text=text, change_note=change_note.strip(), created_by=actor
    )
    audit_changed(actor=actor, obj=version, before=None, note=f"新增激励规则版本 {parsed.version}")
    return version


def rules_in_force(*, actor) -> RuleSetVersion:
    """The newest rule version; the shipped rules are stored as the first one if none is (a new database whose
    migration rows were emptied, e.g. by a flush)."""
    current = rules_current()
    if current is None:
        current = rules_add(
            actor=actor, text=SHIPPED_RULES.read_text(encoding="utf-8"), change_note="随平台发布的规则"
        )
    return current


def figure_rows(years: list[int]) -> list[FigureRow]:
    """The figures of every institution for `years`, as the engine reads them."""
    rows = []
    for row in policy_figures(years):
        values = {k: v for k, v in row.items() if k not in {"institution", "name", "year"}}
        rows.append(FigureRow(row["institution"], row["name"], row["year"], values))
    return rows


@transaction.atomic
def evaluation_run(*, actor, year: int) -> Evaluation:
    """Evaluate every rule for every institution open in `year` (the previous year's figures are read too)."""
    current_rules = rules_in_force(actor=actor)
    current = current_evaluation(year)
    if current and current.results.exclude(decision=Result.Decision.PENDING).exists():
        raise ValidationError(f"{year} 年的评价结果已有审定记录，不能重新评价。")
    started = time.perf_counter()
    rows = figure_rows([year - 1, year])
    reported = set(AVERAGES) | set(SUMS)
    if not any(r.year == year and any(r.values.get(k) is not None for k in reported) for r in rows):
        raise ValidationError(f"{year} 年还没有审核通过的季度数据，不能评价。")
    try:
        results = evaluate(current_rules.parsed, rows, year)
    except PolicyInputError as e:
        raise ValidationError(e.problems) from None
    evaluation = evaluation_store(actor=actor, year=year, rules=current_rules, rows=rows, results=results)
    evaluation.seconds = time.perf_counter() - started
    evaluation.save(update_fields=["seconds"])
    audit_changed(
        actor=actor, obj=evaluation, before=None, note=f"运行 {year} 年政策激励评价：{len(results)} 项结果"
    )
    return evaluation


def evaluation_store(
    *, actor, year: int, rules: RuleSetVersion, rows: list[FigureRow], results: list
) -> Evaluation:
    """Keep an evaluation: the figures it read and one `Result` per institution and rule (engine results)."""
    organisations = Organisation.objects.in_bulk([r.institution for r in results], field_name="code")
    figures = [
        {
            "institution": r.institution,
            "name": r.name,
            "year": r.year,
            "values": {k: _text(v) for k, v in r.values.items()},
        }
        for r in rows
    ]
    evaluation = Evaluation.objects.create(year=year, rules=rules, created_by=actor, figures=figures)
    Result.objects.bulk_create(
        Result(
            evaluation=evaluation,
            institution=organisations[r.institution],
            rule_code=r.rule.code,
            rule_name=r.rule.name,
            kind=r.rule.kind,
            grantor=r.rule.grantor,
            source=r.rule.source[:300],
            status=r.status,
            amount=r.amount,
            ratio=r.ratio,
            detail=record,
        )
        for r, record in zip(results, result_json(results), strict=True)
    )
    return evaluation


def _text(value) -> str | None:
    return None if value is None else str(value)


def _decimal(value, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", ""))
    except ArithmeticError:
        raise ValidationError(f"“{label}”应为数字：{value}") from None
    if not number.is_finite() or number < 0:
        raise ValidationError(f"“{label}”应为不小于 0 的数字：{value}")
    return number


@transaction.atomic
def result_decide(
    *,
    actor,
    result: Result,
    approve: bool,
    note: str = "",
    amount=None,
    standard_ratio=None,
    approval_no: str = "",
) -> Result:
    """Approve (with the amount granted, at most the computed one) or refuse a result; refusing needs a reason."""
    if not access.can_decide(actor, result):
        raise ValidationError("您不能审定这项结果。")
    result = Result.objects.select_for_update().get(pk=result.pk)
    if result.paid_on:
        raise ValidationError("已经拨付，不能再改审定。")
    before = snapshot(result)
    note = (note or "").strip()
    if approve:
        if result.status != Result.Status.PASSED:
            raise ValidationError(f"评价结果为“{result.get_status_display()}”，不能同意。")
        if result.kind == Result.Kind.FISCAL:
            granted = _decimal(amount, "核定金额（元）")
            granted = result.amount if granted is None else granted
            if granted > result.amount:
                raise ValidationError(f"核定金额不能超过测算金额 {result.amount:,.2f} 元。")
            result.decided_amount = granted
        else:
            result.standard_ratio = _decimal(standard_ratio, "同类机构存款准备金率（%）")
            if result.standard_ratio is not None and result.standard_ratio < result.ratio:
                raise ValidationError("同类机构存款准备金率不能低于优惠幅度。")
    elif not note:
        raise ValidationError("不同意时请写明理由。")
    result.decision = Result.Decision.APPROVED if approve else Result.Decision.REJECTED
    result.decision_note = note
    result.approval_no = (approval_no or "").strip()[:60]
    result.decided_by, result.decided_at = actor, timezone.now()
    if not approve:
        result.decided_amount = None
    result.save()
    audit_changed(actor=actor, obj=result, before=before, note=f"审定：{result.get_decision_display()}")
    return result


@transaction.atomic
def result_pay(*, actor, result: Result, paid_on: datetime.date, amount=None, reference: str = "") -> Result:
    """Record the payment of an approved fiscal grant (at most the amount decided)."""
    if not access.can_decide(actor, result):
        raise ValidationError("您不能登记这项拨付。")
    result = Result.objects.select_for_update().get(pk=result.pk)
    if result.kind != Result.Kind.FISCAL or result.decision != Result.Decision.APPROVED:
        raise ValidationError("只有已同意的财政奖补才能登记拨付。")
    paid = _decimal(amount, "拨付金额（元）")
    paid = result.decided_amount if paid is None else paid
    if paid > result.decided_amount:
        raise ValidationError(f"拨付金额不能超过核定金额 {result.decided_amount:,.2f} 元。")
    if paid_on is None:
        raise ValidationError("请填写拨付日期。")
    if result.decided_at and paid_on < timezone.localdate(result.decided_at):
        raise ValidationError("拨付日期不能早于审定日期。")
    before = snapshot(result)
    result.paid_on, result.paid_amount, result.payment_ref = paid_on, paid, (reference or "").strip()[:60]
    result.save(update_fields=["paid_on", "paid_amount", "payment_ref"])
    audit_changed(actor=actor, obj=result, before=before, note="登记拨付")
    return result


@transaction.atomic
def objection_raise(*, actor, result: Result, text: str, files=()) -> Objection:
    """A bank's objection to its own result, with evidence checked by content; nothing is kept if any file is bad."""
    if not access.can_object(actor, result):
        raise ValidationError("只有被评价的金融机构可以对结果提出异议。")
    text = (text or "").strip()
    if not text:
        raise ValidationError("请写明异议内容。")
    checked = check_evidence(files)
    objection = Objection.objects.create(result=result, text=text, raised_by=actor)
    for f in checked:
        stored = ObjectionFile(
            objection=objection,
            name=f.name,
            content_type=f.content_type,
            size=len(f.content),
            sha256=f.sha256,
        )
        stored.file.save(f.name, ContentFile(f.content), save=False)
        stored.save()
    audit_changed(actor=actor, obj=objection, before=None, note=f"对“{result.rule_name}”结果提出异议")
    return objection


@transaction.atomic
def objection_answer(*, actor, objection: Objection, answer: str) -> Objection:
    if not access.can_decide(actor, objection.result):
        raise ValidationError("您不能答复这项异议。")
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError("请填写书面答复。")
    before = snapshot(objection)
    objection.answer, objection.answered_by, objection.answered_at = answer, actor, timezone.now()
    objection.save()
    audit_changed(actor=actor, obj=objection, before=before, note="答复异议")
    return objection
