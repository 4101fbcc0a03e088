"""Notifications become core's (docs/architecture.md): the model enters core's state only.

The table is the plan's `plan_notification` (created by plan 0001, kept by `db_table`); nothing is done
to the database here. Plan 0002 depends on this one and removes the model from the plan's state, so the
core never depends on the plan in the migration graph. On a fresh database the table is still created by
plan 0001.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_cache_table"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("kind", models.CharField(max_length=30, verbose_name="类别")),
                        ("title", models.CharField(max_length=200, verbose_name="标题")),
                        ("body", models.TextField(blank=True, verbose_name="内容")),
                        ("url", models.CharField(blank=True, max_length=300, verbose_name="链接")),
                        ("key", models.CharField(blank=True, max_length=150)),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="时间"),
                        ),
                        ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="已读时间")),
                        ("emailed", models.BooleanField(default=False, verbose_name="已发邮件")),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "消息提醒",
                        "verbose_name_plural": "消息提醒",
                        "db_table": "plan_notification",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [
                            models.Index(fields=["user", "read_at"], name="plan_notifi_user_id_ba2550_idx")
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("key", ""), _negated=True),
                                fields=("user", "key"),
                                name="notification_unique_key",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
