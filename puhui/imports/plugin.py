"""What the import app adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import SYSTEM, NavItem

Role = User.Role

NAVIGATION = [NavItem(SYSTEM, 10, "数据导入", "import_upload", frozenset({Role.OFFICE, Role.ADMIN}))]
