"""A 2020 evaluation of the worked examples (tests/fixtures/policy, docs/policy.md “算例”), stored as the
policy app stores one: the engine's results on the shipped rules, one `Result` per institution and rule.

`evaluation_run` reads the figures from the reported data, which these tests do not have; the rows are
evaluated here by the engine and stored by the same service (`evaluation_store`). The worked examples' ABC and
RB are the test county's ABC and RCB county branches (so their tokens and users see their own results);
the other four are created under the examples' codes and names.
"""

from pathlib import Path

import pytest

from puhui.core.models import Organisation
from puhui.engines.policy import evaluate, load_rules, read_figures
from puhui.policy.models import Evaluation, Result, RuleSetVersion
from puhui.policy.services import evaluation_store

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "puhui" / "policy" / "rules" / "yiyuan-2020.yaml"
FIGURES = ROOT / "tests" / "fixtures" / "policy" / "worked_examples.csv"
YEAR = 2020
# The examples' institutions: the county's own branches for two, new organisations for the others.
COUNTY_ORGS = {"ABC": "abc", "RB": "rcb"}
NEW_ORGS = {
    "VB": Organisation.Kind.VILLAGE_BANK,
    "VB2": Organisation.Kind.VILLAGE_BANK,
    "CB": Organisation.Kind.COMMERCIAL_BANK,
    "RB2": Organisation.Kind.RURAL_BANK,
}


def shipped_rules() -> RuleSetVersion:
    """Version 2020.1 as migration 0002 loads it (created here if a test database lacks it)."""
    text = RULES.read_text(encoding="utf-8")
    parsed = load_rules(text)
    version, _ = RuleSetVersion.objects.get_or_create(
        version=parsed.version,
        defaults={"name": parsed.name, "text": text, "change_note": "随平台发布的规则"},
    )
    return version


@pytest.fixture
def worked_evaluation(county) -> Evaluation:
    version = shipped_rules()
    ruleset = version.parsed
    rows = read_figures(FIGURES.read_text(encoding="utf-8"), ruleset)
    organisations = {code: county[key] for code, key in COUNTY_ORGS.items()}
    for row in rows:
        if row.institution in NEW_ORGS and row.institution not in organisations:
            org = Organisation.objects.create(
                code=row.institution,
                name=row.name,
                kind=NEW_ORGS[row.institution],
                division=county["villages"][0],
            )
            org.path = org.compute_path()
            org.save(update_fields=["path"])
            organisations[row.institution] = org
    # The engine's codes and names are the organisations' own, as `evaluation_run` reads them.
    rows = [
        type(row)(
            organisations[row.institution].code, organisations[row.institution].name, row.year, row.values
        )
        for row in rows
    ]
    results = evaluate(ruleset, rows, YEAR)
    return evaluation_store(actor=None, year=YEAR, rules=version, rows=rows, results=results)


def result_of(evaluation: Evaluation, code: str, rule: str) -> Result:
    """The result of the organisation with `code` for `rule`."""
    return evaluation.results.select_related("institution", "evaluation__rules").get(
        institution__code=code, rule_code=rule
    )
