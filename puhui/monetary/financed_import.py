"""Loans financed by relending lines, loaded from a CSV/Excel file (the import page, `puhui import`, a job).

One row per loan: the line's number (额度编号, shown on the line's page), 借据号, amount, borrower type and
whether it is agricultural. Every row is checked (the line exists and the actor may edit it; the loan is
not already under that line unless the mode updates), and a file with any error stores nothing. Each
stored loan is matched, like one entered on the page, to the bank's approved loan-level returns.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from puhui.api.access import acting_user
from puhui.core.audit import audit_changed_bulk
from puhui.data.models import LoanRecord
from puhui.imports.engine import SYSTEM_ACTOR, TableImport, chunks, run_import
from puhui.imports.tabular import Boolean, Choice, Column, Integer, Money, TableSpec, Text
from puhui.monetary import access, services
from puhui.monetary.models import FinancedLoan, RelendingLine

SPEC = TableSpec(
    name="monetary_financed_loans",
    title="再贷款支持的贷款",
    columns=(
        Column(
            "line",
            "额度编号",
            Integer(min_value=1),
            required=True,
            aliases=("额度ID", "额度号"),
            help="再贷款再贴现额度详情页上的额度编号",
            example="1",
        ),
        Column(
            "code",
            "借据号",
            Text(40),
            required=True,
            aliases=("借据编号", "贷款借据号"),
            example="JJ2020040001",
        ),
        Column(
            "amount",
            "贷款金额（元）",
            Money(min_value=Decimal("0.01")),
            required=True,
            aliases=("贷款金额", "金额"),
            example="200,000.00",
        ),
        Column(
            "borrower_type",
            "借款人类型",
            Choice(LoanRecord.BorrowerType.choices, aliases={"小微": "small", "个体": "individual"}),
            required=True,
            example="农户",
        ),
        Column("is_agri", "涉农贷款", Boolean(), default=False, aliases=("是否涉农",), example="是"),
    ),
    unique=(("code",),),
    notes=(
        "每行一笔由再贷款或再贴现资金支持的贷款，借据号与本行报送的贷款明细表一致时自动匹配。",
        "额度编号见“再贷款再贴现台账”中该额度的详情页。一个文件中同一借据号只能出现一次。",
    ),
)


class FinancedLoanImport(TableImport):
    spec = SPEC
    model = FinancedLoan
    exists_reason = "该借据号已登记在这笔额度下；如需修改，请选择“新增或更新”方式导入"

    def current_values(self, f: FinancedLoan) -> dict[str, Any]:
        return {
            "line": f.line_id,
            "code": f.loan_no,
            "amount": f.amount,
            "borrower_type": f.borrower_type,
            "is_agri": f.is_agri,
        }

    def check(self) -> None:
        wanted = {row.values.get("line") for row in self.file_rows.values()} - {None}
        if self.actor == SYSTEM_ACTOR:  # `puhui import` on the server: every line
            lines = RelendingLine.objects.select_related("bank")
        else:
            user = acting_user(self.actor)  # an API token's stand-in user, or the staff member
            lines = access.lines_for(user) if access.can_manage(user) else RelendingLine.objects.none()
        self.lines = {line.pk: line for line in lines.filter(pk__in=wanted)}
        for chunk in chunks(sorted(self.codes)):
            for f in FinancedLoan.objects.filter(loan_no__in=chunk, line_id__in=list(self.lines)):
                if self.file_rows[f.loan_no].values.get("line") == f.line_id:
                    self.existing[f.loan_no] = f
        self._merge()
        for row, values in [*self.rejected, *((r, v) for r, _ex, v in self.plan)]:
            line = values.get("line")
            if line is not None and line not in self.lines and (row.number, "line") not in self.flagged:
                self.error(row, "line", f"额度编号 {line} 不存在，或不是您可以登记的额度")

    def write(self) -> None:
        new: list[FinancedLoan] = []
        changes: list[tuple[FinancedLoan, dict | None]] = []
        by_bank: dict[int, list[str]] = {}
        for _row, _ex, v in self.plan:
            by_bank.setdefault(self.lines[v["line"]].bank_id, []).append(v["code"])
        matches: dict[tuple[int, str], int] = {}
        for bank_id, codes in by_bank.items():
            bank = next(line.bank for line in self.lines.values() if line.bank_id == bank_id)
            matches.update({(bank_id, no): pk for no, pk in services.match_loans(bank, codes).items()})
        for _row, ex, v in self.plan:
            line = self.lines[v["line"]]
            fields = {
                "amount_fen": int(v["amount"] * 100),
                "borrower_type": v["borrower_type"],
                "is_agri": bool(v["is_agri"]),
                "loan_id": matches.get((line.bank_id, v["code"])),
            }
            if ex is None:
                new.append(FinancedLoan(line=line, loan_no=v["code"], **fields))
                continue
            self.stage(ex, fields, changes)
        audit_changed_bulk(
            actor=self.actor, changes=self.save_staged(FinancedLoan, new, changes), note=self._note()
        )


def financed_loan_import(**kwargs):
    return run_import(FinancedLoanImport, **kwargs)
