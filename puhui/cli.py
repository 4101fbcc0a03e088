"""The `puhui` console script: Django's manage.py with the project's settings.

`puhui demo`, `puhui worker`, `puhui import …` and every other batch job are management commands;
`puhui index …`, `puhui credit …` and `puhui assess …` run the pure engines, without settings or a
database.
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    # The pure engines run without settings or a database.
    if len(argv) > 1 and argv[1] == "index":
        from puhui.engines.index.cli import main as index_main

        return index_main(argv[2:])
    if len(argv) > 1 and argv[1] == "credit":
        from puhui.engines.scoring.cli import main as credit_main

        return credit_main(argv[2:])
    if len(argv) > 1 and argv[1] == "assess":
        from puhui.engines.assessment.cli import main as assess_main

        return assess_main(argv[2:])

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "puhui.settings")
    from django.core.management import execute_from_command_line

    argv[0] = "puhui"
    if len(argv) == 1 or argv[1] in {"-h", "--help"}:
        argv[1:] = ["help", *argv[2:]]
    execute_from_command_line(argv)
    return 0
