"""Background tasks of the evaluation report: none. A report is generated while the office waits (about a
second at scale 10, bench/bench_evaluation_report.py); the module is kept for the module set."""
