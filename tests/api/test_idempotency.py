"""Idempotency keys: replay, conflict, missing key, per-token keys, and concurrent retries."""

import json
import threading

import pytest
from django.db import connection

from puhui.api.models import ApiToken, IdempotencyRecord
from puhui.api.services import hash_token
from puhui.core.models import AuditLog, ServicePoint
from tests.api.conftest import ApiClient, error_of


@pytest.fixture
def new_point(county):
    return {
        "code": "SP-IDEM",
        "name": "历山2村服务点",
        "bank_id": county["abc"].pk,
        "village_code": county["villages"][1].code,
        "functions": ["withdrawal"],
        "opened_on": "2020-06-01",  # the lifecycle's rule: a point opens on a date
    }


def test_write_without_key_is_400_in_chinese(api, new_point):
    r = api("abc").post("/service-points", new_point)
    assert r.status_code == 400
    err = error_of(r)
    assert err["code"] == "idempotency_key_missing"
    assert "Idempotency-Key" in err["message"] and "必须" in err["message"]
    assert not ServicePoint.objects.filter(code="SP-IDEM").exists()


def test_overlong_key_is_400(api, new_point):
    r = api("abc").post("/service-points", new_point, key="k" * 129)
    assert r.status_code == 400
    assert error_of(r)["code"] == "idempotency_key_invalid"


def test_reads_need_no_key(api):
    assert api("abc").get("/divisions").status_code == 200


def test_retry_with_same_key_and_body_replays_the_first_response(api, new_point):
    client = api("abc")
    first = client.post("/service-points", new_point, key="retry-1")
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    # Same JSON with another key order and spacing is the same request.
    raw = json.dumps(dict(reversed(list(new_point.items()))), indent=2)
    second = client.post("/service-points", raw=raw, key="retry-1")
    assert second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.content == first.content
    assert second.headers["Content-Type"] == first.headers["Content-Type"]
    assert ServicePoint.objects.filter(code="SP-IDEM").count() == 1
    assert AuditLog.objects.filter(object_type="core.ServicePoint").count() == 1
    assert IdempotencyRecord.objects.count() == 1


def test_same_key_with_another_body_is_422(api, new_point):
    client = api("abc")
    assert client.post("/service-points", new_point, key="k-1").status_code == 201
    r = client.post("/service-points", {**new_point, "name": "另一个名字"}, key="k-1")
    assert r.status_code == 422
    err = error_of(r)
    assert err["code"] == "idempotency_key_reused"
    assert "k-1" in err["message"]
    assert ServicePoint.objects.get(code="SP-IDEM").name == "历山2村服务点"


def test_keys_belong_to_one_token(api, county, new_point):
    # The same key from another organisation's token is another request entirely.
    assert api("abc").post("/service-points", new_point, key="shared").status_code == 201
    rcb_point = {**new_point, "code": "SP-RCB-2", "bank_id": county["rcb"].pk}
    r = api("rcb").post("/service-points", rcb_point, key="shared")
    assert r.status_code == 201
    assert "Idempotent-Replayed" not in r.headers
    assert r.json()["bank_id"] == county["rcb"].pk


def test_a_failed_request_stores_nothing_and_can_be_corrected_under_the_same_key(api, new_point):
    client = api("abc")
    bad = client.post("/service-points", {**new_point, "village_code": "370323999999"}, key="fix-me")
    assert bad.status_code == 422
    assert IdempotencyRecord.objects.count() == 0
    good = client.post("/service-points", new_point, key="fix-me")
    assert good.status_code == 201
    assert "Idempotent-Replayed" not in good.headers


def test_repeated_retries_write_once(api, new_point):
    client = api("abc")
    responses = [client.post("/service-points", new_point, key="many") for _ in range(5)]
    assert {r.status_code for r in responses} == {201}
    assert [r.headers.get("Idempotent-Replayed") for r in responses] == [None] + ["true"] * 4
    assert len({r.content for r in responses}) == 1
    assert ServicePoint.objects.filter(code="SP-IDEM").count() == 1


# The in-memory SQLite test database fails fast ("table is locked") instead of waiting, so the threads need
# PostgreSQL; the retry path itself is covered on every database by test_repeated_retries_write_once, and the
# same-key race on a file SQLite database by tests/data/test_upload_locking.py.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_write_once(county, users, new_point):
    from puhui.api.services import token_create

    _t, raw = token_create(actor=users["admin"], organisation=county["abc"], name="并发")
    n = 6
    barrier = threading.Barrier(n)
    results = []
    lock = threading.Lock()

    def send():
        try:
            barrier.wait()
            r = ApiClient(raw).post("/service-points", new_point, key="concurrent-1")
            with lock:
                results.append((r.status_code, r.headers.get("Idempotent-Replayed"), r.content))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == n
    assert {status for status, _, _ in results} == {201}, results
    assert sum(1 for _, replayed, _ in results if replayed is None) == 1
    assert len({content for _, _, content in results}) == 1
    assert ServicePoint.objects.filter(code="SP-IDEM").count() == 1
    assert IdempotencyRecord.objects.filter(key="concurrent-1").count() == 1
    assert AuditLog.objects.filter(object_type="core.ServicePoint").count() == 1


def test_idempotency_records_purge(api, users, new_point):
    import datetime

    from django.utils import timezone

    from puhui.api.services import idempotency_records_purge

    api("abc").post("/service-points", new_point, key="old")
    assert (
        idempotency_records_purge(actor=users["admin"], before=timezone.now() - datetime.timedelta(days=1))
        == 0
    )
    assert (
        idempotency_records_purge(actor=users["admin"], before=timezone.now() + datetime.timedelta(seconds=1))
        == 1
    )
    assert AuditLog.objects.filter(object_type="api.IdempotencyRecord", action="delete").exists()


def test_revoking_a_token_keeps_other_tokens_records(api, tokens, users, new_point):
    from puhui.api.services import token_revoke

    api("abc").post("/service-points", new_point, key="r-1")
    token_revoke(actor=users["admin"], token=ApiToken.objects.get(key_hash=hash_token(tokens["rcb"])))
    assert IdempotencyRecord.objects.filter(key="r-1").count() == 1


def test_purge_command(api, new_point):
    from io import StringIO

    from django.core.management import call_command

    api("abc").post("/service-points", new_point, key="cmd")
    out = StringIO()
    call_command("purge_idempotency", "--days", "1", stdout=out)
    assert "已清理 0 条" in out.getvalue()
    assert IdempotencyRecord.objects.count() == 1


def _multipart(settings, fields: dict, files: dict):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import RequestFactory

    data = dict(fields)
    for name, (filename, content) in files.items():
        data[name] = SimpleUploadedFile(filename, content)
    return RequestFactory().post("/api/v1/data/submissions/file", data)


def test_multipart_fingerprint_hashes_parts_not_the_body(settings):
    """Above DATA_UPLOAD_MAX_MEMORY_SIZE `request.body` is refused; the fingerprint of a multipart request
    reads the parsed fields and the files (streamed to disk above FILE_UPLOAD_MAX_MEMORY_SIZE) in chunks."""
    from puhui.api.idempotency import request_fingerprint

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    big = b"x" * 5000 + b"\n"

    def fp(fields, files):
        request = _multipart(settings, fields, files)
        value = request_fingerprint(request)
        assert request.FILES["file"].read() == files["file"][1]  # left readable from the start
        return value

    first = fp({"form": "loans", "period": "2020Q1"}, {"file": ("a.csv", big)})
    assert first == fp({"period": "2020Q1", "form": "loans"}, {"file": ("a.csv", big)})
    assert first != fp({"form": "loans", "period": "2020Q2"}, {"file": ("a.csv", big)})
    assert first != fp({"form": "loans", "period": "2020Q1"}, {"file": ("a.csv", big[:-1] + b"y")})
    assert first != fp({"form": "loans", "period": "2020Q1"}, {"file": ("b.csv", big)})


def test_a_json_body_over_the_limit_is_413(api, new_point, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    r = api("abc").post("/service-points", {**new_point, "name": "长" * 2000}, key="big")
    assert r.status_code == 413
    err = error_of(r)
    assert err["code"] == "payload_too_large" and "2 KB" in err["message"] and "上传文件" in err["message"]
    assert not IdempotencyRecord.objects.exists() and not ServicePoint.objects.filter(code="SP-IDEM").exists()


def test_a_key_still_in_progress_is_409_after_waiting_and_nothing_runs_twice(
    api, tokens, new_point, monkeypatch
):
    """A claim row (status 0) left by a request still running: a duplicate waits, then 409; once it is
    older than ABANDONED_AFTER the message says the earlier request did not finish."""
    import datetime

    from django.test import RequestFactory
    from django.utils import timezone

    from puhui.api import idempotency

    monkeypatch.setattr(idempotency, "WAIT_SECONDS", 0)
    body = json.dumps(new_point)
    request = RequestFactory().post("/api/v1/service-points", data=body, content_type="application/json")
    token = ApiToken.objects.get(key_hash=hash_token(tokens["abc"]))
    record = IdempotencyRecord.objects.create(
        token=token,
        key="busy",
        method="POST",
        path="/api/v1/service-points",
        request_hash=idempotency.request_fingerprint(request),
        status_code=idempotency.IN_PROGRESS,
        response_body=b"",
        content_type="",
    )
    r = api("abc").post("/service-points", raw=body, key="busy")
    assert r.status_code == 409 and error_of(r)["code"] == "idempotency_in_progress"
    assert "正在处理" in error_of(r)["message"]
    other = api("abc").post("/service-points", {**new_point, "name": "别的"}, key="busy")
    assert other.status_code == 422 and error_of(other)["code"] == "idempotency_key_reused"
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - idempotency.ABANDONED_AFTER - datetime.timedelta(minutes=1)
    )
    r = api("abc").post("/service-points", raw=body, key="busy")
    assert r.status_code == 409 and "没有完成" in error_of(r)["message"]
    assert not ServicePoint.objects.filter(code="SP-IDEM").exists()
    # When the first request fails and releases its key, the waiting duplicate claims it and does the work.
    record.delete()
    assert api("abc").post("/service-points", raw=body, key="busy").status_code == 201
