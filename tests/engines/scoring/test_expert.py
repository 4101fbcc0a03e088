"""The expert scorecard engine and the shipped default configuration."""

import copy

import numpy as np
import pandas as pd
import pytest

from puhui.engines.scoring import ConfigError, DataError, Scorecard, default_config_path

from .conftest import frame, good_household


def test_default_config_is_valid_and_versioned(default_card):
    assert default_card.kind == "expert"
    assert default_card.version == "rural-household-default@2024.1"
    assert len(default_card.fingerprint) == 16
    assert (default_card.min_score, default_card.max_score) == (0.0, 100.0)
    groups = {it.group for it in default_card.characteristics}
    assert groups == {"basics", "finance", "credit", "public"}
    # the four groups add up to 100 points at most (20 + 45 + 30 + 5)
    by_group = {}
    for it in default_card.characteristics:
        by_group[it.group] = by_group.get(it.group, 0) + it.max_points
    assert by_group == {"basics": 20, "finance": 45, "credit": 30, "public": 5}
    assert default_card.grade_names == ["AAA", "AA", "A", "B", "C"]


def test_a_household_with_every_point_is_aaa_without_reasons(default_card):
    r = default_card.score(frame(good_household()))
    assert r.score[0] == 100
    assert r.grade[0] == "AAA"
    assert r.reasons(0) == []
    assert not r.excluded[0]
    assert r.version == "rural-household-default@2024.1"


def test_reasons_are_the_biggest_losses_in_plain_chinese(default_card):
    row = good_household(
        annual_net_income=15000, overdue_count_3y=3, housing="rented", has_agri_insurance="否"
    )
    r = default_card.score(frame(row))
    reasons = r.reasons(0)
    # housing and the insurance bonus both lose 3 points: the item listed first wins the tie
    assert [x["code"] for x in reasons] == ["overdue_count_3y", "annual_net_income", "housing"]
    assert reasons[0]["text"] == "近三年有3次及以上贷款逾期"
    assert reasons[0]["lost"] == 14
    assert reasons[1]["text"] == "家庭年纯收入低于2万元"
    df = r.to_frame()
    assert df.loc[0, "reason_1_text"] == "近三年有3次及以上贷款逾期"
    assert df.loc[0, "reason_1_lost"] == 14
    b = {x["key"]: x for x in r.breakdown(0)}
    assert b["housing"]["points"] == 0 and b["housing"]["max_points"] == 3
    assert b["agri_insurance"]["lost"] == 3
    assert b["agri_insurance"]["text"].startswith("未参加政策性农业保险")


def test_exclusions_win_whatever_the_score(default_card):
    rows = [
        good_household(litigation_pending=True),
        good_household(enforcement_pending="是"),
        good_household(current_npl=1, debt_evasion_record="true"),
        good_household(current_npl=None),  # missing never triggers an exclusion
    ]
    r = default_card.score(frame(*rows))
    assert list(r.grade) == ["不评级", "不评级", "不评级", "AAA"]
    assert list(r.excluded) == [True, True, True, False]
    assert r.score[0] == 100  # the score is still computed and stored
    assert list(r.exclusion_codes()) == ["EXC_LITIGATION", "EXC_ENFORCEMENT", "EXC_NPL;EXC_EVASION", ""]
    assert "暂不评级" in r.exclusion_texts()[2]


def test_missing_values_and_unseen_categories_are_scored_not_dropped(default_card):
    rows = [
        good_household(head_education="博士后"),  # not in the table: `unknown` points (the lowest bin)
        good_household(head_education=None, annual_net_income=np.nan),
        good_household(housing="   "),  # blank text is missing
        good_household(head_age=-5),  # outside the numeric ranges? head_age has an open lower bound
    ]
    r = default_card.score(frame(*rows))
    assert len(r) == 4 and not np.isnan(r.score).any()
    b0 = {x["key"]: x for x in r.breakdown(0)}
    assert b0["head_education"]["points"] == 1 and b0["head_education"]["value"] == "评分表外的取值"
    b1 = {x["key"]: x for x in r.breakdown(1)}
    assert b1["head_education"]["points"] == 0 and b1["head_education"]["text"] == "户主文化程度未填写"
    assert b1["annual_net_income"]["text"] == "家庭年纯收入未填写"
    b2 = {x["key"]: x for x in r.breakdown(2)}
    assert b2["housing"]["text"] == "住房情况未填写"


def test_values_are_read_the_same_whatever_their_form(default_card):
    a = good_household(current_overdue="否", utility_arrears=False, new_agri_entity=True)
    b = good_household(current_overdue=0, utility_arrears="no", new_agri_entity="是")
    c = good_household(current_overdue="false", utility_arrears="0", new_agri_entity=1.0)
    r = default_card.score(frame(a, b, c))
    assert list(r.score) == [100, 100, 100]


def test_derived_characteristics(default_card):
    rows = [
        good_household(total_assets=100000, total_liabilities=90000),  # net assets 10000, ratio 0.9
        good_household(total_assets=0, total_liabilities=0),  # 0/0 ratio counts as 0 debt
        good_household(total_assets=0, total_liabilities=5000),  # debt without assets: worst bin
        good_household(land_contracted_mu=None, land_transferred_in_mu=12),  # sum skips a missing term
        good_household(guarantee_outstanding=300000, annual_net_income=250000),
    ]
    r = default_card.score(frame(*rows))
    pts = [{x["key"]: x["points"] for x in r.breakdown(i)} for i in range(len(rows))]
    assert pts[0]["net_assets"] == 3 and pts[0]["debt_ratio"] == 0
    assert pts[1]["debt_ratio"] == 8 and pts[1]["net_assets"] == 3
    assert pts[2]["debt_ratio"] == 0 and pts[2]["net_assets"] == 0
    assert pts[3]["land_area_mu"] == 4
    assert pts[4]["guarantee_ratio"] == 0


def test_bonus_and_penalty_items(default_card):
    # the good household has 100 base points and 8 bonus points; the total is capped at 100
    r = default_card.score(
        frame(
            good_household(annual_net_income=60000),  # base 95 + 8 → 100
            good_household(annual_net_income=60000, lender_count=4),  # 95 + 8 − 5 = 98
            good_household(annual_net_income=15000),  # 87 + 8 = 95
            good_household(annual_net_income=15000, pay_months_active=None, pay_inflow_cv=None),  # 87 + 5
            good_household(
                annual_net_income=15000, pay_months_active=12, pay_inflow_cv=1.5
            ),  # unstable: 87 + 5
        )
    )
    assert list(r.score) == [100, 98, 95, 92, 92]
    b = {x["key"]: x for x in r.breakdown(1)}
    assert b["multi_lender"]["points"] == -5
    assert "多头借贷" in b["multi_lender"]["text"]


def test_missing_columns_are_all_reported(default_card):
    df = frame(good_household()).drop(columns=["head_age", "housing", "current_npl"])
    with pytest.raises(DataError) as err:
        default_card.score(df)
    assert err.value.problems == [
        "数据缺少评分卡“农户信用评价默认评分卡”需要的列“head_age”",
        "数据缺少评分卡“农户信用评价默认评分卡”需要的列“housing”",
        "数据缺少评分卡“农户信用评价默认评分卡”需要的列“current_npl”",
    ]


def test_non_numbers_in_numeric_columns_are_missing_and_reported(default_card):
    df = frame(
        good_household(), good_household(annual_net_income="不详"), good_household(annual_net_income="12,000")
    )
    r = default_card.score(df)
    b = [{x["key"]: x["points"] for x in r.breakdown(i)} for i in range(3)]
    assert b[1]["annual_net_income"] == 0 and b[2]["annual_net_income"] == 2
    assert r.warnings == ["列“annual_net_income”有 1 个值不是数字（如第 3 行），按缺失计分"]


def test_scoring_a_mapping_of_arrays(default_card):
    row = good_household()
    data = {k: np.array([v, v]) for k, v in row.items()}
    r = default_card.score(data)
    assert list(r.score) == [100, 100]


def test_pandas_categorical_columns(default_card):
    df = frame(good_household(), good_household(housing="rented"))
    df["housing"] = df["housing"].astype("category")
    r = default_card.score(df)
    assert [{x["key"]: x["points"] for x in r.breakdown(i)}["housing"] for i in (0, 1)] == [3, 0]


def _spec():
    return {
        "format": "puhui-scorecard",
        "kind": "expert",
        "id": "t",
        "version": "1",
        "characteristics": [
            {
                "key": "a",
                "type": "numeric",
                "bins": [{"range": [None, 10], "points": 0}, {"range": [10, None], "points": 5}],
            },
        ],
        "grades": [{"grade": "A", "min": 3}, {"grade": "B"}],
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["characteristics"][0]["bins"][1].update(range=[12, None]), "应等于上一档上限"),
        (lambda s: s["characteristics"][0]["bins"][0].update(range=[10, 5]), "下限必须小于上限"),
        (lambda s: s["characteristics"][0]["bins"][0].update(points="x"), "points 必须是数字"),
        (lambda s: s["characteristics"][0].update(type="text"), "type 必须是"),
        (lambda s: s["grades"].insert(1, {"grade": "AA", "min": 5}), "必须低于上一等级"),
        (lambda s: s["grades"][-1].update(min=0), "不设 min"),
        (lambda s: s.update(version=""), "缺少 version"),
        (lambda s: s["characteristics"].append(copy.deepcopy(s["characteristics"][0])), "key 重复"),
        (
            lambda s: s["characteristics"].append(
                {
                    "key": "c",
                    "type": "categorical",
                    "bins": [{"categories": ["x"], "points": 1}, {"categories": ["x"], "points": 2}],
                }
            ),
            "已在第 1 档出现",
        ),
        (
            lambda s: s.update(exclusions=[{"code": "E", "when": {"field": "z", "gt": "big"}}]),
            "gt 的取值必须是数字",
        ),
        (lambda s: s.update(exclusions=[{"code": "E", "when": {"field": "z"}}]), "恰好有一个运算符"),
        (
            lambda s: s.update(adjustments=[{"key": "b", "points": 0, "when": {"field": "z", "eq": 1}}]),
            "非零数字",
        ),
        (lambda s: s.update(score_range=[10, 0]), "score_range"),
    ],
)
def test_config_validation(change, message):
    spec = _spec()
    Scorecard.from_dict(spec)  # the base spec is valid
    change(spec)
    with pytest.raises(ConfigError) as err:
        Scorecard.from_dict(spec)
    assert message in str(err.value)


def test_all_config_problems_are_reported_at_once():
    spec = _spec()
    spec["characteristics"][0]["bins"][1]["range"] = [12, None]
    spec["grades"][-1]["min"] = 1
    spec["kind"] = "magic"
    with pytest.raises(ConfigError) as err:
        Scorecard.from_dict(spec)
    assert len(err.value.problems) == 3


def test_open_bounds_and_out_of_range_values():
    spec = _spec()
    spec["characteristics"][0]["bins"] = [{"range": [0, 10], "points": 1}, {"range": [10, 20], "points": 5}]
    spec["characteristics"][0]["unknown"] = {"points": -1, "text": "超出范围"}
    card = Scorecard.from_dict(spec)
    r = card.score(pd.DataFrame({"a": [-1, 0, 9.99, 10, 19.99, 20, np.inf, None]}))
    assert list(r.score) == [-1, 1, 1, 5, 5, -1, -1, 1]


def test_yaml_and_json_round_trip(default_card, tmp_path):
    path = tmp_path / "card.json"
    default_card.save(path)
    again = Scorecard.from_file(path)
    assert again.fingerprint == default_card.fingerprint
    assert Scorecard.from_file(default_config_path()).fingerprint == default_card.fingerprint


def test_unreadable_config_files(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [", encoding="utf-8")
    with pytest.raises(ConfigError, match="不是有效的 YAML"):
        Scorecard.from_file(bad)
    with pytest.raises(ConfigError, match="无法读取"):
        Scorecard.from_file(tmp_path / "none.json")


def test_group_subtotals(default_card):
    r = default_card.score(
        frame(good_household(), good_household(annual_net_income=15000, has_agri_insurance="否"))
    )
    g = r.group_points()
    assert list(g.columns) == ["basics", "finance", "credit", "public", "adjust"]
    assert g.iloc[0].to_dict() == {"basics": 20, "finance": 45, "credit": 30, "public": 5, "adjust": 8}
    assert g.loc[1, "finance"] == 45 - 13 and g.loc[1, "adjust"] == 5
