"""Bad rules and bad figures: exit code 2, every problem named in Chinese (row, column or rule) on stderr, and no
result file written."""

from pathlib import Path

import pytest

from puhui.engines.prudential.cli import main

REPO = Path(__file__).resolve().parents[3]
RULES = (REPO / "puhui" / "localfin" / "rules" / "yiyuan-2020.yaml").read_text("utf-8")
DATA = (REPO / "tests" / "fixtures" / "prudential" / "worked_examples.csv").read_text("utf-8")
HEADER, *LINES = DATA.splitlines()


def _changed(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old  # the edit hits exactly the place meant
    return text.replace(old, new)


def _refused(tmp_path, capsys, *, rules: str = RULES, data: str = DATA, out: str = "结果.csv") -> list[str]:
    """The problems `puhui prudential check` prints, having checked it exits 2 and writes nothing."""
    rules_file, data_file = tmp_path / "规则.yaml", tmp_path / "数据.csv"
    rules_file.write_text(rules, "utf-8")
    data_file.write_text(data, "utf-8")
    out_file = tmp_path / out
    argv = ["check", "--rules", str(rules_file), "--data", str(data_file), "--out", str(out_file)]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert not out_file.exists() and captured.out == ""
    lines = captured.err.splitlines()
    assert lines and all(ln.startswith("错误：") for ln in lines)
    return [ln.removeprefix("错误：") for ln in lines]


def _data(*lines: str, header: str = HEADER) -> str:
    return "\n".join([header, *lines]) + "\n"


# --- the rule file ---------------------------------------------------------------------------------------


def test_a_rule_file_that_is_not_yaml(tmp_path, capsys):
    assert _refused(tmp_path, capsys, rules="version: x\nrules: [\n") == [
        "规则文件不是有效的 YAML（第 3 行）"
    ]


def test_a_rule_file_that_is_not_a_mapping(tmp_path, capsys):
    assert _refused(tmp_path, capsys, rules="- a\n- b\n") == [
        "规则文件应是一个映射（version、name、figures、params、rules）"
    ]


def test_figures_and_params_that_are_not_mappings(tmp_path, capsys):
    rules = _changed(RULES, "  npl: {label: 不良余额, unit: 元}", "  npl: 不良余额")
    rules = _changed(rules, 'npl_alert: {label: 不良率关注线, unit: "%", default: 5}', "npl_alert: 5")
    problems = _refused(tmp_path, capsys, rules=rules)
    assert problems[:2] == [
        "数据项“npl”应写成映射，如 {label: …, unit: …}",
        "参数“npl_alert”应写成映射，如 {label: …, unit: …}",
    ]
    assert _refused(tmp_path, capsys, rules="version: 1\nname: x\nfigures: [a, b]\nrules: []\n") == [
        "规则文件的“figures”应是数据项名到其说明（label、unit）的映射"
    ]


def test_an_expression_naming_an_unknown_figure(tmp_path, capsys):
    rules = _changed(RULES, "value: in_force / net_assets\n", "value: in_force / equity\n")
    assert _refused(tmp_path, capsys, rules=rules) == [
        "规则“guarantee_leverage”的计算式引用了未定义的数据项或参数：equity"
    ]


def test_an_aggregate_function_is_refused(tmp_path, capsys):
    rules = _changed(RULES, "limit: npl_alert", "limit: total(npl) / total(balance) * 100")
    assert _refused(tmp_path, capsys, rules=rules) == ["规则“npl_ratio”的限额不能使用汇总函数：total"]


def test_an_expression_that_does_not_parse(tmp_path, capsys):
    rules = _changed(RULES, "value: borrowed / net_capital * 100", "value: borrowed / ")
    (problem,) = _refused(tmp_path, capsys, rules=rules)
    assert problem.startswith("规则“microcredit_borrowing”的计算式：") and "写法有误" in problem


def test_a_bad_comparison(tmp_path, capsys):
    rules = _changed(RULES, 'limit: "30"\n    unit: "%"\n    severity: serious', 'limit: "30"\n    unit: "%"\n    severity: serious\n    op: "=<"')  # fmt: skip
    rules = _changed(rules, 'kinds: [leasing]\n    value: largest_client / net_capital * 100\n    op: "<="\n', "kinds: [leasing]\n    value: largest_client / net_capital * 100\n")  # fmt: skip
    assert _refused(tmp_path, capsys, rules=rules) == [
        "规则“leasing_single_client”的比较符“=<”无效，可用：== != < <= > >="
    ]


def test_a_bad_severity(tmp_path, capsys):
    rules = _changed(RULES, "severity: warning", "severity: fatal")
    assert _refused(tmp_path, capsys, rules=rules) == [
        "规则“npl_ratio”的严重程度“fatal”无效，可用：serious（严重）、warning（关注）"
    ]


def test_a_duplicate_rule_code(tmp_path, capsys):
    rules = _changed(RULES, "code: microcredit_single_client", "code: microcredit_borrowing")
    assert _refused(tmp_path, capsys, rules=rules) == ["规则“microcredit_borrowing”的编码重复"]


def test_a_rule_without_kinds(tmp_path, capsys):
    rules = _changed(RULES, "    kinds: [leasing]\n", "")
    assert _refused(tmp_path, capsys, rules=rules) == [
        "规则“leasing_single_client”缺少适用的机构类型（kinds）"
    ]


def test_every_rule_problem_is_listed_at_once(tmp_path, capsys):
    rules = _changed(RULES, "severity: warning", "severity: fatal")
    rules = _changed(rules, "code: microcredit_single_client", "code: microcredit_borrowing")
    rules = _changed(rules, "    kinds: [leasing]\n", "")
    assert len(_refused(tmp_path, capsys, rules=rules)) == 3


# --- the figures file ------------------------------------------------------------------------------------


def test_a_figures_file_without_the_organisation_column(tmp_path, capsys):
    data = _data(*LINES, header=_changed(HEADER, "机构编码,", "编码,"))
    assert _refused(tmp_path, capsys, data=data) == [
        "缺少“机构编码”列（organisation）",
        "列“编码”不是规则中的数据项",
    ]


def test_an_unknown_column(tmp_path, capsys):
    data = _data(*(ln + ",1" for ln in LINES), header=HEADER + ",equity")
    assert _refused(tmp_path, capsys, data=data) == ["列“equity”不是规则中的数据项"]


def test_a_figure_given_in_two_columns(tmp_path, capsys):
    data = _data(*(ln + ",1" for ln in LINES), header=HEADER + ",in_force")
    assert _refused(tmp_path, capsys, data=data) == [
        "列“融资担保责任余额”和列“in_force”是同一数据项（in_force），只能保留一列"
    ]


def test_an_unknown_param_column(tmp_path, capsys):
    data = _data(*(ln + ",12" for ln in LINES), header=HEADER + ",param.cap")
    assert _refused(tmp_path, capsys, data=data) == ["列“param.cap”：规则中没有参数“cap”"]


def test_bad_cells_name_their_row_and_column(tmp_path, capsys):
    lines = list(LINES)
    lines[4] = _changed(lines[4], ",200000000,100000000,", ",两亿,100000000,")  # M1, spreadsheet row 6
    lines[6] = _changed(lines[6], ",30000000,", ",-30000000,")  # L1, row 8
    lines[2] = _changed(lines[2], ",4000000,15", ",4000000,-15")  # G3's own cap, row 4
    assert _refused(tmp_path, capsys, data=_data(*lines)) == [
        "第4行“param.leverage_cap”“-15”不能为负数",
        "第6行“net_capital”“两亿”不是数字",
        "第8行“largest_client”“-30000000”不能为负数",
    ]


def test_row_numbers_count_blank_lines_as_a_spreadsheet_does(tmp_path, capsys):
    lines = list(LINES)
    lines[0] = _changed(lines[0], ",10000000,", ",1千万,")
    assert _refused(tmp_path, capsys, data=_data("", *lines)) == ["第3行“largest_client”“1千万”不是数字"]


def test_an_empty_key_cell(tmp_path, capsys):
    lines = list(LINES)
    lines[9] = _changed(lines[9], ",factoring,", ",,")  # F2, row 11
    assert _refused(tmp_path, capsys, data=_data(*lines)) == ["第11行“机构类型”不能为空"]


def test_the_same_organisation_and_period_twice(tmp_path, capsys):
    assert _refused(tmp_path, capsys, data=_data(*LINES, LINES[4])) == [
        "第13行：机构“M1”的报送期“2020Q4”与第6行重复"
    ]


def test_a_data_file_without_rows(tmp_path, capsys):
    assert _refused(tmp_path, capsys, data=_data()) == ["数据文件中没有数据行"]
    assert _refused(tmp_path, capsys, data="") == [
        "缺少“机构编码”列（organisation）",
        "缺少“机构名称”列（name）",
        "缺少“机构类型”列（kind）",
        "缺少“报送期”列（period）",
    ]


# --- the files themselves --------------------------------------------------------------------------------


def test_a_result_file_of_another_type(tmp_path, capsys):
    assert _refused(tmp_path, capsys, out="结果.xlsx") == ["结果文件“结果.xlsx”应以 .csv 或 .json 结尾"]


def test_a_rule_file_that_does_not_exist(tmp_path, capsys):
    out = tmp_path / "结果.csv"
    argv = [
        "check",
        "--rules",
        str(tmp_path / "无.yaml"),
        "--data",
        str(tmp_path / "无.csv"),
        "--out",
        str(out),
    ]
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("错误：无法读写文件") and not out.exists()


@pytest.mark.parametrize(
    ("net_assets", "leverage", "breaches"), [("0.000001", "1" + "0" * 46, 2), ("1e40", "1", 0)]
)
def test_absurd_figures_are_checked_not_crashed_on(tmp_path, capsys, net_assets, leverage, breaches):
    # A net worth of 0.000001 元 makes a leverage of 10^46 倍, which used to overflow the 4-place rounding.
    data, out = tmp_path / "数据.csv", tmp_path / "结果.csv"
    data.write_text(_data(f"X,示例,guarantee,2020Q4,,,,,{net_assets},1e40,1,"), "utf-8")
    rules = REPO / "puhui" / "localfin" / "rules" / "yiyuan-2020.yaml"
    assert main(["check", "--rules", str(rules), "--data", str(data), "--out", str(out)]) == 0
    assert f"超限 {breaches} 项" in capsys.readouterr().out
    assert out.read_text("utf-8-sig").splitlines()[1].split(",")[6] == leverage
