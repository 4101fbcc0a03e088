"""Political, moral, welfare-status and protected items can never be scoring items."""

import copy

import pytest

from puhui.engines.scoring import ForbiddenCharacteristicError, Scorecard
from puhui.engines.scoring.policy import forbidden_category

FORBIDDEN = [
    "party_member",
    "isPartyMember",
    "PARTY-MEMBERSHIP",
    "political_status",
    "village_cadre",
    "is_cadre",
    "family_planning_compliance",
    "birth_control",
    "wubao",
    "dibao_household",
    "five_guarantee",
    "minimum_living_allowance",
    "welfare_recipient",
    "moral_score",
    "filial_piety",
    "gender",
    "personal_status_and_sex",
    "ethnicity",
    "religion",
    "党员",
    "是否党员",
    "政治面貌",
    "村干部",
    "计划生育情况",
    "五保户",
    "低保户",
    "建档立卡贫困户",
    "道德品行评价",
    "孝敬父母",
    "邻里关系",
    "性别",
    "民族",
]
ALLOWED = [
    "third_party_guarantee",
    "guarantee_outstanding",
    "annual_net_income",
    "head_age",
    "housing",
    "lender_count",
    "对外担保余额",
    "家庭年纯收入",
    "户主年龄",
    "present_employment_since",
    "foreign_worker",
]


@pytest.mark.parametrize("name", FORBIDDEN)
def test_forbidden_names_are_recognised(name):
    assert forbidden_category(name)


@pytest.mark.parametrize("name", ALLOWED)
def test_ordinary_credit_items_are_allowed(name):
    assert forbidden_category(name) is None


def _with(default_spec, **char):
    spec = copy.deepcopy(default_spec)
    spec["characteristics"].append(
        {
            "key": "x",
            "type": "boolean",
            "group": "basics",
            "bins": [{"value": True, "points": 5}, {"value": False, "points": 0}],
            **char,
        }
    )
    return spec


@pytest.mark.parametrize(
    "char",
    [
        {"key": "party_member"},
        {"label": "是否党员"},
        {"field": "is_village_cadre"},
        {"label": "计划生育"},
        {"field": "dibao"},
    ],
)
def test_config_with_forbidden_characteristic_is_refused(default_spec, char):
    with pytest.raises(ForbiddenCharacteristicError) as err:
        Scorecard.from_dict(_with(default_spec, **char))
    assert "不得作为评分项" in str(err.value)


def test_forbidden_bonus_items_and_exclusions_are_refused(default_spec):
    spec = copy.deepcopy(default_spec)
    spec["adjustments"].append(
        {"key": "cadre_bonus", "label": "村干部加分", "points": 5, "when": {"field": "is_cadre", "eq": True}}
    )
    spec["exclusions"].append(
        {"code": "X", "label": "低保户", "when": {"field": "wubao", "eq": True}, "text": "x"}
    )
    spec["characteristics"][0]["derive"] = {"ratio": ["annual_net_income", "moral_score"]}
    del spec["characteristics"][0]["bins"]
    with pytest.raises(ForbiddenCharacteristicError) as err:
        Scorecard.from_dict(spec)
    text = str(err.value)
    assert (
        "村干部" in text
        and "is_cadre" in text
        and "wubao" in text
        and "低保户" in text
        and "moral_score" in text
    )
    # every other problem is reported too, not only the first
    assert "bins" in text
