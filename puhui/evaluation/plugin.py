"""What the periodic evaluation report adds to the shared places (see `puhui/core/plugins.py`). It joins the
plan's menu 实施方案 (20) at order 70 (the plan's entries are 10 and 20, typical cases 60–66): the report is the
plan's 二十五 (定期评估、验收、反馈和通报)."""

from puhui.core.models import User
from puhui.core.plugins import STAFF, ApiRouter, Menu, NavItem

Role = User.Role
PLAN = Menu("实施方案", 20)

# Every staff user reads published reports; the office writes them.
NAVIGATION = [NavItem(PLAN, 70, "专项评估报告", "evaluation:reports", STAFF)]

API_ROUTERS = [ApiRouter("/evaluation", f"{__package__}.api.router")]

# Key rotation (puhui/core/rotation.py): the reports' Word and Excel files are sealed under the field key.
KEY_ROTATION = [
    {
        "files": f"{__package__}.selectors.records.stored_paths",
        "rotate_file": "puhui.core.sealed_files.original_rotate",
    }
]
