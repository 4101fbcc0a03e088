"""Firm credit information (plan 六（十三）, issue #15 items 1–2): the departments' data on firms per source and
period, the firms' authorisations of banks, every bank look-up, and the firm scorecard's ratings."""

from django.conf import settings
from django.db import models

from puhui.core.models import Organisation
from puhui.registry.models import Firm


class SourceSetting(models.Model):
    """The office's decision for one catalogue source: whether a file with unmatched USCCs is accepted in part
    (the matched rows stored, the rest listed). No row: the catalogue's `partial_default`."""

    source = models.CharField("信息来源", max_length=40, unique=True)
    accepts_partial = models.BooleanField("部分匹配可接受", default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField("修改时间")

    class Meta:
        verbose_name = verbose_name_plural = "信息来源设置"

    def __str__(self) -> str:
        return self.source


class DepartmentUpload(models.Model):
    """One source's file for one period: re-uploading the same source and period replaces it."""

    source = models.CharField("信息来源", max_length=40)
    period = models.DateField("期间")  # the first day of the period's (last) month
    organisation = models.ForeignKey(
        Organisation, verbose_name="报送部门", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间")
    filename = models.CharField("文件名", max_length=200, blank=True)
    rows = models.PositiveIntegerField("文件行数", default=0)
    matched = models.PositiveIntegerField("匹配企业数", default=0)
    # [{"row": 5, "uscc": "…", "name": "…"}]: rows whose USCC is in no firm of the register (partial matching).
    unmatched = models.JSONField("未匹配的行", default=list)

    class Meta:
        verbose_name = verbose_name_plural = "部门企业信息上传"
        constraints = [
            models.UniqueConstraint(fields=["source", "period"], name="firms_upload_source_period")
        ]
        indexes = [models.Index(fields=["-uploaded_at"], name="firms_upload_at")]

    def __str__(self) -> str:
        return f"{self.source} {self.period:%Y-%m}"


class DepartmentRecord(models.Model):
    """One firm's row of one upload; `values` keyed by the catalogue's column keys."""

    upload = models.ForeignKey(DepartmentUpload, on_delete=models.CASCADE, related_name="records")
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=40)
    period = models.DateField()
    values = models.JSONField(default=dict)

    class Meta:
        verbose_name = verbose_name_plural = "部门企业信息"
        indexes = [
            models.Index(fields=["firm", "source", "-period"], name="firms_record_latest"),
            models.Index(fields=["source", "period"], name="firms_record_source"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.period:%Y-%m} {self.firm_id}"


class Authorisation(models.Model):
    """授权: a firm lets one county-level bank read its profile and department data until `expires_on`."""

    firm = models.ForeignKey(Firm, verbose_name="企业", on_delete=models.CASCADE, related_name="+")
    bank = models.ForeignKey(
        Organisation, verbose_name="被授权银行", on_delete=models.PROTECT, related_name="+"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="授权人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField("授权时间")
    expires_on = models.DateField("有效期至")
    revoked_at = models.DateTimeField("撤回时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "企业授权"
        indexes = [
            models.Index(fields=["bank", "expires_on"], name="firms_auth_bank"),
            models.Index(fields=["firm", "bank"], name="firms_auth_firm"),
        ]

    def __str__(self) -> str:
        return f"{self.firm_id} → {self.bank_id}"

    def in_force(self, day) -> bool:
        return self.revoked_at is None and self.expires_on >= day


class LookUp(models.Model):
    """查询记录: every time a bank read a firm's profile or department data (the firm sees them)."""

    class What(models.TextChoices):
        PROFILE = "profile", "信用画像"
        DEPARTMENT = "department", "部门共享信息"

    firm = models.ForeignKey(Firm, verbose_name="企业", on_delete=models.CASCADE, related_name="+")
    bank = models.ForeignKey(
        Organisation, verbose_name="查询银行", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="查询人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user_label = models.CharField("查询人", max_length=150)
    at = models.DateTimeField("查询时间")
    what = models.CharField("查询内容", max_length=12, choices=What.choices)

    class Meta:
        verbose_name = verbose_name_plural = "企业信息查询记录"
        indexes = [
            models.Index(fields=["firm", "-at"], name="firms_lookup_firm"),
            models.Index(fields=["bank", "-at"], name="firms_lookup_bank"),
        ]

    def __str__(self) -> str:
        return f"{self.bank_id} 查询 {self.firm_id}"


class FirmRating(models.Model):
    """One firm's rating by one scorecard version on one day; `is_current`: the latest run's."""

    firm = models.ForeignKey(Firm, verbose_name="企业", on_delete=models.CASCADE, related_name="+")
    version = models.CharField("评分卡版本", max_length=60)
    rated_on = models.DateField("评级日期")
    score = models.DecimalField("得分", max_digits=6, decimal_places=2)
    grade = models.CharField("等级", max_length=10)
    reasons = models.JSONField("主要原因", default=list)
    is_current = models.BooleanField("当前评级", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "企业信用评级"
        constraints = [
            models.UniqueConstraint(fields=["firm", "version", "rated_on"], name="firms_rating_once_a_day")
        ]
        indexes = [models.Index(fields=["firm", "is_current"], name="firms_rating_current")]

    def __str__(self) -> str:
        return f"{self.firm_id} {self.grade}"

    @property
    def version_label(self) -> str:
        """The card's version as people read it: “2026.1版” (the card's id stays in `version`)."""
        return f"{self.version.rpartition('@')[2]}版"


class FirmScorecard(models.Model):
    """A statistical version of the firm scorecard, trained by the job `firm_scorecard_train` on the banks'
    outcomes; the office puts one in force. With none in force the shipped expert card rates the firms."""

    class Status(models.TextChoices):
        DRAFT = "draft", "待启用"
        ACTIVE = "active", "使用中"
        RETIRED = "retired", "已停用"

    card_id = models.CharField("评分卡", max_length=40)
    version = models.CharField("版本", max_length=20)
    name = models.CharField("名称", max_length=100)
    spec = models.JSONField("评分表")
    fingerprint = models.CharField("指纹", max_length=16)
    report = models.JSONField("验证报告")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    observed_on = models.DateField("观察日")
    window_end = models.DateField("表现期截至")
    labelled = models.PositiveIntegerField("有结果的企业数")
    bad = models.PositiveIntegerField("逾期或不良的企业数")
    created_at = models.DateTimeField("建模时间")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    promoted_at = models.DateTimeField("启用时间", null=True, blank=True)
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "企业评分卡版本"
        constraints = [
            models.UniqueConstraint(fields=["card_id", "version"], name="firms_scorecard_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.version}版）"

    @property
    def full_version(self) -> str:
        """As the ratings store it: “small-firm-statistical@20261207-1305”."""
        return f"{self.card_id}@{self.version}"
