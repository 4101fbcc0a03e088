"""What the import app adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import SYSTEM, ApiRouter, ImportTable, NavItem

Role = User.Role
OFFICE_ADMIN = frozenset({Role.OFFICE, Role.ADMIN})

NAVIGATION = [NavItem(SYSTEM, 10, "数据导入", "import_upload", OFFICE_ADMIN)]

IMPORT_TABLES = [
    ImportTable(
        "divisions",
        spec="puhui.imports.specs.DIVISIONS",
        run="puhui.imports.county_tables.division_import",
        roles=OFFICE_ADMIN,
        order=10,
    ),
    ImportTable(
        "organisations",
        spec="puhui.imports.specs.ORGANISATIONS",
        run="puhui.imports.county_tables.organisation_import",
        roles=OFFICE_ADMIN,
        order=20,
    ),
]

# The import page's registers through the API (puhui/imports/api.py): the same service, roles and checks.
API_ROUTERS = [ApiRouter("/imports", "puhui.imports.api.router")]

# Key rotation (puhui/core/rotation.py): a large upload waits sealed under the field key for its job.
KEY_ROTATION = [
    {
        "files": "puhui.imports.selectors.stored_run_paths",
        "rotate_file": "puhui.core.sealed_files.original_rotate",
    }
]
