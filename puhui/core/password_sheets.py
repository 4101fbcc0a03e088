"""The initial passwords of users created by an import, handed to the importing administrator once.

The sheet (an Excel of username, name, role, initial password) is sealed on disk like an uploaded original
(`puhui.core.sealed_files`, AES-GCM under the field key) in the administrator's own folder, and deleted by
the one download. A sheet nobody fetched is deleted after KEEP_DAYS (its users can be given a new password
with 重置密码). The passwords are never in the database, the audit log or a message.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import time
import uuid
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from puhui.core import sealed_files
from puhui.core.exports import xlsx_bytes

FOLDER = "user-passwords"
KEEP_DAYS = 7
# <created yyyymmddHHMMSS>-<number of users>-<random>
TOKEN_RE = re.compile(r"([0-9]{14})-([0-9]{1,6})-[0-9a-f]{32}")
HEADER = ("用户名", "姓名", "角色", "初始密码")


@dataclass(frozen=True)
class Sheet:
    token: str
    created: datetime.datetime
    users: int


def _folder(owner) -> str:
    return f"{FOLDER}/{int(owner.pk)}"


def _relative(owner, token: str) -> str:
    return f"{_folder(owner)}/{token}.xlsx"


def _workbook(rows: list[tuple[str, str, str, str]], filename: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "初始密码"
    ws.append(list(HEADER))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(list(row))
        ws.cell(row=ws.max_row, column=4).number_format = "@"
    for letter, width in zip("ABCD", (24, 14, 18, 24), strict=True):
        ws.column_dimensions[letter].width = width
    notes = wb.create_sheet("说明")
    for line in (
        f"导入文件：{filename}",
        f"生成时间：{timezone.localtime():%Y-%m-%d %H:%M}",
        "请当面或通过安全渠道把初始密码告知用户本人，告知后删除本文件。",
        "用户用初始密码登录后必须立即修改密码；平台不保存这些密码，本文件只能下载一次。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 80
    return xlsx_bytes(wb)


def seal(*, owner, rows: list[tuple[str, str, str, str]], filename: str) -> str:
    """Seal the sheet for `owner` (the importing administrator); returns its token."""
    prune()
    token = f"{timezone.localtime():%Y%m%d%H%M%S}-{len(rows)}-{uuid.uuid4().hex}"
    sealed_files.original_write(_relative(owner, token), _workbook(rows, filename))
    return token


def pending(owner) -> list[Sheet]:
    """The owner's sheets not yet downloaded, newest first."""
    prune()
    folder = sealed_files.original_path(_folder(owner))
    sheets = []
    for path in sorted(folder.glob("*.xlsx"), reverse=True) if folder.is_dir() else ():
        match = TOKEN_RE.fullmatch(path.stem)
        if match is None:
            continue
        created = timezone.make_aware(datetime.datetime.strptime(match.group(1), "%Y%m%d%H%M%S"))
        sheets.append(Sheet(token=path.stem, created=created, users=int(match.group(2))))
    return sheets


def take(owner, token: str) -> bytes | None:
    """The sheet's clear bytes, deleting it (one download); None when it is not the owner's or is gone.

    A sheet sealed under a key no longer configured cannot be opened: it is deleted and None returned
    (reset those users' passwords)."""
    if not TOKEN_RE.fullmatch(token or ""):
        return None
    relative = _relative(owner, token)
    try:
        content = b"".join(sealed_files.original_chunks(relative))
    except FileNotFoundError:
        return None
    except InvalidTag:
        content = None
    discard_path(relative)
    return content


def discard(token: str) -> None:
    """Delete a sheet by token wherever it is (the command line printed the passwords instead)."""
    if not TOKEN_RE.fullmatch(token or ""):
        return
    root = sealed_files.original_path(FOLDER)
    for path in root.glob(f"*/{token}.xlsx") if root.is_dir() else ():
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def stored_paths() -> list[str]:
    """Every sheet on disk, relative to MEDIA_ROOT: key rotation re-encrypts them (core's `KEY_ROTATION`), so a
    sheet sealed before `puhui rotate_key` still opens once the old key is removed."""
    root = sealed_files.original_path(FOLDER)
    if not root.is_dir():
        return []
    return [f"{FOLDER}/{path.parent.name}/{path.name}" for path in sorted(root.glob("*/*.xlsx"))]


def discard_path(relative: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        sealed_files.original_path(relative).unlink()


def prune() -> int:
    """Delete sheets older than KEEP_DAYS; returns how many."""
    root = sealed_files.original_path(FOLDER)
    if not root.is_dir():
        return 0
    limit = time.time() - KEEP_DAYS * 86400
    removed = 0
    for path in root.glob("*/*.xlsx"):
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
    return removed
