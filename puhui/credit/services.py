"""Writes of the credit app: keyword-only, atomic, audited."""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable
from decimal import Decimal

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from puhui.core.audit import audit_changed, audit_record, snapshot
from puhui.core.models import AuditLog, Division, User
from puhui.core.ratelimit import resubmission_since
from puhui.credit import defaults, scoring, selectors
from puhui.credit.models import (
    ArchiveMember,
    Consent,
    CreditMovement,
    Designation,
    DesignationRule,
    HouseholdArchive,
    LimitRule,
    Objection,
    PreCreditLine,
    Rating,
    ScorecardVersion,
)
from puhui.credit.selectors import archive_id_numbers
from puhui.engines.scoring import Scorecard
from puhui.registry.models import Household

Role = User.Role

# Required for 建档: everything the default card scores, plus the land and activities of the plan.
REQUIRED_FIELDS = [
    "head_education",
    "labour_count",
    "residence_years",
    "housing",
    "land_contracted_mu",
    "main_activities",
    "operating_years",
    "total_assets",
    "total_liabilities",
    "annual_net_income",
    "operating_income",
    "has_agri_insurance",
    "accounts",
    "lender_count",
    "current_overdue",
    "current_npl",
    "guarantee_outstanding",
    "utility_arrears",
    "litigation_pending",
    "enforcement_pending",
    "enforcement_closed",
]
EDITABLE_FIELDS = [
    f.name
    for f in HouseholdArchive._meta.concrete_fields
    if f.name
    not in {
        "id",
        "household",
        "village",
        "town",
        "completeness",
        "is_complete",
        "status",
        "collected_by",
        "verified_by",
        "verified_bank",
        "verified_town",
        "verified_at",
        "updated_at",
        "grade",  # the current rating's, written by the ratings (scoring.insert_ratings), never typed in
    }
]


def _filled(value) -> bool:
    return value is not None and value != ""


def archive_completeness(archive: HouseholdArchive) -> tuple[int, list[str]]:
    """(percent of required fields filled, labels of the missing ones)."""
    missing = [f for f in REQUIRED_FIELDS if not _filled(getattr(archive, f))]
    labels = [HouseholdArchive._meta.get_field(f).verbose_name for f in missing]
    return round(100 * (len(REQUIRED_FIELDS) - len(missing)) / len(REQUIRED_FIELDS)), labels


def archive_apply(archive: HouseholdArchive, data: dict, *, actor) -> bool:
    """Set the editable fields given in `data` (in memory) and recompute completeness and status.

    Shared by `archive_save` and the bulk import (`archive_import`), so both count 建档 the same way.
    Returns whether any field changed. Any change to a verified archive sends it back to `submitted`;
    a complete draft becomes `submitted`; nothing here ever verifies.
    """
    changed = False
    for name in EDITABLE_FIELDS:
        if name in data and getattr(archive, name) != data[name]:
            setattr(archive, name, data[name])
            changed = True
    archive.completeness, _ = archive_completeness(archive)
    archive.is_complete = archive.completeness == 100
    if archive.status == HouseholdArchive.Status.VERIFIED and changed:
        archive.status = HouseholdArchive.Status.SUBMITTED
        archive.verified_by = archive.verified_bank = archive.verified_town = archive.verified_at = None
    if archive.status == HouseholdArchive.Status.DRAFT and archive.is_complete:
        archive.status = HouseholdArchive.Status.SUBMITTED
    if actor is not None and actor.is_authenticated and actor.role == Role.AGENT:
        archive.collected_by = actor
    return changed


@transaction.atomic
def archive_save(
    *, actor, household: Household, data: dict, members: list[dict] | None = None
) -> HouseholdArchive:
    """Create or update the archive. Any change to a verified archive needs verifying again."""
    archive = HouseholdArchive.objects.filter(household=household).first()
    before = snapshot(archive) if archive else None
    if archive is None:
        archive = HouseholdArchive(
            household=household, village_id=household.village_id, town_id=household.town_id
        )
    archive_apply(archive, data, actor=actor)
    archive.full_clean(exclude=["household", "village", "town"])
    archive.save()
    if members is not None:
        archive.members.all().delete()
        ArchiveMember.objects.bulk_create(
            [ArchiveMember(archive=archive, **m) for m in members if m.get("name")]
        )
    audit_changed(actor=actor, obj=archive, before=before, note="保存信用档案")
    return archive


@transaction.atomic
def archive_verify(*, actor, archive: HouseholdArchive) -> HouseholdArchive:
    if not archive.is_complete:
        _, missing = archive_completeness(archive)
        raise ValidationError(f"档案必填项不全，不能核实：{'、'.join(missing)}。")
    before = snapshot(archive)
    archive.status = HouseholdArchive.Status.VERIFIED
    archive.verified_by = actor
    archive.verified_at = timezone.now()
    archive.verified_bank = actor.organisation if actor.role == Role.INSTITUTION else None
    archive.verified_town = actor.town if actor.role == Role.TOWN else None
    archive.save()
    audit_changed(actor=actor, obj=archive, before=before, note="核实信用档案")
    return archive


def archive_view_log(*, actor, household: Household, what: str = "信用档案") -> None:
    """Every opening of a household's credit data is logged; the office reads these (access log page).

    Logged as UNMASK ("查看明文"), the core's action for reading personal data in clear."""
    audit_record(
        actor=actor,
        action=AuditLog.Action.UNMASK,
        object_type="credit.HouseholdArchive",
        object_id=str(household.pk),
        object_repr=f"{household.code} 信用档案",
        note=f"查看{what}",
    )


@transaction.atomic
def archive_id_unmask(*, actor, household: Household, ref: str) -> str:
    """One ID number of the archive form in clear (显示明文), logged like the registry's `household_unmask`.

    The caller loads the household through `access.access_household_for_archive_unmask` (role and
    scope checked). `ref` is a key of `selectors.archive_id_numbers`; an unknown one raises KeyError.
    The clear value is never written to the log."""
    archive = HouseholdArchive.objects.filter(household=household).first()
    what, value = archive_id_numbers(household, archive)[ref]
    audit_record(
        actor=actor,
        action=AuditLog.Action.UNMASK,
        object_type="credit.HouseholdArchive",
        object_id=str(household.pk),
        object_repr=f"{household.code} 信用档案",
        after={"field": "id_number", "ref": ref},
        note=f"查看明文：{what}",
    )
    return value


# ---------------------------------------------------------------- scorecards


def scorecard_active() -> ScorecardVersion:
    """The promoted card, for a rating run. `migrate` installs and promotes the shipped default
    (`defaults.install_defaults`); should no card be active, the run installs it (a write, never a page)."""
    return defaults.install_scorecard(ScorecardVersion)


@transaction.atomic
def scorecard_add(*, actor, spec: dict, report: dict | None = None) -> ScorecardVersion:
    """Store a new version (validated by the engine: forbidden items, bins, grades…), not yet in use.

    `report`: a statistical version's validation report (MODEL.report.json); it must name this model."""
    from puhui.engines.scoring import ScoringError

    try:
        card = Scorecard.from_dict(spec)
    except ScoringError as exc:
        raise ValidationError(str(exc)) from exc
    if report is not None:
        named = (report.get("model") or {}).get("fingerprint") if isinstance(report, dict) else None
        if named != card.fingerprint:
            raise ValidationError(
                f"验证报告不属于该模型：报告中的模型指纹为 {named or '（无）'}，模型指纹为 {card.fingerprint}。"
            )
    spec = card.to_dict()
    if ScorecardVersion.objects.filter(card_id=spec["id"], version=str(spec["version"])).exists():
        raise ValidationError(f"评分卡 {spec['id']}@{spec['version']} 已存在，请提高版本号。")
    obj = ScorecardVersion.objects.create(
        card_id=spec["id"],
        version=str(spec["version"]),
        name=spec.get("name", spec["id"]),
        kind=spec.get("kind", "expert"),
        spec=spec,
        fingerprint=card.fingerprint,
        report=report,
    )
    audit_changed(actor=actor, obj=obj, before=None, note="新增评分卡版本")
    return obj


@transaction.atomic
def scorecard_promote(*, actor, version: ScorecardVersion, reviewed: bool = False) -> ScorecardVersion:
    """Make `version` the active card (the previous one retires). A statistical version needs its
    validation report, and `reviewed` — the office's confirmation that it read the report."""
    if version.kind == "statistical":
        if not version.report:
            raise ValidationError("该统计模型没有验证报告，不能启用。")
        if not reviewed:
            raise ValidationError("请先审核验证报告，并勾选“已审核验证报告”。")
    ScorecardVersion.objects.filter(status=ScorecardVersion.Status.ACTIVE).exclude(pk=version.pk).update(
        status=ScorecardVersion.Status.RETIRED
    )
    before = snapshot(version)
    version.status = ScorecardVersion.Status.ACTIVE
    version.promoted_by = actor
    version.promoted_at = timezone.now()
    version.save()
    audit_changed(actor=actor, obj=version, before=before, note="启用评分卡版本")
    return version


# ---------------------------------------------------------------- ratings


def counted_archives() -> QuerySet[HouseholdArchive]:
    """The archives that count as 建档 (the rule lives in `selectors.archived_households`)."""
    return selectors.archived_households()


def households_rate(
    *,
    actor,
    archives: QuerySet[HouseholdArchive] | None = None,
    as_of: datetime.date | None = None,
    batch: int = 200_000,
    progress: Callable[[int, int, str], None] | None = None,
) -> dict:
    """Rate every counted archive in `archives` (default: the county) with the active card.

    Batches of `batch` households: read raw rows, score in numpy, retire the old ratings, bulk insert.
    One audit record per run (a million per-row records would bury the log)."""
    as_of = as_of or timezone.localdate()
    version = scorecard_active()
    card = Scorecard.from_dict(version.spec)
    rule = limit_rule_active().spec
    qs = counted_archives() if archives is None else archives.filter(selectors.archived_q())
    ids = np.fromiter(qs.order_by("household_id").values_list("household_id", flat=True), dtype=np.int64)
    total = len(ids)
    now = timezone.now()
    grades: dict[str, int] = {}
    done = 0
    for start in range(0, total, batch):
        chunk = ids[start : start + batch]
        lo, hi = int(chunk[0]), int(chunk[-1])
        df = scoring.archive_frame(qs.filter(household_id__gte=lo, household_id__lte=hi))
        used = scoring.add_payment_signals(df, as_of=as_of)
        out = scoring.rate_frame(card, df)
        limits = scoring.limits_for(df, out["grade"].to_numpy(), rule).tolist()
        with transaction.atomic():
            Rating.objects.filter(household_id__gte=lo, household_id__lte=hi, is_current=True).filter(
                household_id__in=qs.filter(household_id__gte=lo, household_id__lte=hi).values("household_id")
            ).update(is_current=False)
            scoring.insert_ratings(
                household_ids=out.index.tolist(),
                scorecard_id=version.pk,
                scores=out["score"].tolist(),
                grades=out["grade"].tolist(),
                excluded=out["excluded"].tolist(),
                reasons=out["reasons"].tolist(),
                used_payment=[bool(u) for u in used],
                limits=limits,
                rated_at=now,
            )
        for g, n in out["grade"].value_counts().items():
            grades[g] = grades.get(g, 0) + int(n)
        done += len(chunk)
        if progress:
            progress(done, total, f"已评级 {done:,} / {total:,} 户")
    summary = {"households": total, "version": str(version), "grades": grades}
    audit_record(
        actor=actor,
        action=AuditLog.Action.CREATE,
        object_type="credit.Rating",
        object_repr=f"批量评级 {total} 户",
        after=summary,
        note=f"按评分卡 {version} 评级",
    )
    return summary


def household_rate(*, actor, household: Household) -> Rating:
    archive = HouseholdArchive.objects.filter(household=household).first()
    if archive is None or not archive.counts_as_archived:
        raise ValidationError("该户信用档案尚未填写完整并核实，不能评级。")
    households_rate(actor=actor, archives=HouseholdArchive.objects.filter(pk=archive.pk))
    rating = Rating.objects.get(household=household, is_current=True)
    audit_changed(actor=actor, obj=rating, before=None, note="评级")
    return rating


# ---------------------------------------------------------------- consent and objections


@transaction.atomic
def consent_record(
    *, actor, household: Household, scope: str, granted_by_name: str, expires_on: datetime.date
) -> Consent:
    if expires_on <= timezone.localdate():
        raise ValidationError("授权有效期必须晚于今天。")
    consent = Consent(
        household=household,
        scope=scope,
        granted_by_name=granted_by_name,
        recorded_by=actor,
        granted_at=timezone.now(),
        expires_on=expires_on,
    )
    consent.full_clean()
    consent.save()
    audit_changed(actor=actor, obj=consent, before=None, note="记录授权")
    return consent


@transaction.atomic
def consent_revoke(*, actor, consent: Consent) -> Consent:
    before = snapshot(consent)
    consent.revoked_at = timezone.now()
    consent.save(update_fields=["revoked_at"])
    audit_changed(actor=actor, obj=consent, before=before, note="撤回授权")
    return consent


@transaction.atomic
def objection_raise(*, actor, household: Household, text: str) -> Objection:
    text = (text or "").strip()
    if not text:
        raise ValidationError("请写明异议内容。")
    # A double click posts the form twice: the household row is locked so that the second waits for the
    # first, then finds its objection and returns it instead of storing the same one again.
    Household.objects.select_for_update().filter(pk=household.pk).exists()
    twin = (
        Objection.objects.filter(
            household=household, raised_by=actor, text=text, raised_at__gte=resubmission_since()
        )
        .order_by("-raised_at")
        .first()
    )
    if twin is not None:
        return twin
    now = timezone.now()
    objection = Objection.objects.create(
        household=household,
        rating=Rating.objects.filter(household=household, is_current=True).first(),
        text=text,
        raised_by=actor,
        raised_at=now,
        due_on=timezone.localdate(now) + datetime.timedelta(days=Objection.DAYS),
    )
    audit_changed(actor=actor, obj=objection, before=None, note="提出异议")
    return objection


@transaction.atomic
def objection_answer(*, actor, objection: Objection, answer: str) -> Objection:
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError("请填写书面答复。")
    before = snapshot(objection)
    objection.answer = answer
    objection.answered_by = actor
    objection.answered_at = timezone.now()
    objection.save()
    audit_changed(actor=actor, obj=objection, before=before, note="答复异议")
    return objection


# ---------------------------------------------------------------- pre-credit


def limit_rule_active() -> LimitRule:
    """The active rule; the shipped default, unsaved, if the row installed by `migrate` is gone (reads only)."""
    rule = LimitRule.objects.filter(is_active=True).order_by("-created_at").first()
    return rule if rule is not None else defaults.default_limit_rule(LimitRule)


def household_limit(household: Household) -> tuple[Decimal, Rating | None]:
    """The rule's limit for this household from its current rating (0 when not eligible)."""
    rating = Rating.objects.filter(household=household, is_current=True).first()
    if rating is None:
        return Decimal(0), None
    df = scoring.archive_frame(HouseholdArchive.objects.filter(household=household))
    limit = scoring.limits_for(df, np.array([rating.grade], dtype=object), limit_rule_active().spec)
    return Decimal(int(limit[0])), rating


@transaction.atomic
def line_offer(
    *, actor, household: Household, valid_until: datetime.date, limit: Decimal | None = None
) -> PreCreditLine:
    if not selectors.archived_households().filter(household=household).exists():
        raise ValidationError("该户信用档案尚未填写完整并核实，不能预授信。")
    rule_limit, rating = household_limit(household)
    if rating is None:
        raise ValidationError("该户尚未评级，不能预授信。")
    if rule_limit <= 0:
        raise ValidationError("该户评级或公共记录不符合预授信条件。")
    limit = rule_limit if limit is None else Decimal(limit)
    if limit <= 0 or limit > rule_limit:
        raise ValidationError(f"授信额度须大于0且不超过规则额度 {rule_limit:,.0f} 元。")
    today = timezone.localdate()
    if valid_until <= today:
        raise ValidationError("有效期必须晚于今天。")
    line = PreCreditLine.objects.create(
        household=household,
        village_id=household.village_id,
        town_id=household.town_id,
        bank=actor.organisation,
        rating=rating,
        limit=limit,
        valid_from=today,
        valid_until=valid_until,
        offered_by=actor,
        offered_at=timezone.now(),
    )
    audit_changed(actor=actor, obj=line, before=None, note="预授信")
    return line


@transaction.atomic
def line_respond(*, actor, line: PreCreditLine, accept: bool) -> PreCreditLine:
    if line.status != PreCreditLine.Status.OFFERED:
        raise ValidationError("该授信已处理。")
    before = snapshot(line)
    line.status = PreCreditLine.Status.ACCEPTED if accept else PreCreditLine.Status.DECLINED
    line.accepted_at = timezone.now() if accept else None
    line.save()
    audit_changed(actor=actor, obj=line, before=before, note="确认授信" if accept else "拒绝授信")
    return line


@transaction.atomic
def line_move(*, actor, line: PreCreditLine, kind: str, amount: Decimal) -> CreditMovement:
    """随用随借随还: draw within the unused line while valid; repay up to the outstanding balance."""
    amount = Decimal(amount)
    line = PreCreditLine.objects.select_for_update().get(pk=line.pk)
    if amount <= 0:
        raise ValidationError("金额必须大于0。")
    if kind == CreditMovement.Kind.DRAW:
        if line.status != PreCreditLine.Status.ACCEPTED:
            raise ValidationError("授信尚未确认，不能用信。")
        if not line.valid_from <= timezone.localdate() <= line.valid_until:
            raise ValidationError("授信不在有效期内。")
        if line.outstanding + amount > line.limit:
            raise ValidationError(f"超过可用额度（可用 {line.limit - line.outstanding:,.2f} 元）。")
        delta = amount
    elif kind == CreditMovement.Kind.REPAY:
        if amount > line.outstanding:
            raise ValidationError(f"还款金额超过用信余额（{line.outstanding:,.2f} 元）。")
        delta = -amount
    else:
        raise ValidationError("类型不正确。")
    before = snapshot(line)
    PreCreditLine.objects.filter(pk=line.pk).update(outstanding=F("outstanding") + delta)
    line.refresh_from_db()
    move = CreditMovement.objects.create(line=line, kind=kind, amount=amount, at=timezone.now(), by=actor)
    audit_changed(actor=actor, obj=line, before=before, note=f"{move.get_kind_display()} {amount} 元")
    return move


# ---------------------------------------------------------------- designations

DEFAULT_RULES = defaults.DEFAULT_RULES


def designation_rule(level: str) -> DesignationRule:
    """The active rule of `level`; the shipped default, unsaved, if the row installed by `migrate` is gone
    (the pages read it; `designations_evaluate` stores it before pointing a designation at it)."""
    rule = DesignationRule.objects.filter(level=level, is_active=True).order_by("-created_at").first()
    return rule if rule is not None else defaults.default_designation_rule(level, DesignationRule)


def _designation_rule_stored(level: str) -> DesignationRule:
    rule = designation_rule(level)
    if rule.pk is None:
        rule.save()
    return rule


# The comparison operators a designation condition may use (figure OP threshold), and their signs.
DESIGNATION_OPS: dict[str, tuple[str, Callable[[float, float], bool]]] = {
    "ge": ("≥", operator.ge),
    "gt": (">", operator.gt),
    "le": ("≤", operator.le),
    "lt": ("<", operator.lt),
}


def _check(cond: dict, value: float | None) -> bool:
    """Whether `value` meets the condition. An operator outside DESIGNATION_OPS raises ValueError
    (a mistyped rule must stop the evaluation, not silently become `<=`)."""
    op = cond.get("op")
    if op not in DESIGNATION_OPS:
        raise ValueError(
            f"未知的比较运算符 {op!r}（条件 {cond.get('key')!r}），应为 {sorted(DESIGNATION_OPS)} 之一"
        )
    if value is None:
        return False
    return DESIGNATION_OPS[op][1](value, float(cond["threshold"]))


@transaction.atomic
def designations_evaluate(*, actor, year: int) -> dict:
    """The yearly evaluation: every village, town and the county, each condition's figure stored."""
    now = timezone.now()
    figures = selectors.village_credit_figures(year=year)
    out = {"village": 0, "town": 0, "county": 0}
    rows = []
    passed_village: dict[int, bool] = {}
    village_rule = _designation_rule_stored("village")
    for vid, fig in figures["village"].items():
        items = [
            {**c, "value": fig.get(c["key"]), "met": _check(c, fig.get(c["key"]))}
            for c in village_rule.spec["conditions"]
        ]
        passed = all(i["met"] for i in items)
        passed_village[vid] = passed
        out["village"] += passed
        rows.append(
            Designation(
                rule=village_rule, division_id=vid, year=year, passed=passed, figures=items, evaluated_at=now
            )
        )
    town_rule = _designation_rule_stored("town")
    passed_town: dict[int, bool] = {}
    villages_by_town: dict[int, list[int]] = {}
    for vid, tid in Division.objects.filter(level=Division.Level.VILLAGE).values_list("pk", "parent_id"):
        villages_by_town.setdefault(tid, []).append(vid)
    for tid, fig in figures["town"].items():
        vids = villages_by_town.get(tid, [])
        fig = {
            **fig,
            "credit_village_share": (sum(passed_village.get(v, False) for v in vids) / len(vids))
            if vids
            else None,
        }
        items = [
            {**c, "value": fig.get(c["key"]), "met": _check(c, fig.get(c["key"]))}
            for c in town_rule.spec["conditions"]
        ]
        passed = all(i["met"] for i in items)
        passed_town[tid] = passed
        out["town"] += passed
        rows.append(
            Designation(
                rule=town_rule, division_id=tid, year=year, passed=passed, figures=items, evaluated_at=now
            )
        )
    county_rule = _designation_rule_stored("county")
    for cid, fig in figures["county"].items():
        tids = list(figures["town"])
        fig = {
            **fig,
            "credit_town_share": (sum(passed_town.get(t, False) for t in tids) / len(tids)) if tids else None,
        }
        items = [
            {**c, "value": fig.get(c["key"]), "met": _check(c, fig.get(c["key"]))}
            for c in county_rule.spec["conditions"]
        ]
        passed = all(i["met"] for i in items)
        out["county"] += passed
        rows.append(
            Designation(
                rule=county_rule, division_id=cid, year=year, passed=passed, figures=items, evaluated_at=now
            )
        )
    Designation.objects.filter(year=year).delete()
    Designation.objects.bulk_create(rows, batch_size=2000)
    audit_record(
        actor=actor,
        action=AuditLog.Action.CREATE,
        object_type="credit.Designation",
        object_repr=f"{year}年信用评定",
        after=out,
        note=f"{year}年度信用村、信用乡镇、信用县评定",
    )
    return out
