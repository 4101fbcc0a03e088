"""Reads of the early warnings: the engine's input tables from the approved loans, and what the pages show.

The input tables are summed by the database (GROUP BY over `data.LoanRecord`, per submission), never by a
Python loop over the loans: a quarter at demo scale 10 has about a million. The submissions used are the
highest approved version of each bank's 贷款明细表 (`data.derived.effective_submissions`).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from puhui.core.crypto import mask_id_number
from puhui.core.models import Division, Organisation
from puhui.data.catalogue import LOANS_FORM
from puhui.data.derived import effective_submissions
from puhui.data.models import LoanRecord, ReportingPeriod, Submission
from puhui.engines.warnings import Exposure, FirmCredit, Inputs, Portfolio, RuleSet, load_rules
from puhui.engines.warnings.rules import SEVERITIES
from puhui.risk import access
from puhui.risk.models import NetworkGroupBank, NetworkRun, Warning, WarningRuleVersion

Status = LoanRecord.Status
# The office's dashboard: open warnings by days since first raised.
AGE_BANDS = [("0–7 天", 0, 7), ("8–30 天", 8, 30), ("31–90 天", 31, 90), ("90 天以上", 91, None)]


@dataclass
class Gathered:
    inputs: Inputs
    period: ReportingPeriod
    previous: ReportingPeriod | None
    submissions: dict[int, int]  # submission id → institution id (both quarters)
    banks: dict[int, Organisation]


def previous_quarter(period: ReportingPeriod) -> ReportingPeriod | None:
    """The quarter just before (ending the day before this one starts), if it exists."""
    return ReportingPeriod.objects.filter(
        kind=period.kind, end=period.start - datetime.timedelta(days=1)
    ).first()


def loan_submissions(periods: list[ReportingPeriod]) -> dict[int, tuple[int, int]]:
    """submission id → (institution id, period id): each bank's approved 贷款明细表 of each period."""
    ids = [pk for pks in effective_submissions(periods).values() for pk in pks]
    return {
        pk: (inst, period_id)
        for pk, inst, period_id in Submission.objects.filter(pk__in=ids, form=LOANS_FORM).values_list(
            "pk", "institution_id", "period_id"
        )
    }


def bank_label(org: Organisation) -> str:
    return org.short_name or org.name


def _portfolios(subs: dict, codes: dict[int, str], banks: dict[int, Organisation]) -> list[Portfolio]:
    unpaid = {"overdue": Q(status=Status.OVERDUE), "npl": Q(status=Status.NPL)}
    rows = (
        LoanRecord.objects.filter(submission_id__in=list(subs))
        .values("submission_id", "town_id")
        .annotate(
            balance=Sum("balance_fen"),
            overdue=Sum("balance_fen", filter=unpaid["overdue"]),
            npl=Sum("balance_fen", filter=unpaid["npl"]),
            agri=Sum("balance_fen", filter=Q(is_agri=True)),
            small=Sum("balance_fen", filter=Q(borrower_type=LoanRecord.BorrowerType.SMALL)),
        )
        .order_by()
    )
    fields = ("balance", "overdue", "npl", "agri", "small")
    by_bank: dict = defaultdict(lambda: dict.fromkeys(fields, 0))
    by_town: dict = defaultdict(lambda: dict.fromkeys(fields, 0))
    for r in rows:
        inst, period_id = subs[r["submission_id"]]
        for f in fields:
            by_bank[(inst, period_id)][f] += r[f] or 0
            by_town[(r["town_id"], period_id)][f] += r[f] or 0
    towns = dict(Division.objects.filter(pk__in={t for t, _ in by_town}).values_list("pk", "name"))
    out = [
        Portfolio("bank", str(inst), bank_label(banks[inst]), codes[pid], **v)
        for (inst, pid), v in by_bank.items()
    ]
    out += [Portfolio("town", str(t), towns.get(t, ""), codes[pid], **v) for (t, pid), v in by_town.items()]
    return out


def _firm_credit(subs: dict, codes: dict[int, str], banks: dict[int, Organisation]) -> list[FirmCredit]:
    """Each firm's (USCC borrowers) balance at each bank, per quarter."""
    rows = (
        LoanRecord.objects.filter(submission_id__in=list(subs), id_kind=LoanRecord.IdKind.USCC)
        .values_list("submission_id", "borrower_hash")
        .annotate(
            balance=Sum("balance_fen"),
            unpaid=Sum("balance_fen", filter=Q(status__in=[Status.OVERDUE, Status.NPL])),
        )
        .order_by()
    )
    out = []
    for sub_id, firm, balance, unpaid in rows.iterator(chunk_size=20000):
        inst, pid = subs[sub_id]
        out.append(FirmCredit(firm, "", str(inst), bank_label(banks[inst]), codes[pid], balance, unpaid or 0))
    return out


def _borrower_exposures(current: dict, totals: dict[int, int], share: float, banks) -> list[Exposure]:
    """Borrowers holding at least `share` % of a bank's loans (the lowest threshold of the rules): one
    grouped query per bank, kept to the few rows above it by HAVING."""
    out = []
    for sub_id, inst in current.items():
        total = totals.get(inst, 0)
        if not total:
            continue
        floor = int(total * share / 100)
        rows = (
            LoanRecord.objects.filter(submission_id=sub_id)
            .values_list("borrower_hash")
            .annotate(b=Sum("balance_fen"))
            .filter(b__gte=max(floor, 1))
            .order_by("-b")[:200]
        )
        for borrower, balance in rows:
            label = borrower_label(borrower, [sub_id])
            out.append(
                Exposure("borrower", str(inst), bank_label(banks[inst]), borrower, label, balance, total)
            )
    return out


def _network_exposures(period, totals: dict[int, int], banks) -> tuple[list[Exposure], bool]:
    run = NetworkRun.objects.filter(period=period).first()
    if run is None:
        return [], False
    out = []
    for row in NetworkGroupBank.objects.filter(
        group__run=run, institution_id__in=list(totals)
    ).select_related("group"):
        g = row.group
        label = f"第 {g.number} 号担保群（{g.hub_label}等 {g.size} 户）"
        inst = row.institution_id
        out.append(
            Exposure(
                "network",
                str(inst),
                bank_label(banks[inst]),
                str(g.number),
                label,
                row.balance_fen,
                totals[inst],
            )
        )
    return out, True


def gather(period: ReportingPeriod, ruleset: RuleSet) -> Gathered:
    """The engine's inputs for `period` against the quarter before."""
    previous = previous_quarter(period)
    periods = [period] + ([previous] if previous else [])
    subs = loan_submissions(periods)
    codes = {p.pk: p.code for p in periods}
    banks = {o.pk: o for o in Organisation.objects.filter(pk__in={i for i, _ in subs.values()})}
    portfolios = _portfolios(subs, codes, banks) if subs else []
    totals = {int(p.subject): p.balance for p in portfolios if p.level == "bank" and p.period == period.code}
    current = {s: i for s, (i, pid) in subs.items() if pid == period.pk}
    shares = [float(r.threshold) for r in ruleset.rules if r.kind == "concentration_borrower"]
    exposures = _borrower_exposures(current, totals, min(shares), banks) if shares and current else []
    networks, has_run = _network_exposures(period, totals, banks)
    inputs = Inputs(
        current=period.code,
        previous=previous.code if previous and any(pid == previous.pk for _, pid in subs.values()) else None,
        portfolios=portfolios,
        firm_credit=_firm_credit(subs, codes, banks) if subs else [],
        exposures=exposures + networks,
        networks=has_run,
    )
    return Gathered(inputs, period, previous, {s: i for s, (i, _) in subs.items()}, banks)


def borrower_label(borrower_hash: str, submission_ids) -> str:
    """A borrower as the office reads it: the firm's name from the register, else the masked number."""
    from puhui.registry.models import Firm

    loan = (
        LoanRecord.objects.filter(borrower_hash=borrower_hash, submission_id__in=list(submission_ids))
        .only("borrower_id", "id_kind")
        .first()
    )
    if loan is None:
        return "（未知借款人）"
    number = str(loan.borrower_id)
    firm = Firm.objects.filter(uscc=number).only("name").first() if loan.id_kind == "uscc" else None
    return firm.name if firm else f"{'企业' if loan.id_kind == 'uscc' else '借款人'} {mask_id_number(number)}"


# ---------------------------------------------------------------- rule versions


def current_version() -> WarningRuleVersion | None:
    return WarningRuleVersion.objects.filter(is_current=True).first()


def ruleset_of(version: WarningRuleVersion) -> RuleSet:
    return load_rules(version.text)


def rule_rows_of(ruleset: RuleSet) -> list[dict]:
    """The rules as the rule page shows them: each severity's threshold with its unit."""
    return [
        {"rule": r, "bands": [(SEVERITIES[s], v, r.unit) for s, v in r.bands.items()], "min_base": r.min_base}
        for r in ruleset.rules
    ]


def banks_named(ids: list[int]) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


# ---------------------------------------------------------------- pages


def dashboard(user) -> dict:
    """Open warnings by age band and by rule, counted by the database."""
    today = timezone.localdate()
    open_qs = access.warnings_for(user).exclude(status=Warning.Status.CLOSED)

    def since(days: int) -> datetime.datetime:
        day = today - datetime.timedelta(days=days)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    counts = {}
    for n, (_label, low, high) in enumerate(AGE_BANDS):
        q = Q(raised_at__lt=since(low - 1)) if low else Q()
        if high is not None:
            q &= Q(raised_at__gte=since(high))
        counts[f"age{n}"] = Count("pk", filter=q)
    ages = open_qs.aggregate(**counts)
    by_rule = list(
        open_qs.values("rule_code", "rule_name")
        .annotate(
            total=Count("pk"),
            serious=Count("pk", filter=Q(severity=Warning.Severity.SERIOUS)),
            open=Count("pk", filter=Q(status=Warning.Status.OPEN)),
            assigned=Count("pk", filter=Q(status=Warning.Status.ASSIGNED)),
            answered=Count("pk", filter=Q(status=Warning.Status.ANSWERED)),
        )
        .order_by("-total", "rule_code")
    )
    by_status = dict(access.warnings_for(user).values_list("status").annotate(n=Count("pk")).order_by())
    return {
        "ages": [(label, ages[f"age{n}"]) for n, (label, _, _) in enumerate(AGE_BANDS)],
        "by_rule": by_rule,
        "by_status": [(label, by_status.get(value, 0), value) for value, label in Warning.Status.choices],
        "open_total": sum(ages.values()),
    }


def age_days(warning: Warning) -> int:
    end = warning.closed_at or timezone.now()
    return (timezone.localdate(end) - timezone.localdate(warning.raised_at)).days


def owner_choices() -> list[Organisation]:
    """Who a warning may be assigned to: the county's banks (those that report loans) and the member units of
    the linkage mechanism."""
    bank_ids = Submission.objects.filter(form=LOANS_FORM).values("institution_id").distinct()
    return list(
        Organisation.objects.filter(Q(pk__in=bank_ids) | Q(plan_alias__in=access.LINKAGE_UNITS)).order_by(
            "kind", "name"
        )
    )


def periods_with_warnings() -> list[ReportingPeriod]:
    ids = Warning.objects.values("period_id").distinct()
    return list(ReportingPeriod.objects.filter(pk__in=ids).order_by("-start"))


# ---------------------------------------------------------------- to-do counts


def _office_count(user, status: str) -> int:
    from puhui.core.plugins import capped_count

    if not access.can_keep_warnings(user):
        return 0
    return capped_count(Warning.objects.filter(status=status).only("pk"))


def todo_office_open(user) -> int:
    """待处理 (not yet assigned) — the office's to-do line; one index range (risk_warning_status)."""
    return _office_count(user, Warning.Status.OPEN)


def todo_office_answered(user) -> int:
    """已答复 (answered, to be closed)."""
    return _office_count(user, Warning.Status.ANSWERED)


def todo_mine_count(user) -> int:
    """Assigned to the user's bank or unit and not yet answered (risk_warning_owner)."""
    from puhui.core.plugins import capped_count

    org = access.warning_unit_of(user)
    if org is None:
        return 0
    return capped_count(Warning.objects.filter(owner=org, status=Warning.Status.ASSIGNED).only("pk"))


def badge_count(user) -> int:
    """Beside 风险预警, on every page: what this user has to act on, in one capped count (the office: 待处理 and
    已答复 together; a bank or unit: assigned to it)."""
    from puhui.core.plugins import capped_count, counted

    if access.can_keep_warnings(user):
        waiting = Warning.objects.filter(status__in=[Warning.Status.OPEN, Warning.Status.ANSWERED])
        return capped_count(waiting.only("pk"))
    return counted(f"{__name__}.todo_mine_count", user)
