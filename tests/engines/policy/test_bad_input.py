"""Bad rules and bad figures: every problem named in Chinese, exit code 2, no result file written."""

from pathlib import Path

import pytest

from puhui.engines.policy import PolicyInputError, load_rules, read_figures
from puhui.engines.policy.cli import main

REPO = Path(__file__).resolve().parents[3]
RULES = (REPO / "puhui" / "policy" / "rules" / "yiyuan-2020.yaml").read_text("utf-8")
FIGURES = (REPO / "tests" / "fixtures" / "policy" / "worked_examples.csv").read_text("utf-8")


def _problems(fn, *args) -> list[str]:
    with pytest.raises(PolicyInputError) as e:
        fn(*args)
    return e.value.problems


def test_a_condition_naming_an_unknown_figure():
    text = RULES.replace("value: loan_avg / deposit_avg * 100\n        op: \">=\"\n        threshold: ldr_floor",
                         "value: loan_avg / deposits * 100\n        op: \">=\"\n        threshold: ldr_floor")  # fmt: skip
    assert text != RULES
    assert _problems(load_rules, text) == [
        "规则“new_rural_subsidy”条件“ldr”的“value”引用了未知的数据项“deposits”"
    ]


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("loan_avg / ", "写法有误"),
        ("__import__('os')", "不支持的函数“__import__”"),
        ("loan_avg.real", "不支持的写法"),
        ("0 < loan_avg < 5", "不能连写比较"),
        ("'abc'", "不支持的写法"),
        ("prev(loan_avg, 1)", "参数个数不对"),
    ],
)
def test_an_expression_that_does_not_parse(expression, reason):
    text = RULES.replace("amount: loan_avg * cap_rate", f'amount: "{expression}"')
    (problem,) = _problems(load_rules, text)
    assert problem.startswith("规则“new_rural_subsidy”的 grant：") and reason in problem


def test_rule_file_structure_problems_are_all_listed():
    problems = _problems(
        load_rules,
        "name: x\nversion: 1\nfigures: {a: {label: 甲}}\nrules:\n  - {code: r, name: 规则}\n  - {code: r, name: 又一条, kind: fiscal, grant: {amount: b}}\n",
    )
    assert problems == [
        "规则“r”的类型（kind）应为 fiscal 或 monetary",
        "规则“r”的 grant 应写 amount（补贴金额，元）或 ratio（优惠幅度，百分点）之一",
        "规则“r”的 grant引用了未知的数据项“b”",
    ]
    assert _problems(load_rules, "name: x\nrules: [") == ["规则文件不是有效的 YAML（第 2 行）"]
    assert _problems(load_rules, "- a") == ["规则文件应包含 name、version、figures 和 rules"]


def test_passed_total_outside_a_grant_is_refused():
    text = RULES.replace("threshold: min_share", "threshold: passed_total(startup_issued)")
    assert _problems(load_rules, text) == [
        "规则“startup_award”条件“share”的“threshold”：passed_total 只能用在 grant 中（它依赖本规则的评价结果）"
    ]


def test_a_figures_file_missing_a_column():
    rules = load_rules(RULES)
    text = FIGURES.replace(",agri_small_avg,", ",其他,")
    assert _problems(read_figures, text, rules) == [
        "数据文件缺少列“agri_small_avg”（当年涉农和小微企业贷款平均余额），规则要用到它"
    ]


def test_negative_and_non_numeric_figures_name_the_row_and_column():
    rules = load_rules(RULES)
    lines = FIGURES.splitlines()
    lines[2] = lines[2].replace(",260000000,", ",-260000000,")
    lines[4] = lines[4].replace(",120000000,", ",一亿,")
    lines[5] = lines[5].replace("0,0,0,0,900000000", "2,0,0,0,900000000")
    assert _problems(read_figures, "\n".join(lines), rules) == [
        "第 3 行“loan_avg”（当年贷款平均余额）不能为负数：-260000000",
        "第 5 行“loan_avg”（当年贷款平均余额）不是数字：“一亿”",
        "第 6 行“is_village_bank”（村镇银行）应为 1/0 或 是/否：“2”",
    ]


def test_columns_may_be_named_by_their_chinese_labels():
    rules = load_rules(RULES)
    header, *rest = FIGURES.splitlines()
    header = header.replace("loan_avg", "当年贷款平均余额", 1).replace(
        "institution,name,year", "机构编码,机构名称,年度"
    )
    rows = read_figures("\n".join([header, *rest]), rules)
    assert rows[1].values["loan_avg"] == 260_000_000 and rows[1].institution == "VB" and rows[1].year == 2020


def test_evaluating_a_year_before_the_institution_opened(tmp_path, capsys):
    rules, data, out = tmp_path / "r.yaml", tmp_path / "d.csv", tmp_path / "o.csv"
    rules.write_text(RULES, "utf-8")
    data.write_text(FIGURES.replace("VB,示例甲村镇银行,2019,2019", "VB,示例甲村镇银行,2019,2020"), "utf-8")
    assert (
        main(["evaluate", "--rules", str(rules), "--data", str(data), "--year", "2019", "--out", str(out)])
        == 2
    )
    assert "错误：机构“示例甲村镇银行”2020 年开业，不能参加 2019 年的评价" in capsys.readouterr().err
    assert not out.exists()


def test_a_year_without_data_and_a_row_given_twice(tmp_path, capsys):
    rules, data, out = tmp_path / "r.yaml", tmp_path / "d.csv", tmp_path / "o.csv"
    rules.write_text(RULES, "utf-8")
    lines = FIGURES.splitlines()
    data.write_text("\n".join([*lines, lines[1]]), "utf-8")
    assert (
        main(["evaluate", "--rules", str(rules), "--data", str(data), "--year", "2022", "--out", str(out)])
        == 2
    )
    err = capsys.readouterr().err
    assert (
        "错误：机构“示例甲村镇银行”2019 年的数据出现了两次" in err and "错误：数据中没有 2022 年的数据" in err
    )
