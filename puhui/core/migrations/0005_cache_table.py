"""The database cache's table (`puhui_cache`): rate-limit counters shared by every web worker.

`createcachetable` creates the table of every DatabaseCache in CACHES and skips existing ones, so this is
safe to run again; with PUHUI_CACHE=redis there is no database cache and it does nothing. Switching to the
database cache after this migration has run: `puhui createcachetable`.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_chain")]  # renumbered by the lead: two helpers both wrote a 0004

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=True)]
