"""The policy engine's table of figures: one row per county-level bank and year (plan 十八、十九).

Every figure is read from what the platform already has — the institution-level derived indicators
(`IndicatorValue`, computed by `puhui.data.derived` from approved submissions) and the organisation
register — with a fixed handful of queries, whatever the number of institutions or years.

Which values are current: a computation (`derived.compute_all`) replaces every `IndicatorValue` and
`DerivedRun` in one transaction (`derived._store`), so the stored values are the current run's, one run
per period; they are read as the target monitor (`data.targets`) and the index sources
(`data.index_sources`) read them, with no run to choose.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q

from puhui.core.models import Division, Organisation
from puhui.core.periods import KIND_QUARTER, parse_code, quarters_of
from puhui.data import catalogue
from puhui.data.models import IndicatorValue

FORM = "deposits_loans"  # the banks that report it are the ones the policy is about
FEN = Decimal("0.01")

# Annual averages of quarterly balances: figure → the indicators added (a leading "-" subtracts).
AVERAGES = {
    "loan_avg": ("loans_total_reported",),
    "deposit_avg": ("deposits_total",),
    "local_loan_avg": ("loan_balance",),
    "agri_loan_avg": ("agri_loan_balance",),
    # 涉农贷款 + 小微企业贷款, a loan that is both counted once.
    "agri_small_avg": ("agri_loan_balance", "small_loan_balance", "-agri_small_overlap_balance"),
}
SUMS = {"startup_issued": ("startup_issued",)}  # flows: the year is the sum of its quarters

# The plan's 镇级 / 村级 outlet: one in a 村 is a village outlet; one in a town, a street or a 社区
# (the seat of a town or the county town's estates) is a town outlet.
VILLAGE_KINDS = frozenset({Division.Kind.VILLAGE})
TOWN_KINDS = frozenset({Division.Kind.TOWN, Division.Kind.STREET, Division.Kind.COMMUNITY})


def reporting_banks(institutions=None) -> list[Organisation]:
    """The county-level units that report the deposits and loans form, open or closed since.

    `institutions`: optional organisation codes or Organisation objects to keep.
    """
    form = catalogue.forms()[FORM]
    qs = Organisation.objects.filter(level=Organisation.Level.BRANCH).filter(
        Q(kind__in=form.submitter_kinds) | Q(plan_alias__in=form.submitter_aliases, plan_alias__gt="")
    )
    if institutions is not None:
        qs = qs.filter(code__in=[getattr(i, "code", i) for i in institutions])
    return list(qs.order_by("path"))


def _open_in(org: Organisation, year: int) -> bool:
    if org.opened_on is not None and org.opened_on.year > year:
        return False
    return org.closed_on is None or org.closed_on.year >= year


def _open_quarters(org: Organisation, year: int) -> list[str]:
    """The year's quarters the institution was open in: ended on/after its opening, begun before its closure."""
    out = []
    for code in quarters_of(year):
        spec = parse_code(code)
        if org.opened_on is not None and spec.end < org.opened_on:
            continue
        if org.closed_on is not None and spec.start > org.closed_on:
            continue
        out.append(code)
    return out


def _quarter_total(values: dict, org_id: int, quarter: str, parts: tuple[str, ...]) -> Decimal | None:
    total = Decimal(0)
    for part in parts:
        code = part.lstrip("-")
        v = values.get((org_id, code, quarter))
        if v is None:
            return None
        total += -v if part.startswith("-") else v
    return total


def _over_quarters(values, org_id, quarters, parts, *, average: bool) -> Decimal | None:
    """Mean (or sum) over the quarters; None when any quarter lacks a part — never a partial figure."""
    if not quarters:
        return None
    totals = [_quarter_total(values, org_id, q, parts) for q in quarters]
    if any(t is None for t in totals):
        return None
    s = sum(totals, Decimal(0))
    return (s / len(totals) if average else s).quantize(FEN)


def _quarterly_values(org_ids: list[int], years: list[int]) -> dict[tuple[int, str, str], Decimal]:
    """(organisation id, indicator code, quarter code) → value: one query over the index on code/level/period."""
    codes = {p.lstrip("-") for parts in (*AVERAGES.values(), *SUMS.values()) for p in parts}
    rows = IndicatorValue.objects.filter(
        level=IndicatorValue.Level.INSTITUTION,
        indicator_code__in=sorted(codes),
        period__kind=KIND_QUARTER,
        period__year__in=years,
        organisation_id__in=org_ids,
        value__isnull=False,
    ).values_list("organisation_id", "indicator_code", "period__code", "value")
    return {(org, code, period): value for org, code, period, value in rows}


def _new_outlets(banks: list[Organisation], years: list[int]) -> dict[tuple[int, int, str], int]:
    """(bank id, year, "town" | "village") → outlets under the bank opened that year: one query."""
    rows = Organisation.objects.filter(
        level=Organisation.Level.OUTLET, opened_on__year__in=years
    ).values_list("path", "opened_on", "division__kind")
    out: dict[tuple[int, int, str], int] = defaultdict(int)
    for path, opened, kind in rows:
        bank = next((b for b in banks if path.startswith(b.path)), None)
        if bank is None:
            continue
        where = "village" if kind in VILLAGE_KINDS else "town" if kind in TOWN_KINDS else None
        if where:
            out[(bank.pk, opened.year, where)] += 1
    return out


def policy_figures(years: list[int], institutions=None) -> list[dict]:
    """One dict per reporting bank and requested year in which it was open, ordered by bank, then year.

    Only the years asked for are returned: a rule that compares with the year before (the engine's
    prev()) needs its caller to ask for that year too, e.g. policy_figures([2019, 2020, 2021]) to judge
    2020 and 2021. A bank not yet open in a year (opened later) has no row for it.

    Keys: institution (code), name, year, and the figures — Decimal, or None when not available:
    opened_year; is_village_bank, is_new_rural, is_county_legal_person, has_sannong_division (0/1);
    loan_avg, deposit_avg, local_loan_avg, agri_loan_avg, agri_small_avg (元, the mean of the year's quarterly
    balances, counting only quarters ending on or after the opening; None if any of them has no value);
    startup_issued (元, the sum of those quarters); new_outlets_town, new_outlets_village (outlets under the
    bank opened in the year, in a town/street/社区 or in a 村).
    """
    years = sorted({int(y) for y in years})
    banks = reporting_banks(institutions)
    if not years or not banks:
        return []
    values = _quarterly_values([b.pk for b in banks], years)
    outlets = _new_outlets(banks, years)
    out = []
    for bank in banks:
        for year in years:
            if not _open_in(bank, year):
                continue
            quarters = _open_quarters(bank, year)
            row = {
                "institution": bank.code,
                "name": bank.name,
                "year": year,
                "opened_year": Decimal(bank.opened_on.year) if bank.opened_on else None,
                "is_village_bank": Decimal(int(bank.kind == Organisation.Kind.VILLAGE_BANK)),
                "is_new_rural": Decimal(int(bank.is_new_rural_institution)),
                "is_county_legal_person": Decimal(int(bank.is_county_legal_person)),
                "has_sannong_division": Decimal(int(bank.has_sannong_division)),
            }
            for name, parts in AVERAGES.items():
                row[name] = _over_quarters(values, bank.pk, quarters, parts, average=True)
            for name, parts in SUMS.items():
                row[name] = _over_quarters(values, bank.pk, quarters, parts, average=False)
            row["new_outlets_town"] = Decimal(outlets.get((bank.pk, year, "town"), 0))
            row["new_outlets_village"] = Decimal(outlets.get((bank.pk, year, "village"), 0))
            out.append(row)
    return out
