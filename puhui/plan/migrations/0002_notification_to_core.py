"""Notifications move to core (core 0006): the model leaves the plan's state; its table stays as it is.

The table `plan_notification` and its rows are kept (core's model has `db_table = "plan_notification"`);
no SQL runs. This depends on core 0006, never the other way round.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("plan", "0001_initial"),
        ("core", "0006_notification"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
