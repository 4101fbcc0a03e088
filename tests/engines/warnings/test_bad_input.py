"""Bad rule files and tables: every problem at once, in Chinese, nothing evaluated."""

import pytest

from puhui.engines.warnings import WarningInputError, load_rules
from puhui.engines.warnings.files import read_inputs, read_table


def _problems(text):
    with pytest.raises(WarningInputError) as e:
        load_rules(text)
    return e.value.problems


def test_not_yaml_and_not_a_mapping():
    assert _problems("rules: [") == ["规则文件不是有效的 YAML（第 1 行）"]
    assert _problems("- a") == ["规则文件应是一个映射（version、name、rules）"]


def test_every_problem_of_a_rule_file_is_listed():
    text = """
version: ""
rules:
  - code: Bad-Code
    kind: unknown
  - code: dup
    name: 甲
    kind: ratio_rise
    measure: npl
    level: village
    bands: {attention: 2, serious: 1}
  - code: dup
    name: 乙
    kind: lending_drop
    category: agri
    min_base: -5
    bands: {attention: 150, huge: 3}
"""
    problems = _problems(text)
    joined = "\n".join(problems)
    for expected in (
        "规则文件缺少“version”",
        "规则文件缺少“name”",
        "第1条规则的编码“Bad-Code”无效",
        "规则“Bad-Code”缺少名称（name）",
        "规则“Bad-Code”的“kind”应为",
        "规则“Bad-Code”缺少严重程度分级",
        "规则“dup”的“level”应为 bank（银行）、town（镇（街道）） 之一，填写的是“village”",
        "规则“dup”的阈值应随严重程度递增",
        "第3条规则的编码“dup”重复",
        "规则“dup”的严重程度“huge”无效",
        "规则“dup”的阈值是百分比，不能超过 100",
        "规则“dup”的最低基数“-5”不能为负数",
    ):
        assert expected in joined, expected


def test_an_empty_rule_list():
    assert _problems("version: '1'\nname: 空\nrules: []") == ["规则文件中没有规则"]


def test_bad_cells_of_a_table_are_named_by_row():
    text = "level,subject,label,period,balance,npl\nbank,1,甲,2021Q1,abc,-1\nvillage,,乙,2021Q1,1.234,0\n"
    with pytest.raises(WarningInputError) as e:
        read_table("portfolios", text)
    assert e.value.problems == [
        "portfolios.csv 第2行“贷款余额”“abc”不是数字",
        "portfolios.csv 第2行“不良余额”“-1”不能为负数",
        "portfolios.csv 第3行“层级”“village”应为 bank、银行、town、镇 之一",
        "portfolios.csv 第3行“编码”不能为空",
        "portfolios.csv 第3行“贷款余额”“1.234”最多两位小数（元）",
    ]


def test_a_missing_column_and_a_missing_file(tmp_path):
    with pytest.raises(WarningInputError) as e:
        read_table("firm_credit", "firm,label,period,balance\n")
    assert e.value.problems == ["firm_credit.csv 缺少“银行”列（bank）"]
    with pytest.raises(WarningInputError, match="没有 portfolios.csv"):
        read_inputs(tmp_path)
