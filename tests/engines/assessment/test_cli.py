"""The assessment command line end to end on CSV and JSON files (no database, no Django)."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from puhui.cli import main as puhui_main
from puhui.engines.assessment.cli import main

REPO = Path(__file__).resolve().parents[3]

CRITERIA_CSV = """key,kind,max_points,name
r,report_timeliness,30,进度报送及时性
m,milestones,30,里程碑完成情况
n,notice_response,20,督办事项按期办理
q,quality,20,工作质量
"""
FACTS_CSV = """unit,name,reports_due,reports_on_time,reports_late,milestones_due,milestones_met,notices,notices_on_time
0101,甲,4,4,0,2,1,0,0
0102,乙,4,2,1,,,2,1
0103,丙,4,4,0,2,1,0,0
"""
MANUAL_CSV = """criterion,unit,points
q,0101,18
q,0102,20
q,0103,18
"""


@pytest.fixture
def inputs(tmp_path):
    files = {}
    for name, text in [("criteria", CRITERIA_CSV), ("facts", FACTS_CSV), ("manual", MANUAL_CSV)]:
        files[name] = tmp_path / f"{name}.csv"
        files[name].write_text(text, encoding="utf-8")
    return files


def args(files, out):
    a = ["--criteria", str(files["criteria"]), "--facts", str(files["facts"]), "--out", str(out)]
    return a + (["--manual", str(files["manual"])] if "manual" in files else [])


def test_csv_in_csv_out(inputs, tmp_path, capsys):
    out = tmp_path / "out" / "results.csv"
    assert main(args(inputs, out)) == 0
    assert "3 个单位" in capsys.readouterr().out
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["rank", "unit", "name", "r", "m", "n", "q", "total"]
    assert rows[1:] == [
        ["1", "0103", "丙", "30.00", "15.00", "20.00", "18.00", "83.00"],
        ["1", "0101", "甲", "30.00", "15.00", "20.00", "18.00", "83.00"],
        ["3", "0102", "乙", "18.75", "30.00", "10.00", "20.00", "78.75"],  # leading zeros kept
    ]


def test_json_in_json_out_through_the_console_script(inputs, tmp_path):
    for name in ("criteria", "facts", "manual"):
        with inputs[name].open(encoding="utf-8", newline="") as fh:
            records = list(csv.DictReader(fh))
        if name == "facts":  # JSON numbers, and count fields left out, are fine too
            records = [
                {k: int(v) if v.isdigit() and k != "unit" else v for k, v in r.items() if v} for r in records
            ]
        inputs[name] = tmp_path / f"{name}.json"
        inputs[name].write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "results.json"
    assert puhui_main(["puhui", "assess", *args(inputs, out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [(d["unit"], d["rank"], d["total"]) for d in data] == [
        ("0103", 1, 83),
        ("0101", 1, 83),
        ("0102", 3, 78.75),
    ]
    b = data[2]["scores"]
    assert b["r"] == {"points": 18.75, "detail": {"应报": 4, "按时": 2, "逾期补报": 1, "未报": 1}}
    assert b["m"]["detail"] == {"到期里程碑": 0, "按期完成": 0} and b["m"]["points"] == 30
    assert b["q"] == {"points": 20, "detail": {"人工评分": True}}


def test_gb18030_csv_without_manual_points(inputs, tmp_path):
    inputs["facts"].write_bytes(FACTS_CSV.encode("gb18030"))
    del inputs["manual"]
    out = tmp_path / "r.csv"
    assert main(args(inputs, out)) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "甲" in text and ",0.00," in text  # no manual points yet: quality scores 0


@pytest.mark.parametrize(
    "which, text, message",
    [
        (
            "facts",
            "unit,reports_due,reports_on_time\nu1,2,3\n",
            "reports_on_time + reports_late 超过 reports_due",
        ),
        ("facts", "unit,report_due\nu1,2\n", "不认识的列 report_due"),
        ("facts", "unit,notices\nu1,-1\n", "notices 应为不小于 0 的整数"),
        ("facts", "unit,notices\nu1,1.5\n", "notices 应为不小于 0 的整数"),
        ("facts", "unit\nu1\nu1\n", "单位“u1”重复"),
        ("criteria", "key,kind\nr,report_timeliness\n", "缺少列 max_points"),
        ("criteria", "key,kind,max_points\nr,report_timeliness,abc\n", "max_points 应为不小于 0 的数"),
        ("manual", "criterion,unit,points\nq,0101,25\n", "得分应为 0 到 20 之间的数"),
        ("manual", "criterion,unit,points\nr,0101,5\n", "由系统自动计分"),
        ("manual", "criterion,unit,points\nq,9999,5\n", "没有单位“9999”"),
    ],
)
def test_bad_input_exits_2_with_the_reason(inputs, tmp_path, capsys, which, text, message):
    inputs[which].write_text(text, encoding="utf-8")
    out = tmp_path / "r.csv"
    assert main(args(inputs, out)) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_missing_file_exits_2(inputs, tmp_path, capsys):
    inputs["facts"] = tmp_path / "nope.csv"
    assert main(args(inputs, tmp_path / "r.csv")) == 2
    assert "找不到文件" in capsys.readouterr().err


def test_runs_as_a_module_without_django(inputs, tmp_path):
    out = tmp_path / "results.json"
    code = (
        "import sys; import puhui.engines.assessment; from puhui.engines.assessment.cli import main; "
        f"rc = main({args(inputs, out)!r}); "
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if m.startswith('django')); "
        "sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text(encoding="utf-8"))[0]["total"] == 83

    done = subprocess.run(
        [sys.executable, "-m", "puhui.engines.assessment", *args(inputs, tmp_path / "m.csv")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "已完成考核计分" in done.stdout and (tmp_path / "m.csv").exists()
