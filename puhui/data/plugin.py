"""What the data app adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import STAFF, ApiRouter, JobLauncher, Menu, NavItem, Service, TodoSource
from puhui.data.access import RECOMPUTE_ROLES

Role = User.Role
DATA = Menu("数据与目标", 30)

NAVIGATION = [
    NavItem(DATA, 10, "数据报送", "data_home", STAFF, badge=f"{__package__}.todo.todo_forms_badge"),
    NavItem(DATA, 20, "目标监测", "data_targets", STAFF | {Role.TOWN}),
]

API_ROUTERS = [ApiRouter("/data", "puhui.data.api.router")]

# A target's verdict for a period, read by the plan's milestones and its 目标达成 criterion.
SERVICES = [Service("target_status", f"{__package__}.targets.target_status")]

# The home page's to-do lines (counters in todo.py, each through access.py).
_T = f"{__package__}.todo"
OFFICE = frozenset({Role.OFFICE})
SUBMITTERS = frozenset({Role.INSTITUTION, Role.MEMBER_UNIT})
TODO = [
    TodoSource(
        "待审核的数据报送",
        OFFICE,
        f"{_T}.todo_reviews",
        "data_inbox",
        10,
        items=f"{_T}.todo_review_items",
        unit="份",
    ),
    TodoSource(
        "逾期未报的报表",
        OFFICE,
        f"{_T}.todo_overdue_forms",
        "data_inbox",
        40,
        query="problems=1",
        urgent=True,
        unit="份",
    ),
    TodoSource(
        "待报送或被退回的报表",
        SUBMITTERS,
        f"{_T}.todo_forms_due",
        "data_my_forms",
        10,
        items=f"{_T}.todo_forms_due_items",
        urgent=True,
        unit="份",
    ),
    TodoSource(
        "建档率未达目标的村",
        frozenset({Role.TOWN}),
        f"{_T}.todo_archive_gaps",
        "data_explorer",
        30,
        query="indicator=archive_rate&level=village",
        items=f"{_T}.todo_archive_gap_items",
        unit="个",
    ),
    TodoSource(
        "预授信率未达目标的村",
        frozenset({Role.TOWN}),
        f"{_T}.todo_precredit_gaps",
        "data_explorer",
        40,
        query="indicator=precredit_rate&level=village",
        items=f"{_T}.todo_precredit_gap_items",
        unit="个",
    ),
]

JOB_LAUNCHERS = [
    JobLauncher(
        name="derived_compute",
        label="重新计算全部派生指标",
        description="按已审核通过的报送和平台数据，重新计算各报送期、各层级的派生指标和目标监测结果。",
        task_path="puhui.data.tasks.derived_compute_task",
        roles=RECOMPUTE_ROLES,  # the same roles as /data/compute/ on the targets page
        order=30,
    ),
]

# Daily jobs the worker runs (puhui/jobs/schedule.py).
SCHEDULE = [
    {"name": "data.purge_uploads", "at": "03:20", "command": "purge_uploads", "label": "清理过期的上传文件"}
]

# Key rotation (puhui/core/rotation.py): loan rows are written by COPY, so their look-up hash is a plain
# column; uploaded originals are encrypted on disk.
KEY_ROTATION = [
    {
        "extra_hashes": {
            "data.loanrecord": {"borrower_hash": "borrower_id"},
            "data.guaranteerecord": {"guarantor_hash": "guarantor_id", "borrower_hash": "borrower_id"},
        },
        "files": "puhui.data.selectors.stored_original_paths",
        "rotate_file": "puhui.core.sealed_files.original_rotate",
    }
]
