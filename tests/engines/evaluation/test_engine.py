"""Worked examples of the evaluation engine and its indicator-set reader (bad sets refused in Chinese)."""

from decimal import Decimal

import pytest

from puhui.engines.evaluation import (
    NA,
    BankFigures,
    EvaluationInputError,
    evaluate,
    growth,
    load_set,
    parse_set,
    shipped_path,
)

D = Decimal
SET = """
version: 3
name: 测试指标体系
grades: [{label: 优秀, min: 90}, {label: 良好, min: 75}, {label: 中等, min: 60}, {label: 较差, min: 0}]
indicators:
  - {code: growth, name: 增速, unit: "%", weight: 40, method: linear, floor: 0, goal: 20,
     goal_by_year: {2020: 10}, source: {indicator: agri_loan_balance, transform: growth}}
  - {code: npl, name: 不良率, unit: "%", weight: 20, method: linear, floor: 5, goal: 1, source: {indicator: npl_ratio}}
  - {code: share, name: 占比, unit: "%", weight: 20, method: rank, source: {indicator: credit_loan_share}}
  - {code: complaints, name: 投诉, unit: "%", weight: 10, method: linear, floor: 80, goal: 100, if_absent: full,
     source: {service: complaints_on_time_rate}}
  - {code: policy, name: 政策实施, part: qualitative, method: manual, weight: 10}
"""


def test_linear_points_both_ways_rank_points_and_scaling_over_the_weights_that_apply():
    spec = parse_set(SET)
    banks = [
        BankFigures("a", "甲", {"growth": D(15), "npl": D(3), "share": D(30), "complaints": D(90), "policy": D(8)}),
        BankFigures("b", "乙", {"growth": D(25), "npl": D("0.5"), "share": D(10), "complaints": None, "policy": D(10)}),
        BankFigures("c", "丙", {"growth": D(-5), "npl": D(6), "share": D(30), "complaints": NA, "policy": None}),
    ]  # fmt: skip
    got = {r.bank: r for r in evaluate(spec, banks, year=2021)}
    a, b, c = got["a"], got["b"], got["c"]
    assert [a.scores[k].points for k in ("growth", "npl", "share", "complaints")] == [
        D(30),
        D(10),
        D(20),
        D(5),
    ]
    assert [b.scores[k].points for k in ("growth", "npl", "share", "complaints")] == [
        D(40),
        D(20),
        D(0),
        D(10),
    ]
    assert (c.scores["growth"].points, c.scores["npl"].points, c.scores["share"].points) == (0, 0, D(20))
    assert c.scores["policy"].status == "absent" and c.scores["policy"].points == 0  # not entered: 0 points
    assert (a.total, a.grade, a.rank) == (D("73.00"), "中等", 2)
    assert (b.total, b.grade, b.rank) == (D("80.00"), "良好", 1)
    # 丙: complaints do not apply, 20 of the 90 that do → 22.22 of 100
    assert (c.applicable, c.total, c.grade, c.rank) == (D(90), D("22.22"), "较差", 3)


def test_the_goal_of_the_year_and_ties_sharing_a_rank():
    spec = parse_set(SET)
    same = {"growth": D(10), "npl": D(1), "share": D(5), "complaints": D(100), "policy": D(10)}
    results = evaluate(
        spec, [BankFigures("x", "甲", dict(same)), BankFigures("y", "乙", dict(same))], year=2020
    )
    assert [r.rank for r in results] == [1, 1]
    assert results[0].scores["growth"].points == D(40)  # 10 % reaches the 2020 goal
    assert results[0].scores["share"].points == D(20)  # tied first
    assert results[0].total == D(100) and results[0].grade == "优秀"


def test_growth():
    assert growth(121, 110) == D(10)
    assert growth(5, 0) is None and growth(None, 3) is None


def test_the_shipped_set_weighs_quantitative_75_and_qualitative_25():
    spec = load_set(shipped_path())
    assert spec.full == 100
    assert sum(i.weight for i in spec.part("quantitative")) == 75
    assert [i.name for i in spec.part("qualitative")] == [
        "政策实施",
        "制度建设",
        "金融创新",
        "金融环境",
        "外部评价",
    ]
    assert [g.label for g in spec.grades] == ["优秀", "良好", "中等", "较差"]


@pytest.mark.parametrize(
    "text,message",
    [
        ("[1, 2]", "指标体系应为键值对"),
        (
            "version: 1\nname: x\ngrades: [{label: 好, min: 0}]\nindicators: [{code: A, name: 甲, weight: 1, method: "
            "rank, source: {indicator: x}}]",
            "code 应为小写字母开头",
        ),
        (
            "version: 1\nname: x\ngrades: [{label: 好, min: 0}]\nindicators: [{code: a, name: 甲, weight: 0, method: "
            "rank, source: {indicator: x}}]",
            "weight（分值）应为大于 0 的数",
        ),
        (
            "version: 1\nname: x\ngrades: [{label: 好, min: 0}]\nindicators: [{code: a, name: 甲, weight: 1, method: "
            "linear, source: {indicator: x}}]",
            "须写 floor",
        ),
        (
            "version: 1\nname: x\ngrades: [{label: 好, min: 0}]\nindicators: [{code: a, name: 甲, weight: 1, method: "
            "rank}]",
            "source 应写明一种来源",
        ),
        (
            "version: 1\nname: x\ngrades: [{label: 好, min: 0}, {label: 差, min: 10}]\nindicators: [{code: a, name: 甲, "
            "weight: 1, method: manual}]",
            "评价等级应按最低分从高到低排列",
        ),
        (
            "version: 1\nname: x\ngrades: [{label: 好, min: 0}]\nindicators: [{code: a, name: 甲, weight: 1, method: "
            "manual}, {code: a, name: 乙, weight: 1, method: manual}]",
            "指标编码重复：a",
        ),
        (
            "version: 1\nname: x\ngrades: [{label: 好, min: 0}]\nindicators: [{code: a, name: 甲, weight: 1, method: "
            "manual, part: quantitative}]",
            "定性项目（part: qualitative）用 method: manual",
        ),
        ("version: [", "不是有效的 YAML"),
    ],
)
def test_a_bad_set_is_refused_in_chinese(text, message):
    with pytest.raises(EvaluationInputError) as e:
        parse_set(text)
    assert any(message in p for p in e.value.problems), e.value.problems
