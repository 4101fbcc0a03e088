"""The policy documents (`puhui.policy.documents`) on the worked examples, opened as a user opens them:
the Word files with python-docx, the workbooks with openpyxl, and their real text and cells checked."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from puhui.core.periods import date_cn
from puhui.policy import documents, selectors, services
from tests.policy.conftest import result_of

FINANCE, PBOC = "县财政局", "县人民银行"
CB, VB, VB2 = "CB", "VB", "VB2"  # the examples' commercial bank and village banks (created by the fixture)
ABC, RCB = "ABC-YY", "RCB-YY"  # the examples' ABC and RB are the test county's branches


def _docx(content: bytes):
    doc = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in doc.paragraphs)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return text, tables


def _xlsx(content: bytes):
    return load_workbook(io.BytesIO(content))


def _rows(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


@pytest.fixture
def decided(worked_evaluation, users):
    """The finance bureau's decisions and one payment, made through the services as the office."""
    office = users["office"]
    ev = worked_evaluation
    outlet = services.result_decide(
        actor=office,
        result=result_of(ev, CB, "new_outlet_grant"),
        approve=True,
        approval_no="沂财金〔2021〕5号",
    )
    services.result_decide(actor=office, result=result_of(ev, CB, "startup_award"), approve=True)
    services.result_decide(
        actor=office,
        result=result_of(ev, RCB, "startup_award"),
        approve=True,
        amount="300000",
        approval_no="沂财金〔2021〕6号",
    )
    services.result_decide(
        actor=office, result=result_of(ev, VB2, "new_rural_subsidy"), approve=False, note="贷款用途核实中"
    )
    services.result_decide(
        actor=office, result=result_of(ev, ABC, "rrr_sannong"), approve=True, standard_ratio="9"
    )
    services.result_pay(
        actor=office, result=outlet, paid_on=timezone.localdate(), amount="100000", reference="PZ-2021-001"
    )
    return ev


# ------------------------------------------------------------------------------------------- Word


def test_application_shows_each_condition_with_its_figure_requirement_and_result(worked_evaluation):
    result = result_of(worked_evaluation, VB, "new_rural_subsidy")
    text, tables = _docx(documents.application_docx(result))
    assert "政策激励资金申请表" in text
    info = dict(row for row in tables[0])
    assert info["申请单位"] == "示例甲村镇银行"
    assert info["评价年度"] == "2020年"
    assert info["申请项目"] == "农村金融机构定向费用补贴"
    assert "财金〔2019〕96号" in info["政策依据"]
    assert info["审定单位"] == FINANCE and info["评价结果"] == "不符合"
    conditions = tables[1]
    assert conditions[0] == ["序号", "条件", "本单位数值", "要求", "结果"]
    assert conditions[1] == ["1", "当年贷款平均余额同比增长", "30.00%", "高于 0.00%", "符合"]
    # the village bank's loan-to-deposit ratio: 2.6亿 / 6亿 = 43.33%, below the 50% floor
    assert conditions[2] == ["2", "村镇银行年均存贷比不低于50%", "43.33%", "不低于 50.00%", "不符合"]
    assert conditions[3][2:] == ["76.00%", "不低于 70.00%", "符合"]
    assert "评价结果为“不符合”，本项目不予测算补贴金额。" in text
    assert "申请单位（盖章）：示例甲村镇银行" in text
    assert "新成立的农村金融机构开业三年内" in text  # the rule's note, from the evaluation's rule version


def test_application_of_a_decided_and_paid_grant(decided, users):
    text, tables = _docx(documents.application_docx(result_of(decided, CB, "new_outlet_grant")))
    assert dict(row for row in tables[0])["申请单位"] == "示例商业银行"
    assert "本项目不设考核条件，按规则直接测算。" in text
    assert "按规则测算金额 150,000.00 元。" in text
    assert "审定结果：同意；核定金额 150,000.00 元；批复文号 沂财金〔2021〕5号。" in text
    assert f"已于{date_cn(timezone.localdate())}拨付 100,000.00 元。" in text


def test_application_lists_the_intermediate_values_with_their_labels(worked_evaluation):
    text, tables = _docx(documents.application_docx(result_of(worked_evaluation, RCB, "rrr_local_lending")))
    assert "优惠存款准备金率考核申请表" in text
    values = {row[0]: row[1] for row in tables[2][1:]}
    assert values == {
        "年度新增存款": "100,000,000.00 元",
        "年度新增可贷资金": "70,500,000.00 元",  # 1亿 × (1 − 6%) × 75%
        "年度新增当地贷款": "49,350,000.00 元",
    }
    assert tables[1][1][2:] == ["49,350,000.00 元", "高于 0.00 元", "符合"]
    assert tables[1][2][2:] == ["70.00%", "不低于 70.00%", "符合"]
    assert "按规则可执行比同类机构低 1 个百分点的存款准备金率。" in text


def test_approval_sheet_of_the_finance_bureau_with_totals(decided, users):
    fiscal = [r for r in selectors.evaluation_results(users["office"], decided) if r.grantor == FINANCE]
    text, tables = _docx(documents.approval_docx(decided, fiscal, FINANCE))
    lines = text.splitlines()
    assert lines[0] == FINANCE  # the red issuer line
    assert "2020年度普惠金融政策激励资金审定表" in text
    assert "一、创业担保贷款奖补" in text and "三、新设网点开办费补助" in text
    startup, rural, outlet = tables
    assert startup[0] == ["机构", "测算金额（元）", "审定", "核定金额（元）", "批复文号"]
    assert sorted(startup[1:-1]) == [
        ["沂源农村商业银行", "333,333.33", "同意", "300,000.00", "沂财金〔2021〕6号"],
        ["示例商业银行", "166,666.67", "同意", "166,666.67", ""],
    ]
    assert startup[-1] == ["合计", "500,000.00", "同意 2 家", "466,666.67", ""]
    # the failed village bank is not listed; the refused one is, without an amount granted
    assert rural[1:] == [
        ["示例乙村镇银行", "2,400,000.00", "不同意", "—", ""],
        ["合计", "2,400,000.00", "同意 0 家", "0.00", ""],
    ]
    assert outlet[1] == ["示例商业银行", "150,000.00", "同意", "150,000.00", "沂财金〔2021〕5号"]
    assert "参评机构 4 家，符合条件 2 家。" in text  # startup award: VB, CB, RB, ABC issued loans
    assert "以上各项合计测算金额 3,050,000.00 元，核定金额 616,666.67 元。" in text
    assert lines[-2:] == [FINANCE, date_cn(timezone.localdate())]


def test_approval_sheet_of_the_pboc_for_the_reserve_ratio(decided, users):
    monetary = [r for r in selectors.evaluation_results(users["office"], decided) if r.grantor == PBOC]
    text, tables = _docx(documents.approval_docx(decided, monetary, PBOC))
    assert "2020年度优惠存款准备金率考核结果" in text and "资金审定表" not in text
    sannong, local = tables
    assert sannong[0] == [
        "机构",
        "优惠幅度（百分点）",
        "审定",
        "同类机构存款准备金率（%）",
        "适用存款准备金率（%）",
        "批复文号",
    ]
    assert sannong[1] == ["中国农业银行沂源县支行", "2", "同意", "9", "7", ""]
    assert sorted(row[:3] for row in local[1:-1]) == [
        ["沂源农村商业银行", "1", "待审定"],
        ["示例农村合作银行", "1", "待审定"],
    ]
    assert local[-1][:3] == ["合计", "符合 2 家", "同意 0 家"]


# ------------------------------------------------------------------------------------------ Excel


def test_results_workbook_has_a_sheet_per_rule_with_condition_columns(decided, users):
    results = list(selectors.evaluation_results(users["office"], decided))
    wb = _xlsx(documents.results_workbook(decided, results))
    assert wb.sheetnames == [
        "汇总",
        "创业担保贷款奖补",
        "农村金融机构定向费用补贴",
        "新设网点开办费补助",
        "三农金融事业部优惠存款准备金率",
        "县域法人金融机构新增存款用于当地贷款考核",
    ]
    summary = {row[0]: row for row in _rows(wb["汇总"])[1:]}
    assert summary["创业担保贷款奖补"][4:] == [2, 2, 0, 500000, pytest.approx(466666.67)]
    rows = _rows(wb["农村金融机构定向费用补贴"])
    header = rows[0]
    assert header[:2] == ["机构", "结果"]
    assert "村镇银行年均存贷比不低于50% 数值（%）" in header
    assert header[-5:] == ["测算金额（元）", "审定", "核定金额（元）", "拨付日期", "拨付金额（元）"]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    vb = by_name["示例甲村镇银行"]
    assert vb["结果"] == "不符合"
    assert vb["村镇银行年均存贷比不低于50% 数值（%）"] == pytest.approx(43.3333)
    assert vb["村镇银行年均存贷比不低于50% 阈值（%）"] == 50
    assert vb["村镇银行年均存贷比不低于50% 结果"] == "不符合"
    assert by_name["示例乙村镇银行"]["测算金额（元）"] == 2400000
    assert by_name["示例乙村镇银行"]["审定"] == "不同意"
    assert by_name["合计"]["测算金额（元）"] == 2400000
    outlet = _rows(wb["新设网点开办费补助"])
    assert outlet[0] == [
        "机构",
        "结果",
        "测算金额（元）",
        "审定",
        "核定金额（元）",
        "拨付日期",
        "拨付金额（元）",
    ]
    cb = next(r for r in outlet if r[0] == "示例商业银行")
    assert cb[1:5] == ["符合", 150000, "同意", 150000]
    assert cb[5].date() == timezone.localdate() and cb[6] == 100000
    sannong = _rows(wb["三农金融事业部优惠存款准备金率"])
    assert sannong[0][-4:] == [
        "优惠幅度（百分点）",
        "审定",
        "同类机构存款准备金率（%）",
        "适用存款准备金率（%）",
    ]
    abc = next(r for r in sannong if r[0] == "中国农业银行沂源县支行")
    assert abc[-4:] == [2, "同意", 9, 7]


def test_ledger_workbook_with_unpaid_amounts_and_a_total(decided, users):
    rows = list(selectors.ledger(users["office"]))
    ws = _xlsx(documents.ledger_workbook(rows))["拨付台账"]
    data = _rows(ws)
    assert data[0] == documents.LEDGER_HEADER
    by_key = {(r[1], r[2]): r for r in data[1:-1]}
    assert len(by_key) == 3  # approved fiscal grants only: the refused subsidy is not in the ledger
    outlet = by_key[("新设网点开办费补助", "示例商业银行")]
    assert outlet[0] == 2020 and outlet[3] == 150000 and outlet[4] == "沂财金〔2021〕5号"
    assert outlet[5].date() == timezone.localdate() and outlet[6].date() == timezone.localdate()
    assert outlet[7:] == [100000, "PZ-2021-001", 50000]
    rcb = by_key[("创业担保贷款奖补", "沂源农村商业银行")]
    assert rcb[3] == 300000 and rcb[6] is None and rcb[9] == 300000
    total = data[-1]
    assert total[:2] == ["合计", "3 项"]
    assert (
        total[3] == pytest.approx(616666.67) and total[7] == 100000 and total[9] == pytest.approx(516666.67)
    )


def test_reserve_workbook_per_assessment(decided, users):
    by_institution = selectors.reserve_assessment(users["office"])
    rows = [r for results in by_institution.values() for r in results]
    wb = _xlsx(documents.reserve_workbook(rows))
    assert wb.sheetnames == ["三农金融事业部优惠存款准备金率", "县域法人金融机构新增存款用于当地贷款考核"]
    sannong = _rows(wb["三农金融事业部优惠存款准备金率"])
    header = sannong[0]
    assert header[:3] == ["年度", "机构", "考核项目"]
    assert header[3:9] == [
        "年均存贷比不低于全县平均 数值（%）",
        "年均存贷比不低于全县平均 阈值（%）",
        "年均存贷比不低于全县平均 结果",
        "涉农贷款平均余额增速不低于全县平均 数值（%）",
        "涉农贷款平均余额增速不低于全县平均 阈值（%）",
        "涉农贷款平均余额增速不低于全县平均 结果",
    ]
    assert header[9:] == [
        "考核结果",
        "优惠幅度（百分点）",
        "同类机构存款准备金率（%）",
        "适用存款准备金率（%）",
        "审定",
    ]
    abc = dict(zip(header, sannong[1], strict=True))
    assert abc["年度"] == 2020 and abc["机构"] == "中国农业银行沂源县支行"
    assert abc["年均存贷比不低于全县平均 数值（%）"] == 65  # 13亿 / 20亿
    assert abc["涉农贷款平均余额增速不低于全县平均 数值（%）"] == 12
    assert abc["考核结果"] == "达标" and abc["优惠幅度（百分点）"] == 2
    assert (
        abc["同类机构存款准备金率（%）"] == 9 and abc["适用存款准备金率（%）"] == 7 and abc["审定"] == "同意"
    )
    local = _rows(wb["县域法人金融机构新增存款用于当地贷款考核"])
    names = {r[1]: dict(zip(local[0], r, strict=True)) for r in local[1:]}
    assert set(names) == {"沂源农村商业银行", "示例农村合作银行"}
    rb2 = names["示例农村合作银行"]
    # deposits fell: no new loanable funds, so the 70% share does not apply and local lending alone counts
    assert rb2["可贷资金增加时，新增当地贷款占新增可贷资金的比例不低于70% 结果"] == "不适用"
    assert rb2["考核结果"] == "达标" and rb2["适用存款准备金率（%）"] is None and rb2["审定"] == "待审定"


def test_empty_documents_still_open(worked_evaluation):
    wb = _xlsx(documents.reserve_workbook([]))
    assert _rows(wb.active)[0][:3] == ["年度", "机构", "考核项目"]
    ws = _xlsx(documents.ledger_workbook([])).active
    assert _rows(ws)[-1][:2] == ["合计", "0 项"]
    text, _tables = _docx(documents.approval_docx(worked_evaluation, [], FINANCE))
    assert "本年度没有需要审定的结果。" in text


def test_figures_with_units():
    assert documents.figure_text("43.3333", "%") == "43.33%"
    assert documents.figure_text("1234", "元") == "1,234.00 元"
    assert documents.figure_text("3", "个") == "3 个"
    assert documents.figure_text(None, "%") == "—"
    assert documents.requirement_text({"op": ">=", "threshold": "50", "unit": "%"}) == "不低于 50.00%"
    assert documents.yuan(Decimal("166666.665")) == "166,666.67"  # half up, as the engine rounds
