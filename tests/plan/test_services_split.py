"""The plan's writes are one package, `puhui.plan.services`, split along the work (loading, reports, 督办,
delays, assessment, 通报, notifications, reminders); callers keep `services.report_submit(...)`."""

import ast
import importlib
from pathlib import Path

from puhui.plan import services

PLAN = Path(services.__file__).resolve().parents[1]
MODULES = sorted(p.stem for p in (PLAN / "services").glob("*.py") if p.stem != "__init__")


def test_every_write_is_reached_through_services():
    for name in services.__all__:
        obj = getattr(services, name)
        assert name == "DEFAULT_CRITERIA" or obj.__module__.startswith("puhui.plan.services."), name
    public = {
        n
        for m in MODULES
        for n, v in vars(importlib.import_module(f"puhui.plan.services.{m}")).items()
        if callable(v)
        and not n.startswith("_")
        and getattr(v, "__module__", "") == f"puhui.plan.services.{m}"
    }
    # every public write of a module is re-exported, except the helpers the modules share
    assert public - set(services.__all__) <= {"require_office", "require_reporting_unit", "at_or_now"}


def _long_functions(path: Path, limit: int) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.name}:{node.name} {node.end_lineno - node.lineno + 1} lines"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > limit
    ]


def test_plan_files_and_writes_stay_short():
    for path in PLAN.rglob("*.py"):
        if "migrations" not in path.parts:
            assert len(path.read_text(encoding="utf-8").splitlines()) <= 800, path
    long = [f for p in (PLAN / "services").glob("*.py") for f in _long_functions(p, 80)]
    assert long == []
