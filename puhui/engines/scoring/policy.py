"""Items that must never be scoring characteristics.

Published Chinese credit-household rating schemes often award points for party membership, cadre
status, family-planning compliance, "moral conduct" or withhold them for 五保/低保 households. This
platform refuses such items (issue 5): they are not repayment signals and they discriminate. Legally
protected traits (sex — 《妇女权益保障法》 guarantees women equal access to loans —, ethnicity,
religion, disability) are refused for the same reason; they may still be used as fairness *groups*
in a validation report, never as characteristics.

Matching is on names (keys, labels, data columns): English names are split into words
(`party_member`, `PartyMember`, `is-cadre` …) and compared as whole word sequences so that e.g.
`third_party_guarantee` stays allowed; Chinese names are matched by substring.
"""

from __future__ import annotations

import re

# (category shown to staff, English word sequences, Chinese substrings)
FORBIDDEN: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "政治面貌或干部身份",
        (
            "party member",
            "party membership",
            "party members",
            "communist",
            "cpc",
            "political",
            "politics",
            "cadre",
            "cadres",
            "village cadre",
        ),
        ("党员", "党籍", "入党", "政治", "干部", "两委"),
    ),
    (
        "道德品行评价",
        (
            "moral",
            "morals",
            "morality",
            "virtue",
            "virtuous",
            "filial",
            "filial piety",
            "ethics",
            "civilised household",
            "civilized household",
        ),
        ("道德", "品德", "品行", "孝", "邻里", "家风", "文明户", "五好家庭", "遵纪守法"),
    ),
    (
        "计划生育情况",
        ("family planning", "birth control", "one child", "birth policy"),
        ("计划生育", "计生", "超生", "独生子女"),
    ),
    (
        "福利或救助身份（五保、低保等）",
        (
            "dibao",
            "wubao",
            "tekun",
            "five guarantee",
            "five guarantees",
            "minimum living",
            "subsistence allowance",
            "welfare",
            "social assistance",
            "poverty registered",
            "poor household",
            "registered poor",
        ),
        ("五保", "低保", "特困", "贫困户", "建档立卡", "救助"),
    ),
    (
        "受法律保护的个人特征（性别、民族、宗教、残疾）",
        ("sex", "gender", "ethnic", "ethnicity", "religion", "religious", "disability", "disabled"),
        ("性别", "民族", "宗教", "信仰", "残疾"),
    ),
)

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEP = re.compile(r"[^0-9a-z]+")


def _words(name: str) -> str:
    spaced = _CAMEL.sub(" ", name)
    return " " + " ".join(w for w in _SEP.split(spaced.lower()) if w) + " "


def forbidden_category(name: object) -> str | None:
    """The category (Chinese) that makes `name` unusable as a scoring item, or None."""
    if name is None:
        return None
    text = str(name)
    words = _words(text)
    for category, phrases, zh in FORBIDDEN:
        if any(f" {p} " in words for p in phrases) or any(z in text for z in zh):
            return category
    return None


def check_names(names: dict[str, list[str]]) -> list[str]:
    """Problems for every forbidden name; `names` maps a place ("评分项 x") to the names used there."""
    problems = []
    for place, values in names.items():
        for value in values:
            category = forbidden_category(value)
            if category:
                problems.append(f"{place}：“{value}”属于{category}，不得作为评分项（见评分卡规则）")
    return problems
