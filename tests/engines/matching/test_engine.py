"""The matching engine: rules evaluated column-wise mean what the policy engine's row-by-row evaluation
means (property test), bad rules are refused in Chinese, and fitting, ranking and explaining follow the
products' ranges, collateral, towns and rules."""

import csv
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from puhui.engines.matching import (
    DemandTable,
    MatchingInputError,
    Product,
    check_rule,
    evaluate_columns,
    explain,
    match,
)
from puhui.engines.matching.cli import main
from puhui.engines.policy.expr import Scope, evaluate

NAMES = ("amount", "term", "female", "rating_score")
values = st.one_of(st.none(), st.integers(-30, 30))


def leaf():
    return st.one_of(st.sampled_from(NAMES), st.integers(0, 20).map(str))


def expressions():
    def extend(inner):
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            st.tuples(inner, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            inner.map(lambda x: f"(not {x})"),
            inner.map(lambda x: f"(-{x})"),
            st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
            st.tuples(st.sampled_from(["min", "max"]), inner, inner).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
            inner.map(lambda x: f"abs({x})"),
        )

    return st.recursive(leaf(), extend, max_leaves=8)


class RowScope(Scope):
    def __init__(self, row):
        self.row = row

    def lookup(self, name):
        value = self.row.get(name)
        return None if value is None else Decimal(value)


def reference(text, row):
    """The policy engine's own row-by-row value as 1.0 / 0.0 / NaN truth, or the number itself."""
    value = evaluate(text, RowScope(row))
    if value is None:
        return np.nan
    return float(value)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=300)
@given(
    text=expressions(),
    rows=st.lists(st.fixed_dictionaries({n: values for n in NAMES}), min_size=1, max_size=8),
)
def test_column_evaluation_agrees_with_row_by_row(text, rows):
    table = DemandTable.from_rows([{**r, "id": i} for i, r in enumerate(rows)])
    got = evaluate_columns(check_rule(text), table.fields, len(rows))
    want = np.array([reference(text, r) for r in rows])
    assert np.array_equal(got, want, equal_nan=True), text


def test_division_by_zero_is_missing_not_an_error():
    table = DemandTable.from_rows([{"id": 1, "amount": 10, "term": 0}, {"id": 2, "amount": 10, "term": 5}])
    got = evaluate_columns(check_rule("amount / term > 1"), table.fields, 2)
    assert np.isnan(got[0]) and got[1] == 1


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("amount <=", "写法有误"),
        ("amount < 1 < 2", "不能连写比较"),
        ("__import__('os')", "不支持的函数"),
        ("total(amount) > 1", "不支持的函数“total”"),
        ("loan_size > 1", "“loan_size”不是可用字段"),
        ("firm_kind == 'small'", "不支持的写法"),
        ("金额 <= 3 且 资产 > 1", "“资产”不是可用字段（可用字段：金额、期限"),
    ],
)
def test_bad_rules_are_refused_in_chinese(rule, words):
    with pytest.raises(MatchingInputError) as e:
        check_rule(rule)
    assert words in e.value.problems[0]


@pytest.mark.parametrize(
    ("written", "grammar"),
    [
        ("金额 <= 3000000 且 （小型企业 或 微型企业）", "amount <= 3000000 and (firm_small or firm_micro)"),
        ("女性创业且金额≤300000", "female and amount <= 300000"),
        ("非 个体工商户", "not firm_individual"),
        ("信用评分 >= 60 或 人才", "rating_score >= 60 or talent"),
    ],
)
def test_a_rule_written_in_chinese_is_the_grammars_rule(written, grammar):
    fields = DemandTable.from_rows(
        [
            {"id": 1, "amount": 200_000, "female": 1, "firm_small": 1, "rating_score": 70},
            {"id": 2, "amount": 5_000_000, "firm_individual": 1, "talent": 1},
            {"id": 3, "amount": 100_000, "firm_micro": 1},
        ]
    ).fields
    got = evaluate_columns(check_rule(written), fields, 3)
    expected = evaluate_columns(check_rule(grammar), fields, 3)
    assert np.array_equal(got, expected, equal_nan=True)


def product(code, **kw):
    base = dict(
        code=code, name=code, owner="银行", amount_min=Decimal(10_000), amount_max=Decimal(1_000_000),
        term_min=1, term_max=36, rate_min=Decimal("4.00"), rate_max=Decimal("6.00"),
        collateral=frozenset({"credit", "guarantee"}),
    )  # fmt: skip
    return Product(**{**base, **kw})


DEMAND = {"id": 1, "town": "370323102", "collateral": ["credit"], "amount": 200_000, "term": 12, "female": 1}


def test_fit_follows_ranges_collateral_towns_and_rules_and_ranks_cheapest_first():
    shelf = [
        product("A", rate_min=Decimal("5.00")),
        product("B", rate_min=Decimal("3.80"), rule="female and amount <= 300000"),
        product("C", amount_max=Decimal(100_000)),
        product("D", collateral=frozenset({"mortgage"})),
        product("E", towns=frozenset({"370323001"})),
        product("F", rule="rating_score >= 60"),
        product("G", rate_min=Decimal("4.50"), towns=frozenset({"370323102"})),
    ]
    result = match(DemandTable.from_rows([DEMAND]), shelf)
    assert [shelf[i].code for i in result.for_demand(0)] == ["B", "G", "A"]
    assert explain(DEMAND, shelf[2]) == ["申请金额须在 10,000 元 至 100,000 元 之间"]
    assert explain(DEMAND, shelf[3]) == ["本产品接受的担保方式为抵押"]
    assert explain(DEMAND, shelf[4]) == ["企业所在镇（街道）不在本产品服务范围内"]
    assert explain(DEMAND, shelf[5]) == ["准入条件“rating_score >= 60”缺少数据，无法判断"]
    assert explain({**DEMAND, "female": 0}, shelf[1]) == ["不符合准入条件“female and amount <= 300000”"]
    assert explain(DEMAND, shelf[0]) == []


def test_top_limits_the_list():
    shelf = [product(f"P{i}", rate_min=Decimal(4 + i)) for i in range(8)]
    result = match(DemandTable.from_rows([DEMAND, {**DEMAND, "id": 2, "amount": 5}]), shelf, top=3)
    assert [shelf[i].code for i in result.for_demand(0)] == ["P0", "P1", "P2"]
    assert result.for_demand(1) == []


def test_cli_matches_files_and_refuses_a_bad_rule(tmp_path, capsys):
    products = tmp_path / "products.csv"
    demands = tmp_path / "demands.csv"
    header = ["产品编码", "产品名称", "机构", "最低金额", "最高金额", "最短期限", "最长期限", "最低利率", "最高利率", "担保方式", "服务镇", "准入规则"]  # fmt: skip
    rows = [
        ["LDHN", "鲁担惠农贷", "省农担", "10000", "3000000", "1", "36", "3.85", "4.35", "保证", "", "agri"],
        ["JGXY", "巾帼信用贷", "农商行", "10000", "300000", "1", "24", "4.35", "6.00", "信用", "370323102", "female"],
    ]  # fmt: skip
    with open(products, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    demands.write_text(
        "需求编号,所在镇,担保方式,amount,term,agri,female\nD1,370323102,信用、保证,200000,12,1,1\n", "utf-8"
    )
    assert (
        main(["match", "--products", str(products), "--demands", str(demands), "--out", str(tmp_path)]) == 0
    )
    lines = (tmp_path / "matches.csv").read_text("utf-8-sig").splitlines()
    assert lines[1:] == ["D1,1,LDHN,鲁担惠农贷,省农担", "D1,2,JGXY,巾帼信用贷,农商行"]
    rows[1][-1] = "female =="
    with open(products, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    assert (
        main(["match", "--products", str(products), "--demands", str(demands), "--out", str(tmp_path)]) == 2
    )
    assert "products.csv 第 3 行：准入规则有误" in capsys.readouterr().err
