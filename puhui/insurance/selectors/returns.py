"""The insurers' yearly 农业保险业务情况表 (the data app's `insurance` form) beside the product records.

The form carries, per insurer and town, the policies, premium, claims and claims paid of all its agricultural
insurance; the records here carry the same figures per product. Per insurer and year the page shows both
county totals and the difference, so the office sees at once where a return and the records disagree (a
product not recorded, a town reported twice). Only the highest approved version of each return counts, as in
the data app's figures.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from puhui.core.models import Organisation
from puhui.data.derived import effective_submissions
from puhui.data.models import AggregateValue, ReportingPeriod, Submission
from puhui.insurance import access
from puhui.insurance.models import AGRI_LINES

FORM = "insurance"
# form item → Report field
COMPARED = {"policies": "policies", "premiums": "premium", "claim_count": "claims", "claims": "claims_paid"}
UNITS = {"policies": "件", "premiums": "元", "claim_count": "件", "claims": "元"}


@dataclass
class ReturnRow:
    insurer: Organisation
    form: dict[str, Decimal | None]  # None: no approved return for the year
    records: dict[str, Decimal]

    @property
    def differences(self) -> dict[str, Decimal | None]:
        return {k: None if self.form[k] is None else self.records[k] - self.form[k] for k in COMPARED}

    @property
    def cells(self) -> list[tuple[str, Decimal | None, Decimal, Decimal | None]]:
        """(unit, return, records, records − return) in the order of COMPARED."""
        diff = self.differences
        return [(UNITS[k], self.form[k], self.records[k], diff[k]) for k in COMPARED]

    @property
    def agrees(self) -> bool:
        return all(d == 0 for d in self.differences.values())


def _approved_returns(year: int) -> list[int]:
    """The year's returns in force: the data app's own rule (the highest approved version of each insurer's)."""
    period = ReportingPeriod.objects.filter(code=str(year)).first()
    if period is None:
        return []
    ids = effective_submissions([period]).get(period.pk, [])
    return list(Submission.objects.filter(pk__in=ids, form=FORM).values_list("pk", flat=True))


def returns_by_town(year: int) -> dict[tuple[int, int], dict[str, Decimal]]:
    """(insurer id, town id) → item → value of the year's returns in force, every item of the form (the demo
    splits them over the products; nothing here filters by user, so no page calls it)."""
    out: dict[tuple[int, int], dict[str, Decimal]] = {}
    values = AggregateValue.objects.filter(submission_id__in=_approved_returns(year), town__isnull=False)
    for insurer, town, item, value in values.values_list(
        "submission__institution_id", "town_id", "item", "value"
    ):
        out.setdefault((insurer, town), {})[item] = value
    return out


def _form_values(user, year: int):
    values = AggregateValue.objects.filter(submission_id__in=_approved_returns(year), item__in=COMPARED)
    if access.sees_all(user):
        return values
    insurer, town = access.insurer_of(user), access.town_of(user)
    if insurer is not None:
        return values.filter(submission__institution=insurer)
    return values.filter(town=town) if town is not None else values.none()


def returns_beside_records(user, year: int) -> list[ReturnRow]:
    """Per insurer the user may see: the return's totals and the agricultural products' records' totals."""
    form: dict[int, dict] = {}
    for row in _form_values(user, year).values("submission__institution_id", "item").annotate(v=Sum("value")):
        form.setdefault(row["submission__institution_id"], {})[row["item"]] = row["v"]
    reports = access.reports_for(user).filter(year=year, product__line__in=AGRI_LINES)
    records = {
        row["product__insurer_id"]: row
        for row in reports.values("product__insurer_id").annotate(**{k: Sum(f) for k, f in COMPARED.items()})
    }
    out = []
    for org in Organisation.objects.filter(pk__in=set(form) | set(records)).order_by("code"):
        got, kept = form.get(org.pk), records.get(org.pk, {})
        out.append(
            ReturnRow(
                insurer=org,
                form={k: None if got is None else got.get(k, Decimal(0)) for k in COMPARED},
                records={k: kept.get(k) or Decimal(0) for k in COMPARED},
            )
        )
    return out
