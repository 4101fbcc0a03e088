# The pre-credit list's default order (newest offer first) read off an index in every scope.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0006_payment_aggregates"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="precreditline",
            index=models.Index(fields=["offered_at", "id"], name="credit_line_offered"),
        ),
    ]
