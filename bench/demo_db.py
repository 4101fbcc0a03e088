"""The database a benchmark measures: DATABASE_URL's when it is set, else a temporary SQLite demo county."""

import os
import tempfile
import time


def setup(scale: float):
    """Set up Django on DATABASE_URL, or on a new SQLite demo county of `scale` (migrated and built here).

    Returns a cleanup callable (removes the temporary county; does nothing for DATABASE_URL)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "puhui.settings")
    temporary = None
    if not os.environ.get("DATABASE_URL"):
        temporary = tempfile.TemporaryDirectory(prefix="bench-county-")
        os.environ["PUHUI_VAR_DIR"] = temporary.name
    import django

    django.setup()
    if temporary is None:
        return lambda: None
    from django.core.management import call_command

    from puhui.demo.build import build_demo

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    build_demo(scale=scale, seed=2020, progress=lambda s: None)
    print(f"temporary SQLite demo county, scale {scale}: built in {time.perf_counter() - start:.1f} s")
    return temporary.cleanup
