"""首贷培植和续贷: what the platform computes from the banks' approved loan-level returns, and what the banks
record while cultivating first loans.

A `Run` is one computation over every approved 贷款明细表 up to its quarter (`period`): the firms of the
register that never borrowed (`ListedFirm`), the platform's 首贷 counts beside the banks' own flag
(`FirstLoanCount`) with the loans where the two disagree (`Disagreement`), and the renewals without repayment
detected at loan level (`Renewal`, summed in `RenewalFigure`). Runs are snapshots: a later run never
changes an earlier one. `Contact` and `Outcome` are the banks' own records on firms of their list.
Amounts in whole fen, as in the data app's loans.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models

from puhui.core.models import Division, Organisation
from puhui.data.models import ReportingPeriod
from puhui.registry.models import Firm


class Run(models.Model):
    period = models.ForeignKey(
        ReportingPeriod, verbose_name="截至报送期", on_delete=models.PROTECT, related_name="+"
    )
    computed_at = models.DateTimeField("计算时间", auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    window_start = models.DateField("贷款明细起始日期")
    returns = models.PositiveIntegerField("使用的贷款明细表（份）", default=0)
    firms_checked = models.PositiveIntegerField("名录企业（户）", default=0)
    listed = models.PositiveIntegerField("从未获得贷款的企业（户）", default=0)
    borrowers = models.PositiveIntegerField("借款人（户）", default=0)
    first_loans = models.PositiveIntegerField("平台认定首贷（笔）", default=0)
    disagreements = models.PositiveIntegerField("首贷标记不一致（笔）", default=0)
    renewals = models.PositiveIntegerField("识别的无还本续贷（笔）", default=0)
    seconds = models.FloatField("用时（秒）", default=0)

    class Meta:
        ordering = ["-id"]
        verbose_name = verbose_name_plural = "首贷续贷计算"

    def __str__(self) -> str:
        return f"截至{self.period.label}的首贷培植名单（{self.computed_at:%Y-%m-%d %H:%M}）"


class ListedFirm(models.Model):
    """A firm of the register, not deregistered, with no loan in any approved return up to the run's quarter."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="firms")
    firm = models.ForeignKey(Firm, verbose_name="企业", on_delete=models.CASCADE, related_name="+")
    town = models.ForeignKey(Division, verbose_name="镇（街道）", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "首贷培植名单"
        constraints = [models.UniqueConstraint(fields=["run", "firm"], name="firstloans_listed_once")]
        indexes = [models.Index(fields=["run", "town", "firm"], name="firstloans_listed_town")]

    def __str__(self) -> str:
        return f"{self.firm_id}"


class FirstLoanCount(models.Model):
    """Loans issued in a quarter by one bank in one town, for one borrower type: how many the platform counts
    as 首贷, how many the bank flagged, and how many both."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="first_counts")
    bank = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    borrower_type = models.CharField(max_length=10)
    platform = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)
    both = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["run", "period"], name="firstloans_count_period")]

    def __str__(self) -> str:
        return f"{self.bank_id} {self.town_id} {self.period_id}"


class Disagreement(models.Model):
    class Kind(models.TextChoices):
        FLAGGED_NOT_FIRST = "flagged", "标记为首贷，但借款人此前已有贷款"
        FIRST_NOT_FLAGGED = "unflagged", "平台认定为首贷，银行未标记"

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="disagreement_rows")
    bank = models.ForeignKey(Organisation, verbose_name="银行", on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(Division, verbose_name="镇（街道）", on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(
        ReportingPeriod, verbose_name="发放季度", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("不一致类型", max_length=10, choices=Kind.choices)
    loan_no = models.CharField("借据号", max_length=40)
    borrower_hash = models.CharField(max_length=64)
    borrower_type = models.CharField("借款人类型", max_length=10)
    firm = models.ForeignKey(
        Firm, verbose_name="企业", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_on = models.DateField("发放日期")
    amount_fen = models.BigIntegerField("贷款金额（分）")
    earlier_on = models.DateField("更早贷款的发放日期", null=True, blank=True)
    earlier_same_bank = models.BooleanField("更早贷款在本行", default=False)

    class Meta:
        ordering = ["-issued_on", "id"]
        verbose_name = verbose_name_plural = "首贷标记不一致"
        indexes = [models.Index(fields=["run", "bank", "period"], name="firstloans_disagree_bank")]

    def __str__(self) -> str:
        return self.loan_no

    @property
    def amount(self) -> Decimal:
        return Decimal(self.amount_fen).scaleb(-2)


class Renewal(models.Model):
    """A new loan of a borrower at a bank that replaced its maturing loan there without repayment (rule:
    `rules.detect_renewals`)."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="renewal_rows")
    bank = models.ForeignKey(Organisation, verbose_name="银行", on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(Division, verbose_name="镇（街道）", on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(
        ReportingPeriod, verbose_name="续贷季度", on_delete=models.PROTECT, related_name="+"
    )
    borrower_type = models.CharField("借款人类型", max_length=10)
    firm = models.ForeignKey(
        Firm, verbose_name="企业", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    old_loan_no = models.CharField("原借据号", max_length=40)
    old_due_on = models.DateField("原贷款到期日")
    new_loan_no = models.CharField("新借据号", max_length=40)
    new_issued_on = models.DateField("新贷款发放日")
    carried_fen = models.BigIntegerField("结转余额（分）")
    new_amount_fen = models.BigIntegerField("新贷款金额（分）")

    class Meta:
        ordering = ["-new_issued_on", "id"]
        verbose_name = verbose_name_plural = "无还本续贷（平台识别）"
        indexes = [models.Index(fields=["run", "bank", "period"], name="firstloans_renewal_bank")]

    def __str__(self) -> str:
        return f"{self.old_loan_no} → {self.new_loan_no}"

    @property
    def carried(self) -> Decimal:
        return Decimal(self.carried_fen).scaleb(-2)

    @property
    def new_amount(self) -> Decimal:
        return Decimal(self.new_amount_fen).scaleb(-2)


class RenewalFigure(models.Model):
    """Per bank, town and quarter: renewals made in the quarter, the balance they carried, and the balance of
    renewed loans still outstanding at the quarter's end (the stock the banks report as 无还本续贷余额)."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="renewal_figures")
    bank = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField(default=0)
    carried_fen = models.BigIntegerField(default=0)
    balance_fen = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["run", "period"], name="firstloans_renfig_period")]

    def __str__(self) -> str:
        return f"{self.bank_id} {self.town_id} {self.period_id}"


class Contact(models.Model):
    class Way(models.TextChoices):
        VISIT = "visit", "上门走访"
        PHONE = "phone", "电话联系"
        MEETING = "meeting", "银企对接会"
        ONLINE = "online", "线上联系"

    bank = models.ForeignKey(Organisation, verbose_name="银行", on_delete=models.PROTECT, related_name="+")
    firm = models.ForeignKey(Firm, verbose_name="企业", on_delete=models.CASCADE, related_name="+")
    contacted_on = models.DateField("联系日期")
    way = models.CharField("联系方式", max_length=10, choices=Way.choices)
    result = models.CharField("联系结果", max_length=300)
    next_step = models.CharField("下一步", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        ordering = ["-contacted_on", "-id"]
        verbose_name = verbose_name_plural = "首贷培植对接记录"
        indexes = [models.Index(fields=["bank", "firm"], name="firstloans_contact_bank")]

    def __str__(self) -> str:
        return f"{self.firm.name} {self.contacted_on:%Y-%m-%d} {self.get_way_display()}"


class Outcome(models.Model):
    """Where a bank's cultivation of a firm stands: one per bank and firm, changed as it moves on."""

    class Status(models.TextChoices):
        NOT_INTERESTED = "not_interested", "暂无融资需求"
        NOT_ELIGIBLE = "not_eligible", "不符合贷款条件"
        APPLIED = "applied", "已申请贷款"
        GRANTED = "granted", "已获得贷款"

    bank = models.ForeignKey(Organisation, verbose_name="银行", on_delete=models.PROTECT, related_name="+")
    firm = models.ForeignKey(Firm, verbose_name="企业", on_delete=models.CASCADE, related_name="+")
    status = models.CharField("培植结果", max_length=16, choices=Status.choices)
    decided_on = models.DateField("日期")
    amount_fen = models.BigIntegerField("贷款金额（分）", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = verbose_name_plural = "首贷培植结果"
        constraints = [models.UniqueConstraint(fields=["bank", "firm"], name="firstloans_outcome_once")]

    def __str__(self) -> str:
        return f"{self.firm.name}：{self.get_status_display()}"

    @property
    def amount(self) -> Decimal | None:
        return None if self.amount_fen is None else Decimal(self.amount_fen).scaleb(-2)
