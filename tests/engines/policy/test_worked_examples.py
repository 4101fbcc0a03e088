"""docs/policy.md's worked examples, computed by hand from each rule's text, reproduced by `puhui policy evaluate`
on the files (no database, no Django): the figures in tests/fixtures/policy/worked_examples.csv, the hand results in
worked_examples_expected.csv."""

import csv
import json
from pathlib import Path

import pytest

from puhui.cli import main as puhui_main

REPO = Path(__file__).resolve().parents[3]
RULES = REPO / "puhui" / "policy" / "rules" / "yiyuan-2020.yaml"
FIXTURES = REPO / "tests" / "fixtures" / "policy"


def _expected() -> dict[tuple[str, str], dict]:
    lines = [
        ln
        for ln in (FIXTURES / "worked_examples_expected.csv").read_text("utf-8").splitlines()
        if ln[:1] != "#"
    ]
    return {(r["机构编码"], r["规则编码"]): r for r in csv.DictReader(lines)}


@pytest.fixture
def results(tmp_path, capsys) -> dict[tuple[str, str], dict]:
    out = tmp_path / "结果.csv"
    code = puhui_main(
        ["puhui", "policy", "evaluate", "--rules", str(RULES), "--data", str(FIXTURES / "worked_examples.csv"),
         "--year", "2020", "--out", str(out)]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    with out.open(encoding="utf-8-sig") as f:
        return {(r["机构编码"], r["规则编码"]): r for r in csv.DictReader(f)}


def test_every_hand_computed_result_is_reproduced(results):
    for key, want in _expected().items():
        got = results[key]
        assert got["结果"] == want["结果"], key
        assert got["补贴金额（元）"] == want["补贴金额（元）"], key
        assert got["优惠幅度（百分点）"] == want["优惠幅度（百分点）"], key
        values = [got[f"条件{i}数值"] for i in range(1, 4) if got.get(f"条件{i}")]
        assert ";".join(values) == want["条件数值"], key


def test_every_other_pair_is_not_applicable(results):
    expected = _expected()
    others = {k: r["结果"] for k, r in results.items() if k not in expected}
    assert len(results) == 6 * 5
    assert set(others.values()) == {"不适用"}


def test_the_named_cases(results):
    # A village bank meeting (1) and (3) but not (2): no subsidy.
    vb = results[("VB", "new_rural_subsidy")]
    assert [vb[f"条件{i}结果"] for i in (1, 2, 3)] == ["符合", "不符合", "符合"]
    # A bank with a town and a village outlet opened in 2020: 10万 + 5万.
    assert results[("CB", "new_outlet_grant")]["补贴金额（元）"] == "150000.00"
    # A county legal-person institution exactly at the 70 % local-lending share: 达标 (含70%).
    rb = results[("RB", "rrr_local_lending")]
    assert (rb["条件2数值"], rb["条件2比较"], rb["条件2阈值"], rb["条件2结果"]) == ("70", ">=", "70", "符合")
    # Loanable funds fell while local loans rose: the share does not apply, and the institution passes.
    assert results[("RB2", "rrr_local_lending")]["条件2结果"] == "不适用"


def test_the_pool_is_shared_out_whole(results):
    granted = [
        float(r["补贴金额（元）"])
        for (_, rule), r in results.items()
        if rule == "startup_award" and r["补贴金额（元）"]
    ]
    assert sum(granted) == pytest.approx(500_000, abs=0.01)


def test_json_output_carries_the_intermediate_values(tmp_path):
    out = tmp_path / "结果.json"
    args = ["--rules", str(RULES), "--data", str(FIXTURES / "worked_examples.csv"), "--year", "2020"]
    assert puhui_main(["puhui", "policy", "evaluate", *args, "--out", str(out)]) == 0
    rb = next(
        r
        for r in json.loads(out.read_text("utf-8"))
        if (r["institution"], r["rule"]) == ("RB", "rrr_local_lending")
    )
    assert rb["values"] == {
        "new_deposits": "100000000",
        "new_loanable": "70500000",
        "new_local_loans": "49350000",
    }
    assert rb["ratio"] == "1" and rb["status"] == "passed"
