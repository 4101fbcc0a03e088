"""What the jobs app adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import STAFF, SYSTEM, NavItem, TodoSource

Role = User.Role

# Towns, agents and farmers start no job from this page (their imports show their own progress), so the
# entry is the staff's; a job's own page stays open to whoever started it.
NAVIGATION = [NavItem(SYSTEM, 30, "后台任务", "job_list", STAFF)]

TODO = [
    TodoSource(
        "近7天失败的后台任务",
        frozenset({Role.OFFICE, Role.ADMIN}),
        f"{__package__}.todo.todo_failed_jobs",
        "job_list",
        90,
        items=f"{__package__}.todo.todo_failed_job_items",
        urgent=True,
        unit="个",
    )
]
