"""`puhui warnings check` on files: findings out, 2 and Chinese reasons on bad input."""

import json
from pathlib import Path

from puhui.cli import main as puhui_main
from puhui.engines.warnings.cli import main

REPO = Path(__file__).resolve().parents[3]
RULES = REPO / "puhui" / "risk" / "rules" / "yiyuan-2020.yaml"


def _write(folder: Path):
    folder.mkdir()
    (folder / "portfolios.csv").write_text(
        "层级,编码,名称,报送期,贷款余额,逾期余额,不良余额,涉农贷款余额,小微企业贷款余额\n"
        "银行,ABC,农行,2020Q4,100000000,0,1000000,40000000,10000000\n"
        "银行,ABC,农行,2021Q1,100000000,0,3000000,40000000,10000000\n",
        encoding="utf-8",
    )
    (folder / "firm_credit.csv").write_text(
        "firm,label,bank,bank_label,period,balance,unpaid\n"
        "F1,甲公司,ABC,农行,2020Q4,5000000,0\nF1,甲公司,ABC,农行,2021Q1,1000000,0\n",
        encoding="utf-8",
    )


def test_check_writes_findings(tmp_path, capsys):
    _write(tmp_path / "in")
    code = main(
        ["check", "--rules", str(RULES), "--data", str(tmp_path / "in"), "--out", str(tmp_path / "out")]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "评估 2021Q1，对比 2020Q4：预警 2 项" in out and "未评估规则 concentration_network" in out
    rows = json.loads((tmp_path / "out" / "findings.json").read_text("utf-8"))
    assert {(r["规则编码"], r["对象"], r["严重程度"]) for r in rows} == {
        ("npl_rise_bank", "ABC", "严重"),
        ("credit_withdrawal", "F1", "严重"),
    }
    assert (tmp_path / "out" / "findings.csv").read_text("utf-8-sig").startswith("报送期,规则编码")


def test_the_house_command_runs_it(tmp_path):
    _write(tmp_path / "in")
    args = ["puhui", "warnings", "check", "--rules", str(RULES), "--data", str(tmp_path / "in")]
    assert puhui_main([*args, "--out", str(tmp_path / "out")]) == 0


def test_bad_input_exits_2_with_reasons(tmp_path, capsys):
    bad = tmp_path / "rules.yaml"
    bad.write_text(
        "version: '1'\nname: 坏\nrules: [{code: x, name: 甲, kind: nope, bands: {attention: 1}}]\n", "utf-8"
    )
    (tmp_path / "in").mkdir()
    assert (
        main(["check", "--rules", str(bad), "--data", str(tmp_path / "in"), "--out", str(tmp_path / "o")])
        == 2
    )
    assert "错误：规则“x”的“kind”应为" in capsys.readouterr().err
