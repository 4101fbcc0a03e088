"""Reading an indicator set (指标体系) from YAML text, every problem reported at once in Chinese.

    version: 1
    name: 沂源县银行业金融机构普惠金融综合评价指标体系（第1版）
    grades: [{label: 优秀, min: 90}, {label: 良好, min: 75}, {label: 中等, min: 60}, {label: 较差, min: 0}]
    indicators:
      - {code: agri_loan_growth, name: 涉农贷款增速, unit: "%", weight: 12, method: linear, floor: 0, goal: 20,
         source: {indicator: agri_loan_balance, transform: growth}}
      - {code: policy, name: 政策实施, part: qualitative, method: manual, weight: 5}

The format is described in docs/bankeval.md. Sources are checked for shape only; the app that reads them
knows which catalogue codes and services exist.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..rulefiles import RuleInputError, yaml_mapping
from .engine import (
    HIGHER,
    IF_ABSENT,
    LINEAR,
    LOWER,
    MANUAL,
    METHODS,
    QUALITATIVE,
    QUANTITATIVE,
    ZERO,
    Grade,
    IndicatorSet,
    IndicatorSpec,
)

SETS_DIR = Path(__file__).resolve().parent / "sets"
CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
SOURCE_KINDS = ("indicator", "coverage", "register", "service")
TRANSFORMS = ("", "growth")
INDICATOR_KEYS = {
    "code", "name", "unit", "weight", "method", "part", "direction", "floor", "goal", "goal_by_year",
    "if_absent", "source", "basis",
}  # fmt: skip


class EvaluationInputError(RuleInputError):
    """The indicator set or the values cannot be evaluated; `problems` lists every reason (in Chinese)."""


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def _source_problems(where: str, source, method: str) -> list[str]:
    if method == MANUAL:
        return [] if not source else [f"{where}：定性项目由办公室评分，不应写 source"]
    if not isinstance(source, dict) or len(set(source) & set(SOURCE_KINDS)) != 1:
        return [f"{where}：source 应写明一种来源（{'、'.join(SOURCE_KINDS)} 之一）"]
    problems = []
    if source.get("transform", "") not in TRANSFORMS:
        problems.append(f"{where}：source.transform 只能是 growth 或不写")
    coverage = source.get("coverage")
    if "coverage" in source and not (
        isinstance(coverage, dict) and set(coverage) == {"numerator", "denominator"}
    ):
        problems.append(f"{where}：source.coverage 应写 numerator（机构层级指标）和 denominator（镇级指标）")
    return problems


def _indicator(raw, line: int, problems: list[str]) -> IndicatorSpec | None:
    where = f"指标第 {line} 项"
    if not isinstance(raw, dict):
        problems.append(f"{where}：应为键值对")
        return None
    code = str(raw.get("code", "")).strip()
    where = f"指标第 {line} 项（{code or '无编码'}）"
    found = len(problems)
    unknown = sorted(set(raw) - INDICATOR_KEYS)
    if unknown:
        problems.append(f"{where}：不认识的键 {'、'.join(map(str, unknown))}")
    if not CODE.match(code):
        problems.append(f"{where}：code 应为小写字母开头的字母、数字和下划线（至多 40 个）")
    if not str(raw.get("name", "")).strip():
        problems.append(f"{where}：name（中文名称）不能为空")
    method = raw.get("method")
    part = raw.get("part", QUALITATIVE if method == MANUAL else QUANTITATIVE)
    weight = _decimal(raw.get("weight"))
    if weight is None or weight <= 0:
        problems.append(f"{where}：weight（分值）应为大于 0 的数")
    if method not in METHODS:
        problems.append(f"{where}：method 应为 linear（区间线性）、rank（机构间排名）或 manual（定性评分）")
    if part not in (QUANTITATIVE, QUALITATIVE) or (part == QUALITATIVE) != (method == MANUAL):
        problems.append(f"{where}：定性项目（part: qualitative）用 method: manual，定量指标用 linear 或 rank")
    direction = raw.get("direction", HIGHER)
    if direction not in (HIGHER, LOWER):
        problems.append(f"{where}：direction 应为 higher（越高越好）或 lower（越低越好）")
    if_absent = raw.get("if_absent", ZERO)
    if if_absent not in IF_ABSENT:
        problems.append(f"{where}：if_absent 应为 zero（无数据不得分）、full（无此项不扣分）或 na（不适用）")
    floor, goal = _decimal(raw.get("floor")), _decimal(raw.get("goal"))
    by_year = raw.get("goal_by_year") or {}
    goals = {}
    if not isinstance(by_year, dict):
        problems.append(f"{where}：goal_by_year 应为“年份: 目标值”")
    else:
        for y, g in by_year.items():
            if not (isinstance(y, int) and 1990 < y < 2100) or _decimal(g) is None:
                problems.append(f"{where}：goal_by_year 中“{y}: {g}”应为年份和数值")
            else:
                goals[y] = _decimal(g)
    if method == LINEAR and (floor is None or goal is None):
        problems.append(f"{where}：区间线性计分须写 floor（起点，0 分）和 goal（目标，满分）")
    elif method == LINEAR and any(g == floor for g in [goal, *goals.values()]):
        problems.append(f"{where}：goal 不能等于 floor")
    problems += _source_problems(where, raw.get("source"), method)
    if len(problems) > found:
        return None
    return IndicatorSpec(
        code=code, name=str(raw["name"]).strip(), unit=str(raw.get("unit", "分" if method == MANUAL else "")),
        weight=weight, method=method, part=part, direction=direction, floor=floor, goal=goal,
        goal_by_year=goals, if_absent=if_absent, source=dict(raw.get("source") or {}),
        basis=str(raw.get("basis", "")).strip(),
    )  # fmt: skip


def _grades(raw, problems: list[str]) -> tuple[Grade, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append("grades（评价等级）应为列表：[{label: 优秀, min: 90}, …]")
        return ()
    grades = []
    for n, g in enumerate(raw, start=1):
        low = _decimal(g.get("min")) if isinstance(g, dict) else None
        label = str(g.get("label", "")).strip() if isinstance(g, dict) else ""
        if not label or low is None or low < 0:
            problems.append(f"评价等级第 {n} 项：应写 label（等级名称）和不小于 0 的 min（最低分）")
            continue
        grades.append(Grade(label, low))
    mins = [g.min_score for g in grades]
    if grades and (mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins) or mins[-1] != 0):
        problems.append("评价等级应按最低分从高到低排列，各不相同，最后一档的 min 为 0")
    return tuple(grades)


def parse_set(text: str) -> IndicatorSet:
    raw = yaml_mapping(text, EvaluationInputError, "指标体系应为键值对（version、name、grades、indicators）")
    problems: list[str] = []
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append("version（版本号）应为正整数")
    if not str(raw.get("name", "")).strip():
        problems.append("name（指标体系名称）不能为空")
    grades = _grades(raw.get("grades"), problems)
    items = raw.get("indicators")
    if not isinstance(items, list) or not items:
        problems.append("indicators（指标）应为非空列表")
        items = []
    specs = [s for n, r in enumerate(items, start=1) if (s := _indicator(r, n, problems)) is not None]
    codes = [s.code for s in specs]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        problems.append(f"指标编码重复：{'、'.join(twice)}")
    if grades and specs and grades[0].min_score > sum(s.weight for s in specs):
        problems.append("最高等级的最低分超过了全部指标的总分值")
    if problems:
        raise EvaluationInputError(problems)
    return IndicatorSet(
        version=version, name=str(raw["name"]).strip(), indicators=tuple(specs), grades=grades,
        basis=str(raw.get("basis", "")).strip(),
    )  # fmt: skip


def load_set(path: str | Path) -> IndicatorSet:
    path = Path(path)
    if not path.exists():
        raise EvaluationInputError([f"找不到指标体系文件 {path}"])
    return parse_set(path.read_text(encoding="utf-8-sig"))


def shipped_path(version: int = 1) -> Path:
    return SETS_DIR / f"bankeval-v{version}.yaml"
