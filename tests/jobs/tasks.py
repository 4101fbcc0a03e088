"""Tasks used only by the job tests; the worker imports them by path like any other task."""

from django_tasks import TaskContext, task

from puhui.jobs.services import job_reporter


@task(takes_context=True)
def explode(context: TaskContext, *, secret: str) -> None:
    job_reporter(context)(1, 4, "第一步完成")
    raise RuntimeError(f"数据库里的内部细节 {secret}")


@task(takes_context=True)
def count_to(context: TaskContext, *, n: int) -> dict:
    report = job_reporter(context)
    for i in range(1, n + 1):
        report(i, n, f"第 {i} 步")
    return {"counted": n}


# Calls per token, so a test can make a task fail its first attempts (the worker runs in the test process).
CALLS: dict[str, int] = {}


@task()
def flaky(*, token: str, failures: int) -> dict:
    CALLS[token] = CALLS.get(token, 0) + 1
    if CALLS[token] <= failures:
        raise ConnectionError(f"第 {CALLS[token]} 次连接失败")
    return {"attempts": CALLS[token]}


@task()
def produce(*, url: str) -> dict:
    from puhui.jobs.services import job_result

    return job_result("已生成 3 份报表。", url, rows=3)


SEEN_BUSY: list = []


@task()
def look_at_heartbeat() -> dict:
    """Records what the worker's heartbeat says while this task runs."""
    from puhui.jobs.models import WorkerHeartbeat

    SEEN_BUSY.extend(WorkerHeartbeat.objects.values_list("busy_since", flat=True))
    return {}
