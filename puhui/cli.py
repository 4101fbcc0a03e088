"""The `puhui` console script: Django's manage.py with the project's settings.

`puhui demo`, `puhui worker`, `puhui import …` and every other batch job are management commands;
`puhui index …`, `puhui credit …`, `puhui assess …`, `puhui policy …`, `puhui prudential …`, `puhui risk …`,
`puhui warnings …` and `puhui matching …` run the pure engines, without settings or a database.
"""

import importlib
import os
import sys

# `puhui <word> …` → the command line of a pure engine
ENGINE_CLIS = {
    "index": "puhui.engines.index.cli",
    "credit": "puhui.engines.scoring.cli",
    "assess": "puhui.engines.assessment.cli",
    "policy": "puhui.engines.policy.cli",
    "prudential": "puhui.engines.prudential.cli",
    "risk": "puhui.engines.risk.cli",
    "warnings": "puhui.engines.warnings.cli",
    "matching": "puhui.engines.matching.cli",
    "evaluate": "puhui.engines.evaluation.cli",
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    # The pure engines run without settings or a database.
    if len(argv) > 1 and argv[1] in ENGINE_CLIS:
        return importlib.import_module(ENGINE_CLIS[argv[1]]).main(argv[2:])

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "puhui.settings")
    from django.core.management import execute_from_command_line

    argv[0] = "puhui"
    if len(argv) == 1 or argv[1] in {"-h", "--help"}:
        argv[1:] = ["help", *argv[2:]]
    execute_from_command_line(argv)
    return 0
