"""Initial-password sheets are sealed under the field key: `puhui rotate_key` re-encrypts them (core's
KEY_ROTATION hook), so a sheet sealed before a rotation still opens after the old key is removed."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from puhui.core import password_sheets, rotation, sealed_files

KEY_B = "rotated-field-key-Zq8wX3vB7nM2kP5s"
ROWS = [("agent_01", "张三", "村级代办员", "Init-Pass-01#x")]


@pytest.fixture(autouse=True)
def _dirs(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"


def _password(content: bytes) -> str:
    return load_workbook(io.BytesIO(content)).active.cell(row=2, column=4).value


def test_the_sheets_are_in_the_rotation(users):
    token = password_sheets.seal(owner=users["admin"], rows=ROWS, filename="用户.xlsx")
    hooks = [h for h in rotation._hooks() if h.get("files") == "puhui.core.password_sheets.stored_paths"]
    assert len(hooks) == 1
    assert password_sheets.stored_paths() == [f"user-passwords/{users['admin'].pk}/{token}.xlsx"]


def test_a_sheet_sealed_before_the_rotation_opens_after_it(settings, users):
    key_a = settings.FIELD_ENCRYPTION_KEY
    token = password_sheets.seal(owner=users["admin"], rows=ROWS, filename="用户.xlsx")
    [relative] = password_sheets.stored_paths()
    settings.FIELD_ENCRYPTION_KEY = KEY_B
    settings.FIELD_ENCRYPTION_OLD_KEYS = [key_a]
    assert not sealed_files.original_is_current(relative)
    out = io.StringIO()
    call_command("rotate_key", stdout=out)
    assert sealed_files.original_is_current(relative)
    settings.FIELD_ENCRYPTION_OLD_KEYS = []  # the old key removed, as the procedure says
    assert _password(password_sheets.take(users["admin"], token)) == ROWS[0][3]


def test_without_the_rotation_the_sheet_is_lost_with_the_old_key(settings, users):
    """The control: what the hook prevents."""
    token = password_sheets.seal(owner=users["admin"], rows=ROWS, filename="用户.xlsx")
    settings.FIELD_ENCRYPTION_KEY = KEY_B
    settings.FIELD_ENCRYPTION_OLD_KEYS = []
    assert password_sheets.take(users["admin"], token) is None
