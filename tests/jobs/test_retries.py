import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from puhui.jobs.models import Job
from puhui.jobs.retries import reap_lost, retry_delay
from puhui.jobs.selectors import job_with_state
from puhui.jobs.services import job_enqueue
from tests.jobs.tasks import CALLS, explode, flaky

worker_db = pytest.mark.django_db(transaction=True)


def run_worker():
    call_command("worker", batch=True, verbosity=0)


@pytest.fixture
def no_delay(settings):
    settings.PUHUI_JOB_RETRY_DELAY = 0


def test_backoff_doubles(settings):
    settings.PUHUI_JOB_RETRY_DELAY = 30
    assert [retry_delay(n) for n in (1, 2, 3)] == [30, 60, 120]


@worker_db
def test_fails_twice_then_succeeds(login, users, no_delay):
    token = uuid.uuid4().hex
    job = job_enqueue(
        actor=users["office"], task=flaky, label="不稳定", max_attempts=3, token=token, failures=2
    )
    first_result = job.task_result_id

    run_worker()

    job.refresh_from_db()
    assert CALLS[token] == 3
    assert (job.attempt, job.max_attempts) == (3, 3)
    assert job.task_result_id != first_result
    state = job_with_state(job).state
    assert state.is_successful and state.return_value == {"attempts": 3}
    assert "第 2 次连接失败" in job.error  # the last failure stays on record
    # The failed attempts stay in the backend as history.
    assert DBTaskResult.objects.filter(status="FAILED", task_path__endswith="flaky").count() == 2
    page = login(users["office"]).get(f"/jobs/{job.pk}/").content.decode()
    assert "成功" in page and "第 3 次尝试（最多 3 次）" in page


@worker_db
def test_always_failing_job_is_marked_failed_with_its_error(login, users, no_delay):
    token = uuid.uuid4().hex
    job = job_enqueue(
        actor=users["member"], task=flaky, label="总失败", max_attempts=3, token=token, failures=99
    )

    run_worker()

    job.refresh_from_db()
    assert CALLS[token] == 3  # three attempts, then no more
    assert job.attempt == 3
    assert job.error == "ConnectionError: 第 3 次连接失败"
    assert job.message == "已尝试 3 次，均失败"
    assert job_with_state(job).state.is_failed

    office = login(users["office"])
    detail = office.get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-testid="job-error-message"' in detail and "ConnectionError: 第 3 次连接失败" in detail
    listing = office.get("/jobs/").content.decode()
    assert 'data-testid="job-list-error"' in listing and "第 3 次连接失败" in listing
    # The owner sees that it failed, not the error (errors can quote data).
    owner = login(users["member"])
    assert "第 3 次连接失败" not in owner.get(f"/jobs/{job.pk}/").content.decode()
    assert "第 3 次连接失败" not in owner.get("/jobs/").content.decode()


@worker_db
def test_retry_waits_for_the_backoff(users, settings):
    settings.PUHUI_JOB_RETRY_DELAY = 60
    token = uuid.uuid4().hex
    job = job_enqueue(actor=None, task=flaky, label="等待重试", max_attempts=2, token=token, failures=1)
    before = timezone.now()

    run_worker()  # the first attempt fails; the retry is not due yet, so the batch worker stops

    job.refresh_from_db()
    assert CALLS[token] == 1 and job.attempt == 2
    assert job_with_state(job).state.status == "READY"
    retry = DBTaskResult.objects.get(id=uuid.UUID(job.task_result_id))
    assert 59 <= (retry.run_after - before).total_seconds() <= 75
    assert "60 秒后第 2 次尝试" in job.message


@worker_db
def test_without_retries_a_failure_is_final(users, no_delay):
    job = job_enqueue(actor=users["office"], task=explode, label="一次", secret="x")
    run_worker()
    job.refresh_from_db()
    assert (job.attempt, job.max_attempts) == (1, 1)
    assert job.error == "RuntimeError: 数据库里的内部细节 x"
    assert job_with_state(job).state.is_failed
    assert Job.objects.count() == 1


def _mark_running(job, hours_ago):
    started = timezone.now() - timedelta(hours=hours_ago)
    DBTaskResult.objects.filter(id=uuid.UUID(job.task_result_id)).update(status="RUNNING", started_at=started)


def test_task_of_a_dead_worker_is_failed_and_retried(users, no_delay, settings):
    settings.PUHUI_JOB_MAX_RUNTIME = 6
    lost = job_enqueue(actor=None, task=flaky, label="进程中止", max_attempts=2, token="a", failures=0)
    final = job_enqueue(actor=None, task=flaky, label="无重试", token="b", failures=0)
    busy = job_enqueue(actor=None, task=flaky, label="还在运行", max_attempts=2, token="c", failures=0)
    _mark_running(lost, 7)
    _mark_running(final, 7)
    _mark_running(busy, 1)
    first = lost.task_result_id

    assert set(reap_lost()) == {first, final.task_result_id}
    for job in (lost, final, busy):
        job.refresh_from_db()
    assert lost.attempt == 2 and lost.task_result_id != first
    assert lost.error.startswith("puhui.jobs.retries.WorkerLost: 运行超过 6 小时")
    assert job_with_state(lost).state.status == "READY"
    assert job_with_state(final).state.is_failed and "WorkerLost" in final.error
    assert job_with_state(busy).state.status == "RUNNING" and busy.error == ""
    assert reap_lost() == []  # nothing left to reap
