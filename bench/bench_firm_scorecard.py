"""The statistical firm scorecard (puhui/firms/services/scorecards.py) on the demo county: the training sample
(outcomes from the banks' returns, features on the observation date), the training with its 5-fold
cross-validation, and the rating job by the trained version.

    .venv/bin/python bench/bench_firm_scorecard.py --scale 0.2
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_firm_scorecard.py   # a demo county built already

Without DATABASE_URL a temporary SQLite demo county of --scale is built first (bench/demo_db.py); its demo
already trained one version, timed again here.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import demo_db  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.2)
    args = parser.parse_args()
    cleanup = demo_db.setup(args.scale)
    try:
        from puhui.core.models import User
        from puhui.firms.services import ratings, scorecards

        office = User.objects.get(username="office")
        started = time.perf_counter()
        frame, counts = scorecards.training_sample()
        print(
            f"sample: observed {counts['observed_on']}, window to {counts['window_end']}, firms {counts['firms']:,}, "
            f"borrowed {counts['borrowed']:,}, not rated on the date {counts['excluded']:,}, labelled "
            f"{counts['labelled']:,}, bad {counts['bad']:,} — {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        made = scorecards.scorecard_train(actor=office)
        cv = made.report["cross_validation"].get("summary") or {}
        used = [c["key"] for c in made.spec["characteristics"]]
        print(f"training (sample + 5-fold cross-validation): {time.perf_counter() - started:.1f} s")
        if cv:
            print(
                f"  AUC {cv['auc']['mean']:.3f} ± {cv['auc']['sd']:.3f}, KS {cv['ks']['mean']:.3f} ± {cv['ks']['sd']:.3f}"
            )
        print(f"  characteristics: {', '.join(used)}")
        scorecards.scorecard_promote(actor=office, scorecard=made)
        started = time.perf_counter()
        done = ratings.ratings_compute(actor=office)
        print(
            f"rating job by {done['version']}: {done['firms']:,} firms in {time.perf_counter() - started:.1f} s"
        )
    finally:
        cleanup()


if __name__ == "__main__":
    main()
