"""Monetary policy tools at county level (plan section 十九, lead 县人民银行).

- The relending and rediscount ledger: a line (额度) the PBoC county branch grants a bank, its draws (支用),
  repayments (归还) and the loans it financed (支持的贷款), each matched, where possible, to a row of the
  bank's loan-level returns (`puhui.data.models.LoanRecord`).
- The LPR table: the 1-year and 5-year-plus loan prime rates of each month since the LPR reform (2019-08).
- The rate summary (`RateCell`): the loans each bank issued, summed per quarter, issue month, borrower type
  and guarantee — a few thousand rows read by the rate-monitoring page instead of millions of loan rows.

Money is whole fen (分) in integer columns, as in `LoanRecord`: sums are exact on SQLite as on PostgreSQL.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models

from puhui.core.models import Organisation
from puhui.data.models import LoanRecord

FEN = Decimal(100)


def yuan(fen: int | None) -> Decimal:
    return (Decimal(fen or 0) / FEN).quantize(Decimal("0.01"))


class RelendingLine(models.Model):
    """A relending or rediscount line granted to one bank (its county-level organisation)."""

    class Kind(models.TextChoices):
        AGRI = "agri", "支农再贷款"
        SMALL = "small", "支小再贷款"
        POVERTY = "poverty", "扶贫再贷款"
        REDISCOUNT = "rediscount", "再贴现"
        OTHER = "other", "其他"

    bank = models.ForeignKey(
        Organisation, verbose_name="金融机构", on_delete=models.PROTECT, related_name="monetary_lines"
    )
    kind = models.CharField("工具类型", max_length=12, choices=Kind.choices)
    amount_fen = models.BigIntegerField("额度（分）")
    rate = models.DecimalField("利率（%）", max_digits=6, decimal_places=3)
    granted_on = models.DateField("发放（核定）日期")
    due_on = models.DateField("到期日期")
    doc_no = models.CharField("文号", max_length=60, blank=True)
    note = models.TextField("备注", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        ordering = ["-granted_on", "-id"]
        verbose_name = verbose_name_plural = "再贷款再贴现额度"

    def __str__(self) -> str:
        return f"{self.bank.name} {self.get_kind_display()} {yuan(self.amount_fen):,}元"

    @property
    def amount(self) -> Decimal:
        return yuan(self.amount_fen)


class RelendingDraw(models.Model):
    line = models.ForeignKey(
        RelendingLine, verbose_name="额度", on_delete=models.CASCADE, related_name="draws"
    )
    amount_fen = models.BigIntegerField("支用金额（分）")
    drawn_on = models.DateField("支用日期")
    due_on = models.DateField("到期日期")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        ordering = ["drawn_on", "id"]
        verbose_name = verbose_name_plural = "再贷款支用"

    def __str__(self) -> str:
        return f"支用 {yuan(self.amount_fen):,}元（{self.drawn_on}）"

    @property
    def amount(self) -> Decimal:
        return yuan(self.amount_fen)


class RelendingRepayment(models.Model):
    line = models.ForeignKey(
        RelendingLine, verbose_name="额度", on_delete=models.CASCADE, related_name="repayments"
    )
    amount_fen = models.BigIntegerField("归还金额（分）")
    repaid_on = models.DateField("归还日期")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        ordering = ["repaid_on", "id"]
        verbose_name = verbose_name_plural = "再贷款归还"

    def __str__(self) -> str:
        return f"归还 {yuan(self.amount_fen):,}元（{self.repaid_on}）"

    @property
    def amount(self) -> Decimal:
        return yuan(self.amount_fen)


class FinancedLoan(models.Model):
    """A loan the bank made with the line's funds, as the bank declared it (借据号, amount, borrower).

    `loan` is the matching row of the bank's approved loan-level returns when one was found on entry —
    best effort, no database constraint (loan rows are replaced wholesale when a return is re-stored), so
    the page reads only whether it was matched, never follows the link blindly.
    """

    line = models.ForeignKey(
        RelendingLine, verbose_name="额度", on_delete=models.CASCADE, related_name="financed"
    )
    loan_no = models.CharField("借据号", max_length=40)
    amount_fen = models.BigIntegerField("贷款金额（分）")
    borrower_type = models.CharField("借款人类型", max_length=10, choices=LoanRecord.BorrowerType.choices)
    is_agri = models.BooleanField("涉农贷款", default=False)
    loan = models.ForeignKey(
        LoanRecord,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )

    class Meta:
        ordering = ["line", "id"]
        verbose_name = verbose_name_plural = "再贷款支持的贷款"
        constraints = [
            models.UniqueConstraint(fields=["line", "loan_no"], name="monetary_financed_line_loan_no"),
        ]

    def __str__(self) -> str:
        return f"借据 {self.loan_no}"

    @property
    def amount(self) -> Decimal:
        return yuan(self.amount_fen)

    @property
    def is_matched(self) -> bool:
        return self.loan_id is not None


class LprQuote(models.Model):
    """The loan prime rates published for one month (全国银行间同业拆借中心, on the 20th)."""

    month = models.DateField("月份", unique=True)  # the first day of the month
    one_year = models.DecimalField("1年期LPR（%）", max_digits=5, decimal_places=2)
    five_year = models.DecimalField("5年期以上LPR（%）", max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["month"]
        verbose_name = verbose_name_plural = "贷款市场报价利率"

    def __str__(self) -> str:
        return f"{self.month.year}年{self.month.month}月 LPR {self.one_year}%/{self.five_year}%"


class RateCell(models.Model):
    """The loans one bank issued in one quarter and month, of one borrower type and guarantee: a summary of
    the bank's approved loan-level return for that quarter, written by `services.rate_cells_refresh`."""

    institution = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    quarter = models.CharField("季度", max_length=6)  # 2020Q3
    month = models.PositiveSmallIntegerField("发放月份")  # 1–12: the LPR is matched by the issue month
    borrower_type = models.CharField("借款人类型", max_length=10, choices=LoanRecord.BorrowerType.choices)
    guarantee = models.CharField("担保方式", max_length=10, choices=LoanRecord.Guarantee.choices)
    loans = models.PositiveIntegerField("笔数")
    amount_fen = models.BigIntegerField("发放金额（分）")
    # Σ rate × amount in %·fen; a double is exact enough for an average to 0.0001 points.
    rate_amount = models.FloatField("利率×金额")
    submission_id = models.BigIntegerField("来源报送")

    class Meta:
        ordering = ["quarter", "institution", "month", "borrower_type", "guarantee"]
        verbose_name = verbose_name_plural = "利率监测汇总"
        indexes = [models.Index(fields=["institution", "quarter"], name="monetary_ratecell_inst_q")]

    def __str__(self) -> str:
        return f"{self.quarter} {self.get_borrower_type_display()} {self.get_guarantee_display()}"


class RateRefresh(models.Model):
    """One rebuild of the rate summary: which returns it read, so the page can tell when it is out of date."""

    computed_at = models.DateTimeField("汇总时间", auto_now_add=True)
    submission_ids = models.JSONField("汇总的报送", default=list)
    cells = models.PositiveIntegerField("汇总格数", default=0)
    seconds = models.FloatField("用时（秒）", default=0)

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = verbose_name_plural = "利率监测汇总记录"

    def __str__(self) -> str:
        return f"利率监测汇总（{self.cells} 格）"
