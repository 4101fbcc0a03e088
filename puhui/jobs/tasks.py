"""The task behind scheduled jobs: run a management command by name, on the worker."""

import io

from django.core.management import call_command
from django_tasks import TaskContext, task

from puhui.jobs.services import job_reporter, job_result


@task(takes_context=True)
def run_command_task(context: TaskContext, *, command: str, args: list[str]) -> dict:
    """`puhui <command> <args…>` in the worker; its output becomes the job's result. Raises if it fails."""
    report = job_reporter(context)
    line = " ".join(["puhui", command, *args])
    report(0, 1, f"运行 {line}")
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=out)
    lines = [text for text in out.getvalue().strip().splitlines() if text.strip()]
    last = (lines[-1] if lines else "完成")[:300]
    report(1, 1, last)
    # The sentence is the command's own last line (Chinese); the command line stays in the return value.
    return job_result(f"已完成：{last}"[:300], command=line, output="\n".join(lines[-20:]))
