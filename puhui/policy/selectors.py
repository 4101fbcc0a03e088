"""Reads of the policy app: the current rules, a year's current evaluation, its results, the payout ledger
and the reserve-ratio assessment — always through `access`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db.models import Count, Max, Q, QuerySet

from puhui.core.models import User
from puhui.policy import access
from puhui.policy.models import Evaluation, Result, RuleSetVersion

SHIPPED_RULES = Path(__file__).resolve().parent / "rules" / "yiyuan-2020.yaml"  # version one (migration 0002)


def rules_current() -> RuleSetVersion | None:
    return RuleSetVersion.objects.order_by("-created_at", "-id").first()


def rules_text_current() -> str:
    """The text of the rules in force: the newest version stored, or the shipped file before any is."""
    current = rules_current()
    return current.text if current else SHIPPED_RULES.read_text(encoding="utf-8")


def evaluations(user: User) -> list[Evaluation]:
    """The evaluations, newest first, each with how many results it has and how many were decided."""
    return list(
        access.evaluations_for(user)
        .select_related("rules")
        .annotate(
            n_results=Count("results"),
            n_decided=Count("results", filter=~Q(results__decision=Result.Decision.PENDING)),
        )
    )


def current_evaluation_ids() -> dict[int, int]:
    """Year → the id of its newest evaluation."""
    newest = Evaluation.objects.values("year").annotate(last=Max("id"))
    return {row["year"]: row["last"] for row in newest}


def current_evaluation(year: int) -> Evaluation | None:
    return Evaluation.objects.filter(year=year).order_by("-id").first()


def evaluation_results(
    user: User, evaluation: Evaluation, *, rule: str = "", status: str = ""
) -> QuerySet[Result]:
    qs = access.results_for(user).filter(evaluation=evaluation).annotate(n_objections=Count("objections"))
    if rule:
        qs = qs.filter(rule_code=rule)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("rule_code", "institution__path")


@dataclass
class RuleSummary:
    code: str
    name: str
    kind: str  # Result.Kind
    kind_label: str
    grantor: str
    passed: int
    failed: int
    missing: int
    amount: Decimal
    decided: Decimal


def rule_summaries(results) -> list[RuleSummary]:
    """Per rule: how many institutions passed, failed or lacked data, the amount computed and decided."""
    by_rule: dict[str, RuleSummary] = {}
    for r in results:
        s = by_rule.setdefault(
            r.rule_code,
            RuleSummary(
                r.rule_code,
                r.rule_name,
                r.kind,
                r.get_kind_display(),
                r.grantor,
                0,
                0,
                0,
                Decimal(0),
                Decimal(0),
            ),
        )
        s.passed += r.status == Result.Status.PASSED
        s.failed += r.status == Result.Status.FAILED
        s.missing += r.status == Result.Status.MISSING
        s.amount += r.amount or 0
        if r.decision == Result.Decision.APPROVED:
            s.decided += r.decided_amount or 0
    return list(by_rule.values())


def ledger(user: User, *, year: int | None = None) -> QuerySet[Result]:
    """The payout ledger: approved fiscal grants of the years' current evaluations."""
    qs = access.results_for(user).filter(
        evaluation_id__in=current_evaluation_ids().values(),
        kind=Result.Kind.FISCAL,
        decision=Result.Decision.APPROVED,
    )
    if year:
        qs = qs.filter(evaluation__year=year)
    return qs.order_by("-evaluation__year", "rule_code", "institution__path")


def reserve_assessment(user: User) -> dict[str, list[Result]]:
    """The targeted reserve-ratio results of every year's current evaluation, by institution (history)."""
    qs = (
        access.results_for(user)
        .filter(evaluation_id__in=current_evaluation_ids().values(), kind=Result.Kind.MONETARY)
        .exclude(status=Result.Status.NOT_APPLICABLE)
    )
    rows: dict[str, list[Result]] = defaultdict(list)
    for r in qs.order_by("institution__path", "rule_code", "-evaluation__year"):
        rows[r.institution.name].append(r)
    return dict(rows)


def open_objection_count(user: User) -> int:
    """Objections waiting for this user's answer (the to-do list and the menu badge)."""
    return access.objections_to_answer(user).count()
