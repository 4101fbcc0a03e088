"""Demo data: the shipped frameworks (v1, and v2 the default) and the published index (yearly and
quarterly) up to the last period whose data were reported: 2019–2021, though the build asks up to the
last complete year."""

from puhui.core.periods import label
from puhui.index import services

# Fewer Monte-Carlo runs than a real build keep `puhui demo` quick; the intervals are still stable.
DEMO_UNCERTAINTY_RUNS = 200
COUNT_LABELS = {"runs": "指数计算结果"}  # the demo summary's words (puhui/demo/build.py)


def build(ctx) -> dict:
    actor = ctx.users.get("office")
    runs = services.index_build(actor=actor, publish=True, uncertainty_runs=DEMO_UNCERTAINTY_RUNS)
    spans = "、".join(
        f"{r.get_frequency_display()}{label(r.periods[0])}至{label(r.periods[-1])}" for r in runs
    )
    ctx.progress(f"普惠金融指数：已计算并发布 {len(runs)} 套结果（{spans}，只含数据已报送的期间）")
    return {"runs": len(runs)}
