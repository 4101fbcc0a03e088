from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from puhui.jobs import schedule as sched
from puhui.jobs.management.commands.worker import SchedulingWorker
from puhui.jobs.models import Job, ScheduledRun
from puhui.jobs.selectors import job_with_state

worker_db = pytest.mark.django_db(transaction=True)
CST = ZoneInfo("Asia/Shanghai")


def at(hour, minute=0, day=6):
    return datetime(2026, 12, day, hour, minute, tzinfo=CST)


@pytest.fixture
def check_schedule(settings):
    # `check` is a harmless command every install has.
    settings.PUHUI_SCHEDULE = [
        {"name": "test.check", "at": "07:00", "command": "check", "label": "系统检查", "attempts": 2},
    ]


@pytest.fixture
def due_now_schedule(settings):
    # Tests that run the real clock: an entry at 00:00 is due at any hour of the day.
    settings.PUHUI_SCHEDULE = [
        {"name": "test.check", "at": "00:00", "command": "check", "label": "系统检查", "attempts": 2},
    ]


def test_default_schedule_names_the_daily_commands(settings):
    if hasattr(settings, "PUHUI_SCHEDULE"):
        del settings.PUHUI_SCHEDULE
    entries = {e.name: e for e in sched.scheduled_jobs()}
    assert entries["plan.remind"].command == "plan_remind"
    assert entries["plan.remind"].at == time(7, 0)
    assert entries["api.purge_idempotency"].args == ("--days", "7")
    assert entries["data.purge_uploads"].command == "purge_uploads"


def test_hook_setting_override_and_unknown_command(settings):
    settings.PUHUI_SCHEDULE = [
        {"name": "test.moved", "at": "05:00", "command": "check"},
        {"name": "test.off", "command": "check", "enabled": False},
        {"name": "test.gone", "at": "05:00", "command": "no_such_command"},
    ]
    try:
        sched.schedule("test.hook", at="06:30", command="check", label="钩子")
        sched.schedule("test.moved", at="09:00", command="check")
        sched.schedule("test.off", at="09:00", command="check")
        entries = {e.name: e for e in sched.scheduled_jobs()}
    finally:
        for name in ("test.hook", "test.moved", "test.off"):
            sched.unschedule(name)
    assert entries["test.hook"].at == time(6, 30) and entries["test.hook"].title == "钩子"
    assert entries["test.moved"].at == time(5, 0)  # the setting wins over the app's hook
    assert "test.off" not in entries and "test.gone" not in entries


def test_nothing_is_due_before_its_time(db, check_schedule):
    assert sched.enqueue_due(at(6, 59)) == []
    assert not ScheduledRun.objects.exists()


def test_due_job_is_enqueued_once_a_day(db, check_schedule):
    [job] = sched.enqueue_due(at(7, 0))
    assert (job.label, job.max_attempts, job.started_by) == ("系统检查", 2, None)
    run = ScheduledRun.objects.get()
    assert (run.name, str(run.run_date), run.job) == ("test.check", "2026-12-06", job)
    assert sched.enqueue_due(at(7, 1)) == []  # this or another worker, a minute later
    assert sched.enqueue_due(at(23, 0)) == []
    assert len(sched.enqueue_due(at(7, 0, day=7))) == 1  # the next day
    assert Job.objects.count() == 2


def test_local_time_decides_the_day(db, check_schedule):
    # 23:30 UTC on the 5th is 07:30 on the 6th in the county.
    [job] = sched.enqueue_due(datetime(2026, 12, 5, 23, 30, tzinfo=ZoneInfo("UTC")))
    assert str(ScheduledRun.objects.get().run_date) == "2026-12-06"


def test_two_workers_cannot_both_insert_the_run(db):
    ScheduledRun.objects.create(name="plan.remind", run_date=at(7).date())
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduledRun.objects.create(name="plan.remind", run_date=at(7).date())


def test_a_late_insert_loses_quietly(db, check_schedule, monkeypatch):
    # Another worker inserted the row between our look-up and our insert.
    real_create = ScheduledRun.objects.create

    def racing_create(**kwargs):
        with transaction.atomic():
            real_create(**kwargs)
        return real_create(**kwargs)

    monkeypatch.setattr(ScheduledRun.objects, "create", racing_create)
    assert sched.enqueue_due(at(8)) == []
    assert Job.objects.count() == 0  # (the simulated rival's row went with our rolled-back transaction)


@worker_db
def test_worker_runs_the_schedule(due_now_schedule, capsys):
    call_command("worker", batch=True, schedule=True, verbosity=0)
    job = Job.objects.get()
    state = job_with_state(job).state
    assert state.is_successful, state.traceback
    assert state.return_value["command"] == "puhui check"
    assert "no issues" in state.return_value["output"]
    assert ScheduledRun.objects.get().job == job


@worker_db
def test_batch_worker_leaves_the_schedule_alone_by_default(due_now_schedule):
    call_command("worker", batch=True, verbosity=0)
    assert not Job.objects.exists()


@worker_db
def test_failing_scheduled_command_is_retried_then_failed(settings):
    settings.PUHUI_JOB_RETRY_DELAY = 0
    settings.PUHUI_SCHEDULE = [
        {"name": "test.bad", "at": "00:00", "command": "check", "args": ["--tag", "nope"]}
    ]
    call_command("worker", batch=True, schedule=True, verbosity=0)
    job = Job.objects.get()
    assert (job.attempt, job.max_attempts) == (3, 3)
    assert job_with_state(job).state.is_failed
    assert job.error.startswith("django.core.management.base.CommandError: ")
    assert "nope" in job.error


def test_idle_worker_checks_the_schedule_at_most_once_a_minute(monkeypatch):
    calls = []
    monkeypatch.setattr("puhui.jobs.management.commands.worker.enqueue_due", lambda: calls.append(1))
    monkeypatch.setattr("puhui.jobs.management.commands.worker.reap_lost", lambda: None)
    monkeypatch.setattr("puhui.jobs.management.commands.worker.workers_purge", lambda: None)
    monkeypatch.setattr("puhui.jobs.management.commands.worker.worker_beat", lambda **kw: None)
    clock = [1000.0]
    monkeypatch.setattr("puhui.jobs.management.commands.worker.time.monotonic", lambda: clock[0])
    worker = SchedulingWorker(
        schedule=True,
        queue_names=["*"],
        interval=1,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="w",
        excluded_queue_names=[],
    )
    assert worker.interval == 1  # read by the loop just before it sleeps
    _ = worker.interval
    assert len(calls) == 1
    clock[0] += 61
    _ = worker.interval
    assert len(calls) == 2
    worker.running_task = True  # never from inside a task (a signal handler reading attributes)
    clock[0] += 61
    _ = worker.interval
    assert len(calls) == 2


def test_schedule_command_lists_entries(db, due_now_schedule, capsys):
    call_command("schedule")
    out = capsys.readouterr().out
    assert "00:00" in out and "test.check" in out and "puhui check" in out and "上次：—" in out
    call_command("schedule", "--run-due")
    assert "已提交：系统检查" in capsys.readouterr().out
