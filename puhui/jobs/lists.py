"""The job list declared for the list component (puhui/core/lists.py). Rows come from `jobs_for`; each
page's jobs get their state from the task backend in one query (`selectors.with_state`)."""

from puhui.core import lists
from puhui.jobs import selectors
from puhui.jobs.access import jobs_for


def _with_state(jobs, request):
    return selectors.with_state(jobs)


def _starter(job) -> str:
    user = job.started_by
    return (user.display_name or user.username) if user else "系统"


JOBS = lists.ListSpec(
    key="jobs",
    title="后台任务",
    url_name="job_list",
    queryset=jobs_for,
    columns=(
        lists.Column("id", "编号", kind="int", sort=("id",), phone=False),
        lists.Column("label", "任务", link="job_detail", sort=("label",)),
        lists.Column("started_by", "发起人", value=_starter, phone=False),
        lists.Column("state", "状态", value="state.label", template="jobs/_job_state.html"),
        lists.Column(
            "progress",
            "进度",
            value=lambda j: j.percent if j.total else None,
            kind="int",
            unit="%",
            template="jobs/_job_progress.html",
            phone=False,
        ),
        lists.Column("message", "说明", template="jobs/_job_message.html", phone=False),
        lists.Column("created_at", "创建时间", kind="datetime", sort=("created_at",)),
        lists.Column("updated_at", "更新时间", kind="datetime", phone=False),
    ),
    search=lists.Search(names=("label",), placeholder="任务名称"),
    default_sort="-id",
    prepare=_with_state,
    empty="还没有后台任务。",
)
