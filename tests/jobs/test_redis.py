"""The RQ backend against a real Redis (REDIS_URL, default 127.0.0.1:6379).

`make test` starts a local Redis when none answers (its `redis` target), so a missing Redis or a missing
`django-tasks-rq` (the "redis" extra, part of "dev") fails the test: it never skips.
"""

import uuid

import pytest
from django.conf import settings as django_settings
from django.test import override_settings

from puhui.jobs.selectors import job_with_state
from puhui.jobs.services import job_enqueue
from tests.jobs.tasks import CALLS, count_to, flaky


def _need(reason: str, error: Exception):
    pytest.fail(f"{reason}: {error!r}（请先运行 make test，它会启动本机的 Redis）")


@pytest.fixture
def rq_queue(settings):
    try:
        import django_rq
        import redis
        from django_tasks_rq import Job as RQJob
        from rq import SimpleWorker
    except ImportError as e:
        _need("django-tasks-rq is not installed (pip install -e '.[redis]')", e)
    url = django_settings.REDIS_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as e:
        _need(f"Redis is not reachable at {url}", e)

    name = f"puhui-test-{uuid.uuid4().hex[:12]}"  # a queue of its own: never touches real jobs
    # get_result() looks jobs up on the "default" queue's connection.
    settings.RQ_QUEUES = {q: {"URL": url, "DEFAULT_TIMEOUT": 60} for q in ("default", name)}
    backend = {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", name]}
    with override_settings(TASKS={"default": backend}):
        queue = django_rq.get_queue(name, job_class=RQJob)

        def work():
            worker = SimpleWorker([queue], connection=queue.connection, job_class=RQJob)
            worker.work(burst=True, with_scheduler=False)

        try:
            yield name, work
        finally:
            queue.delete(delete_jobs=True)


@pytest.mark.django_db(transaction=True)
def test_job_runs_through_redis(rq_queue, users, login):
    name, work = rq_queue
    job = job_enqueue(actor=users["office"], task=count_to.using(queue_name=name), label="经 Redis", n=3)
    assert job_with_state(job).state.status == "READY"

    work()

    job.refresh_from_db()
    state = job_with_state(job).state
    assert state.is_successful, state.traceback
    assert state.return_value == {"counted": 3}
    assert (job.done, job.total, job.message) == (3, 3, "第 3 步")
    page = login(users["office"]).get(f"/jobs/{job.pk}/").content.decode()
    assert "成功" in page


@pytest.mark.django_db(transaction=True)
def test_retries_through_redis(rq_queue, users, settings):
    settings.PUHUI_JOB_RETRY_DELAY = 0
    name, work = rq_queue
    token = uuid.uuid4().hex
    task = flaky.using(queue_name=name)
    ok = job_enqueue(actor=None, task=task, label="重试后成功", max_attempts=3, token=token, failures=2)
    bad_token = uuid.uuid4().hex
    bad = job_enqueue(actor=None, task=task, label="总失败", max_attempts=2, token=bad_token, failures=9)

    work()

    ok.refresh_from_db()
    bad.refresh_from_db()
    assert CALLS[token] == 3 and ok.attempt == 3
    assert job_with_state(ok).state.is_successful
    assert CALLS[bad_token] == 2 and bad.attempt == 2
    assert job_with_state(bad).state.is_failed
    assert bad.message == "已尝试 2 次，均失败"
