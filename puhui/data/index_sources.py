"""The reported data's indicators for the county index: loans, insurance and risk per town and period.

Each source reads the derived town figures (`IndicatorValue`, level town) that `derived.compute_all`
wrote from approved submissions, so the index uses exactly the figures the target dashboard shows, and
their lineage leads back to the submissions. An indicator reported only
yearly (insurance) enters a quarterly index with the latest year ended by the quarter's last day: 2020Q1–Q3 carry 2019's
figure, 2020Q4 has 2020's.
"""

import pandas as pd

from puhui.core.periods import KIND_YEAR
from puhui.data.models import IndicatorValue
from puhui.index.sources import source


def _town_figures(key: str, indicator_code: str, periods) -> pd.DataFrame:
    rows = IndicatorValue.objects.filter(
        indicator_code=indicator_code, level=IndicatorValue.Level.TOWN, value__isnull=False
    ).values_list("division__code", "period__code", "period__kind", "period__end", "value")
    df = pd.DataFrame(list(rows), columns=["uCode", "code", "kind", "end", key])
    if df.empty:
        return pd.DataFrame(columns=["uCode", "Time", key, "as_of"])
    df[key] = df[key].astype(float)
    yearly_only = (df["kind"] == KIND_YEAR).all()
    by_code = df.set_index(["uCode", "code"])[key]
    years = df[df["kind"] == KIND_YEAR]
    out = []
    for p in periods:
        if yearly_only and "Q" in p.label:
            known = years[years["end"] <= p.end]
            if known.empty:
                continue
            latest = known[known["end"] == known["end"].max()]
            # a quarter inside a year not yet ended carries the last year's figure: say which year
            as_of = "" if known["end"].max() == p.end else str(latest["code"].iloc[0])
            out += [(u, p.label, v, as_of) for u, v in zip(latest["uCode"], latest[key], strict=True)]
        else:
            here = (
                by_code.xs(p.label, level="code")
                if p.label in by_code.index.get_level_values("code")
                else None
            )
            if here is not None:
                out += [(u, p.label, v, "") for u, v in here.items()]
    return pd.DataFrame(out, columns=["uCode", "Time", key, "as_of"])


def _register(key: str, name: str, unit: str, indicator_code: str) -> None:
    source(key, name, unit=unit)(lambda periods: _town_figures(key, indicator_code, periods))


_register("data.loan_penetration", "农户贷款覆盖率", "%", "farm_loan_coverage")
_register("data.insurance_coverage", "农业保险参保农户覆盖率", "%", "farm_insured_rate")
_register("data.credit_loan_share", "信用贷款占比", "%", "credit_loan_share")
_register("data.avg_lending_rate", "新发放贷款加权平均利率", "%", "loan_rate")
_register("data.npl_ratio", "不良贷款率", "%", "npl_ratio")
_register("data.overdue_ratio", "逾期贷款率", "%", "overdue_ratio")
