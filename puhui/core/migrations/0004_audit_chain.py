"""The audit trail becomes a hash chain (docs/security.md): hash columns, the chain head, existing rows chained.

Existing rows are chained in id order under the current FIELD_ENCRYPTION_KEY, in batches (keyset pages of
2000 rows, one UPDATE … FROM (VALUES …) per page), so ~100 000 rows take seconds; an empty log gets an empty
head. Self-contained (historical models, its own copy of the batch writer) except for the hash itself, which
must be the very function `puhui audit verify` uses.
"""

import django.utils.timezone
from django.db import migrations, models

BATCH = 2000


def _write_hashes(connection, table: str, updates: list[tuple[int, str, str]]) -> None:
    """Store (id, prev_hash, hash) triples: one UPDATE … FROM (VALUES …) for the page (PostgreSQL,
    SQLite ≥ 3.33) — ~10× faster than bulk_update's CASE … WHEN or an executemany on 100 000 rows."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite" and connection.Database.sqlite_version_info < (3, 33):
            sql = f"UPDATE {q(table)} SET {q('prev_hash')} = %s, {q('hash')} = %s WHERE {q('id')} = %s"
            cursor.executemany(sql, [(p, h, i) for i, p, h in updates])
            return
        values = ", ".join(["(%s, %s, %s)"] * len(updates))
        cursor.execute(
            f"UPDATE {q(table)} SET {q('prev_hash')} = v.column2, {q('hash')} = v.column3 "
            f"FROM (VALUES {values}) AS v WHERE {q(table)}.{q('id')} = v.column1",
            [value for row in updates for value in row],
        )


def chain_existing(apps, schema_editor):
    from puhui.core.audit import CONTENT_FIELDS, chain_hash, chain_key

    AuditLog = apps.get_model("core", "AuditLog")
    AuditChain = apps.get_model("core", "AuditChain")
    db = schema_editor.connection.alias
    key = chain_key()
    prev, last_id = "", 0
    while True:
        page = list(
            AuditLog.objects.using(db)
            .filter(id__gt=last_id)
            .order_by("id")
            .values("id", *CONTENT_FIELDS)[:BATCH]
        )
        if not page:
            break
        updates = []
        for row in page:
            digest = chain_hash(prev, row, key)
            updates.append((row["id"], prev, digest))
            prev = digest
        _write_hashes(schema_editor.connection, AuditLog._meta.db_table, updates)
        last_id = page[-1]["id"]
    AuditChain.objects.using(db).update_or_create(pk=1, defaults={"head_id": last_id, "head_hash": prev})


def unchain(apps, schema_editor):
    pass  # the columns go with the schema change


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_security"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditChain",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("head_id", models.BigIntegerField(default=0, verbose_name="链头记录编号")),
                ("head_hash", models.CharField(blank=True, max_length=64, verbose_name="链头校验值")),
                ("verified_at", models.DateTimeField(blank=True, null=True, verbose_name="上次核验时间")),
                ("verified_ok", models.BooleanField(null=True, verbose_name="上次核验结果完整")),
                ("verified_count", models.BigIntegerField(default=0, verbose_name="上次核验条数")),
                ("verified_through", models.BigIntegerField(default=0, verbose_name="上次核验至编号")),
                ("broken_id", models.BigIntegerField(blank=True, null=True, verbose_name="断裂处记录编号")),
                (
                    "verified_detail",
                    models.CharField(blank=True, max_length=300, verbose_name="上次核验说明"),
                ),
            ],
            options={
                "verbose_name": "操作日志校验链",
                "verbose_name_plural": "操作日志校验链",
            },
        ),
        migrations.AddField(
            model_name="auditlog",
            name="hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="校验值"),
        ),
        migrations.AddField(
            model_name="auditlog",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="前一条校验值"),
        ),
        migrations.AlterField(
            model_name="auditlog",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="时间"),
        ),
        migrations.RunPython(chain_existing, unchain, elidable=False),
    ]
