"""Import the firm register and the banks' service points and terminals at ten times the county; print time,
peak memory and rows written, then rebuild the service network "as it stood" at 16 quarter ends.

    .venv/bin/python bench/bench_network_import.py [--firms 60000] [--points 10000] [--terminals 30000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/puhui_bench .venv/bin/python bench/bench_network_import.py

Builds its own small county (one county, 12 towns, 640 villages, two banks) in a fresh SQLite database under
a temporary directory (or in the PostgreSQL database given, which it flushes first). Prints, never asserts.
"""

import argparse
import csv
import datetime
import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _django() -> None:
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "puhui.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)


def _county():
    from puhui.core.models import Division, Organisation

    county = Division.objects.create(code="370323000000", name="沂源县", level="county", kind="county")
    villages = []
    for t in range(12):
        town = Division.objects.create(
            code=f"370323{101 + t:03d}000", name=f"镇{t}", level="town", kind="town", parent=county
        )
        villages += Division.objects.bulk_create(
            Division(
                code=f"{town.code[:9]}{201 + v:03d}",
                name=f"村{t}-{v}",
                level="village",
                kind="village",
                parent=town,
            )
            for v in range(54)
        )
    for code, kind in (("ABC-YY", "commercial_bank"), ("RCB-YY", "rural_bank")):
        org = Organisation.objects.create(code=code, name=code, kind=kind)
        org.path = org.compute_path()
        org.save(update_fields=["path"])
    return [v.code for v in villages]


def _uscc(n: int) -> str:
    from stdnum.cn import uscc

    base = f"92370323MA{n:07d}"
    return base + uscc.calc_check_digit(base)


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _files(villages, n_firms, n_points, n_terminals, changed: float = 0.0):
    day = datetime.date(2015, 1, 1)
    firms = [
        ["统一社会信用代码", "名称", "类型", "行业", "所在村（社区）代码", "成立日期", "注销日期", "从业人数"]
    ]
    for i in range(n_firms):
        gone = "2021-03-31" if changed and i % int(1 / changed) == 0 else ""
        firms.append(
            [
                _uscc(i),
                f"市场主体{i}",
                "个体工商户",
                "批发和零售业",
                villages[i % len(villages)],
                (day + datetime.timedelta(days=i % 2000)).isoformat(),
                gone,
                i % 30,
            ]
        )
    points = [
        [
            "服务点编号",
            "名称",
            "签约银行机构编码",
            "所在村（社区）代码",
            "服务功能",
            "普惠金融服务站",
            "设立日期",
            "升级日期",
        ]
    ]
    station = "小额取款、转账、汇款、缴费、跨行支付、金融知识宣传、反假货币、纠纷协调"
    for i in range(n_points):
        up = changed and i % int(1 / changed) == 1  # 5% upgraded since the first file
        points.append(
            [
                f"SP{i:06d}",
                f"服务点{i}",
                "ABC-YY" if i % 3 else "RCB-YY",
                villages[i % len(villages)],
                station if up or i % 4 == 0 else "小额取款、转账",
                "是" if up or i % 4 == 0 else "否",
                "2016-05-01",
                "2020-06-30" if up or i % 4 == 0 else "",
            ]
        )
    terminals = [
        [
            "机具编号",
            "类型",
            "所属银行机构编码",
            "所在村（社区）代码",
            "开通实时缴费",
            "实时缴费开通日期",
            "布放日期",
            "撤除日期",
        ]
    ]
    for i in range(n_terminals):
        gone = "2021-06-30" if changed and i % int(1 / changed) == 0 else ""  # 5% retired since
        terminals.append(
            [
                f"T{i:06d}",
                "ATM取款机",
                "ABC-YY" if i % 3 else "RCB-YY",
                villages[i % len(villages)],
                "是" if i % 2 else "否",
                "2020-07-01" if i % 2 else "",
                "2018-01-01",
                gone,
            ]
        )
    return _csv(firms), _csv(points), _csv(terminals)


def _run(kind: str, data: bytes, mode: str) -> None:
    from puhui.imports.services import SYSTEM_ACTOR, table_import

    started = time.perf_counter()
    result = table_import(actor=SYSTEM_ACTOR, kind=kind, file=data, mode=mode, filename=f"{kind}.csv")
    seconds = time.perf_counter() - started
    assert result.ok, [e for e in result.errors][:5]
    print(
        f"{kind:15s} {mode:6s} {result.rows:>7,} 行  {seconds:6.1f} s  "
        f"新增 {result.created:>7,}  更新 {result.updated:>6,}  未变 {result.unchanged:>7,}  "
        f"峰值内存 {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=60_000)
    parser.add_argument("--points", type=int, default=10_000)
    parser.add_argument("--terminals", type=int, default=30_000)
    args = parser.parse_args()
    _django()
    from django.db import connection

    villages = _county()
    print(f"数据库：{connection.vendor}")
    for kind, data in zip(
        ("firms", "service_points", "terminals"),
        _files(villages, args.firms, args.points, args.terminals),
        strict=True,
    ):
        _run(kind, data, "create")
    for kind, data in zip(
        ("firms", "service_points", "terminals"),
        _files(villages, args.firms, args.points, args.terminals, changed=0.05),
        strict=True,
    ):
        _run(kind, data, "upsert")

    from puhui.registry.network import NetworkHistory

    started = time.perf_counter()
    history = NetworkHistory()
    loaded = time.perf_counter() - started
    ends = [datetime.date(y, m, 28 if m == 2 else 30) for y in range(2018, 2022) for m in (3, 6, 9, 12)]
    started = time.perf_counter()
    counts = [(len(history.points_on(d)), len(history.terminals_on(d))) for d in ends]
    print(
        f"名录回溯：读取 {len(history.points):,} 个服务点、{len(history.terminals):,} 台机具 {loaded:.2f} s；"
        f"16 个季度末重建 {time.perf_counter() - started:.2f} s（末季 {counts[-1][0]:,} 个服务点、{counts[-1][1]:,} 台机具）"
    )


if __name__ == "__main__":
    main()
