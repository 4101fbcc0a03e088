"""A register file above PUHUI_IMPORT_INLINE_BYTES is sealed on disk and imported by a background job: the
page follows the run, the result (or every error) arrives once the worker has run, and the file is gone."""

import io

import pytest
from django.core.management import call_command

from puhui.core import sealed_files
from puhui.core.models import Division
from puhui.imports.models import ImportRun

from .conftest import DIV_HEADER, DIV_ROWS, make_csv

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _upload(client, content, name="区划.csv", mode="upsert"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/imports/",
        {"kind": "divisions", "mode": mode, "file": SimpleUploadedFile(name, content, "text/csv")},
    )


def test_a_large_file_is_imported_by_a_job(login, users, settings):
    settings.PUHUI_IMPORT_INLINE_BYTES = 100
    client = login(users["office"])
    content = make_csv([DIV_HEADER, *DIV_ROWS])
    r = _upload(client, content)
    run = ImportRun.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/imports/runs/{run.pk}/"
    assert run.status == "queued" and run.job is not None and run.size == len(content)
    # Sealed at rest: the village name is not on disk in clear.
    sealed = sealed_files.original_path(run.path)
    raw = sealed.read_bytes()
    assert raw.startswith(sealed_files.FILE_MAGIC) and "鲁村村".encode() not in raw
    page = client.get(f"/imports/runs/{run.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in page and "排队中" in page
    call_command("worker", batch=True, verbosity=0)
    run.refresh_from_db()
    assert run.status == "done" and run.path == "" and "共 5 行" in run.summary, run.errors
    assert Division.objects.filter(code__startswith="370323").count() >= 5
    assert not sealed.exists()
    page = client.get(f"/imports/runs/{run.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="import-ok"' in page and "every 2s" not in page


def test_a_large_file_with_an_error_stores_nothing_and_lists_it(login, users, settings):
    settings.PUHUI_IMPORT_INLINE_BYTES = 100
    client = login(users["office"])
    before = Division.objects.count()
    bad = [row[:] for row in DIV_ROWS]
    bad[-1][2] = "省"  # the last row's level is not a level
    _upload(client, make_csv([DIV_HEADER, *bad]))
    call_command("worker", batch=True, verbosity=0)
    run = ImportRun.objects.get()
    assert run.status == "failed" and run.error_total == 1
    assert run.errors[0][0] == 6 and run.errors[0][1] == "层级"
    assert Division.objects.count() == before
    page = client.get(f"/imports/runs/{run.pk}/").content.decode()
    assert 'data-testid="import-errors"' in page and "未保存任何数据" in page


def test_another_user_cannot_follow_the_run(login, users, settings, client):
    settings.PUHUI_IMPORT_INLINE_BYTES = 100
    _upload(login(users["admin"]), make_csv([DIV_HEADER, *DIV_ROWS]))
    run = ImportRun.objects.get()
    assert login(users["office"]).get(f"/imports/runs/{run.pk}/").status_code == 200  # the office sees all
    assert login(users["town_lishan"]).get(f"/imports/runs/{run.pk}/").status_code == 404


def test_a_queued_file_survives_key_rotation(login, users, settings):
    """Sealed under the field key while it waits: `puhui rotate_key` re-encrypts it (the imports app's
    KEY_ROTATION), so the job still reads it after the old key is removed."""
    settings.PUHUI_IMPORT_INLINE_BYTES = 100
    _upload(login(users["office"]), make_csv([DIV_HEADER, *DIV_ROWS]))
    run = ImportRun.objects.get()
    old_key = settings.FIELD_ENCRYPTION_KEY
    settings.FIELD_ENCRYPTION_KEY = "rotated-field-key-Zq8wX3vB7nM2kP5s"
    settings.FIELD_ENCRYPTION_OLD_KEYS = [old_key]
    assert not sealed_files.original_is_current(run.path)
    call_command("rotate_key", stdout=io.StringIO())
    assert sealed_files.original_is_current(run.path)
    settings.FIELD_ENCRYPTION_OLD_KEYS = []
    call_command("worker", batch=True, verbosity=0)
    run.refresh_from_db()
    assert run.status == "done", run.errors
