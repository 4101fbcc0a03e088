"""Early warnings of financial risk (issue #16 §1): the rule versions the office keeps and the warnings the
rules raise, with their follow-up.

A rule version is the whole rule file as the office last set it (`puhui/engines/warnings/rules.py`); the
first is `puhui/risk/rules/yiyuan-2020.yaml`, each change a new version (who, when, why). A warning records
the version it was raised under. One warning per rule and subject stays open until the office closes it:
re-evaluating updates its evidence, it never adds a second one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from puhui.core.models import Division, Organisation
from puhui.data.models import ReportingPeriod


class WarningRuleVersion(models.Model):
    number = models.PositiveIntegerField("版本号", unique=True)
    name = models.CharField("规则集名称", max_length=100)
    text = models.TextField("规则文件")
    changed_rule = models.CharField("修改的规则", max_length=100, blank=True)
    note = models.CharField("修改原因", max_length=300)
    is_current = models.BooleanField("现行版本", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_label = models.CharField("修改人", max_length=150, blank=True)
    created_at = models.DateTimeField("修改时间", auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = verbose_name_plural = "预警规则版本"
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="risk_rules_one_current"
            )
        ]

    def __str__(self):
        return f"预警规则第 {self.number} 版"


class Warning(models.Model):  # noqa: A001 (the domain's word; Python's builtin is never used here)
    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        ASSIGNED = "assigned", "已指派"
        ANSWERED = "answered", "已答复"
        CLOSED = "closed", "已关闭"

    class Severity(models.TextChoices):
        ATTENTION = "attention", "关注"
        ELEVATED = "elevated", "较重"
        SERIOUS = "serious", "严重"

    class SubjectKind(models.TextChoices):
        BANK = "bank", "银行"
        TOWN = "town", "镇（街道）"
        FIRM = "firm", "企业"

    rule_version = models.ForeignKey(
        WarningRuleVersion, verbose_name="规则版本", on_delete=models.PROTECT, related_name="warnings"
    )
    rule_code = models.CharField("规则编码", max_length=40)
    rule_name = models.CharField("预警规则", max_length=100)
    period = models.ForeignKey(
        ReportingPeriod, verbose_name="报送期", on_delete=models.PROTECT, related_name="+"
    )
    subject_kind = models.CharField("对象类型", max_length=8, choices=SubjectKind.choices)
    subject_key = models.CharField(max_length=64)  # organisation or division id, or the firm's hash
    subject_label = models.CharField("预警对象", max_length=200)
    subject_bank = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_town = models.ForeignKey(
        Division, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The banks concerned, as ",12,34," (a firm's: those that cut its credit), so a bank filter is one LIKE on
    # SQLite and PostgreSQL alike.
    bank_ids = models.CharField("涉及银行", max_length=400, blank=True)
    severity = models.CharField("严重程度", max_length=10, choices=Severity.choices)
    value = models.FloatField("测量值")
    unit = models.CharField("单位", max_length=20)
    measured = models.JSONField("测量结果", default=dict)
    evidence = models.JSONField("证据", default=dict)  # {"columns": [...], "rows": [[...]], "total": n}
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(
        Organisation,
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_at = models.DateTimeField("发出时间")
    evaluated_at = models.DateTimeField("最近评估时间")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField("指派时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    closing_note = models.TextField("关闭说明", blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = verbose_name_plural = "风险预警"
        constraints = [
            models.UniqueConstraint(
                fields=["rule_code", "subject_kind", "subject_key"],
                condition=~Q(status="closed"),
                name="risk_warning_one_open",
            )
        ]
        indexes = [
            models.Index(fields=["status", "raised_at"], name="risk_warning_status"),
            models.Index(fields=["owner", "status"], name="risk_warning_owner"),
            models.Index(fields=["subject_bank", "status"], name="risk_warning_bank"),
        ]

    def __str__(self):
        return f"{self.rule_name}：{self.subject_label}（{self.period.label}）"

    @property
    def bank_id_list(self) -> list[int]:
        return [int(b) for b in self.bank_ids.strip(",").split(",") if b]

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class WarningNote(models.Model):
    """A follow-up note on a warning, or the owner unit's answer (an answer moves it to 已答复)."""

    class Kind(models.TextChoices):
        NOTE = "note", "跟进记录"
        ANSWER = "answer", "答复"

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    text = models.TextField("内容")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField("填写人", max_length=150)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("填写时间", auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = verbose_name_plural = "预警跟进记录"

    def __str__(self):
        return f"{self.get_kind_display()}（{self.warning_id}）"
