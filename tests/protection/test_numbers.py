"""Day numbers of complaints (TS…) and mediation cases (TJ…): the next free one, also when filings race."""

import threading

import pytest
from django.db import IntegrityError, connection

from puhui.protection.models import Complaint
from puhui.protection.services import complaints as services
from puhui.protection.services import numbers
from tests.protection.conftest import complaint_data


@pytest.mark.django_db
def test_numbers_follow_the_days_last_one(county, users):
    first, _ = services.complaint_file(actor=None, institution=county["abc"], **complaint_data())
    second, _ = services.complaint_file(actor=None, institution=county["abc"], **complaint_data())
    assert first.number.endswith("001") and second.number.endswith("002")
    assert first.number[:10] == second.number[:10]


@pytest.mark.django_db
def test_a_number_taken_meanwhile_is_skipped(county, users, monkeypatch):
    """The race, played in one thread: the last number read is stale (another filing took the next one since);
    the insert is refused and the next free number is used."""
    first, _ = services.complaint_file(actor=None, institution=county["abc"], **complaint_data())
    second, _ = services.complaint_file(actor=None, institution=county["abc"], **complaint_data())
    real, reads = numbers.last_number, []

    def stale_then_fresh(model, prefix):
        reads.append(prefix)
        return first.number if len(reads) == 1 else real(model, prefix)

    monkeypatch.setattr(numbers, "last_number", stale_then_fresh)
    complaint = numbers.create_numbered(Complaint, first.number[:10], **_fields(first))
    assert len(reads) == 2 and complaint.number == second.number[:10] + "003"


def test_another_constraint_is_not_retried(county, users, db):
    taken, _ = services.complaint_file(actor=None, institution=county["abc"], **complaint_data())
    with pytest.raises(IntegrityError):
        numbers.create_numbered(
            Complaint, "TS20990101", **{**_fields(taken), "tracking_hash": taken.tracking_hash}
        )


def _fields(c: Complaint) -> dict:
    keep = (
        "channel",
        "business_channel",
        "business",
        "cause",
        "institution",
        "name",
        "phone",
        "content",
        "received_on",
        "due_on",
    )
    return {k: getattr(c, k) for k in keep} | {"tracking_hash": "x" * 64}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_complaints_filed_at_the_same_moment_all_get_numbers(county, users):
    n = 8
    barrier = threading.Barrier(n)
    errors, numbers, lock = [], [], threading.Lock()

    def send():
        try:
            barrier.wait()
            complaint, _ = services.complaint_file(actor=None, institution=county["abc"], **complaint_data())
            with lock:
                numbers.append(complaint.number)
        except Exception as e:  # noqa: BLE001 - the test reports every failure
            with lock:
                errors.append(repr(e))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(set(numbers)) == n
    assert sorted(int(x[-3:]) for x in numbers) == list(range(1, n + 1))
