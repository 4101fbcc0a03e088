"""What the jobs app adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.plugins import SYSTEM, NavItem

NAVIGATION = [NavItem(SYSTEM, 30, "后台任务", "job_list")]
