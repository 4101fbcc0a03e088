"""The engines stay pure: no Django, no puhui app — the standard library, the numeric stack and each other.

Every .py under puhui/engines is parsed (not imported), so an import hidden in a function, a branch or
`importlib.import_module("…")` is caught as well as one at the top of a module.
"""

import ast
import sys
from pathlib import Path

import pytest

ENGINES = Path(__file__).resolve().parents[2] / "puhui" / "engines"
# Third-party packages an engine may import (top-level names). yaml reads the index specs and the
# scorecard configs; optbinning and sklearn only train scorecards (the `train` extra).
ALLOWED = {"numpy", "pandas", "scipy", "SALib", "optbinning", "sklearn", "yaml"}
FILES = sorted(ENGINES.rglob("*.py"))


def _module_of(path: Path) -> list[str]:
    parts = ["puhui", "engines", *path.relative_to(ENGINES).with_suffix("").parts]
    return parts[:-1] if parts[-1] == "__init__" else parts


def _package_of(path: Path) -> list[str]:
    mod = _module_of(path)
    return mod if path.name == "__init__.py" else mod[:-1]


def imported_modules(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import in the file, relative ones resolved.

    `source` stands in for the file's text (to check the checker on code placed at `path`)."""
    if source is None:
        source = path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                found.append((node.lineno, node.module))
            else:
                package = _package_of(path)
                base = package[: len(package) - (node.level - 1)]
                found.append((node.lineno, ".".join([*base, *([node.module] if node.module else [])])))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            fn = node.func
            name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
            if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                found.append((node.lineno, node.args[0].value))
    return found


def allowed(module: str) -> bool:
    top = module.split(".")[0]
    if top == "puhui":
        return module == "puhui.engines" or module.startswith("puhui.engines.")
    return top in sys.stdlib_module_names or top in ALLOWED


def test_there_are_engines_to_check():
    assert {p.parent.name for p in FILES} >= {
        "engines",
        "index",
        "scoring",
        "assessment",
        "policy",
        "prudential",
        "risk",
    }


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ENGINES)))
def test_engine_imports_only_the_standard_library_the_numeric_stack_and_engines(path):
    bad = [f"{path.relative_to(ENGINES)}:{line}: {m}" for line, m in imported_modules(path) if not allowed(m)]
    assert not bad, "engines must not import Django or a puhui app:\n" + "\n".join(bad)


def test_the_checker_catches_what_it_should():
    source = (
        "import django.db\n"
        "from puhui.plan import services\n"
        "from ...core import models\n"
        "from ..index import model\n"
        "from . import errors\n"
        "def f():\n"
        "    import importlib\n"
        "    return importlib.import_module('puhui.credit.selectors')\n"
    )
    # Resolved as if the code lived at puhui/engines/scoring/fake.py.
    modules = [m for _, m in imported_modules(ENGINES / "scoring" / "fake.py", source)]
    assert modules == [
        "django.db",
        "puhui.plan",
        "puhui.core",
        "puhui.engines.index",
        "puhui.engines.scoring",
        "importlib",
        "puhui.credit.selectors",
    ]
    assert [allowed(m) for m in modules] == [False, False, False, True, True, True, False]
