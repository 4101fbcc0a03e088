"""Backups that restore (`puhui backup`, `puhui restore`, puhui/core/backup.py).

The hand-made county is backed up from the test database and restored into a separate, EMPTY database of the
same engine as the one the suite runs on: a temporary SQLite file, or a new PostgreSQL database on the server
DATABASE_URL names. The backend-specific tests are parametrised with the active backend only, so the
PostgreSQL variant exists (and runs) only on the PostgreSQL leg — never as a skip.

The restored platform is then started (`puhui runserver` in a subprocess on the restored database and media):
/healthz, a login with a password and the pages that read the restored rows must answer as before.
"""

import hashlib
import http.cookiejar
import io
import json
import os
import re
import socket
import subprocess
import sys
import tarfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.management import call_command
from django.db import connection

from puhui.core import backup, keycheck
from tests.conftest import PASSWORD

BACKEND = backup._vendor(settings.DATABASES["default"])
PUHUI = [sys.executable, "-c", "import sys; from puhui.cli import main; sys.exit(main())"]
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump and the backup API see committed rows only


def tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def source_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return backup._table_counts(cursor, BACKEND)


def database_url(db: dict) -> str:
    if BACKEND == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = urllib.parse.quote(db.get("USER") or "")
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


@pytest.fixture
def empty_target(tmp_path):
    """A DATABASES entry for an empty database of the active engine, and its DATABASE_URL."""
    if BACKEND == "sqlite":
        db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "var" / "restored.sqlite3")}
        yield db, database_url(db)
        return
    source = connection.settings_dict
    db = {**source, "NAME": f"{source['NAME']}_restored"[:63]}
    admin = {**source, "NAME": "postgres"}
    with backup._pg_connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db["NAME"]}"')
    yield db, database_url(db)
    with backup._pg_connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')


@pytest.fixture
def dataset(county, users, settings, tmp_path):
    """The hand-made county, a password the restored server can check, and some uploaded files."""
    office = users["office"]
    argon2 = Argon2PasswordHasher()  # the server runs without the tests' MD5 hasher
    office.password = argon2.encode(PASSWORD, argon2.salt())
    office.save(update_fields=["password"])
    keycheck.verify()  # the key check value a flushed test database lost
    settings.MEDIA_ROOT = tmp_path / "source-media"
    files = {
        "data/uploads/2021/报送-农商行.xlsx.enc": os.urandom(5000),
        "plan/evidence/2021/06/会议纪要.pdf": b"%PDF-1.4 " + "普惠金融".encode() * 200,
        "empty.txt": b"",
    }
    for rel, content in files.items():
        path = settings.MEDIA_ROOT / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return county


@pytest.fixture
def archive(dataset, tmp_path):
    out = tmp_path / "backups" / "puhui.tar.gz"
    stdout = io.StringIO()
    call_command("backup", "--out", str(out), stdout=stdout)
    assert "备份完成" in stdout.getvalue()
    return out


def run_puhui(*args, url, var):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env |= {"DATABASE_URL": url, "PUHUI_VAR_DIR": str(var)}
    return subprocess.run([*PUHUI, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)


def rewrite(src: Path, dst: Path, change) -> None:
    """Copy an archive member by member, passing each file's bytes through change(name, data)."""
    with tarfile.open(src, "r:gz") as old, tarfile.open(dst, "w:gz") as new:
        for member in old:
            data = old.extractfile(member).read() if member.isfile() else None
            if data is not None:
                data = change(member.name, data)
                member.size = len(data)
            new.addfile(member, io.BytesIO(data) if data is not None else None)


class Server:
    """`puhui runserver` on a free port, for plain HTTP requests with a cookie jar."""

    def __init__(self, url, var):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
        env |= {"DATABASE_URL": url, "PUHUI_VAR_DIR": str(var)}
        self.process = subprocess.Popen(
            [*PUHUI, "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path, data=None):
        url = f"http://127.0.0.1:{self.port}{path}"
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers={"Referer": url})
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.geturl(), response.read().decode()

    def wait(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"runserver exited: {self.process.stderr.read()}")
            try:
                return self.get("/healthz")
            except OSError:
                time.sleep(0.3)
        raise AssertionError("runserver did not answer /healthz within 60 s")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)


@pytest.mark.parametrize("backend", [BACKEND])
def test_backup_restores_into_an_empty_database_and_the_platform_serves_it(
    backend, dataset, archive, empty_target, settings, tmp_path
):
    target, url = empty_target
    var = tmp_path / "var"
    expected_counts = source_counts()
    expected_media = tree_digest(settings.MEDIA_ROOT)
    assert expected_counts["core_user"] == 9 and expected_counts["registry_household"] == 4

    result = run_puhui("restore", str(archive), url=url, var=var)
    assert result.returncode == 0, result.stderr
    assert "恢复完成" in result.stdout and "各表行数与备份清单一致" in result.stdout
    assert "上传文件：3 个" in result.stdout

    assert backup.target_counts(target) == expected_counts  # every table, row for row
    assert tree_digest(var / "media") == expected_media

    # Now the target holds data: a second restore is refused, unless --force.
    refused = run_puhui("restore", str(archive), url=url, var=var)
    assert refused.returncode != 0
    assert "目标不是空的" in refused.stderr and "--force" in refused.stderr
    forced = run_puhui("restore", str(archive), "--force", url=url, var=var)
    assert forced.returncode == 0, forced.stderr
    assert "已覆盖目标中原有的数据" in forced.stdout
    assert backup.target_counts(target) == expected_counts
    assert tree_digest(var / "media") == expected_media

    server = Server(url, var)
    try:
        status, _, body = server.wait()
        assert status == 200 and json.loads(body) == {"status": "ok"}
        _, _, form = server.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        status, landed, page = server.get(
            "/login/", {"csrfmiddlewaretoken": token, "username": "office", "password": PASSWORD}
        )
        assert status == 200 and not landed.endswith("/login/"), "login with the restored password failed"
        assert "沂源县" in page
        _, _, households = server.get("/registry/households/")
        assert all(f"户主{i}" in households for i in range(4))
        _, _, firms = server.get("/registry/firms/")
        assert "沂源甲公司" in firms
    finally:
        server.stop()


def test_backup_records_versions_migrations_and_checksums(archive, settings):
    manifest = backup.check_backup(archive)
    assert manifest["format"] == "puhui-backup"
    assert manifest["database"]["vendor"] == BACKEND
    assert {"puhui", "django", "python", "database"} <= set(manifest["versions"])
    assert "0001_initial" in manifest["migrations"]["core"]
    assert manifest["database"]["tables"]["registry_firm"] == 2
    assert manifest["media"]["count"] == 3
    assert manifest["media"]["files"]["empty.txt"]["sha256"] == hashlib.sha256(b"").hexdigest()
    assert manifest["key_check"]
    assert archive.stat().st_mode & 0o077 == 0  # personal data: the owner's alone
    stdout = io.StringIO()
    call_command("restore", str(archive), "--check", stdout=stdout)
    assert "备份文件校验通过" in stdout.getvalue()


def test_a_tampered_archive_is_refused_before_anything_is_touched(archive, empty_target, tmp_path):
    target, _ = empty_target
    tampered = tmp_path / "tampered.tar.gz"
    rewrite(archive, tampered, lambda name, data: data + b"x" if name.endswith("会议纪要.pdf") else data)
    with pytest.raises(backup.BackupError, match="校验和不一致"):
        backup.restore_backup(tampered, database=target, media_root=tmp_path / "var" / "media")
    assert backup.target_counts(target) == {}
    assert not (tmp_path / "var" / "media").exists()

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(backup.BackupError, match="损坏"):
        backup.check_backup(truncated)


def test_restore_refuses_a_different_field_key_and_a_newer_schema(archive, empty_target, settings, tmp_path):
    target, _ = empty_target
    media = tmp_path / "var" / "media"

    def add_future_migration(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["core"].append("9999_from_the_future")
        return json.dumps(manifest).encode()

    newer = tmp_path / "newer.tar.gz"
    rewrite(archive, newer, add_future_migration)

    right_key = settings.FIELD_ENCRYPTION_KEY
    settings.FIELD_ENCRYPTION_KEY = "another-key-" + "k" * 30
    with pytest.raises(backup.BackupError, match="FIELD_ENCRYPTION_KEY"):
        backup.restore_backup(archive, database=target, media_root=media)
    # During a key rotation the backup's key is one of the old keys: the key check passes, and the restore
    # goes on to the next check (the newer schema), which refuses it before writing anything.
    settings.FIELD_ENCRYPTION_OLD_KEYS = [right_key]
    with pytest.raises(backup.BackupError, match="更新的版本"):
        backup.restore_backup(newer, database=target, media_root=media)
    settings.FIELD_ENCRYPTION_OLD_KEYS = []
    settings.FIELD_ENCRYPTION_KEY = right_key

    with pytest.raises(backup.BackupError, match="更新的版本"):
        backup.restore_backup(newer, database=target, media_root=media)
    assert backup.target_counts(target) == {}
