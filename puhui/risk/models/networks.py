"""The county-wide guarantee graph of one reporting period, as `puhui.engines.risk` found it.

Built from the approved 担保关系明细表 of every bank (`data.GuaranteeRecord`) and the loans they guarantee; a
rebuild replaces the period's run. Firms are keyed by the hash of their ID number or USCC; `label` is what the
office reads (the firm's name from the register, or the masked number)."""

from django.conf import settings
from django.db import models

from puhui.core.models import Organisation
from puhui.data.models import LoanRecord, ReportingPeriod


class NetworkRun(models.Model):
    period = models.OneToOneField(
        ReportingPeriod, verbose_name="报送期", on_delete=models.PROTECT, related_name="risk_network"
    )
    built_at = models.DateTimeField("生成时间")
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    firms = models.PositiveIntegerField("企业数（户）", default=0)
    edges = models.PositiveIntegerField("担保关系数（条）", default=0)
    groups = models.PositiveIntegerField("担保群数（个）", default=0)
    circles = models.PositiveIntegerField("担保圈数（个）", default=0)
    submissions = models.JSONField("所用报送", default=list)  # submission ids the run read
    seconds = models.FloatField("用时（秒）", default=0)

    class Meta:
        ordering = ["-period__start"]
        verbose_name = verbose_name_plural = "担保网络"

    def __str__(self):
        return f"担保网络 {self.period.label}"


class NetworkGroup(models.Model):
    """A 担保群 (weakly connected component) of two firms or more."""

    run = models.ForeignKey(NetworkRun, on_delete=models.CASCADE, related_name="group_rows")
    number = models.PositiveIntegerField("担保群编号")  # 1 = the largest
    size = models.PositiveIntegerField("企业数（户）")
    edges = models.PositiveIntegerField("担保关系数（条）")
    exposure_fen = models.BigIntegerField("担保总额（分）")
    balance_fen = models.BigIntegerField("群内企业贷款余额（分）", default=0)
    npl_fen = models.BigIntegerField("群内不良贷款余额（分）", default=0)
    defaulted = models.PositiveIntegerField("违约企业数（户）")
    circles = models.PositiveIntegerField("担保圈数（个）")
    mutual = models.PositiveIntegerField("互保对数（对）")
    chain = models.PositiveIntegerField("最长担保链（层）")
    hub_label = models.CharField("核心企业", max_length=120)
    current_loss_fen = models.BigIntegerField("现有违约传染损失（分）", default=0)
    max_loss_fen = models.BigIntegerField("单户违约最大传染损失（分）", default=0)
    banks = models.PositiveIntegerField("涉及银行数（家）", default=0)

    class Meta:
        ordering = ["run", "number"]
        verbose_name = verbose_name_plural = "担保群"
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="risk_group_run_number")]

    def __str__(self):
        return f"担保群 {self.number}"


class NetworkGroupBank(models.Model):
    """One bank's part of a group: its loans to the group's firms (a bank sees its own row; others summed)."""

    group = models.ForeignKey(NetworkGroup, on_delete=models.CASCADE, related_name="bank_rows")
    institution = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    borrowers = models.PositiveIntegerField("借款企业数（户）")
    balance_fen = models.BigIntegerField("贷款余额（分）")
    npl_fen = models.BigIntegerField("不良贷款余额（分）")
    guaranteed_fen = models.BigIntegerField("所报担保金额（分）")

    class Meta:
        ordering = ["group", "-balance_fen"]
        constraints = [models.UniqueConstraint(fields=["group", "institution"], name="risk_groupbank_unique")]

    def __str__(self):
        return f"{self.group} · {self.institution}"


class NetworkNode(models.Model):
    """One firm (or person) of a group."""

    run = models.ForeignKey(NetworkRun, on_delete=models.CASCADE, related_name="nodes")
    group = models.ForeignKey(NetworkGroup, on_delete=models.CASCADE, related_name="nodes")
    node_hash = models.CharField(max_length=64)
    id_kind = models.CharField("证件类型", max_length=4, choices=LoanRecord.IdKind.choices)
    label = models.CharField("企业", max_length=120)
    circle = models.PositiveIntegerField("担保圈编号", null=True, blank=True)
    in_degree = models.PositiveIntegerField("入度（户）")
    out_degree = models.PositiveIntegerField("出度（户）")
    exposure_fen = models.BigIntegerField("对外担保额（分）")
    guaranteed_fen = models.BigIntegerField("获担保额（分）")
    balance_fen = models.BigIntegerField("贷款余额（分）", default=0)
    defaulted = models.BooleanField("是否违约", default=False)
    contagion_fen = models.BigIntegerField("传染损失（分）")
    vulnerability = models.FloatField("易损度（户次）")
    distress = models.FloatField("现有违约下受压程度", default=0)

    class Meta:
        ordering = ["run", "group", "-contagion_fen"]
        verbose_name = verbose_name_plural = "担保网络企业"
        indexes = [
            models.Index(fields=["run", "node_hash"], name="risk_node_run_hash"),
            models.Index(fields=["run", "-vulnerability"], name="risk_node_run_vuln"),
        ]

    def __str__(self):
        return self.label
