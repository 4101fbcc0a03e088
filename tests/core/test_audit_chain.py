"""The audit trail is a hash chain: an edit or a deletion is found by `puhui audit verify` (docs/security.md)."""

import importlib
import io
import threading
import types

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from puhui.core.audit import (
    audit_append,
    audit_chain_state,
    audit_chain_verify,
    audit_changed_bulk,
    audit_rechain,
    audit_record,
)
from puhui.core.models import AuditChain, AuditLog, Division

chain_migration = importlib.import_module("puhui.core.migrations.0004_audit_chain")


def _write(n: int, note: str = "记录") -> list[AuditLog]:
    return [
        audit_record(
            actor=None, action=AuditLog.Action.UPDATE, object_type="t.T", object_id=str(i), note=f"{note}{i}"
        )
        for i in range(n)
    ]


def _verify(*args: str) -> str:
    """`puhui audit verify` → its output; a break raises CommandError (exit code 1 on the command line)."""
    out = io.StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def _ids() -> list[int]:
    return list(AuditLog.objects.order_by("id").values_list("id", flat=True))


@pytest.mark.django_db
def test_rows_are_chained_and_verify():
    rows = _write(3)
    rows = [AuditLog.objects.get(pk=r.pk) for r in rows]  # as the database gives them back
    earlier = AuditLog.objects.filter(id__lt=rows[0].pk).order_by("-id").first()  # e.g. the users' creation
    assert rows[0].prev_hash == (earlier.hash if earlier else "")
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    assert all(len(r.hash) == 64 for r in rows)
    head = AuditChain.objects.get(pk=1)
    assert (head.head_id, head.head_hash) == (rows[2].pk, rows[2].hash)
    assert "完整" in _verify()


@pytest.mark.django_db
def test_edited_note_is_reported_with_its_id():
    rows = _write(4)
    AuditLog.objects.filter(pk=rows[1].pk).update(note="改过的说明")
    with pytest.raises(CommandError) as err:
        _verify()
    assert f"编号 {rows[1].pk}" in str(err.value) and "被修改" in str(err.value)
    report = audit_chain_verify()
    assert (report.ok, report.broken_id) == (False, rows[1].pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, value",
    [
        ("before", {"x": 1}),
        ("after", {"y": 2}),
        ("actor_label", "别人"),
        ("ip_address", "10.9.9.9"),
        ("action", "delete"),
    ],
)
def test_every_content_field_is_covered(field, value):
    rows = _write(2)
    AuditLog.objects.filter(pk=rows[0].pk).update(**{field: value})
    assert audit_chain_verify().broken_id == rows[0].pk


@pytest.mark.django_db
def test_deleted_row_is_reported():
    rows = _write(4)
    AuditLog.objects.filter(pk=rows[1].pk).delete()
    report = audit_chain_verify()
    assert (report.ok, report.broken_id) == (False, rows[2].pk)
    assert f"编号 {rows[0].pk}" in report.detail and "删除" in report.detail


@pytest.mark.django_db
def test_deleted_first_and_last_rows_are_reported():
    rows = _write(3)
    AuditLog.objects.filter(pk=rows[-1].pk).delete()
    report = audit_chain_verify()
    assert (report.ok, report.broken_id) == (False, rows[-1].pk) and "末尾" in report.detail
    AuditLog.objects.filter(pk__lte=rows[0].pk).delete()  # the beginning of the chain
    assert audit_chain_verify().broken_id == rows[1].pk


@pytest.mark.django_db
def test_edited_hash_and_unchained_rows_are_reported():
    rows = _write(3)
    AuditLog.objects.filter(pk=rows[1].pk).update(hash="0" * 64)
    assert audit_chain_verify().broken_id == rows[1].pk
    AuditLog.objects.filter(pk=rows[1].pk).update(hash=rows[1].hash)
    assert audit_chain_verify().ok
    # A row written around the chain (straight into the table) has no hash.
    stray = AuditLog(action="update", object_type="t.T", note="绕过")
    AuditLog.objects.all()._bulk_create_unchained([stray])
    assert audit_chain_verify().broken_id == stray.pk


@pytest.mark.django_db
def test_every_insertion_path_is_chained(users):
    before = Division.objects.count()
    audit_changed_bulk(
        actor=users["office"], changes=[(d, None) for d in Division.objects.all()], note="批量"
    )
    AuditLog.objects.create(action="update", object_type="t.T", note="create")
    AuditLog(action="update", object_type="t.T", note="save").save()
    AuditLog.objects.bulk_create(
        [AuditLog(action="update", object_type="t.T", note=f"bulk{i}") for i in range(1200)], batch_size=500
    )
    assert AuditLog.objects.filter(note="批量").count() == before
    assert not AuditLog.objects.filter(hash="").exists()
    assert AuditLog.objects.filter(note="批量").values("prev_hash").distinct().count() == before  # no fork
    assert audit_chain_verify().ok
    with pytest.raises(TypeError):
        AuditLog.objects.bulk_create([AuditLog(action="update", object_type="t.T")], ignore_conflicts=True)


@pytest.mark.django_db
def test_ipv6_and_awkward_values_hash_as_stored():
    audit_record(
        actor=None,
        action="update",
        object_type="t.T",
        object_id=42,  # not a string: stored as "42"
        before={"b": 1, "a": [1, 2.5, None, "中文"], 3: "int key"},
        after={"nested": {"z": True, "y": "'\"\\"}},
    )
    row = AuditLog(action="update", object_type="t.T", ip_address="2001:0db8:0000:0000:0000:0000:0000:0001")
    audit_append([row])
    assert AuditLog.objects.get(pk=row.pk).ip_address == "2001:db8::1"
    assert audit_chain_verify().ok


@pytest.mark.django_db
def test_from_id_starts_in_the_middle():
    rows = _write(5)
    AuditLog.objects.filter(pk=rows[0].pk).update(note="改过")
    assert audit_chain_verify().broken_id == rows[0].pk
    assert "完整" in _verify("--from-id", str(rows[2].pk))
    AuditLog.objects.filter(pk=rows[3].pk).update(note="改过")
    assert audit_chain_verify(from_id=rows[2].pk).broken_id == rows[3].pk


@pytest.mark.django_db
def test_rows_written_around_a_transaction_rollback_keep_the_chain():
    _write(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        _write(2, "回滚")
        raise RuntimeError
    _write(2)
    assert not AuditLog.objects.filter(note__startswith="回滚").exists()
    assert audit_chain_verify().ok


@pytest.mark.django_db
def test_the_chain_needs_the_key(settings):
    _write(3)
    settings.FIELD_ENCRYPTION_KEY = "another-key-someone-without-the-real-one-has"
    report = audit_chain_verify()
    assert not report.ok and "被修改" in report.detail
    # A rewrite under another key (someone with write access but not the key) does not verify either.
    with pytest.raises(ValueError):
        audit_rechain()


@pytest.mark.django_db
def test_key_rotation_old_keys_verify_then_rechain(settings):
    rows = _write(3)
    old = settings.FIELD_ENCRYPTION_KEY
    settings.FIELD_ENCRYPTION_KEY = "the-new-field-key-after-a-rotation-0123456789"
    settings.FIELD_ENCRYPTION_OLD_KEYS = [old]
    assert audit_chain_verify().ok  # rows chained under the old key still verify during the rotation
    assert audit_rechain() == AuditLog.objects.count()
    _write(1)
    settings.FIELD_ENCRYPTION_OLD_KEYS = []
    assert audit_chain_verify().ok
    AuditLog.objects.filter(pk=rows[0].pk).update(note="改过")
    with pytest.raises(ValueError):
        audit_rechain()  # a rotation does not launder an edit


@pytest.mark.django_db
def test_verify_stores_its_result_and_a_partial_run_does_not():
    rows = _write(2)
    _verify()
    state = audit_chain_state()
    assert (state.verified_ok, state.verified_count, state.broken_id) == (
        True,
        AuditLog.objects.count(),
        None,
    )
    assert state.verified_through == rows[-1].pk
    AuditLog.objects.filter(pk=rows[0].pk).update(note="改过")
    with pytest.raises(CommandError):
        _verify()
    state = audit_chain_state()
    assert (state.verified_ok, state.broken_id) == (False, rows[0].pk)
    _verify("--from-id", str(rows[1].pk))
    assert audit_chain_state().verified_ok is False  # a partial run leaves the last full result


@pytest.mark.django_db
def test_the_migration_chains_existing_rows():
    AuditLog.objects.all().delete()
    AuditChain.objects.all().delete()
    schema_editor = types.SimpleNamespace(connection=connection)
    from django.apps import apps

    chain_migration.chain_existing(apps, schema_editor)  # an empty log
    assert AuditChain.objects.get(pk=1).head_id == 0
    assert audit_chain_verify().ok

    AuditLog.objects.bulk_create(
        [
            AuditLog(action="update", object_type="t.T", note=f"旧{i}")
            for i in range(chain_migration.BATCH + 5)
        ]
    )
    AuditLog.objects.update(prev_hash="", hash="")  # rows from before the migration
    AuditChain.objects.all().delete()
    assert not audit_chain_verify(record=False).ok
    chain_migration.chain_existing(apps, schema_editor)
    assert audit_chain_verify().ok
    assert AuditChain.objects.get(pk=1).head_id == _ids()[-1]
    _write(1)  # new rows continue the migrated chain
    assert audit_chain_verify().ok


@pytest.mark.django_db
def test_a_missing_head_is_recreated_from_the_last_row():
    _write(2)
    AuditChain.objects.all().delete()  # e.g. a flushed test database
    _write(1)
    assert audit_chain_verify().ok


@pytest.mark.django_db
def test_interleaved_writers_do_not_fork_the_chain():
    """Sequential stand-in for the threaded test below (SQLite serialises write transactions anyway)."""
    for i in range(20):
        with transaction.atomic():
            audit_record(actor=None, action="update", object_type="t.A", note=f"a{i}")
        audit_changed_bulk(actor=None, changes=[(d, {}) for d in Division.objects.all()[:3]], note=f"b{i}")
    hashes = list(AuditLog.objects.values_list("prev_hash", flat=True))
    assert len(hashes) == len(set(hashes))
    assert audit_chain_verify().ok


@pytest.mark.postgres  # threads sharing the chain lock; SQLite serialises writers by BEGIN IMMEDIATE anyway
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain():
    from django.db import connections

    errors = []
    barrier = threading.Barrier(4)

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(25):
                with transaction.atomic():
                    audit_record(actor=None, action="update", object_type="t.T", note=f"{n}-{i}")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    prevs = list(AuditLog.objects.values_list("prev_hash", flat=True))
    assert len(prevs) == len(set(prevs)) == 100
    assert audit_chain_verify().ok


# ---------------------------------------------------------------- the audit page


@pytest.mark.django_db
def test_page_shows_the_last_verification_without_verifying(login, users):
    office = login(users["office"])
    html = office.get("/audit/").content.decode()
    assert "防篡改校验链" in html and "尚未核验" in html and "puhui audit verify" in html
    assert audit_chain_state().verified_at is None  # the GET did not verify

    _verify()
    html = office.get("/audit/").content.decode()
    assert "完整" in html and "上次核验" in html

    row = AuditLog.objects.order_by("id").first()
    AuditLog.objects.filter(pk=row.pk).update(note="改过")
    with pytest.raises(CommandError):
        _verify()
    html = office.get("/audit/").content.decode()
    assert "已断裂" in html and f"编号 {row.pk}" in html


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["member", "abc", "town_lucun", "agent", "public"])
def test_page_and_its_button_are_for_the_office_only(login, users, who):
    client = login(users[who])
    assert client.get("/audit/").status_code == 404
    assert client.post("/audit/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_verify_button_runs_a_background_job(login, users):
    from puhui.jobs.models import Job

    _write(3)
    office = login(users["office"])
    r = office.post("/audit/")
    job = Job.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/jobs/{job.pk}/"
    assert audit_chain_state().verified_at is None
    call_command("worker", batch=True, verbosity=0)
    state = audit_chain_state()
    assert state.verified_ok is True and state.verified_count == AuditLog.objects.count()
    html = office.get("/audit/").content.decode()
    assert "完整" in html and f"/jobs/{job.pk}/" in html


@pytest.mark.django_db
def test_a_naive_time_hashes_as_stored():
    import datetime

    row = AuditLog(action="update", object_type="t.T", at=datetime.datetime(2026, 3, 1, 8, 30))
    audit_append([row])  # read as the default time zone, as Django would store it
    assert AuditLog.objects.get(pk=row.pk).at == row.at and row.at.utcoffset() == datetime.timedelta(hours=8)
    assert audit_chain_verify().ok
