"""The firm scorecard in force (a statistical version the office put in force, else the shipped expert card
`engines/scoring/configs/small-firm-default.yaml`; the one scoring engine) applied to every firm in the
register: features from the register, the departments' latest data and the banks' loans; ratings stored per
version and day, the latest run's marked current. `firm_rating` is offered as a Service."""

import functools
from decimal import Decimal

import pandas as pd
from django.db import transaction
from django.utils import timezone

from puhui.core.audit import audit_record
from puhui.core.models import AuditLog
from puhui.engines.scoring import CONFIG_DIR, Scorecard
from puhui.firms.models import DepartmentRecord, FirmRating, FirmScorecard
from puhui.firms.selectors.loans import loan_features
from puhui.registry.models import Firm

CARD_FILE = CONFIG_DIR / "small-firm-default.yaml"
CHUNK = 20_000


@functools.cache
def expert_scorecard() -> Scorecard:
    return Scorecard.from_file(CARD_FILE)


def scorecard() -> Scorecard:
    """The card in force: the statistical version the office put in force, else the expert card."""
    active = FirmScorecard.objects.filter(status=FirmScorecard.Status.ACTIVE).order_by("-promoted_at").first()
    return Scorecard.from_dict(active.spec) if active else expert_scorecard()


def _number(value):
    return None if value in (None, "") else float(Decimal(str(value)))


def department_features(values_by_source: dict[str, dict]) -> dict:
    """The card's columns from one firm's latest row of each source (absent source → missing)."""
    get = lambda code, key: (values_by_source.get(code) or {}).get(key)  # noqa: E731
    social = _number(get("social_insurance", "arrears"))
    utility = _number(get("utility_arrears", "arrears"))
    return {
        "tax_grade": get("tax_credit", "grade"),
        "tax_paid": _number(get("tax_paid", "tax_paid")),
        "insured": _number(get("social_insurance", "insured")),
        "social_arrears": None if social is None else social > 0,
        "open_cases": _number(get("court_enforcement", "open_cases")),
        "dishonest_listed": get("dishonest_debtor", "listed"),
        "abnormal_listed": get("abnormal_operation", "listed"),
        "penalties": _number(get("admin_penalty", "penalties")),
        "utility_arrears": None if utility is None else utility > 0,
    }


FIRM_COLUMNS = ("pk", "uscc", "registered_on", "employees", "annual_revenue")


def features_frame(firms: list, today, as_of=None) -> pd.DataFrame:
    """The card's columns for `firms` (rows of FIRM_COLUMNS), in their order. `as_of`: an observation date —
    only department rows of periods up to it and the loans returns ending by it (the statistical card's
    training); years of operation are counted to `today`."""
    ids = [f[0] for f in firms]
    latest: dict[int, dict[str, dict]] = {}
    rows = DepartmentRecord.objects.filter(firm_id__in=ids).order_by("source", "period")
    if as_of is not None:
        rows = rows.filter(period__lte=as_of)
    for firm_id, source, values in rows.values_list("firm_id", "source", "values").iterator(chunk_size=5000):
        latest.setdefault(firm_id, {})[source] = values  # ordered by period: the last one stays
    loans = loan_features({pk: uscc for pk, uscc, *_ in firms}, as_of)
    records = []
    for pk, _uscc, registered_on, employees, revenue in firms:
        records.append(
            {
                "years_operating": (today - registered_on).days / 365.25,
                "employees": employees,
                "annual_revenue": float(revenue),
                **department_features(latest.get(pk, {})),
                "lender_count": loans.get(pk, {}).get("lender_count", 0),
                "current_overdue": loans.get(pk, {}).get("current_overdue", False),
                "current_npl": loans.get(pk, {}).get("current_npl", False),
            }
        )
    return pd.DataFrame.from_records(records)


@transaction.atomic
def _store(firms: list, frame: pd.DataFrame, card: Scorecard, today) -> list[str]:
    result = card.score(frame)
    table = result.to_frame()
    ids = [f[0] for f in firms]
    FirmRating.objects.filter(firm_id__in=ids, version=card.version, rated_on=today).delete()
    FirmRating.objects.filter(firm_id__in=ids, is_current=True).update(is_current=False)
    objs = []
    for i, pk in enumerate(ids):
        reasons = result.reasons(i)
        if result.excluded[i]:
            reasons = [{"code": "excluded", "text": table["exclusion_texts"].iat[i], "lost": 0}]
        objs.append(
            FirmRating(
                firm_id=pk,
                version=card.version,
                rated_on=today,
                score=Decimal(f"{result.score[i]:.2f}"),
                grade=str(result.grade[i]),
                reasons=reasons,
                is_current=True,
            )
        )
    FirmRating.objects.bulk_create(objs, batch_size=2000)
    return [str(g) for g in result.grade]


def ratings_compute(*, actor, progress=None) -> dict:
    """Rate every firm in the register (not deregistered), in chunks; returns counts per grade."""
    say = progress or (lambda done, total, message: None)
    card, today = scorecard(), timezone.localdate()
    qs = Firm.objects.filter(deregistered_on__isnull=True).order_by("pk")
    total = qs.count()
    done, grades = 0, {}
    last = 0
    while True:
        firms = list(qs.filter(pk__gt=last).values_list(*FIRM_COLUMNS)[:CHUNK])
        if not firms:
            break
        frame = features_frame(firms, today)
        for grade in _store(firms, frame, card, today):
            grades[grade] = grades.get(grade, 0) + 1
        last, done = firms[-1][0], done + len(firms)
        say(done, total, f"已评级 {done:,} / {total:,} 户企业")
    audit_record(
        actor=actor,
        action=AuditLog.Action.IMPORT,
        object_type=FirmRating._meta.label,
        object_repr=f"小微企业信用评级（{card.version}，{today:%Y-%m-%d}）",
        after={"version": card.version, "firms": done, "grades": grades},
        note=f"按{card.name}（{card.version}）评级 {done:,} 户企业",
    )
    return {"version": card.version, "name": card.name, "firms": done, "grades": grades}  # fmt: skip


def firm_rating(*, firm) -> dict | None:
    """The firm's current rating for the other apps (financing's ranking, the first-loan lists)."""
    rating = FirmRating.objects.filter(firm=firm, is_current=True).order_by("-rated_on", "-pk").first()
    if rating is None:
        return None
    return {"grade": rating.grade, "score": rating.score, "version": rating.version, "date": rating.rated_on}
