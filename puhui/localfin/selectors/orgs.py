"""Reads of the local financial organisations: their figures, the prudential findings, the county's totals
and the insurance network.

Figures are what the organisations report through the data capability: for each organisation, form and
quarter the highest approved version of its return (as the indicators use it), so a finding leads back to
the very submission it was computed from. A fixed handful of queries, whatever the number of quarters.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.db.models import Count, Q
from django.utils import timezone

from puhui.core.models import Division, Organisation, User
from puhui.data import catalogue
from puhui.data.models import AggregateValue, Indicator, IndicatorValue, ReportingPeriod, Submission
from puhui.engines.prudential.engine import BREACH, FigureRow, Finding, check
from puhui.engines.prudential.rules import RuleSet, load_rules
from puhui.localfin import access
from puhui.localfin.models import Licence

RULES_FILE = Path(__file__).resolve().parent.parent / "rules" / "yiyuan-2020.yaml"
FORMS = ("local_lending", "guarantee")  # the forms the rules read (puhui/data/catalogue/forms.yaml)
Kind = Organisation.Kind


@cache
def ruleset() -> RuleSet:
    return load_rules(RULES_FILE.read_text(encoding="utf-8"))


_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
_SYMBOLS = {"*": "×", "/": "÷", "<=": "≤", ">=": "≥"}


def _in_words(expression: str, words: dict[str, str]) -> str:
    text = _NAME.sub(lambda m: words.get(m.group(0), m.group(0)), expression)
    for symbol, word in _SYMBOLS.items():
        text = text.replace(symbol, word)
    return text


def rule_table() -> list[dict]:
    """The rules as the finance centre reads them: kinds, formula and limit in Chinese words."""
    rules = ruleset()
    words = {f.name: f.label for f in rules.figures.values()}
    words.update(
        {p.name: f"{p.label}（默认 {p.default.normalize():f} {p.unit}）" for p in rules.params.values()}
    )
    kinds = dict(Kind.choices)
    return [
        {
            "name": r.name,
            "kinds": "、".join(kinds.get(k, k) for k in r.kinds),
            "formula": _in_words(r.value, words),
            "limit": f"{_SYMBOLS.get(r.op, r.op)} {_in_words(r.limit, words)}",
            "unit": r.unit,
            "severity": r.severity_label,
            "basis": r.basis,
        }
        for r in rules.rules
    ]


@dataclass(frozen=True)
class Return:
    """One organisation's figures for one quarter, and the submission they come from."""

    organisation: Organisation
    period: ReportingPeriod
    submission_id: int
    figures: dict[str, Decimal]


def returns(orgs: list[Organisation], *, periods: list[ReportingPeriod] | None = None) -> list[Return]:
    """The approved figures of these organisations (latest version per quarter), oldest quarter first."""
    by_pk = {o.pk: o for o in orgs}
    subs = Submission.objects.filter(
        institution_id__in=list(by_pk), form__in=FORMS, status=Submission.Status.APPROVED
    )
    if periods is not None:
        subs = subs.filter(period__in=periods)
    best: dict[tuple, tuple[int, int, int]] = {}
    for pk, inst, form, period_id, version in subs.values_list(
        "pk", "institution_id", "form", "period_id", "version"
    ):
        key = (inst, form, period_id)
        if key not in best or best[key][0] < version:
            best[key] = (version, pk, period_id)
    chosen = {pk: (inst, period_id) for (inst, _f, _p), (_v, pk, period_id) in best.items()}
    figures: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for sub_id, item, value in AggregateValue.objects.filter(submission_id__in=list(chosen)).values_list(
        "submission_id", "item", "value"
    ):
        figures[sub_id][item] = value
    period_of = ReportingPeriod.objects.in_bulk({p for _i, p in chosen.values()})
    out = [
        Return(by_pk[inst], period_of[period_id], sub_id, figures[sub_id])
        for sub_id, (inst, period_id) in chosen.items()
    ]
    return sorted(out, key=lambda r: (r.period.end, r.organisation.path))


def _params(org: Organisation) -> dict[str, Decimal]:
    licence = getattr(org, "localfin_licence", None)
    return {"leverage_cap": licence.leverage_cap} if licence and licence.leverage_cap else {}


@dataclass(frozen=True)
class Flagged:
    finding: Finding
    ret: Return


def findings(rets: list[Return]) -> list[Flagged]:
    """Each return checked against the rules of its organisation's kind."""
    rules = ruleset()
    out = []
    for ret in rets:
        org = ret.organisation
        row = FigureRow(org.code, org.name, org.kind, ret.period.code, dict(ret.figures), _params(org))
        out += [Flagged(f, ret) for f in check(rules, [row])]
    return out


def _orgs(user: User) -> list[Organisation]:
    return list(access.organisations_for(user).order_by("kind", "path"))


def latest_quarter(rets: list[Return]) -> ReportingPeriod | None:
    return rets[-1].period if rets else None


def breaches(user: User, period_code: str = "") -> dict:
    """The findings beyond a limit, for one quarter (the latest with returns when none is asked for)."""
    orgs = _orgs(user)
    rets = returns(orgs)
    quarters = sorted({r.period for r in rets}, key=lambda p: p.end, reverse=True)
    chosen = next((p for p in quarters if p.code == period_code), quarters[0] if quarters else None)
    flagged = [f for f in findings(rets) if f.finding.status == BREACH]  # every quarter, checked once
    rows = [f for f in flagged if f.ret.period == chosen]
    per_quarter: dict[str, int] = defaultdict(int)
    for f in flagged:
        per_quarter[f.ret.period.code] += 1
    return {
        "period": chosen,
        "quarters": [(p, per_quarter.get(p.code, 0)) for p in quarters],
        "rows": rows,
        "reported": len({r.organisation.pk for r in rets if r.period == chosen}),
        "organisations": len(orgs),
    }


def breach_count(user: User) -> int:
    """Breaches in the latest quarter with returns (the finance centre's to-do line)."""
    if not access.sees_all(user):
        return 0
    return len(breaches(user)["rows"])


def organisation_page(user: User, org: Organisation) -> dict:
    rets = returns([org])
    checked = findings(rets)
    by_period: dict[int, list[Flagged]] = defaultdict(list)
    for f in checked:
        by_period[f.ret.period.pk].append(f)
    labels = _figure_labels(org)
    return {
        "org": org,
        "licence": Licence.objects.filter(organisation=org).first(),
        "rules": ruleset().rules_for(org.kind),
        "figure_labels": labels,
        "quarters": [
            (r, [(r.figures.get(code), unit) for code, _label, unit in labels], by_period[r.period.pk])
            for r in reversed(rets)
        ],
        "breach_total": sum(1 for f in checked if f.finding.status == BREACH),
    }


def _figure_labels(org: Organisation) -> list[tuple[str, str, str]]:
    """(item, label, unit) of the form this organisation reports."""
    forms = [f for code, f in catalogue.forms().items() if code in FORMS and f.applies_to(org)]
    return [(i.code, i.label, i.unit) for f in forms for i in f.items]


# ---------------------------------------------------------------- the county's totals (every reader)

SUMMARY_INDICATORS = (
    "local_lending_balance",
    "guarantee_in_force",
    "guarantee_leverage",
    "direct_financing",
    "direct_financing_share",
    "listed_firms",
    "insurance_outlets",
    "insurance_premiums",
)


SUMMARY_YEARS = 4


def summary_years() -> list[int]:
    """The latest years with county figures of local finance (the demo's 2019–2021), else the last ones."""
    years = sorted(
        set(
            IndicatorValue.objects.filter(
                level=IndicatorValue.Level.COUNTY,
                indicator_code__in=SUMMARY_INDICATORS,
                period__kind=ReportingPeriod.Kind.YEAR,
            ).values_list("period__year", flat=True)
        )
    )[-SUMMARY_YEARS:]
    this = timezone.localdate().year
    return years or list(range(this - SUMMARY_YEARS + 1, this + 1))


def county_summary(years: list[int]) -> dict:
    """County-level figures only: the organisations counted by kind, and the catalogue's indicators by year."""
    kinds = dict(
        Organisation.objects.filter(
            kind__in=Organisation.LOCAL_FINANCE_KINDS, level=Organisation.Level.BRANCH, closed_on__isnull=True
        )
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    values = IndicatorValue.objects.filter(
        level=IndicatorValue.Level.COUNTY,
        indicator_code__in=SUMMARY_INDICATORS,
        period__kind=ReportingPeriod.Kind.YEAR,
        period__year__in=years,
    ).values_list("indicator_code", "period__year", "value")
    table: dict[str, dict[int, Decimal | None]] = defaultdict(dict)
    for code, year, value in values:
        table[code][year] = value
    names = {i.code: i for i in Indicator.objects.filter(is_current=True, code__in=SUMMARY_INDICATORS)}
    return {
        "kinds": [
            (label, kinds.get(value, 0))
            for value, label in Kind.choices
            if value in Organisation.LOCAL_FINANCE_KINDS
        ],
        "years": years,
        "rows": [
            (names[code], [table[code].get(y) for y in years]) for code in SUMMARY_INDICATORS if code in names
        ],
    }


# ---------------------------------------------------------------- the insurance network (四)


def insurer_outlets_open(on) -> Q:
    return (
        Q(kind=Kind.INSURER, level=Organisation.Level.OUTLET)
        & (Q(opened_on__isnull=True) | Q(opened_on__lte=on))
        & (Q(closed_on__isnull=True) | Q(closed_on__gt=on))
    )


def insurance_outlets_values(start, end) -> list[tuple]:
    """DataSource `insurance_outlets`: insurers' outlets open at `end`, by village and town."""
    rows = (
        Organisation.objects.filter(insurer_outlets_open(end), division__isnull=False)
        .values("division_id", "division__level", "division__parent_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    out = []
    for r in rows:
        if r["division__level"] == Division.Level.VILLAGE:
            out.append((None, r["division__parent_id"], r["division_id"], float(r["n"])))
        elif r["division__level"] == Division.Level.TOWN:
            out.append((None, r["division_id"], None, float(r["n"])))
    return out


INSURANCE_LINES = (
    ("agri", "农业保险"),
    ("property", "其他财产保险"),
    ("life", "人寿保险"),
    ("health", "健康保险"),
    ("accident", "意外伤害保险"),
)


def insurance_network(today) -> dict:
    """Outlets by town (and the villages they reach), intermediaries, and the insurers' yearly figures by line."""
    towns = list(Division.objects.filter(level=Division.Level.TOWN).order_by("code"))
    by_division = (
        Organisation.objects.filter(insurer_outlets_open(today), division__isnull=False)
        .values("division_id", "division__level", "division__parent_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    outlets, villages = defaultdict(int), defaultdict(int)
    for r in by_division:
        town = (
            r["division__parent_id"] if r["division__level"] == Division.Level.VILLAGE else r["division_id"]
        )
        outlets[town] += r["n"]
        if r["division__level"] == Division.Level.VILLAGE:
            villages[town] += 1
    village_total = dict(
        Division.objects.filter(level=Division.Level.VILLAGE)
        .values_list("parent_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    intermediaries = list(
        Organisation.objects.filter(kind=Kind.INSURANCE_AGENCY, closed_on__isnull=True)
        .select_related("division")
        .order_by("name")
    )
    return {
        "towns": [
            (t, outlets.get(t.pk, 0), villages.get(t.pk, 0), village_total.get(t.pk, 0)) for t in towns
        ],
        "outlet_total": sum(outlets.values()),
        "intermediaries": intermediaries,
        "lines": insurance_lines(),
    }


def insurance_lines() -> dict:
    """Per year, per insurer: premiums, claims and policies by line (approved 保险业务分险种情况表)."""
    subs = Submission.objects.filter(form="insurance_lines", status=Submission.Status.APPROVED)
    best: dict[tuple, tuple[int, int]] = {}
    for pk, inst, period_id, version in subs.values_list("pk", "institution_id", "period_id", "version"):
        if (inst, period_id) not in best or best[(inst, period_id)][0] < version:
            best[(inst, period_id)] = (version, pk)
    ids = [pk for _v, pk in best.values()]
    values = AggregateValue.objects.filter(submission_id__in=ids).values_list(
        "submission__period__year", "submission__institution__name", "item", "value"
    )
    table: dict[int, dict[str, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for year, insurer, item, value in values:
        table[year][insurer][item] = value
    years = []
    for year in sorted(table, reverse=True):
        insurers = []
        for insurer, items in sorted(table[year].items()):
            insurers.append(
                (
                    insurer,
                    [
                        (
                            label,
                            items.get(f"{c}_premiums"),
                            items.get(f"{c}_claims"),
                            items.get(f"{c}_policies"),
                        )
                        for c, label in INSURANCE_LINES
                    ],
                )
            )
        years.append((year, insurers))
    return {"years": years, "lines": INSURANCE_LINES}
