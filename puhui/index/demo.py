"""Demo data: the shipped framework and the published 2019–2021 index (yearly and quarterly)."""

from puhui.index import services

DEMO_LAST_YEAR = 2021
# Fewer Monte-Carlo runs than a real build keep `puhui demo` quick; the intervals are still stable.
DEMO_UNCERTAINTY_RUNS = 200
COUNT_LABELS = {"runs": "指数计算结果"}  # the demo summary's words (puhui/demo/build.py)


def build(ctx) -> dict:
    actor = ctx.users.get("office")
    runs = services.index_build(
        actor=actor, publish=True, last_year=DEMO_LAST_YEAR, uncertainty_runs=DEMO_UNCERTAINTY_RUNS
    )
    ctx.progress(f"普惠金融指数：已计算并发布 {len(runs)} 套结果（2019–{DEMO_LAST_YEAR} 年度和季度）")
    return {"runs": len(runs)}
