"""The LPR quotations published from August 2019 to December 2021 (`puhui/monetary/lpr_values.py`)."""

import datetime

from django.db import migrations

# A copy, not an import of the module: a migration keeps the values it was written with.
PUBLISHED = [
    ((2019, 8), (2019, 8), "4.25", "4.85"),
    ((2019, 9), (2019, 10), "4.20", "4.85"),
    ((2019, 11), (2020, 1), "4.15", "4.80"),
    ((2020, 2), (2020, 3), "4.05", "4.75"),
    ((2020, 4), (2021, 11), "3.85", "4.65"),
    ((2021, 12), (2021, 12), "3.80", "4.65"),
]


def _months(first, last):
    y, m = first
    while (y, m) <= last:
        yield y, m
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def seed(apps, schema_editor):
    LprQuote = apps.get_model("monetary", "LprQuote")
    for first, last, one, five in PUBLISHED:
        for y, m in _months(first, last):
            LprQuote.objects.get_or_create(
                month=datetime.date(y, m, 1), defaults={"one_year": one, "five_year": five}
            )


def unseed(apps, schema_editor):
    apps.get_model("monetary", "LprQuote").objects.filter(
        month__gte=datetime.date(2019, 8, 1), month__lte=datetime.date(2021, 12, 1)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("monetary", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
