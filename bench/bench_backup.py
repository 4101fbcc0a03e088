"""Benchmark `puhui backup` and `puhui restore` on the database DATABASE_URL points to (and its MEDIA_ROOT).

    # the demo county (build it first: puhui migrate && puhui demo --scale 10)
    PUHUI_VAR_DIR=/tmp/demo10 DATABASE_URL=sqlite:////tmp/demo10/puhui.sqlite3 .venv/bin/python bench/bench_backup.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/puhui_demo10 .venv/bin/python bench/bench_backup.py

Steps, each a `puhui` subprocess timed on the wall clock: `puhui backup --out` (the source is only read),
`puhui restore --check` (unpack and verify every checksum), and `puhui restore` into a new EMPTY database of the
same engine — a temporary SQLite file, or `<name>_bench_restore` on the same PostgreSQL server, dropped
afterwards — with a temporary PUHUI_VAR_DIR for the restored files. Prints the figures and the archive size.
Without DATABASE_URL it measures the developer database (var/puhui.sqlite3).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import dj_database_url

ROOT = Path(__file__).resolve().parent.parent
PUHUI = [sys.executable, "-c", "import sys; from puhui.cli import main; sys.exit(main())"]


def _pg_admin(cfg: dict):
    import psycopg

    params = dict(dbname="postgres", user=cfg["USER"], host=cfg["HOST"], port=cfg["PORT"] or None)
    return psycopg.connect(
        **{k: v for k, v in params.items() if v}, password=cfg["PASSWORD"] or None, autocommit=True
    )


def _timed(args: list[str], env: dict) -> float:
    started = time.perf_counter()
    result = subprocess.run([*PUHUI, *args], env=env, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"puhui {' '.join(args)} failed:\n{result.stderr}")
    return seconds


def _manifest(archive: Path) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            if member.name == "manifest.json":
                return json.load(tar.extractfile(member))
    raise SystemExit("no manifest.json in the archive")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keep", action="store_true", help="keep the archive and the restored database")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'var' / 'puhui.sqlite3'}"
    cfg = dj_database_url.parse(url)
    vendor = "sqlite" if cfg["ENGINE"].endswith("sqlite3") else "postgresql"
    work = Path(tempfile.mkdtemp(prefix="puhui-bench-backup-"))
    archive = work / "puhui.tar.gz"
    source_env = dict(os.environ, DATABASE_URL=url, PYTHONUNBUFFERED="1")

    restore_var = work / "var"
    restore_var.mkdir()
    if vendor == "sqlite":
        source_size = Path(cfg["NAME"]).stat().st_size
        target_url = f"sqlite:///{restore_var / 'restored.sqlite3'}"
        target_name = None
    else:
        target_name = f"{cfg['NAME']}_bench_restore"[:63]
        with _pg_admin(cfg) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{target_name}"')
            source_size = conn.execute("SELECT pg_database_size(%s)", [cfg["NAME"]]).fetchone()[0]
        target_url = url.rsplit("/", 1)[0] + "/" + target_name
    target_env = dict(
        os.environ, DATABASE_URL=target_url, PUHUI_VAR_DIR=str(restore_var), PYTHONUNBUFFERED="1"
    )

    try:
        backup_s = _timed(["backup", "--out", str(archive)], source_env)
        manifest = _manifest(archive)
        check_s = _timed(["restore", str(archive), "--check"], source_env)
        restore_s = _timed(["restore", str(archive)], target_env)
    finally:
        if target_name and not args.keep:
            with _pg_admin(cfg) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')

    db, media = manifest["database"], manifest["media"]
    rows = sum(db["tables"].values())
    figures = {
        "database": f"{vendor} {cfg['NAME']}",
        "versions": manifest["versions"],
        "source_db_bytes": source_size,
        "db_part_bytes": db["size"],
        "archive_bytes": archive.stat().st_size,
        "tables": len(db["tables"]),
        "rows": rows,
        "media_files": media["count"],
        "media_bytes": media["bytes"],
        "backup_s": round(backup_s, 2),
        "check_s": round(check_s, 2),
        "restore_s": round(restore_s, 2),
    }
    mb = 1024 * 1024
    print(f"database        {figures['database']}  ({source_size / mb:,.1f} MB on disk)")
    print(
        f"content         {len(db['tables'])} tables, {rows:,} rows; {media['count']:,} media files ({media['bytes'] / mb:,.1f} MB)"
    )
    print(
        f"archive         {figures['archive_bytes'] / mb:,.1f} MB (.tar.gz; database part {db['size'] / mb:,.1f} MB)"
    )
    print(f"puhui backup    {backup_s:8.2f} s")
    print(f"restore --check {check_s:8.2f} s")
    print(f"puhui restore   {restore_s:8.2f} s  (into an empty {vendor} database)")
    print(json.dumps(figures, ensure_ascii=False))
    if args.keep:
        print(f"kept: {work}" + (f" and database {target_name}" if target_name else ""))
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
