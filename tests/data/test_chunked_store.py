"""A submission is stored in batches, each in a short transaction of its own, and nobody sees it until it is whole.

Finding M5: 400,000 loan rows went into the database in one transaction, and on SQLite that transaction
held the one write lock for six seconds — every login and page write waited. Now the Submission is created
STORING (hidden by `Submission.objects`), its rows go in 20,000 at a time, and one short transaction makes
it the next version. These tests stop the store after its first batch (a generator that waits for an
event, no timing) and look at everything a user can reach; make it fail half way and find nothing left; leave
a crash's leftovers and see the daily cleanup delete them; and interleave two stores of one form.
"""

import datetime
import io
import json
import threading

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from puhui.api.services import token_create
from puhui.core.audit import audit_record
from puhui.core.models import AuditLog
from puhui.data import access, derived, selectors, services, storage
from puhui.data.models import IndicatorValue, LoanRecord, Submission, Upload
from tests.api.conftest import ApiClient
from tests.data import test_upload_locking as locking
from tests.data.conftest import loan_row, loans_csv

STORING = Submission.Status.STORING
# The file SQLite database of the locking tests, so that the store and the readers use two connections.
file_sqlite, token = locking.file_sqlite, locking.token


@pytest.fixture
def small_batches(settings):
    settings.PUHUI_DATA_STORE_BATCH = 2
    settings.PUHUI_DATA_STORE_PAUSE = 0


def _held_after_first_batch(monkeypatch):
    """Makes the next store stop once its first batch is committed; returns (stopped, go_on) events."""
    stopped, go_on = threading.Event(), threading.Event()
    lines = storage._lines

    def held(path, chunk):
        for n, batch in enumerate(lines(path, chunk)):
            if n == 1:  # batch 0 is in and committed; batch 1 is not begun
                stopped.set()
                assert go_on.wait(60)
            yield batch

    monkeypatch.setattr(storage, "_lines", held)
    return stopped, go_on


def _approved_v1(users, county) -> Submission:
    up = services.upload_start(
        actor=users["abc"],
        institution=county["abc"],
        form_code="loans",
        period_code="2020Q1",
        channel=Submission.Channel.API,
        rows=[loan_row(1)],
    )
    assert up.status == Upload.Status.SUCCEEDED, up.errors
    return services.submission_review(actor=users["office"], submission=up.submission, approve=True)


def _figures() -> list[tuple]:
    run = derived.compute_all()
    assert run["values"] > 0
    latest = IndicatorValue.objects.order_by("-run_id").values_list("run_id", flat=True).first()
    return sorted(
        IndicatorValue.objects.filter(run_id=latest).values_list(
            "indicator_code", "period_id", "level", "organisation_id", "division_id", "value"
        ),
        key=repr,
    )


@pytest.mark.django_db(transaction=True)
def test_nothing_of_a_half_stored_submission_is_visible(
    file_sqlite, users, county, small_batches, monkeypatch
):
    """Stopped after its first batch: the batch is committed (another connection writes meanwhile), and no
    role's page, API answer, access query or derived figure shows anything of it."""
    api_token = file_sqlite
    v1 = _approved_v1(users, county)
    before = _figures()
    stopped, go_on = _held_after_first_batch(monkeypatch)
    results: dict = {}
    content = loans_csv([loan_row(n) for n in range(1, 6)])
    uploader = locking._in_thread(
        lambda: locking._post_file(api_token, content, "v2.csv").status_code, results, "upload"
    )
    try:
        assert stopped.wait(60), results
        hidden = Submission.all_objects.get(status=STORING)
        # The first batch is committed — the lock is free between batches — but the submission is hidden.
        assert LoanRecord.objects.filter(submission=hidden).count() == 2
        assert hidden.version == 0 and not hidden.is_current
        audit_record(actor=users["office"], action=AuditLog.Action.UPDATE, object_repr="并发写入", note="w")
        assert list(Submission.objects.all()) == [v1]
        for who in ("office", "admin", "abc"):
            assert list(access.submissions_for(users[who])) == [v1], who
        assert list(selectors.versions(v1)) == [v1]
        assert selectors.my_forms(county["abc"])  # builds from current versions only
        assert derived.effective_submissions() == {v1.period_id: [v1.pk]}
        assert _figures() == before
        office_api = ApiClient(token_create(actor=users["admin"], organisation=county["pboc"], name="办")[1])
        listed = json.loads(office_api.get("/data/submissions").content)
        assert listed["total"] == 1 and [s["id"] for s in listed["items"]] == [v1.pk]
        for path in (f"/data/submissions/{hidden.pk}", f"/data/submissions/{hidden.pk}/rows"):
            assert office_api.get(path).status_code == 404, path
        r = office_api.post(f"/data/submissions/{hidden.pk}/review", {"decision": "approve"}, key="r")
        assert r.status_code == 404
        for who, pages in (
            ("office", ["/data/inbox/", "/data/forms/loans/2020Q1/"]),
            ("abc", ["/data/forms/", "/data/forms/loans/2020Q1/"]),
        ):
            client = Client()
            client.force_login(users[who])
            assert client.get(f"/data/submissions/{hidden.pk}/").status_code == 404, who
            for page in pages:
                r = client.get(page)
                body = r.content.decode()
                assert r.status_code in (200, 404), (who, page)
                assert f"/data/submissions/{hidden.pk}/" not in body and "保存中" not in body, (who, page)
                if r.status_code == 200 and page.endswith("2020Q1/"):
                    assert "第1版" in body and "第2版" not in body
    finally:
        go_on.set()
        uploader.join(60)
    assert results["upload"] == 201, results
    v2 = Submission.objects.get(version=2)
    assert v2.pk == hidden.pk and v2.is_current and v2.status == Submission.Status.SUBMITTED
    assert not Submission.objects.get(pk=v1.pk).is_current
    assert v2.loans.count() == 5 and not Submission.all_objects.filter(status=STORING).exists()
    assert AuditLog.objects.filter(action="import", object_id=str(v2.pk), note__contains="第2版").exists()


def test_a_failure_half_way_leaves_nothing(users, county, catalogue, small_batches, monkeypatch):
    write = storage.write_loans

    def failing(**kwargs):
        def progress(done, total):
            if done >= 4:  # two batches are in
                raise OSError("disk full")

        return write(**{**kwargs, "progress": progress})

    monkeypatch.setattr(storage, "write_loans", failing)
    with pytest.raises(OSError, match="disk full"):
        services.upload_start(
            actor=users["abc"],
            institution=county["abc"],
            form_code="loans",
            period_code="2020Q1",
            channel=Submission.Channel.API,
            rows=[loan_row(n) for n in range(1, 8)],
        )
    assert not Submission.all_objects.exists() and not LoanRecord.objects.exists()
    assert Upload.objects.get().status == Upload.Status.FAILED
    assert not AuditLog.objects.filter(action="import", object_type="data.Submission").exists()
    monkeypatch.setattr(storage, "write_loans", write)
    up = services.upload_start(
        actor=users["abc"],
        institution=county["abc"],
        form_code="loans",
        period_code="2020Q1",
        channel=Submission.Channel.API,
        rows=[loan_row(n) for n in range(1, 8)],
    )
    assert up.submission.version == 1 and up.submission.loans.count() == 7  # no version number was used up


def _leftover(users, county, monkeypatch) -> Submission:
    """A store that dies half way with the database unreachable: its hidden rows stay behind."""
    monkeypatch.setattr(
        storage, "submission_discard", lambda pk, **kw: (_ for _ in ()).throw(OSError("gone"))
    )

    def write(submission):
        storage.write_loans(submission_id=submission.pk, spool_path=spool, total=3)
        raise KeyboardInterrupt  # the worker is killed

    spool = county["tmp"] / "rows.copy"
    line = "\t".join(
        ["{row}", "L{row}", "ric", "x", "h", "farm", str(county["towns"][0].pk), "\\N", "100", "100", "5.5"]
        + ["2020-01-01", "2021-01-01", "credit", "t", "f", "t", "normal", "", ""]  # product, collateral
    )
    spool.write_text("".join(line.format(row=n) + "\n" for n in (2, 3, 4)), encoding="utf-8")
    fields = dict(
        institution=county["abc"],
        form="loans",
        period=services.period_get("2020Q1"),
        channel=Submission.Channel.API,
        submitted_label="abc",
    )
    with pytest.raises(KeyboardInterrupt):
        storage.submission_store(actor=users["abc"], fields=fields, write=write, note=str)
    monkeypatch.undo()
    return Submission.all_objects.get(status=STORING)


@pytest.fixture
def county_tmp(county, tmp_path):
    return {**county, "tmp": tmp_path}


def test_a_crash_leftover_is_hidden_and_deleted_by_the_daily_cleanup(
    users, county_tmp, catalogue, small_batches, monkeypatch
):
    leftover = _leftover(users, county_tmp, monkeypatch)
    assert LoanRecord.objects.filter(submission=leftover).count() == 3
    assert not Submission.objects.exists() and not access.submissions_for(users["office"]).exists()
    call_command("purge_uploads", stdout=io.StringIO())  # too recent: it might still be being stored
    assert Submission.all_objects.filter(pk=leftover.pk).exists()
    Submission.all_objects.filter(pk=leftover.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(hours=storage.unfinished_hours() + 1)
    )
    call_command("purge_uploads", stdout=io.StringIO())
    assert not Submission.all_objects.exists() and not LoanRecord.objects.exists()
    log = AuditLog.objects.get(action="delete", object_repr="未完成保存的报送")
    assert log.after["submissions"] == [leftover.pk]
    call_command("purge_uploads", stdout=io.StringIO())  # nothing left: nothing logged
    assert AuditLog.objects.filter(action="delete").count() == 1


def test_a_published_submission_is_never_discarded(users, county, catalogue):
    up = services.upload_start(
        actor=users["abc"],
        institution=county["abc"],
        form_code="loans",
        period_code="2020Q1",
        channel=Submission.Channel.API,
        rows=[loan_row(1), loan_row(2)],
    )
    Submission.objects.filter(pk=up.submission.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=9)
    )
    assert storage.submission_discard(up.submission.pk) is False
    assert storage.submissions_unfinished_delete() == []
    assert LoanRecord.objects.count() == 2


def test_two_stores_of_one_form_interleaved_take_distinct_versions(
    users, county, catalogue, small_batches, monkeypatch
):
    """The second upload starts and finishes while the first is between batches: each gets its own version
    number at its final transaction, the one finishing last is current."""
    lines = storage._lines
    nested, started = [], []

    def interleaved(path, chunk):
        for n, batch in enumerate(lines(path, chunk)):
            if n == 1 and not started:
                started.append(True)
                nested.append(_upload(users, county, 3))
            yield batch

    monkeypatch.setattr(storage, "_lines", interleaved)
    first = _upload(users, county, 5)
    second = nested[0]
    assert (second.submission.version, first.submission.version) == (1, 2)
    assert {s.pk: s.is_current for s in Submission.objects.all()} == {
        first.submission.pk: True,
        second.submission.pk: False,
    }
    assert first.submission.loans.count() == 5 and second.submission.loans.count() == 3


def _upload(users, county, n: int) -> Upload:
    up = services.upload_start(
        actor=users["abc"],
        institution=county["abc"],
        form_code="loans",
        period_code="2020Q1",
        channel=Submission.Channel.API,
        rows=[loan_row(i) for i in range(1, n + 1)],
    )
    assert up.status == Upload.Status.SUCCEEDED, up.errors
    return up


def test_version_numbers_stay_unique_among_stored_submissions(users, county, catalogue):
    """Two stores may be hidden at once (both version 0); two stored ones never share a number."""
    v1 = _upload(users, county, 1).submission
    fields = dict(
        institution=county["abc"],
        form="loans",
        period=v1.period,
        channel=Submission.Channel.API,
        submitted_at=timezone.now(),
    )
    for _ in range(2):
        Submission.all_objects.create(**fields, version=0, is_current=False, status=STORING)
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(**fields, version=1)
