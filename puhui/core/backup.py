"""Backups that restore: the database and the uploaded files in one archive (`puhui backup`, `puhui restore`).

One `.tar.gz` holds

    db.sqlite3 | db.pgdump   the database: SQLite's online backup API (a consistent copy while the platform
                             runs), or `pg_dump -Fc` in the same snapshot as the row counts below
    media/…                  every file under MEDIA_ROOT (uploaded submissions, plan evidence)
    manifest.json            last: versions, applied migrations, time, the FIELD_ENCRYPTION_KEY check value,
                             sha256 and size of the database part and of every media file, row count per table

Restoring checks everything before it touches anything: every checksum, the archive's database engine against
the target's, that the migrations in the backup are known to this version of the code, that the configured
FIELD_ENCRYPTION_KEY is the one that encrypted the backup's personal data, and that the target database (and
MEDIA_ROOT) is empty unless `force`. Afterwards every table's row count is compared with the manifest.

The functions take a Django `DATABASES` entry (`database=`) so the tests and the benchmark can restore into a
separate, empty database; by default they work on the `default` connection and settings.MEDIA_ROOT.
"""

import datetime
import hashlib
import hmac
import importlib.metadata
import io
import json
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

FORMAT = "puhui-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
DB_PARTS = {"sqlite": "db.sqlite3", "postgresql": "db.pgdump"}
# Rows that `migrate` itself writes: a freshly migrated database still counts as empty.
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission", "core_keycheck"}
CHUNK = 1024 * 1024
# DATABASES OPTIONS that are libpq connection parameters, handed on to pg_dump / pg_restore (besides ssl*).
PG_OPTIONS = {"connect_timeout", "options", "application_name", "target_session_attrs"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is Chinese and says what to do."""


@dataclass
class RestoreResult:
    manifest: dict
    database: str
    tables: int
    rows: int
    media_files: int
    media_bytes: int
    replaced: bool
    pending_migrations: list[str] = field(default_factory=list)
    seconds: float = 0.0


# --- engines ----------------------------------------------------------------------------------------------


def _vendor(database: dict) -> str:
    engine = database["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"不支持的数据库引擎：{engine}（仅支持 SQLite 和 PostgreSQL）。")


def _sqlite_path(database: dict) -> Path:
    name = str(database["NAME"])
    if not name or name == ":memory:" or "mode=memory" in name:
        raise BackupError(
            "不能恢复到内存数据库：请用 DATABASE_URL 指定一个 SQLite 文件或 PostgreSQL 数据库。"
        )
    return Path(name)


def _pg_params(database: dict) -> dict:
    """libpq connection parameters from a Django DATABASES entry (the password travels in PGPASSWORD)."""
    params = {
        "dbname": database.get("NAME") or None,
        "user": database.get("USER") or None,
        "host": database.get("HOST") or None,
        "port": str(database["PORT"]) if database.get("PORT") else None,
    }
    for key, value in (database.get("OPTIONS") or {}).items():
        if key.startswith("ssl") or key in PG_OPTIONS:
            params[key] = str(value)
    return {k: v for k, v in params.items() if v}


def _pg_conninfo(database: dict) -> str:
    from psycopg.conninfo import make_conninfo

    return make_conninfo(**_pg_params(database))


def _pg_env(database: dict) -> dict:
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return env


def _pg_connect(database: dict, **kw):
    import psycopg

    return psycopg.connect(_pg_conninfo(database), password=database.get("PASSWORD") or None, **kw)


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"找不到 {name}：请安装与数据库服务器版本一致的 PostgreSQL 客户端（Debian: apt install postgresql-client）。"
        )
    return path


def _table_counts(cursor, vendor: str) -> dict[str, int]:
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    else:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        )
    tables = sorted(row[0] for row in cursor.fetchall())
    counts = {}
    for table in tables:
        cursor.execute('SELECT COUNT(*) FROM "{}"'.format(table.replace('"', '""')))
        counts[table] = cursor.fetchone()[0]
    return counts


def _applied_migrations(cursor) -> dict[str, list[str]]:
    try:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    except Exception:
        return {}
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def _key_check(cursor) -> str | None:
    try:
        cursor.execute("SELECT value FROM core_keycheck ORDER BY id LIMIT 1")
    except Exception:
        return None
    row = cursor.fetchone()
    return row[0] if row else None


def target_counts(database: dict) -> dict[str, int]:
    """Row count per table of the database a DATABASES entry names ({} when it does not exist yet)."""
    vendor = _vendor(database)
    if vendor == "sqlite":
        path = _sqlite_path(database)
        if not path.exists():
            return {}
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=20)
        try:
            return _table_counts(conn.cursor(), vendor)
        finally:
            conn.close()
    import psycopg

    try:
        with _pg_connect(database, autocommit=True) as conn, conn.cursor() as cursor:
            return _table_counts(cursor, vendor)
    except psycopg.OperationalError as exc:
        raise BackupError(
            f"无法连接数据库 {database.get('NAME')}：{exc}。PostgreSQL 请先建好（空的）数据库，例如 createdb。"
        ) from None


# --- helpers ----------------------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    def __init__(self, f):
        self.f = f
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.f.read(size)
        self.digest.update(data)
        return data


def _media_files(media_root: Path):
    if not media_root.is_dir():
        return
    for path in sorted(media_root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, path.relative_to(media_root).as_posix()


def _versions() -> dict:
    try:
        puhui_version = importlib.metadata.version("puhui")
    except importlib.metadata.PackageNotFoundError:
        puhui_version = "unknown"
    return {"puhui": puhui_version, "django": django.get_version(), "python": platform.python_version()}


def human_size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


# --- backup -----------------------------------------------------------------------------------------------


def _dump_sqlite(using: str, dest: Path) -> tuple[dict, dict, str | None, str]:
    """Copy the live database with SQLite's online backup API; counts etc. are read from the copy."""
    connection = connections[using]
    connection.ensure_connection()
    target = sqlite3.connect(dest)
    try:
        # The Django connection's own handle: works for a file and for the tests' in-memory database alike.
        connection.connection.backup(target)
        cursor = target.cursor()
        problem = cursor.execute("PRAGMA quick_check").fetchone()[0]
        if problem != "ok":
            raise BackupError(f"数据库副本完整性检查未通过：{problem}")
        counts = _table_counts(cursor, "sqlite")
        migrations = _applied_migrations(cursor)
        key = _key_check(cursor)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        target.close()
    return counts, migrations, key, f"SQLite {sqlite3.sqlite_version}"


def _dump_postgres(database: dict, dest: Path) -> tuple[dict, dict, str | None, str]:
    """pg_dump -Fc in an exported snapshot, so the manifest's row counts are exactly those of the dump."""
    pg_dump = _pg_tool("pg_dump")
    with _pg_connect(database) as conn, conn.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()
        counts = _table_counts(cursor, "postgresql")
        migrations = _applied_migrations(cursor)
        key = _key_check(cursor)
        result = subprocess.run(
            [pg_dump, "-Fc", f"--snapshot={snapshot}", "-f", str(dest), "-d", _pg_conninfo(database)],
            env=_pg_env(database),
            capture_output=True,
            text=True,
        )
        conn.rollback()
    if result.returncode != 0:
        raise BackupError(f"pg_dump 失败：{result.stderr.strip()}")
    return counts, migrations, key, f"PostgreSQL {server_version}"


def create_backup(out: Path, *, using: str = DEFAULT_DB_ALIAS, media_root: Path | None = None) -> dict:
    """Write the database and MEDIA_ROOT into one .tar.gz at `out`; returns the manifest.

    Written to `out.partial` and renamed at the end, readable by the owner only (it holds personal data).
    """
    out = Path(out)
    media_root = Path(settings.MEDIA_ROOT if media_root is None else media_root)
    database = connections[using].settings_dict
    vendor = _vendor(database)
    started = time.monotonic()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with tempfile.TemporaryDirectory(prefix=".puhui-backup-", dir=out.parent) as work:
        db_file = Path(work) / DB_PARTS[vendor]
        if vendor == "sqlite":
            counts, migrations, key, server = _dump_sqlite(using, db_file)
        else:
            counts, migrations, key, server = _dump_postgres(database, db_file)
        versions = _versions() | {"database": server}
        if vendor == "postgresql":
            versions["pg_dump"] = subprocess.run(
                [_pg_tool("pg_dump"), "--version"], capture_output=True, text=True
            ).stdout.strip()
        media: dict[str, dict] = {}
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                tar.add(db_file, arcname=DB_PARTS[vendor])
                db_part = {
                    "file": DB_PARTS[vendor],
                    "size": db_file.stat().st_size,
                    "sha256": _sha256_file(db_file),
                }
                for path, rel in _media_files(media_root):
                    with open(path, "rb") as f:
                        info = tar.gettarinfo(arcname=f"{MEDIA_DIR}/{rel}", fileobj=f)
                        info.uid = info.gid = 0
                        info.uname = info.gname = ""
                        reader = _HashingReader(f)
                        tar.addfile(info, reader)
                    media[rel] = {"size": info.size, "sha256": reader.digest.hexdigest()}
                now = datetime.datetime.now(datetime.UTC)
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": now.isoformat(timespec="seconds"),
                    "host": socket.gethostname(),
                    "versions": versions,
                    "database": {
                        "vendor": vendor,
                        "name": Path(str(database["NAME"])).name if vendor == "sqlite" else database["NAME"],
                        **db_part,
                        "tables": counts,
                    },
                    "migrations": migrations,
                    "key_check": key,
                    "media": {
                        "count": len(media),
                        "bytes": sum(m["size"] for m in media.values()),
                        "files": media,
                    },
                    "seconds": round(time.monotonic() - started, 2),
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o600
                tar.addfile(info, io.BytesIO(data))
            os.replace(partial, out)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return manifest


# --- verify -----------------------------------------------------------------------------------------------


def _extract(archive: Path, into: Path) -> None:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                name = member.name
                allowed = {MANIFEST, MEDIA_DIR, *DB_PARTS.values()}
                if not (member.isfile() or member.isdir()) or name.split("/", 1)[0] not in allowed:
                    raise BackupError(f"备份文件中有不应出现的内容：{name}")
                tar.extract(member, into, filter="data")
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise BackupError(f"备份文件已损坏或不完整，无法读取：{exc}") from None


def verify_backup(archive: Path, into: Path) -> dict:
    """Unpack `archive` into the directory `into` and check every part against the manifest; returns it."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"找不到备份文件：{archive}")
    _extract(archive, into)
    manifest_path = into / MANIFEST
    if not manifest_path.is_file():
        raise BackupError("备份文件不完整：缺少 manifest.json（可能是中断的备份）。")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BackupError(f"manifest.json 无法解析：{exc}") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError("这不是本平台可识别的备份文件（格式或版本不符）。")
    db = manifest["database"]
    db_file = into / db["file"]
    if not db_file.is_file() or db_file.stat().st_size != db["size"] or _sha256_file(db_file) != db["sha256"]:
        raise BackupError(f"数据库部分（{db['file']}）校验和不一致：备份文件已损坏或被改动，不能恢复。")
    media_dir = into / MEDIA_DIR
    found = {rel for _, rel in _media_files(media_dir)}
    expected = manifest["media"]["files"]
    if found != set(expected):
        extra, missing = sorted(found - set(expected)), sorted(set(expected) - found)
        raise BackupError(
            f"上传文件与清单不符：多出 {extra[:5]}，缺少 {missing[:5]}。备份文件已损坏或被改动。"
        )
    for rel, meta in expected.items():
        path = media_dir / rel
        if path.stat().st_size != meta["size"] or _sha256_file(path) != meta["sha256"]:
            raise BackupError(f"上传文件 {rel} 校验和不一致：备份文件已损坏或被改动，不能恢复。")
    if db["vendor"] == "sqlite":
        conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
        try:
            problem = conn.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            conn.close()
        if problem != "ok":
            raise BackupError(f"备份中的数据库完整性检查未通过：{problem}")
    return manifest


def check_backup(archive: Path) -> dict:
    """Verify an archive without restoring it (`puhui restore --check`)."""
    with tempfile.TemporaryDirectory(prefix="puhui-verify-") as work:
        return verify_backup(archive, Path(work))


# --- restore ----------------------------------------------------------------------------------------------


def _known_migrations() -> set[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _media_nonempty(media_root: Path) -> bool:
    return any(True for _ in _media_files(media_root))


def _restore_sqlite(db_file: Path, database: dict) -> None:
    target_path = _sqlite_path(database)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    target = sqlite3.connect(target_path, timeout=20)
    try:
        source.backup(target)  # replaces every page of the target, under its lock
    finally:
        target.close()
        source.close()


def _restore_postgres(db_file: Path, database: dict) -> None:
    result = subprocess.run(
        [
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            "-d",
            _pg_conninfo(database),
            str(db_file),
        ],
        env=_pg_env(database),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore 失败（数据库未改动，整个恢复在一个事务中）：{result.stderr.strip()}")


def _swap_media(new: Path, media_root: Path) -> None:
    """Put the restored files in place of MEDIA_ROOT (renames on one file system; the old tree is removed)."""
    media_root.parent.mkdir(parents=True, exist_ok=True)
    if not new.is_dir():
        new.mkdir()
    old = None
    if media_root.exists():
        old = media_root.with_name(f".{media_root.name}.old-{os.getpid()}-{int(time.time())}")
        media_root.rename(old)
    new.rename(media_root)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def restore_backup(
    archive: Path,
    *,
    force: bool = False,
    using: str = DEFAULT_DB_ALIAS,
    database: dict | None = None,
    media_root: Path | None = None,
) -> RestoreResult:
    """Verify `archive`, then restore its database and files. Refuses a non-empty target unless `force`."""
    from puhui.core import crypto

    started = time.monotonic()
    database = dict(connections[using].settings_dict if database is None else database)
    media_root = Path(settings.MEDIA_ROOT if media_root is None else media_root)
    vendor = _vendor(database)
    if vendor == "sqlite":
        _sqlite_path(database)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    # Unpack next to MEDIA_ROOT so that the restored files move into place by a rename.
    with tempfile.TemporaryDirectory(prefix=".puhui-restore-", dir=media_root.parent) as work:
        staging = Path(work)
        manifest = verify_backup(Path(archive), staging)
        db = manifest["database"]
        if db["vendor"] != vendor:
            raise BackupError(
                f"备份来自 {db['vendor']} 数据库，而当前目标是 {vendor}：引擎不同，不能直接恢复。"
            )
        key = manifest.get("key_check")
        # Any configured key will do: during a key rotation a backup made before it was sealed by an old key.
        if key and not any(hmac.compare_digest(key, k) for k in crypto.key_check_values()):
            raise BackupError(
                "当前配置的 FIELD_ENCRYPTION_KEY（及 FIELD_ENCRYPTION_OLD_KEYS）中没有加密这份备份中个人信息的密钥，"
                "恢复后将无法解密。请用备份时的密钥运行恢复。"
            )
        applied = {(app, name) for app, names in manifest["migrations"].items() for name in names}
        known = _known_migrations()
        unknown = sorted(applied - known)
        if unknown:
            raise BackupError(
                "备份中的数据库已应用了本版本代码没有的迁移（备份来自更新的版本）："
                + "，".join(f"{a}.{n}" for a, n in unknown[:5])
                + "。请先升级平台代码再恢复。"
            )
        existing = {t: n for t, n in target_counts(database).items() if n and t not in BOOKKEEPING_TABLES}
        media_busy = _media_nonempty(media_root)
        replaced = bool(existing) or media_busy
        if replaced and not force:
            what = [f"{t}（{n} 行）" for t, n in sorted(existing.items(), key=lambda x: -x[1])[:5]]
            if media_busy:
                what.append(f"上传文件目录 {media_root}")
            raise BackupError(
                "目标不是空的："
                + "、".join(what)
                + "。为免覆盖现有数据，恢复已取消；确认要覆盖请加 --force。"
            )
        if using in connections and connections[using].settings_dict.get("NAME") == database.get("NAME"):
            connections[using].close()
        db_file = staging / db["file"]
        if vendor == "sqlite":
            _restore_sqlite(db_file, database)
        else:
            _restore_postgres(db_file, database)
        _swap_media(staging / MEDIA_DIR, media_root)
    restored = target_counts(database)
    differ = [t for t, n in db["tables"].items() if restored.get(t) != n]
    if differ:
        raise BackupError(f"恢复后以下表的行数与备份清单不一致：{'、'.join(differ[:5])}。请检查目标数据库。")
    pending = sorted(f"{a}.{n}" for a, n in known - applied)
    return RestoreResult(
        manifest=manifest,
        database=str(database["NAME"]),
        tables=len(db["tables"]),
        rows=sum(db["tables"].values()),
        media_files=manifest["media"]["count"],
        media_bytes=manifest["media"]["bytes"],
        replaced=replaced,
        pending_migrations=pending,
        seconds=time.monotonic() - started,
    )
