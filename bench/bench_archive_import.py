"""Import 100,000 household credit-archive rows (xlsx and CSV) into the demo county; print time and peak memory.

    export DATABASE_URL=sqlite:////tmp/demo1.sqlite3
    .venv/bin/puhui migrate && .venv/bin/puhui demo --scale 1          # once: the county to import into
    .venv/bin/python bench/bench_archive_import.py --db /tmp/demo1.sqlite3 [--rows 100000] [--formats xlsx,csv]

The file is generated once (bench/out/archives/) from the demo's farm households: 90% named by 户编号,
10% by the head's ID number only (the lookup-hash path), 20% with a few cells left blank (drafts),
values consistent with the household (labour ≤ family size, NPL ⇒ overdue ⇒ a lender). The demo already
holds archives for most households, so the import runs in “新增或更新” mode: a mix of creates, updates
(every imported row differs from the demo's values) and none unchanged.

Each measured import runs in a child process against a fresh copy of the demo database (the import
writes), as the command line does (actor = system, whole county); its peak RSS comes from os.wait4.
A child that only loads Django and the import module gives the baseline RSS. Prints, never asserts.
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "archives"
ACTIVITIES = ["苹果", "桃", "樱桃", "蔬菜大棚", "畜牧养殖", "粮食种植", "中药材", "外出务工", "个体经营"]
EDUCATION = ["小学及以下", "初中", "高中", "中专/职高", "大专及以上"]
HOUSING = ["自有楼房或砖混房", "自有其他住房", "租住或借住"]


def _django(db: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "puhui.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def generate(db: str, rows: int) -> Path:
    """A CSV of `rows` archive rows for the demo's farm households (cached per row count)."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"archives_{rows}.csv"
    if path.exists():
        return path
    _django(db)
    import numpy as np

    from puhui.credit.archive_import import SPEC
    from puhui.registry.models import Household

    farm = list(Household.objects.filter(is_farm=True).order_by("pk").values_list("pk", "code", "size"))
    if len(farm) < rows:
        raise SystemExit(f"演示县只有 {len(farm)} 个农户，少于 {rows} 行")
    rng = np.random.default_rng(7)
    pick = rng.choice(len(farm), rows, replace=False)
    by_id = set(pick[rng.random(rows) < 0.1].tolist())
    ids = {
        h.pk: h.head_id_number
        for h in Household.objects.filter(pk__in=[farm[i][0] for i in by_id]).only("pk", "head_id_number")
    }
    header = [c.header for c in SPEC.columns]
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for n, i in enumerate(pick.tolist()):
            pk, code, size = farm[i]
            r = rng.random(12)
            borrower = r[0] < 0.45
            overdue = borrower and r[1] < 0.06
            npl = overdue and r[2] < 0.35
            assets = int(rng.integers(50, 800)) * 1000
            row = {
                "户编号": "" if i in by_id else code,
                "户主身份证号": ids.get(pk, ""),
                "户主文化程度": EDUCATION[int(r[3] * 5)],
                "家庭劳动力人数": str(max(0, min(size, 1 + int(r[4] * 3)))),
                "在本地居住年限": str(5 + int(r[5] * 50)),
                "住房情况": HOUSING[0 if r[6] < 0.78 else 1 if r[6] < 0.96 else 2],
                "承包地面积（亩）": f"{1 + r[7] * 14:.2f}",
                "流转入面积（亩）": "0" if r[8] < 0.85 else f"{3 + r[8] * 30:.1f}",
                "主要经营项目": ACTIVITIES[int(r[9] * len(ACTIVITIES))]
                + ("" if r[10] < 0.8 else "、" + ACTIVITIES[int(r[10] * 100) % len(ACTIVITIES)]),
                "从事主营产业年限": str(1 + int(r[11] * 34)),
                "家庭农场主或合作社成员": "是" if r[8] > 0.9 else "否",
                "家庭总资产（元）": f"{assets:,}",
                "家庭总负债（元）": str(int(assets * 0.2)) if borrower else "0",
                "家庭年纯收入（元）": str(int(assets * 0.15)),
                "年经营收入（元）": f"{assets * 0.22:.2f}",
                "参加政策性农业保险": "是" if r[5] < 0.55 else "否",
                "保险情况": "政策性农业保险" if r[5] < 0.55 else "新农合",
                "银行账户和银行卡": "社保卡、农商行借记卡",
                "现有贷款情况": "农商行 5万元" if borrower else "无",
                "有贷款的机构数": "1" if borrower else "0",
                "近三年贷款逾期次数": str(int(overdue) + int(r[2] < 0.05)),
                "按时结清的贷款笔数": str(int(r[3] * 5)),
                "当前有逾期贷款": "是" if overdue else "否",
                "当前有不良贷款": "是" if npl else "否",
                "不良贷款形成日期": "2020-06-30" if npl else "",
                "对外担保余额（元）": "0" if r[4] < 0.9 else "50000",
                "欠缴公共事业费": "否",
                "有未结诉讼": "否",
                "有未履行的强制执行": "否",
                "有已履行完毕的被执行记录": "是" if r[6] > 0.98 else "否",
                "有逃废债记录": "否",
                "村委会评议意见": f"基准导入第 {n + 2} 行",
            }
            if r[1] > 0.8:  # a draft: a few required cells left blank
                for h in ("户主文化程度", "年经营收入（元）", "参加政策性农业保险"):
                    row[h] = ""
            w.writerow([row.get(h, "") for h in header])
    return path


def to_xlsx(csv_path: Path) -> Path:
    path = csv_path.with_suffix(".xlsx")
    if path.exists():
        return path
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("农户信用档案")
    with open(csv_path, encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            ws.append(row)
    wb.save(path)
    return path


# ---------------------------------------------------------------- child processes


def child(kind: str, db: str, file: str) -> dict:
    _django(db)
    from puhui.credit.archive_import import archive_import

    if kind == "baseline":
        return {}
    from django.db import connection

    from puhui.credit.models import HouseholdArchive

    before = HouseholdArchive.objects.count()
    start = time.perf_counter()
    result = archive_import(actor="基准测试（命令行）", file=file, mode="upsert")
    seconds = time.perf_counter() - start
    errors = [f"{e.row} {e.column} {e.reason}" for e in result.errors.sorted()[:5]]
    return {
        "seconds": seconds,
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "errors": result.errors.total,
        "first_errors": errors,
        "archives_before": before,
        "archives_after": HouseholdArchive.objects.count(),
        "vendor": connection.vendor,
    }


def run_child(kind: str, db: str, file: str = "") -> tuple[dict, float]:
    """(the child's JSON, its peak RSS in MB)."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", kind, "--db", db, "--file", file],
        stdout=subprocess.PIPE,
        cwd=ROOT,
    )
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"child {kind} failed ({status})")
    res = json.loads(out.decode().strip().splitlines()[-1])
    res["cpu"] = usage.ru_utime + usage.ru_stime  # the whole child, start-up included
    return res, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", help="SQLite file holding `puhui demo --scale 1` (copied, never written)")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--formats", default="xlsx,csv")
    parser.add_argument("--child", choices=["import", "baseline"])
    parser.add_argument("--file", default="")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.db, args.file)))
        return
    if not args.db or not Path(args.db).is_file():
        raise SystemExit("--db: 演示县的 SQLite 文件（先运行 puhui demo --scale 1）")
    t0 = time.perf_counter()
    csv_path = generate_in_child(args.db, args.rows)
    files = {"csv": csv_path}
    if "xlsx" in args.formats:
        files["xlsx"] = to_xlsx(csv_path)
    print(
        f"files ready in {time.perf_counter() - t0:.1f} s: {', '.join(f'{k} {v.stat().st_size / 1e6:.1f} MB' for k, v in files.items())}"
    )
    _, base_rss = run_child("baseline", args.db)
    print(
        f"baseline (Django + import module loaded): peak RSS {base_rss:.0f} MB; load average {os.getloadavg()[0]:.1f}"
    )
    with tempfile.TemporaryDirectory(prefix="bench_archive_import_") as tmp:
        for fmt in args.formats.split(","):
            copy = Path(tmp) / f"{fmt}.sqlite3"
            shutil.copyfile(args.db, copy)
            res, rss = run_child("import", str(copy), str(files[fmt]))
            print(
                f"{fmt:>4}: {res['rows']:,} rows in {res['seconds']:.1f} s "
                f"({res['rows'] / res['seconds']:,.0f} rows/s; child CPU {res['cpu']:.1f} s); peak RSS {rss:.0f} MB "
                f"(+{rss - base_rss:.0f} MB over baseline); created {res['created']:,}, updated {res['updated']:,}, "
                f"unchanged {res['unchanged']:,}; errors {res['errors']}; archives {res['archives_before']:,} → "
                f"{res['archives_after']:,} ({res['vendor']})"
            )
            for line in res["first_errors"]:
                print("      ", line)
            copy.unlink()


def generate_in_child(db: str, rows: int) -> Path:
    path = OUT / f"archives_{rows}.csv"
    if not path.exists():
        subprocess.run(
            [
                sys.executable,
                "-c",
                f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
                f"from bench.bench_archive_import import generate; generate({db!r}, {rows})",
            ],
            check=True,
            cwd=ROOT,
        )
    return path


if __name__ == "__main__":
    main()
