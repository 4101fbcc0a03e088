"""The banks' evaluation in the demo county: the shipped indicator set (version 1), the office's qualitative
scores for 2020 and 2021 (with a one-page evidence file for each bank's 政策实施), both years evaluated and
published, and the quarters of 2021 monitored and published. Runs after the data app's demo, whose derived
indicators it scores."""

from decimal import Decimal

from puhui.data.models import ReportingPeriod
from puhui.engines.evaluation import MANUAL

from . import access
from .selectors.results import evaluable_periods
from .services.qualitative import qualitative_set
from .services.runs import run_compute, run_publish
from .services.sets import engine_set, set_in_force

COUNT_LABELS = {"qualitative": "综合评价定性评分", "runs": "综合评价（含季度监测）"}
YEARS = (2020, 2021)
# A minimal valid PDF: the evidence check reads the type from the bytes.
EVIDENCE = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
REASONS = [
    "落实再贷款、普惠小微贷款支持工具等政策，佐证材料齐全。",
    "建立普惠金融专门机构和考核激励制度，尽职免责落实到位。",
    "推出特色信贷产品，线上化服务覆盖面扩大。",
    "参与信用村镇创建和金融知识宣传，服务站运行规范。",
    "成员单位和客户评价较好，无重大负面舆情。",
]


def _score(ctx, office, stored, year: int) -> int:
    items = [s for s in engine_set(stored).indicators if s.method == MANUAL]
    rnd = ctx.random(1400, year)
    n = 0
    for bank in access.county_banks():
        strength = rnd.uniform(0.55, 1.0)  # a bank's qualitative work is fairly even across the items
        for i, item in enumerate(items):
            share = min(max(strength + rnd.uniform(-0.1, 0.1), 0), 1)
            points = (item.weight * Decimal(str(share))).quantize(Decimal("0.1"))
            files = [(f"{bank.name}{year}年{item.name}佐证材料.pdf", EVIDENCE)] if i == 0 else []
            qualitative_set(actor=office, indicator_set=stored, bank=bank, year=year, item=item.code,
                            points=points, reason=REASONS[i % len(REASONS)], files=files)  # fmt: skip
            n += 1
    return n


def build(ctx) -> dict:
    office = ctx.users.get("office")
    periods = {p.code: p for p in evaluable_periods()}
    if office is None or not periods:
        return {}
    stored = set_in_force(actor=office)
    scored = runs = 0
    for year in YEARS:
        period = periods.get(str(year))
        if period is None:
            continue
        scored += _score(ctx, office, stored, year)
        run_publish(actor=office, run=run_compute(actor=office, period=period, indicator_set=stored))
        runs += 1
    quarters = [p for p in periods.values() if p.kind == ReportingPeriod.Kind.QUARTER and p.year == YEARS[-1]]
    for period in sorted(quarters, key=lambda p: p.end):
        run_publish(actor=office, run=run_compute(actor=office, period=period, indicator_set=stored))
        runs += 1
    return {"qualitative": scored, "runs": runs}
