"""An upload's check holds no write lock; oversized or over-inflating files are refused before they cost anything.

Finding M5: a 1 MB .xlsx holding 88 MB of sheet XML was checked inside the API's idempotency transaction.
On SQLite (BEGIN IMMEDIATE) that transaction held the write lock for the 25 s of the check, and a login
at the same moment failed with "database is locked". These tests hold a check open on purpose (it waits
for an event, no timing) and make sure other writes go through meanwhile, on a file SQLite database as
in production; and that a file inflating past the limit, or larger than the upload limit, is refused
with nothing stored and nothing left on disk.
"""

import io
import sqlite3
import threading
import uuid

import pytest
from django.db import OperationalError, connection, connections
from django.test import Client

from puhui.api.models import IdempotencyRecord
from puhui.api.services import token_create
from puhui.core.audit import audit_record
from puhui.core.models import AuditLog
from puhui.data import intake
from puhui.data.models import LoanRecord, Submission, Upload
from tests.conftest import PASSWORD
from tests.data.conftest import LOAN_HEADER, loan_row, loans_csv, xlsx_bytes

FILE_API = "/api/v1/data/submissions/file"


def _file(content: bytes, name: str):
    f = io.BytesIO(content)
    f.name = name
    return f


def _post_file(token: str, content: bytes, name: str, key: str | None = None, client: Client | None = None):
    return (client or Client()).post(
        FILE_API,
        {"form": "loans", "period": "2020Q1", "file": _file(content, name)},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key or str(uuid.uuid4())},
    )


def _media_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _loans_xlsx(n: int) -> bytes:
    return xlsx_bytes([LOAN_HEADER] + [[loan_row(i)[h] for h in LOAN_HEADER] for i in range(1, n + 1)])


@pytest.fixture
def token(county, users, catalogue):
    _t, raw = token_create(actor=users["admin"], organisation=county["abc"], name="上传")
    return raw


# ---------------------------------------------------------------- a file SQLite database for threads


@pytest.fixture
def file_sqlite(tmp_path, token):
    """Moves the test database, with the county, users, catalogue and token in it, to a file for this test.

    The in-memory test database's shared cache fails fast ("table is locked") instead of waiting, so
    threads need a file database — as production SQLite is (WAL, BEGIN IMMEDIATE). The busy timeout is
    lowered from 20 s to 3 s, so that a write blocked by a held lock fails quickly instead of hanging.
    On PostgreSQL the database is used as it is.
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield token
        return
    path = tmp_path / "puhui.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    memory_settings = connections.settings["default"]
    memory_connection = connections["default"]
    options = {**memory_settings.get("OPTIONS", {}), "timeout": 3, "transaction_mode": "IMMEDIATE"}
    options.setdefault("init_command", "PRAGMA journal_mode=WAL;")
    connections.settings["default"] = {**memory_settings, "NAME": str(path), "OPTIONS": options}
    on_file = connections.create_connection("default")
    connections["default"] = on_file  # this thread; every new thread connects to the file by itself
    try:
        yield token
    finally:
        on_file.close()
        connections.settings["default"] = memory_settings
        connections["default"] = memory_connection


def _in_thread(target, results: dict, name: str) -> threading.Thread:
    def run():
        try:
            results[name] = target()
        except BaseException as e:  # reported by the test, not lost in the thread
            results[name] = e
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_logins_and_writes_go_through_while_an_upload_is_checked(file_sqlite, users, monkeypatch):
    """The check of an API upload is held open; a login and an audited write complete meanwhile."""
    token = file_sqlite
    checking, finish = threading.Event(), threading.Event()
    read = intake._read

    def held_read(**kwargs):
        checking.set()
        finish.wait(60)
        return read(**kwargs)

    monkeypatch.setattr(intake, "_read", held_read)
    results: dict = {}
    uploader = _in_thread(
        lambda: _post_file(token, loans_csv([loan_row(1), loan_row(2)]), "a.csv").status_code,
        results,
        "upload",
    )
    failure = None
    try:
        assert checking.wait(60), results
        try:
            login = Client().post("/login/", {"username": "office", "password": PASSWORD})
            audit_record(
                actor=users["office"], action=AuditLog.Action.UPDATE, object_repr="并发写入", note="并发写入"
            )
        except OperationalError as e:  # "database is locked": the upload's check held the write lock
            failure = e
    finally:
        finish.set()
        uploader.join(60)
    assert failure is None, f"a write during the upload's check failed: {failure}"
    assert login.status_code == 302 and login.url == "/"
    assert AuditLog.objects.filter(action="login", actor=users["office"]).exists()
    assert AuditLog.objects.filter(object_repr="并发写入").exists()
    assert results["upload"] == 201, results
    assert Submission.objects.count() == 1 and LoanRecord.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_uploads_with_one_key_store_once(file_sqlite):
    """The claim row keeps idempotency without a transaction around the check: one stores, the rest replay."""
    token = file_sqlite
    content = loans_csv([loan_row(n) for n in range(1, 30)])
    n = 4
    barrier = threading.Barrier(n)
    results: dict = {}

    def send():
        barrier.wait()
        r = _post_file(token, content, "a.csv", key="same-upload")
        return r.status_code, r.headers.get("Idempotent-Replayed"), r.content

    threads = [_in_thread(send, results, i) for i in range(n)]
    for t in threads:
        t.join(120)
    answers = list(results.values())
    assert len(answers) == n and all(isinstance(a, tuple) for a in answers), answers
    assert {status for status, _, _ in answers} == {201}, answers
    assert sum(1 for _, replayed, _ in answers if replayed is None) == 1
    assert len({body for _, _, body in answers}) == 1
    assert Submission.objects.count() == 1 and Upload.objects.count() == 1
    assert LoanRecord.objects.count() == 29
    assert IdempotencyRecord.objects.get(key="same-upload").status_code == 201


# ---------------------------------------------------------------- inflated size


def test_xlsx_inflating_past_the_limit_is_refused_unread(token, settings):
    content = _loans_xlsx(600)  # ~500 KB of sheet XML in a file a tenth of that
    assert len(content) < 200_000
    settings.PUHUI_DATA_MAX_INFLATED_BYTES = 300_000
    r = _post_file(token, content, "loans.xlsx")
    assert r.status_code == 422, r.content
    message = r.json()["error"]["details"][0]["message"]
    assert "文件解压后过大" in message and "293.0 KB" in message
    assert not Submission.objects.exists() and not LoanRecord.objects.exists()
    assert not Upload.objects.exists() and not IdempotencyRecord.objects.exists()
    assert _media_files(settings) == []
    # Under the limit the same file is read and stored.
    settings.PUHUI_DATA_MAX_INFLATED_BYTES = 10_000_000
    assert _post_file(token, content, "loans.xlsx").status_code == 201
    assert LoanRecord.objects.count() == 600


def test_the_page_refuses_an_xlsx_inflating_past_the_limit(client, users, catalogue, settings):
    settings.PUHUI_DATA_MAX_INFLATED_BYTES = 100_000
    client.force_login(users["abc"])
    r = client.post(
        "/data/forms/loans/2020Q1/upload/",
        {"file": _file(_loans_xlsx(300), "loans.xlsx")},
        headers={"HX-Request": "true"},
    )
    assert 'data-testid="upload-failed"' in r.content.decode() and "文件解压后过大" in r.content.decode()
    assert not Submission.objects.exists() and _media_files(settings) == []


# ---------------------------------------------------------------- size, while receiving


def test_an_oversized_api_upload_is_stopped_while_it_arrives(token, settings):
    settings.PUHUI_DATA_MAX_BYTES = 20_000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # so that it would go to a temporary file
    content = loans_csv([loan_row(n) for n in range(1, 300)])
    assert len(content) > 20_000
    r = _post_file(token, content, "big.csv")
    assert r.status_code == 413, r.content
    err = r.json()["error"]
    assert err["code"] == "payload_too_large"
    assert "文件大小超过上限 19.5 KB" in err["message"] and "未作处理" in err["message"]
    assert not Upload.objects.exists() and not Submission.objects.exists()
    assert not IdempotencyRecord.objects.exists()
    assert _media_files(settings) == []


def test_an_oversized_page_upload_is_413_and_keeps_nothing(client, users, catalogue, settings):
    settings.PUHUI_DATA_MAX_BYTES = 20_000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.force_login(users["abc"])
    content = loans_csv([loan_row(n) for n in range(1, 300)])
    r = client.post("/data/forms/loans/2020Q1/upload/", {"file": _file(content, "big.csv")})
    assert r.status_code == 413
    assert "文件大小超过上限 19.5 KB" in r.content.decode()
    # With htmx the refusal is shown where the result goes (htmx swaps only 2xx answers).
    r = client.post(
        "/data/forms/loans/2020Q1/upload/",
        {"file": _file(content, "big.csv")},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200 and "文件大小超过上限" in r.content.decode()
    assert not Upload.objects.exists() and not Submission.objects.exists()
    assert _media_files(settings) == []


def test_the_limit_counts_while_receiving_not_after(rf, settings):
    """The handler stops at the limit: what was received is dropped, the file is absent from request.FILES."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from puhui.core import uploads

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    request = rf.post(
        "/data/forms/loans/2020Q1/upload/", {"file": SimpleUploadedFile("a.csv", b"x" * 50_000)}
    )
    request.upload_max_bytes = 10_000
    assert uploads.refused(request) == 10_000
    assert "file" not in request.FILES
    small = rf.post("/data/forms/loans/2020Q1/upload/", {"file": SimpleUploadedFile("a.csv", b"x" * 5_000)})
    small.upload_max_bytes = 10_000
    assert uploads.refused(small) is None and small.FILES["file"].size == 5_000
