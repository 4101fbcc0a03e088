"""A job's page says what the job produced and links to it; a queued job with no worker says so."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from puhui.jobs import selectors
from puhui.jobs.models import Job, WorkerHeartbeat
from puhui.jobs.selectors import NO_WORKER, WORKERS_BUSY, job_with_state
from puhui.jobs.services import job_enqueue, safe_result_url, worker_beat
from tests.jobs import tasks
from tests.jobs.tasks import count_to, look_at_heartbeat, produce

worker_db = pytest.mark.django_db(transaction=True)


def run_worker():
    call_command("worker", batch=True, verbosity=0)


@worker_db
def test_the_result_sentence_and_link_are_recorded_and_shown(login, users):
    job = job_enqueue(actor=users["office"], task=produce, label="生成报表", url="/data/targets/")
    run_worker()
    job.refresh_from_db()
    assert (job.result_summary, job.result_url) == ("已生成 3 份报表。", "/data/targets/")
    page = login(users["office"]).get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-testid="job-result-summary">已生成 3 份报表。<' in page
    assert 'href="/data/targets/" data-testid="job-result-link">查看结果<' in page
    assert "读取行数" in page  # the figures keep their Chinese labels; the summary and url are not rows
    assert ">summary<" not in page and ">url<" not in page
    listed = login(users["office"]).get("/jobs/").content.decode()
    assert '<span data-testid="job-list-result"><a href="/data/targets/">已生成 3 份报表。</a>' in listed


@worker_db
def test_a_result_link_to_another_site_is_dropped(login, users):
    job = job_enqueue(actor=users["office"], task=produce, label="生成报表", url="https://example.com/x")
    run_worker()
    job.refresh_from_db()
    assert job.result_summary and job.result_url == ""
    assert "job-result-link" not in login(users["office"]).get(f"/jobs/{job.pk}/").content.decode()


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("/index/?run=3", "/index/?run=3"),
        ("//evil.example/", ""),
        ("javascript:alert(1)", ""),
        ("http://evil.example/", ""),
        ("/\\evil.example", ""),
        (None, ""),
    ],
)
def test_safe_result_url(url, kept):
    assert safe_result_url(url) == kept


@worker_db
def test_a_job_without_a_summary_still_says_it_finished(login, users):
    job = job_enqueue(actor=users["office"], task=count_to, label="数数", n=2)
    run_worker()
    page = login(users["office"]).get(f"/jobs/{job.pk}/").content.decode()
    assert "任务已完成。" in page and "job-result-link" not in page
    assert ">counted<" not in page  # a key without a Chinese label is not shown as English


@worker_db
def test_census_refresh_says_what_it_changed_and_links_to_the_divisions(login, users, county):
    client = login(users["office"])
    client.post("/jobs/start/census_refresh/")
    run_worker()
    job = Job.objects.get()
    assert "个村（社区）的户数" in job.result_summary and "4 户" in job.result_summary
    assert job.result_url == "/divisions/"
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert job.result_summary in page and 'href="/divisions/"' in page


def test_a_queued_job_with_no_worker_says_so(login, users):
    job = job_enqueue(actor=users["office"], task=count_to, label="数数", n=2)
    client = login(users["office"])
    detail = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-testid="job-queue-notice"' in detail and NO_WORKER in detail
    assert 'data-testid="job-no-worker"' in client.get("/jobs/").content.decode()
    # The polled fragment carries the notice too, so it appears or goes while the page is open.
    assert NO_WORKER in client.get(f"/jobs/{job.pk}/status/").content.decode()


def test_a_live_idle_worker_removes_the_notice(login, users):
    job = job_enqueue(actor=users["office"], task=count_to, label="数数", n=2)
    worker_beat(worker_id="w1", queues="*", busy=False)
    client = login(users["office"])
    assert "job-queue-notice" not in client.get(f"/jobs/{job.pk}/").content.decode()
    assert "job-no-worker" not in client.get("/jobs/").content.decode()


def test_a_busy_worker_means_the_job_waits_its_turn(login, users):
    job = job_enqueue(actor=users["office"], task=count_to, label="数数", n=2)
    worker_beat(worker_id="w1", busy=True)
    # Busy for ten minutes without a beat (a long task): still alive.
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - datetime.timedelta(minutes=10))
    page = login(users["office"]).get(f"/jobs/{job.pk}/").content.decode()
    assert WORKERS_BUSY in page and NO_WORKER not in page


def test_a_worker_not_seen_for_a_while_is_gone(users):
    job = job_with_state(job_enqueue(actor=users["office"], task=count_to, label="数数", n=2))
    worker_beat(worker_id="w1", busy=False)
    assert selectors.queue_notice(job) == ""
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - datetime.timedelta(minutes=2))
    assert selectors.queue_notice(job) == NO_WORKER
    # Busy longer than the task time limit (PUHUI_JOB_MAX_RUNTIME): gone too.
    WorkerHeartbeat.objects.update(busy_since=timezone.now() - datetime.timedelta(hours=7))
    assert selectors.queue_notice(job) == NO_WORKER


def test_finished_and_running_jobs_get_no_notice(users):
    job = job_with_state(job_enqueue(actor=users["office"], task=count_to, label="数数", n=2))
    job.state.status = "RUNNING"
    assert selectors.queue_notice(job) == ""


@worker_db
def test_the_worker_beats_while_running_and_removes_its_row_when_it_stops(users):
    tasks.SEEN_BUSY.clear()
    job_enqueue(actor=users["office"], task=look_at_heartbeat, label="看心跳")
    run_worker()
    assert len(tasks.SEEN_BUSY) == 1 and tasks.SEEN_BUSY[0] is not None  # busy while the task ran
    assert not WorkerHeartbeat.objects.exists()  # a clean stop removes the row


def test_rq_backend_makes_no_claim_about_workers(users, settings, monkeypatch):
    job = job_with_state(job_enqueue(actor=users["office"], task=count_to, label="数数", n=2))
    monkeypatch.setattr(selectors, "worker_status", lambda now=None: selectors.WorkerStatus(known=False))
    assert selectors.queue_notice(job) == ""
