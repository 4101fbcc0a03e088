"""The hand-computed worked examples (tests/fixtures/prudential/README.md) reproduced by `puhui prudential check`
on the files, with no database and no Django: every finding, byte for byte, in CSV and in JSON."""

import csv
import io
import json
from pathlib import Path

from puhui.engines.prudential.cli import main

REPO = Path(__file__).resolve().parents[3]
RULES = REPO / "puhui" / "localfin" / "rules" / "yiyuan-2020.yaml"
FIXTURES = REPO / "tests" / "fixtures" / "prudential"
DATA = FIXTURES / "worked_examples.csv"
EXPECTED = (FIXTURES / "expected_findings.csv").read_text("utf-8")


def _check(out: Path, *extra: str, data: Path = DATA) -> int:
    return main(["check", "--rules", str(RULES), "--data", str(data), "--out", str(out), *extra])


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_is_the_hand_computed_one_exactly(tmp_path, capsys):
    out = tmp_path / "监管指标核查结果.csv"
    assert _check(out) == 0, capsys.readouterr().err
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # opens in Excel as UTF-8
    assert raw.decode("utf-8-sig") == EXPECTED
    assert "核查 11 行数据：20 项结果，超限 7 项" in capsys.readouterr().out


def test_the_json_carries_the_same_findings(tmp_path):
    out = tmp_path / "监管指标核查结果.json"
    assert _check(out) == 0
    assert json.loads(out.read_text("utf-8")) == _rows(EXPECTED)


def test_breaches_only_writes_the_over_limit_rows(tmp_path, capsys):
    out = tmp_path / "超限.csv"
    assert _check(out, "--breaches") == 0
    got = _rows(out.read_text("utf-8-sig"))
    assert got == [r for r in _rows(EXPECTED) if r["结果"] == "超限"]
    assert [(r["机构编码"], r["规则编码"]) for r in got] == [
        ("G2", "guarantee_leverage"),
        ("G2", "guarantee_single_client"),
        ("M2", "microcredit_borrowing"),
        ("M2", "microcredit_single_client"),
        ("M2", "npl_ratio"),
        ("L2", "leasing_single_client"),
        ("F1", "npl_ratio"),
    ]
    assert "超限 7 项" in capsys.readouterr().out


def test_the_named_cases():
    by_key = {(r["机构编码"], r["规则编码"]): r for r in _rows(EXPECTED)}
    # Exactly at a limit is within it; a hair above is not.
    assert [by_key["G1", "guarantee_leverage"][k] for k in ("数值", "限额", "结果")] == ["10", "10", "合规"]
    assert [by_key["M1", "microcredit_borrowing"][k] for k in ("数值", "结果")] == ["50", "合规"]
    assert [by_key["M2", "microcredit_borrowing"][k] for k in ("数值", "结果")] == ["50.01", "超限"]
    # The licence's own cap (15 倍) replaces the default 10 倍.
    assert [by_key["G3", "guarantee_leverage"][k] for k in ("数值", "限额", "结果")] == ["14", "15", "合规"]
    # A missing figure and a zero denominator are never guessed.
    assert by_key["G4", "guarantee_leverage"]["结果"] == by_key["F2", "npl_ratio"]["结果"] == "缺少数据"
    # A kind no rule applies to gives no findings at all.
    assert not [k for k in by_key if k[0] == "P1"]


def test_without_the_licence_cap_the_same_leverage_is_a_breach(tmp_path):
    lines = DATA.read_text("utf-8").splitlines()
    g3 = next(i for i, ln in enumerate(lines) if ln.startswith("G3,"))
    assert lines[g3].endswith(",15")
    lines[g3] = lines[g3].removesuffix("15")
    data, out = tmp_path / "数据.csv", tmp_path / "结果.csv"
    data.write_text("\n".join(lines) + "\n", "utf-8")
    assert _check(out, data=data) == 0
    g3_leverage = next(
        r
        for r in _rows(out.read_text("utf-8-sig"))
        if (r["机构编码"], r["规则编码"]) == ("G3", "guarantee_leverage")
    )
    assert [g3_leverage[k] for k in ("数值", "限额", "结果")] == ["14", "10", "超限"]


def test_the_puhui_command_runs_the_same_engine(tmp_path):
    from puhui.cli import main as puhui_main

    out = tmp_path / "结果.csv"
    args = ["--rules", str(RULES), "--data", str(DATA), "--out", str(out)]
    assert puhui_main(["puhui", "prudential", "check", *args]) == 0
    assert out.read_text("utf-8-sig") == EXPECTED
