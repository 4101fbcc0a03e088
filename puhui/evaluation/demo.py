"""The demo county's evaluation reports: the 2021 yearly report and the 2021Q4 quarterly report, generated and
published by the office through the services (a second each), so the list, the detail page and the downloads
have something to show. The index section is filled when the index's demo has run before this one (the index
app comes before this app in INSTALLED_APPS); otherwise it says the index is not yet published."""

from puhui.evaluation import services
from puhui.evaluation.selectors.periods import period_problem

COUNT_LABELS = {"reports": "专项评估报告"}  # the demo summary's words (puhui/demo/build.py)
PERIODS = ("2021", "2021Q4")


def build(ctx) -> dict:
    office = ctx.users.get("office")
    if office is None:
        return {}
    made = 0
    for period in PERIODS:
        if period_problem(period):
            continue  # no figures for it in this county (a partial build)
        services.report_publish(actor=office, report=services.report_generate(actor=office, period=period))
        made += 1
    ctx.progress(f"专项评估报告：已生成并发布 {made} 份（{'、'.join(PERIODS[:made])}）")
    return {"reports": made}
