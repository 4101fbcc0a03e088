from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from puhui.core import lists
from puhui.jobs import lists as jobs_lists
from puhui.jobs import selectors
from puhui.jobs.access import access_job_by_id, access_launcher_by_name
from puhui.jobs.launchers import launchers_for
from puhui.jobs.services import job_enqueue


@login_required
def job_list(request):
    if request.GET.get("export") == "xlsx":
        return lists.export_response(request, jobs_lists.JOBS)
    page = lists.list_result(request, jobs_lists.JOBS)  # its `object_list`: the page's jobs with their state
    return render(
        request,
        "jobs/job_list.html",
        {
            "page": page,
            "listing": page,
            "launchers": launchers_for(request.user),
            "polling": any(not job.state.is_finished for job in page.object_list),
            "no_worker": selectors.waiting_without_worker(page.object_list),
            "show_errors": selectors.may_see_errors(request.user),
        },
    )


@login_required
@require_POST
def job_start(request, name):
    launcher = access_launcher_by_name(request.user, name)
    job = job_enqueue(actor=request.user, task=launcher.task, label=launcher.label, actor_id=request.user.pk)
    messages.success(request, f"已提交后台任务“{launcher.label}”。")
    return redirect("job_detail", pk=job.pk)


def _status_context(request, pk) -> dict:
    job = selectors.job_with_state(access_job_by_id(request.user, pk))
    summary, url = selectors.result_summary(job) if job.state.is_successful else ("", "")
    return {
        "job": job,
        "show_errors": selectors.may_see_errors(request.user),
        "result": selectors.result_rows(job),
        "result_summary": summary,
        "result_url": url,
        "queue_notice": selectors.queue_notice(job),
    }


@login_required
def job_detail(request, pk):
    return render(request, "jobs/job_detail.html", _status_context(request, pk))


@login_required
def job_status(request, pk):
    """The status card alone, polled by htmx every 2 s until the job finishes."""
    return render(request, "jobs/_job_status.html", _status_context(request, pk))
