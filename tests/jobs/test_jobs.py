import signal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from puhui.core.models import AuditLog, Division
from puhui.jobs.models import Job
from puhui.jobs.selectors import job_with_state
from puhui.jobs.services import job_enqueue, job_progress
from tests.jobs.tasks import count_to, explode

# The worker closes and reopens connections between tasks, so these tests cannot sit inside
# one rolled-back transaction.
worker_db = pytest.mark.django_db(transaction=True)


def run_worker():
    call_command("worker", batch=True, verbosity=0)


def test_url_names():
    assert reverse("job_list") == "/jobs/"
    assert reverse("job_start", args=["census_refresh"]) == "/jobs/start/census_refresh/"


def test_enqueue_creates_job_and_task_result(users):
    job = job_enqueue(actor=users["member"], task=count_to, label="数数", n=3)
    assert job.started_by == users["member"]
    state = job_with_state(job).state
    assert (state.status, state.label, state.is_finished) == ("READY", "排队中", False)
    assert (
        AuditLog.objects.filter(object_type="jobs.Job", object_id=str(job.pk), action="create").count() == 1
    )


def test_progress_update(users):
    job = job_enqueue(actor=users["office"], task=count_to, label="数数", n=3)
    job_progress(task_result_id=job.task_result_id, done=2, total=8, message="进行中")
    job.refresh_from_db()
    assert (job.done, job.total, job.message, job.percent) == (2, 8, "进行中", 25)


@worker_db
def test_census_refresh_from_the_job_page(login, users, county):
    client = login(users["office"])
    r = client.get("/jobs/")
    assert 'data-testid="start-census_refresh"' in r.content.decode()
    r = client.post("/jobs/start/census_refresh/")
    job = Job.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/jobs/{job.pk}/"
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "排队中" in page
    assert 'hx-trigger="every 2s"' in page  # polling while queued

    run_worker()

    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "成功" in page
    assert 'hx-trigger="every 2s"' not in page  # polling stops once finished
    job.refresh_from_db()
    assert (job.done, job.total) == (2, 2)
    assert job.message.startswith("完成：4 个村户数有变化")
    assert job_with_state(job).state.return_value["households"] == 4
    assert {v.households for v in Division.objects.filter(level="village")} == {1}
    log = AuditLog.objects.get(object_type="core.Division")
    assert log.actor == users["office"]
    # The status fragment polled by htmx.
    fragment = client.get(f"/jobs/{job.pk}/status/").content.decode()
    assert 'id="job-status"' in fragment
    assert "<html" not in fragment


@pytest.mark.parametrize("who", ["member", "abc", "town_lishan", "agent", "public"])
def test_only_office_may_start_the_census_refresh(login, users, county, who):
    client = login(users[who])
    assert "start-census_refresh" not in client.get("/jobs/").content.decode()
    assert client.post("/jobs/start/census_refresh/").status_code == 404
    assert client.post("/jobs/start/no_such_job/").status_code == 404
    assert not Job.objects.exists()


@worker_db
def test_failed_job_shows_error_to_office_only(login, users, county):
    job = job_enqueue(actor=users["member"], task=explode, label="会失败的任务", secret="S3CRET")
    run_worker()

    owner_page = login(users["member"]).get(f"/jobs/{job.pk}/").content.decode()
    assert "失败" in owner_page
    assert "S3CRET" not in owner_page
    assert "Traceback" not in owner_page
    assert 'data-testid="job-traceback"' not in owner_page

    office_page = login(users["office"]).get(f"/jobs/{job.pk}/").content.decode()
    assert "失败" in office_page
    assert "RuntimeError" in office_page
    assert "S3CRET" in office_page
    assert 'data-testid="job-traceback"' in office_page
    job.refresh_from_db()
    assert (job.done, job.total, job.message) == (1, 4, "第一步完成")


@worker_db
def test_success_result_and_progress(login, users, county):
    job = job_enqueue(actor=users["town_lishan"], task=count_to, label="数数", n=5)
    run_worker()
    page = login(users["town_lishan"]).get(f"/jobs/{job.pk}/").content.decode()
    assert "成功" in page and "任务已完成。" in page
    assert "counted" not in page  # a result key without a Chinese label stays off the page
    job.refresh_from_db()
    assert (job.done, job.total, job.percent) == (5, 5, 100)


@pytest.mark.parametrize("who", ["office", "admin"])
def test_office_sees_every_job(login, users, who):
    job = job_enqueue(actor=users["member"], task=count_to, label="成员单位的任务", n=1)
    client = login(users[who])
    assert client.get(f"/jobs/{job.pk}/").status_code == 200
    assert "成员单位的任务" in client.get("/jobs/").content.decode()


@pytest.mark.parametrize("who", ["member", "abc", "town_lucun", "agent", "public"])
def test_another_users_job_is_404(login, users, who):
    job = job_enqueue(actor=users["town_lishan"], task=count_to, label="历山的任务", n=1)
    client = login(users[who])
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/status/").status_code == 404
    assert "历山的任务" not in client.get("/jobs/").content.decode()


def test_missing_job_is_404(login, users):
    assert login(users["office"]).get("/jobs/999999/").status_code == 404


def test_list_has_no_n_plus_one(login, users):
    client = login(users["office"])
    job_enqueue(actor=users["office"], task=count_to, label="一", n=1)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/jobs/").status_code == 200
        return len(ctx.captured_queries)

    one = queries()
    for i in range(6):
        job_enqueue(actor=users["member"], task=count_to, label=f"任务{i}", n=1)
    assert queries() == one


def test_list_polls_only_while_something_runs(login, users):
    client = login(users["office"])
    assert 'hx-trigger="every 2s"' not in client.get("/jobs/").content.decode()
    job_enqueue(actor=users["office"], task=count_to, label="一", n=1)
    assert 'hx-trigger="every 2s"' in client.get("/jobs/").content.decode()


@worker_db
def test_census_refresh_command_enqueues_for_the_worker(users, county, capsys):
    call_command("census_refresh", "--user", "office")
    assert "已提交后台任务" in capsys.readouterr().out
    job = Job.objects.get()
    assert job.started_by == users["office"]
    run_worker()
    assert job_with_state(job).state.is_successful
    assert Division.objects.get(code="370323102202").households == 1


@worker_db
def test_census_refresh_wait_follows_the_job(users, county, capsys, monkeypatch):
    # With the worker already done, --wait prints the recorded progress and the summary.
    from puhui.registry.management.commands import census_refresh as command

    real_enqueue = command.job_enqueue

    def enqueue_and_run(**kwargs):
        job = real_enqueue(**kwargs)
        run_worker()
        return job

    monkeypatch.setattr(command, "job_enqueue", enqueue_and_run)
    call_command("census_refresh", "--wait", "--poll", "0")
    out = capsys.readouterr().out
    assert "[2/2] 完成：4 个村户数有变化；全县 4 户，其中农户 4 户" in out
    assert "完成：4 个村，4 个村有变化" in out


@worker_db
def test_worker_restores_signal_handlers():
    before = signal.getsignal(signal.SIGINT)
    run_worker()
    assert signal.getsignal(signal.SIGINT) is before
