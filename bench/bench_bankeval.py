"""The banks' evaluation (printed, never asserted): every county bank evaluated for 12 quarters (monitoring)
and their 3 years at demo scale 10; budget "under 5 s" for all institutions and 12 quarters (issue #14).

    .venv/bin/python bench/bench_bankeval.py                    # scale 10, temporary SQLite
    .venv/bin/python bench/bench_bankeval.py --scale 1
    DATABASE_URL=postgres://…/puhui_bench_bankeval .venv/bin/python bench/bench_bankeval.py   # an empty database

The register is the demo county's at the scale asked (divisions, the financial network with its outlets,
service points and terminals: `puhui/demo/build.py`); the figures the evaluation reads — every institution-level
indicator of the shipped set, and farm households by town — are written straight into the data app's
`IndicatorValue` for 2018Q1–2021Q4 and 2018–2021 (what `data_compute` stores), with the office's qualitative
scores for 2019–2021. Timed: `run_compute` for each of the 12 quarters 2019Q1–2021Q4 (read, score, rank,
store), then for the 3 years.
"""

import argparse
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUARTERS = [f"{y}Q{q}" for y in (2019, 2020, 2021) for q in (1, 2, 3, 4)]
CODES = {  # institution-level figures and a plausible range for each
    "agri_loan_balance": (5e7, 5e9), "small_loan_balance": (5e7, 5e9), "loan_balance": (1e8, 2e10),
    "credit_loan_share": (2, 30), "platform_first_loans": (0, 400), "terminal_bill_rate": (30, 100),
    "loan_rate": (3.8, 7.5), "npl_ratio": (0.3, 6), "reported_precredit_households": (0, 30000),
}  # fmt: skip


def _django(scale: float):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "puhui.settings")
    temporary = None
    if not os.environ.get("DATABASE_URL"):
        temporary = tempfile.TemporaryDirectory(prefix="bench-bankeval-")
        os.environ["PUHUI_VAR_DIR"] = temporary.name
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from puhui.demo import build as demo
    from puhui.demo import county

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with transaction.atomic():
        ctx = demo.DemoContext(
            seed=2020, scale=scale, plan=county.plan_county(2020, scale), progress=lambda s: None
        )
        demo._divisions(ctx)
        demo._network(ctx)
    print(f"register at scale {scale:g}: {time.perf_counter() - started:.1f} s", flush=True)
    return temporary


def _figures(rng: np.random.Generator) -> int:
    from puhui.bankeval import access
    from puhui.core.models import Division
    from puhui.data.models import DerivedRun, IndicatorValue
    from puhui.data.services import period_get

    banks = list(access.county_banks().values_list("pk", flat=True))
    towns = list(Division.objects.filter(level="town").values_list("pk", flat=True))
    codes = [f"{y}Q{q}" for y in range(2018, 2022) for q in range(1, 5)] + [str(y) for y in range(2018, 2022)]
    rows = []
    for code in codes:
        period = period_get(code)
        run = DerivedRun.objects.create(period=period)
        for indicator, (low, high) in CODES.items():
            for bank, value in zip(banks, rng.uniform(low, high, len(banks)), strict=True):
                rows.append(IndicatorValue(run=run, indicator_code=indicator, indicator_version=1, period=period,
                                           level="institution", organisation_id=bank, value=Decimal(f"{value:.4f}")))  # fmt: skip
        for town in towns:
            rows.append(IndicatorValue(run=run, indicator_code="farm_households", indicator_version=1, period=period,
                                       level="town", division_id=town, value=Decimal(int(rng.integers(2000, 20000)))))  # fmt: skip
    IndicatorValue.objects.bulk_create(rows, batch_size=5000)
    return len(banks)


def _qualitative(rng: np.random.Generator) -> None:
    from puhui.bankeval import access
    from puhui.bankeval.models import QualitativeScore
    from puhui.bankeval.services.sets import set_in_force

    stored = set_in_force(actor=None)
    QualitativeScore.objects.bulk_create(
        QualitativeScore(indicator_set=stored, year=year, bank=bank, item=item,
                         points=Decimal(f"{rng.uniform(2.5, 5):.1f}"), reason="基准测试")
        for year in (2019, 2020, 2021) for bank in access.county_banks()
        for item in ("policy", "system", "innovation", "environment", "external")
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10)
    args = parser.parse_args()
    temporary = _django(args.scale)
    try:
        from puhui.bankeval.services.runs import run_compute
        from puhui.data.models import ReportingPeriod

        rng = np.random.default_rng(2020)
        banks = _figures(rng)
        _qualitative(rng)
        started = time.perf_counter()
        for code in QUARTERS:
            run_compute(actor=None, period=ReportingPeriod.objects.get(code=code))
        quarters = time.perf_counter() - started
        started = time.perf_counter()
        for year in ("2019", "2020", "2021"):
            run_compute(actor=None, period=ReportingPeriod.objects.get(code=year))
        years = time.perf_counter() - started
        print(f"banks evaluated: {banks}")
        print(
            f"12 quarters (monitoring), all banks: {quarters:.2f} s ({quarters / 12 * 1000:.0f} ms a quarter; budget 5 s)"
        )
        print(f"3 years (annual evaluation with qualitative scores): {years:.2f} s")
    finally:
        if temporary is not None:
            temporary.cleanup()


if __name__ == "__main__":
    main()
