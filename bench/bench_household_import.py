"""Import a 200,000-household roster (one row per member, ID numbers encrypted and hashed) into an empty county;
then upsert the same file with 5% of the households changed. Prints time, peak memory and rows written, on
PostgreSQL and on SQLite.

    .venv/bin/python bench/bench_household_import.py [--households 200000] [--backends postgres,sqlite]
        [--pg postgres://postgres@127.0.0.1:5432/puhui_bench_households]

For each backend: a fresh database (PostgreSQL: dropped and created; SQLite: a new file) is migrated and given
the county's divisions only (12 towns, 360 villages). Each import then runs in a child process the way the
page runs it: `import_start` (the file is above PUHUI_IMPORT_INLINE_BYTES, so it is sealed and queued as a
background job) and the job's body `import_run_process`, as the worker would; its peak RSS comes from
os.wait4, and a child that only loads Django and the import gives the baseline. The files (bench/out/
households/) are generated once: 200,000 households of 1–7 members (mean about 3.2), valid ID numbers of
沂源县 (370323) born 1935–2020, the village and household columns on the head's row only. A third file, the same roster with
one bad row at its end, shows the refusal: one error reported, nothing stored.

Target (issue 13): under 60 s and 500 MB on PostgreSQL. Prints, never asserts.
"""

import argparse
import csv
import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "households"
TOWNS, VILLAGES_PER_TOWN = 12, 30
RELATIONS = ["配偶", "子女", "子女", "子女", "父母", "孙子女", "儿媳、女婿"]
ACTIVITIES = ["苹果", "桃", "樱桃", "蔬菜大棚", "畜牧养殖", "粮食种植", "中药材", "外出务工", "个体经营"]
SIZES = [1, 2, 3, 4, 5, 6, 7]
SIZE_WEIGHTS = [0.12, 0.26, 0.23, 0.19, 0.11, 0.06, 0.03]
HEADER = [
    "户编号",
    "村（社区）代码",
    "姓名",
    "与户主关系",
    "身份证号",
    "联系电话",
    "农户",
    "家庭人口",
    "承包地面积（亩）",
    "主要经营",
    "家庭年收入（元）",
]


def village_codes() -> list[str]:
    return [
        f"370323{100 + t:03d}{200 + v:03d}"
        for t in range(1, TOWNS + 1)
        for v in range(1, VILLAGES_PER_TOWN + 1)
    ]


def _check_digit(body: str) -> str:
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    return "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def _id(n: int) -> str:
    """The n-th ID number: birth dates 1935-01-01 onwards, 900 sequence numbers per day (all distinct)."""
    day = datetime.date(1935, 1, 1) + datetime.timedelta(days=(n // 900) % 31000)
    body = f"370323{day:%Y%m%d}{n % 900 + 100:03d}"
    return body + _check_digit(body)


def generate(households: int) -> tuple[Path, Path, Path]:
    """The roster, the same with 5% of its households changed, and the roster with a bad last row."""
    OUT.mkdir(parents=True, exist_ok=True)
    paths = [OUT / f"roster_{households}{suffix}.csv" for suffix in ("", "_changed", "_bad")]
    if all(p.exists() for p in paths):
        return tuple(paths)
    import numpy as np

    sys.path.insert(0, str(ROOT))
    from puhui.demo.names import person_names  # names as the demo county draws them (2–3 characters)

    rng = random.Random(13)
    names = person_names(np.random.default_rng(13), np.random.default_rng(14).random(households * 8) < 0.5)
    villages = village_codes()
    rows, changed, person = [], [], 0
    for h in range(households):
        village = villages[h * len(villages) // households]
        code = f"{village}{h % 10000:04d}"
        size = rng.choices(SIZES, SIZE_WEIGHTS)[0]
        head = [
            "是" if rng.random() < 0.85 else "否",
            size,
            f"{rng.uniform(0.5, 12):.1f}",
            rng.choice(ACTIVITIES),
            rng.randrange(8000, 200000, 100),
        ]
        phone = f"13{rng.randrange(10**9):09d}" if rng.random() < 0.9 else ""
        members = []
        for k in range(size):
            relation = "户主" if k == 0 else RELATIONS[min(k - 1, len(RELATIONS) - 1)]
            cells = [phone, *head] if k == 0 else ["", "", "", "", "", ""]
            # The village on the head's row; member rows leave it (and the household columns) blank.
            members.append([code, village if k == 0 else "", names[person], relation, _id(person), *cells])
            person += 1
        rows.extend(members)
        if rng.random() < 0.05:  # 5% changed: land area and main activity on the head's row
            members = [list(m) for m in members]
            members[0][8] = f"{float(members[0][8]) + 1:.1f}"
            members[0][9] = "蔬菜大棚" if members[0][9] != "蔬菜大棚" else "苹果"
        changed.extend(members)
    for path, data in zip(paths, (rows, changed, rows), strict=True):
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(HEADER)
            w.writerows(data)
            if path.name.endswith("_bad.csv"):
                bad = list(rows[-1])
                bad[0], bad[1], bad[3] = "BAD0000001", villages[-1], "户主"
                bad[4] = bad[4][:-1] + (
                    "0" if bad[4][-1] != "0" else "1"
                )  # a wrong check digit: the one error
                w.writerow(bad)
    return tuple(paths)


# ---------------------------------------------------------------- one measured import (child process)


def child(kind: str, url: str, file: str, mode: str) -> dict:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "puhui.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from puhui.imports.engine import SYSTEM_ACTOR
    from puhui.imports.models import ImportRun
    from puhui.imports.services import import_run_process, import_start
    from puhui.registry.household_import import household_import  # noqa: F401 - the baseline loads it too

    if kind == "baseline":
        return {}
    started = time.perf_counter()
    run = import_start(actor=SYSTEM_ACTOR, kind="households", file=file, mode=mode, confirm=True)
    if not isinstance(run, ImportRun):
        return {"error": "文件未转入后台任务（小于 PUHUI_IMPORT_INLINE_BYTES）"}
    run = import_run_process(run_id=run.pk, confirm=True)
    seconds = time.perf_counter() - started
    from puhui.core.models import AuditLog

    log = AuditLog.objects.filter(action=AuditLog.Action.IMPORT, object_repr__endswith=Path(file).name).last()
    written = (log.after or {}).get("written") if log and run.status == "done" else 0
    return {
        "seconds": seconds,
        "status": run.status,
        "summary": run.summary,
        "errors": run.error_total,
        "written": written,
    }


def run_child(kind: str, url: str, file: str = "", mode: str = "create") -> tuple[dict, float, float]:
    args = [sys.executable, __file__, "--child", kind, "--url", url, "--file", file, "--mode", mode]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, cwd=ROOT)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"子进程失败：{kind} {file}")
    cpu = usage.ru_utime + usage.ru_stime
    return json.loads(out.decode().strip().splitlines()[-1]), usage.ru_maxrss / 1024, cpu


def prepare(url: str) -> None:
    """A fresh, migrated database holding the county's divisions only."""
    env = {**os.environ, "DATABASE_URL": url}
    if url.startswith("postgres"):
        base, name = url.rsplit("/", 1)
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            subprocess.run(["psql", f"{base}/postgres", "-qc", sql], check=True, env=env)
    code = (
        "from puhui.core.models import Division as D\n"
        "c = D.objects.create(code='370323000000', name='沂源县', level='county', kind='county')\n"
        f"for t in range(1, {TOWNS + 1}):\n"
        "    town = D.objects.create(code=f'370323{100 + t:03d}000', name=f'第{t}镇', level='town', kind='town', parent=c)\n"
        "    D.objects.bulk_create([D(code=f'370323{100 + t:03d}{200 + v:03d}', name=f'{t}镇{v}村', level='village',"
        f" kind='village', parent=town) for v in range(1, {VILLAGES_PER_TOWN + 1})])\n"
    )
    subprocess.run([".venv/bin/puhui", "migrate", "-v", "0", "--skip-checks"], check=True, env=env, cwd=ROOT)
    subprocess.run([".venv/bin/puhui", "shell", "-c", code], check=True, env=env, cwd=ROOT)


def bench(label: str, url: str, files: tuple[Path, Path, Path]) -> None:
    roster, changed, bad = files
    prepare(url)
    _, base_mb, _ = run_child("baseline", url)
    print(f"\n== {label} ==  （基线：加载 Django 与导入模块 {base_mb:,.0f} MB）")
    for title, file, mode in (
        ("导入（空县，仅新增）", roster, "create"),
        ("再导入同一文件，5% 的户有变化（新增或更新）", changed, "upsert"),
        ("末行有一处错误的文件（新增或更新）", bad, "upsert"),
    ):
        load = os.getloadavg()[0]
        out, peak, cpu = run_child("import", url, str(file), mode)
        size = file.stat().st_size / 1024 / 1024
        print(
            f"{title}：{out['seconds']:,.1f} 秒（导入进程 CPU {cpu:,.1f} 秒；开始时负载 {load:.1f}），"
            f"峰值内存 {peak:,.0f} MB（文件 {size:,.1f} MB）"
        )
        print(f"    {out['summary']}；写入 {out['written'] or 0:,} 行；问题 {out['errors']:,} 处")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--backends", default="postgres,sqlite")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/puhui_bench_households")
    parser.add_argument("--child")
    parser.add_argument("--generate", action="store_true")
    parser.add_argument("--url")
    parser.add_argument("--file")
    parser.add_argument("--mode", default="create")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.url, args.file, args.mode), ensure_ascii=False))
        return
    if args.generate:
        generate(args.households)
        return
    # Generated in a child: a parent's peak memory would be inherited by every child's ru_maxrss.
    subprocess.run([sys.executable, __file__, "--generate", "--households", str(args.households)], check=True)
    files = generate(args.households)
    with open(files[0], encoding="utf-8") as f:
        rows = sum(1 for _ in f) - 1
    print(f"农户名录：{args.households:,} 户，{rows:,} 行（每名成员一行）")
    for backend in args.backends.split(","):
        if backend == "postgres":
            bench("PostgreSQL", args.pg, files)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                bench("SQLite", f"sqlite:///{tmp}/bench.sqlite3", files)


if __name__ == "__main__":
    main()
