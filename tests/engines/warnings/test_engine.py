"""The warning engine on worked examples: each kind of rule, its severity bands and its evidence."""

from pathlib import Path

import pytest

from puhui.engines.warnings import Exposure, FirmCredit, Inputs, Portfolio, evaluate, load_rules

REPO = Path(__file__).resolve().parents[3]
RULES = load_rules((REPO / "puhui" / "risk" / "rules" / "yiyuan-2020.yaml").read_text("utf-8"))
WAN = 1_000_000  # fen in 万元
Q0, Q1 = "2020Q4", "2021Q1"


def _codes(result):
    return {(f.rule.code, f.subject) for f in result.findings}


def test_the_county_file_loads_with_every_kind():
    assert RULES.version == "2020-1"
    assert {r.kind for r in RULES.rules} == {
        "ratio_rise",
        "credit_withdrawal",
        "concentration_borrower",
        "concentration_network",
        "lending_drop",
    }


def test_npl_ratio_rise_of_a_bank_by_band():
    data = Inputs(
        Q1,
        Q0,
        portfolios=[
            Portfolio("bank", "1", "甲银行", Q0, balance=10_000 * WAN, npl=100 * WAN),  # 1 %
            Portfolio("bank", "1", "甲银行", Q1, balance=10_000 * WAN, npl=180 * WAN),  # 1.8 %: +0.8
            Portfolio("bank", "2", "乙银行", Q0, balance=10_000 * WAN, npl=100 * WAN),
            Portfolio("bank", "2", "乙银行", Q1, balance=10_000 * WAN, npl=400 * WAN),  # +3
        ],
    )
    found = {f.subject: f for f in evaluate(RULES, data).findings if f.rule.code == "npl_rise_bank"}
    assert found["1"].severity == "attention" and found["1"].value == pytest.approx(0.8)
    assert found["2"].severity == "serious" and found["2"].banks == ("2",)
    assert found["2"].evidence["columns"][0] == "报送期"
    assert [row[0] for row in found["2"].evidence["rows"]] == [Q0, Q1]


def test_a_small_base_is_not_judged():
    data = Inputs(
        Q1,
        Q0,
        portfolios=[
            Portfolio("town", "9", "小镇", Q0, balance=100 * WAN, npl=0),  # 100 万 < 500 万
            Portfolio("town", "9", "小镇", Q1, balance=100 * WAN, npl=50 * WAN),
        ],
    )
    assert evaluate(RULES, data).findings == []


def test_credit_withdrawal_names_the_banks_that_cut_and_skips_a_firm_in_arrears():
    rows = [
        FirmCredit("f1", "甲公司", "1", "甲银行", Q0, 300 * WAN),
        FirmCredit("f1", "甲公司", "2", "乙银行", Q0, 200 * WAN),
        FirmCredit("f1", "甲公司", "2", "乙银行", Q1, 100 * WAN),  # 甲银行: all gone; 乙: halved → 80 %
        FirmCredit("f2", "乙公司", "1", "甲银行", Q0, 300 * WAN),
        FirmCredit("f2", "乙公司", "1", "甲银行", Q1, 50 * WAN, unpaid=50 * WAN),  # overdue: not 抽贷
        FirmCredit("f3", "丙公司", "1", "甲银行", Q0, 300 * WAN),  # everything gone: 断贷
    ]
    found = {f.subject: f for f in evaluate(RULES, Inputs(Q1, Q0, firm_credit=rows)).findings}
    assert set(found) == {"f1", "f3"}
    assert found["f1"].banks == ("1", "2") and found["f1"].severity == "serious"
    assert found["f1"].measured["形态"] == "抽贷、压贷"
    assert found["f3"].measured["形态"] == "断贷" and found["f3"].value == pytest.approx(100)
    assert found["f1"].evidence["rows"][0] == ["甲银行", "3,000,000.00", "0.00", "-3,000,000.00"]


def test_concentration_by_borrower_and_by_network():
    total = 10_000 * WAN
    exposures = [
        Exposure("borrower", "1", "甲银行", "h1", "甲公司", 1_200 * WAN, total),  # 12 %
        Exposure("borrower", "1", "甲银行", "h2", "乙公司", 900 * WAN, total),  # 9 %
        Exposure("network", "1", "甲银行", "3", "第 3 号担保群", 2_600 * WAN, total),  # 26 %
    ]
    result = evaluate(RULES, Inputs(Q1, None, exposures=exposures, networks=True))
    found = {f.rule.code: f for f in result.findings}
    assert found["concentration_borrower"].severity == "elevated"
    assert [r[0] for r in found["concentration_borrower"].evidence["rows"]] == ["甲公司", "乙公司"]
    assert found["concentration_network"].severity == "serious"
    assert "没有上一季度的数据" in result.skipped.values()


def test_network_concentration_is_skipped_without_a_run():
    result = evaluate(RULES, Inputs(Q1, Q0))
    assert result.skipped["concentration_network"] == "本季没有生成担保网络"


def test_a_sudden_drop_in_agricultural_lending():
    data = Inputs(
        Q1,
        Q0,
        portfolios=[
            Portfolio("bank", "1", "甲银行", Q0, balance=50_000 * WAN, agri=20_000 * WAN, small=5_000 * WAN),
            Portfolio("bank", "1", "甲银行", Q1, balance=48_000 * WAN, agri=15_000 * WAN, small=5_000 * WAN),
        ],
    )
    found = evaluate(RULES, data).findings
    assert [(f.rule.code, f.severity, round(f.value, 2)) for f in found] == [("agri_drop", "elevated", 25.0)]


def test_evidence_is_bounded():
    rows = [
        Exposure("borrower", "1", "甲银行", f"h{i}", f"企业{i}", 900 * WAN, 10_000 * WAN) for i in range(80)
    ]
    f = evaluate(RULES, Inputs(Q1, None, exposures=rows)).findings[0]
    assert len(f.evidence["rows"]) == 50 and f.evidence["total"] == 80
