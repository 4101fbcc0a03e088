"""The loans a line financed, from a file: matched to the bank's returns, every bad row refused, all or nothing."""

import datetime

import pytest

from puhui.imports.engine import SYSTEM_ACTOR
from puhui.imports.services import table_import
from puhui.monetary.models import FinancedLoan
from tests.imports.conftest import make_csv

pytestmark = pytest.mark.django_db
HEADER = ["额度编号", "借据号", "贷款金额（元）", "借款人类型", "涉农贷款"]


def run(actor, rows, mode="create"):
    return table_import(
        actor=actor,
        kind="monetary_financed_loans",
        file=make_csv([HEADER, *rows]),
        mode=mode,
        filename="支持的贷款.csv",
    )


def errors_of(result):
    return [(e.row, e.column, e.reason) for e in result.errors.sorted()]


def test_import_matches_and_upserts(users, lines, loans, county):
    loans(
        county["rcb"], "2020Q2", [("JJ-1", "farm", "credit", 50_000, "5.2", datetime.date(2020, 4, 8), True)]
    )
    line = lines["rcb"].pk
    result = run(
        users["office"], [[line, "JJ-1", "50,000.00", "农户", "是"], [line, "JJ-X", "20000", "个体", "否"]]
    )
    assert result.ok, errors_of(result)
    assert dict(FinancedLoan.objects.values_list("loan_no", "loan_id"))["JJ-1"] is not None
    assert FinancedLoan.objects.get(loan_no="JJ-X").borrower_type == "individual"
    result = run(users["office"], [[line, "JJ-X", "30000", "小微企业", "否"]])
    assert errors_of(result) == [
        (2, "借据号", "该借据号已登记在这笔额度下；如需修改，请选择“新增或更新”方式导入")
    ]
    result = run(users["office"], [[line, "JJ-X", "30000", "小微企业", "否"]], mode="upsert")
    assert result.ok and (result.created, result.updated) == (0, 1)
    assert FinancedLoan.objects.get(loan_no="JJ-X").amount_fen == 3_000_000


def test_a_bad_row_stores_nothing(users, lines):
    line = lines["abc"].pk
    result = run(
        users["office"],
        [
            [line, "A1", "100", "农户", "是"],
            [999999, "A2", "100", "农户", "是"],
            [line, "A3", "-5", "农户", "否"],
        ],
    )
    found = errors_of(result)
    assert (3, "额度编号", "额度编号 999999 不存在，或不是您可以登记的额度") in found
    assert any(r == 4 and c == "贷款金额（元）" for r, c, _ in found)
    assert not FinancedLoan.objects.exists()
    # the command line (`puhui import`) acts as the system: every line
    result = run(SYSTEM_ACTOR, [[line, "A1", "100", "农户", "是"]])
    assert result.ok and FinancedLoan.objects.get().line_id == line
    FinancedLoan.objects.all().delete()
    # a bank may not load loans, not even onto its own line
    result = run(users["abc"], [[line, "A1", "100", "农户", "是"]])
    assert not result.ok and not FinancedLoan.objects.exists()
