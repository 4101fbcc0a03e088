"""Background tasks of the import app: thin wrappers around services."""

from django_tasks import TaskContext, task

from puhui.imports import services
from puhui.jobs.services import job_reporter


@task(takes_context=True)
def import_run_task(context: TaskContext, *, run_id: int, confirm: bool = False) -> dict:
    run = services.import_run_process(run_id=run_id, progress=job_reporter(context), confirm=confirm)
    return {"status": run.get_status_display(), "summary": run.summary, "errors": run.error_total}
