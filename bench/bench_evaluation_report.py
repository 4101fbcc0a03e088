"""The periodic evaluation report (printed, never asserted): one year's report — the figures of every section
read from the owning apps, the Word document in the 公文 layout with the towns' map, the Excel annex, both
sealed at rest — for the demo county at scale 10; budget "under 10 s" (issue #14 item 5).

    .venv/bin/python bench/bench_evaluation_report.py                       # scale 10, temporary SQLite demo
    .venv/bin/python bench/bench_evaluation_report.py --scale 1
    DATABASE_URL=sqlite:////path/var/puhui.sqlite3 PUHUI_VAR_DIR=/path/var \
        .venv/bin/python bench/bench_evaluation_report.py                   # a demo county built before

The county is `bench/demo_db.py`'s: DATABASE_URL's when set (a `puhui demo --scale 10` built earlier), else a
temporary SQLite demo county built here at --scale (that takes a quarter of an hour at scale 10). Timed, in one
process: the first report (it also pays for loading the URL configuration and the document libraries, once per
worker process), then --repeat reports of the period, each split into its sections, the Word document and the
Excel annex. Every report is written inside a transaction rolled back at the end, its files removed: the
database is left as it was.
"""

import argparse
import contextlib
import datetime
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _timed(fn):
    started = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - started


def _parts(office, code: str) -> dict[str, float]:
    """Seconds of each section's read and of each file, for one report."""
    from puhui.evaluation.documents import annex, word
    from puhui.evaluation.selectors import sections
    from puhui.evaluation.selectors.periods import report_period

    period = report_period(code)
    seconds = {}
    figures, seconds["目标"] = _timed(lambda: sections.targets_section(period))
    _index, seconds["指数"] = _timed(lambda: sections.index_section(office, period))
    _plan, seconds["任务"] = _timed(lambda: sections.plan_progress(office, period))
    _banks, seconds["机构评价"] = _timed(lambda: sections.banks_section(period))
    _cases, seconds["案例宣传"] = _timed(lambda: sections.cases_section(period))
    whole = {**sections.header(office), **sections.collect(office, period)}
    _docx, seconds["Word"] = _timed(
        lambda: word.write(whole, title="评估报告", number="", day=datetime.date.today())
    )
    _xlsx, seconds["Excel"] = _timed(lambda: annex.write(whole))
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument("--period", default="2021")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from bench import demo_db

    cleanup = demo_db.setup(args.scale)
    from django.db import transaction

    from puhui.core import sealed_files
    from puhui.core.models import User
    from puhui.data.models import IndicatorValue
    from puhui.evaluation import services

    office = User.objects.filter(role=User.Role.OFFICE).order_by("pk").first()
    print(f"indicator values stored: {IndicatorValue.objects.count():,}; period {args.period}", flush=True)
    written = []
    try:
        with transaction.atomic():
            first, cold = _timed(lambda: services.report_generate(actor=office, period=args.period))
            written += [first.docx_path, first.xlsx_path]
            print(f"first report (cold process): {cold:.2f} s — Word {first.docx_size:,} bytes, "
                  f"Excel {first.xlsx_size:,} bytes", flush=True)  # fmt: skip
            runs = []
            for _ in range(args.repeat):
                report, took = _timed(lambda: services.report_generate(actor=office, period=args.period))
                written += [report.docx_path, report.xlsx_path]
                runs.append(took)
                assert report.figures == first.figures  # the same figures every time
            print(f"report generation (docx + xlsx), {args.repeat} runs: median {statistics.median(runs):.2f} s, "
                  f"max {max(runs):.2f} s (budget 10 s)")  # fmt: skip
            parts = _parts(office, args.period)
            print("of which: " + ", ".join(f"{k} {v:.2f} s" for k, v in parts.items()))
            transaction.set_rollback(True)
    finally:
        for relative in written:
            with contextlib.suppress(OSError):
                sealed_files.original_delete(relative)
        cleanup()


if __name__ == "__main__":
    main()
