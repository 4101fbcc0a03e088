"""What the API app adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.plugins import STAFF, SYSTEM, NavItem

NAVIGATION = [NavItem(SYSTEM, 20, "接口令牌", "token_list", STAFF)]

# Daily jobs the worker runs (puhui/jobs/schedule.py).
SCHEDULE = [
    {
        "name": "api.purge_idempotency",
        "at": "03:10",
        "command": "purge_idempotency",
        "args": ["--days", "7"],
        "label": "清理过期的接口幂等记录",
    }
]
