"""Demo logins: random passwords (from `secrets`, never from the seed), the printed table and
the saved copy in `<VAR_DIR>/demo-logins.txt` (mode 600)."""

import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

FILE_NAME = "demo-logins.txt"
# No look-alikes (0/O, 1/l/I) so that a password read off the screen types right first time.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class Login:
    username: str
    role: str  # the role's Chinese label
    where: str  # organisation or town
    password: str


def new_password(user) -> str:
    """Three groups of four random characters; re-drawn until Django's validators accept it."""
    while True:
        groups = ["".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3)]
        password = "-".join(groups)
        has_all = any(c.isdigit() for c in password) and any(c.isupper() for c in password)
        if not has_all:
            continue
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


def logins_path() -> Path:
    return Path(settings.VAR_DIR) / FILE_NAME


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def format_table(logins: list[Login], header: str) -> str:
    titles = ("用户名", "角色", "机构/镇（街道）", "密码")
    rows = [titles] + [(x.username, x.role, x.where, x.password) for x in logins]
    widths = [max(_width(r[i]) for r in rows) + 2 for i in range(4)]
    lines = [header, ""]
    for r in rows:
        lines.append("".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip())
    return "\n".join(lines) + "\n"


def save(text: str) -> Path:
    """Write the table readable by the owner only; created with mode 600 so it is never exposed."""
    path = logins_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(path, 0o600)  # an older file may have had wider rights
    return path
