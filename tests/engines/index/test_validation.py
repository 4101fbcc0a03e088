"""Malformed inputs give clear errors (English class, Chinese message), every problem at once."""

import numpy as np
import pandas as pd
import pytest

from puhui.engines.index import (
    CycleError,
    DataError,
    EmptyUnitError,
    Framework,
    IndexInputError,
    InputProblems,
    MissingColumnError,
    MissingParentError,
    Pipeline,
    SpecError,
    UnknownColumnError,
    WeightSumError,
    prepare_data,
)


def meta(rows=None):
    base = [
        ("A1", 1, "P", 1, 1.0, "Indicator"),
        ("A2", 1, "P", -1, 1.0, "Indicator"),
        ("B1", 1, "Q", 1, 2.0, "Indicator"),
        ("P", 2, "I", 1, 1.0, "Aggregate"),
        ("Q", 2, "I", 1, 1.0, "Aggregate"),
        ("I", 3, None, 1, 1.0, "Aggregate"),
    ]
    rows = rows if rows is not None else base
    return pd.DataFrame(rows, columns=["iCode", "Level", "Parent", "Direction", "Weight", "Type"])


def data(**extra):
    d = pd.DataFrame({"uCode": ["a", "b", "c"], "A1": [1.0, 2, 3], "A2": [3.0, 1, 2], "B1": [5.0, 6, 7]})
    for k, v in extra.items():
        d[k] = v
    return d


def test_a_valid_framework():
    fw = Framework.from_meta(meta())
    assert fw.indicators == ["A1", "A2", "B1"] and fw.top == ["I"] and fw.maxlev == 3
    assert list(fw.lineage().iloc[0]) == ["A1", "P", "I"]


def test_data_column_missing_from_metadata():
    fw = Framework.from_meta(meta())
    with pytest.raises(UnknownColumnError) as e:
        prepare_data(data(Zeta=[1, 2, 3]), fw)
    assert "数据列“Zeta”在指标元数据（iMeta）中不存在" in str(e.value)
    assert e.value.column == "Zeta"


def test_indicator_missing_from_data():
    fw = Framework.from_meta(meta())
    with pytest.raises(MissingColumnError, match="B1"):
        prepare_data(data().drop(columns=["B1"]), fw)


def test_parent_that_does_not_exist():
    rows = meta().to_numpy().tolist()
    rows[2][2] = "Nowhere"
    with pytest.raises(MissingParentError) as e:
        Framework.from_meta(meta(rows))
    assert "“B1”的上级“Nowhere”不存在" in str(e.value)


def test_cycle_in_the_tree():
    rows = [
        ("A1", 1, "P", 1, 1.0, "Indicator"),
        ("P", 2, "Q", 1, 1.0, "Aggregate"),
        ("Q", 3, "P", 1, 1.0, "Aggregate"),
    ]
    with pytest.raises(CycleError) as e:
        Framework.from_meta(meta(rows))
    assert "循环" in str(e.value) and "P → Q → P" in str(e.value)


def test_weights_that_do_not_sum():
    rows = meta().to_numpy().tolist()
    rows[0][4] = 0.0
    rows[1][4] = 0.0
    with pytest.raises(WeightSumError) as e:
        Framework.from_meta(meta(rows))
    assert "“P”的下级" in str(e.value) and "须大于 0" in str(e.value)
    rows[0][4] = -1.0
    with pytest.raises(IndexInputError) as e:
        Framework.from_meta(meta(rows))
    assert any(isinstance(p, WeightSumError) for p in e.value.problems)


def test_declared_shares_must_sum_to_one():
    pipe = Pipeline(
        {
            "steps": [
                {"normalise": {}},
                {"weights": {"method": "given", "normalised": True, "values": {"A1": 0.5, "A2": 0.3}}},
                {"aggregate": {}},
            ]
        }
    )
    with pytest.raises(WeightSumError, match="须等于 1"):
        pipe.run(data(), meta())


def test_unit_with_no_data():
    fw = Framework.from_meta(meta())
    d = data()
    d.loc[1, ["A1", "A2", "B1"]] = np.nan
    with pytest.raises(EmptyUnitError) as e:
        prepare_data(d, fw)
    assert "单位“b”" in str(e.value) and e.value.row == 3


def test_every_problem_is_reported_at_once():
    fw = Framework.from_meta(meta())
    d = data(Zeta=[1, 2, 3], Eta=[1, 2, 3])
    d["A1"] = ["1", "x", "3"]
    with pytest.raises(InputProblems) as e:
        prepare_data(d, fw)
    kinds = {type(p) for p in e.value.problems}
    assert kinds == {UnknownColumnError, DataError}
    assert "第 3 行“A1”列的值“x”不是数字" in str(e.value)
    assert str(e.value).startswith("输入数据有 3 处问题")


def test_duplicate_units_and_bad_metadata():
    fw = Framework.from_meta(meta())
    d = pd.concat([data(), data().iloc[[0]]], ignore_index=True)
    with pytest.raises(DataError, match="重复"):
        prepare_data(d, fw)
    rows = meta().to_numpy().tolist()
    rows[0][3] = 0
    rows[1][5] = "Indicatorr"
    with pytest.raises(InputProblems) as e:
        Framework.from_meta(meta(rows))
    text = str(e.value)
    assert "方向 Direction 应为 1 或 -1" in text and "类型“Indicatorr”无效" in text


def test_spec_errors_are_clear():
    with pytest.raises(SpecError, match="不认识"):
        Pipeline({"steps": [{"normalize": {}}]})
    with pytest.raises(SpecError, match="未知的标准化方法"):
        Pipeline({"steps": [{"normalise": {"method": "minimax"}}]}).run(data(), meta())
    with pytest.raises(SpecError, match="id"):
        Pipeline({"steps": [{"treat": {}}, {"treat": {}}]})
    with pytest.raises(SpecError, match="不认识参数"):
        Pipeline({"steps": [{"treat": {"winmx": 3}}]}).run(data(), meta())
