"""Policy incentives (plan sections 十八, 十九): rule versions, yearly evaluations and their results, the
decisions and payouts recorded on them, and the banks' objections.

The rules are data (`RuleSetVersion.text`, YAML read by `puhui.engines.policy`); an evaluation keeps the
figures it read, so a result can be shown — and recomputed — exactly as it was decided.
"""

from functools import lru_cache

from django.conf import settings
from django.db import models

from puhui.core.models import Organisation
from puhui.engines.policy import RuleSet, load_rules


class RuleSetVersion(models.Model):
    """One version of the county's incentive rules; the newest is the one evaluations use."""

    version = models.CharField("版本", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    text = models.TextField("规则（YAML）")
    change_note = models.CharField("修改说明", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "激励规则版本"

    def __str__(self) -> str:
        return f"{self.name}（{self.version}）"

    @property
    def parsed(self) -> RuleSet:
        return rules_from_text(self.text)


@lru_cache(maxsize=16)
def rules_from_text(text: str) -> RuleSet:
    """The rule set a version's text holds, parsed once per process (a version's text never changes)."""
    return load_rules(text)


class Evaluation(models.Model):
    """The rules run over every institution's figures for one year. A year's newest evaluation is its
    current one; one with decisions recorded is never replaced (a re-run is refused)."""

    year = models.PositiveSmallIntegerField("评价年度", db_index=True)
    rules = models.ForeignKey(RuleSetVersion, on_delete=models.PROTECT, related_name="evaluations")
    figures = models.JSONField("使用的数据", default=list)  # [{institution, name, year, values}], as read
    created_at = models.DateTimeField("评价时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    seconds = models.FloatField("用时（秒）", default=0)

    class Meta:
        ordering = ["-year", "-created_at", "-id"]
        verbose_name = verbose_name_plural = "政策评价"

    def __str__(self) -> str:
        return f"{self.year} 年政策激励评价"


class Result(models.Model):
    """One institution × one rule of an evaluation, with each condition's figure, and what was decided."""

    class Status(models.TextChoices):
        PASSED = "passed", "符合"
        FAILED = "failed", "不符合"
        NOT_APPLICABLE = "not_applicable", "不适用"
        MISSING = "missing", "缺少数据"

    class Kind(models.TextChoices):
        FISCAL = "fiscal", "财政奖补"
        MONETARY = "monetary", "货币政策"

    class Decision(models.TextChoices):
        PENDING = "pending", "待审定"
        APPROVED = "approved", "同意"
        REJECTED = "rejected", "不同意"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="results")
    institution = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    rule_code = models.CharField("规则编码", max_length=40)
    rule_name = models.CharField("规则", max_length=100)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    grantor = models.CharField("审定单位", max_length=40)
    source = models.CharField("依据", max_length=300)
    status = models.CharField("评价结果", max_length=16, choices=Status.choices)
    amount = models.DecimalField("测算补贴（元）", max_digits=16, decimal_places=2, null=True, blank=True)
    ratio = models.DecimalField("优惠幅度（百分点）", max_digits=6, decimal_places=2, null=True, blank=True)
    detail = models.JSONField("条件明细", default=dict)  # the engine's JSON record: conditions and values
    decision = models.CharField("审定", max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_amount = models.DecimalField(
        "核定金额（元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    standard_ratio = models.DecimalField(
        "同类机构存款准备金率（%）", max_digits=6, decimal_places=2, null=True, blank=True
    )
    decision_note = models.TextField("审定意见", blank=True)
    approval_no = models.CharField("批复文号", max_length=60, blank=True)
    decided_at = models.DateTimeField("审定时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paid_on = models.DateField("拨付日期", null=True, blank=True)
    paid_amount = models.DecimalField(
        "拨付金额（元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    payment_ref = models.CharField("拨付凭证号", max_length=60, blank=True)

    class Meta:
        ordering = ["evaluation", "rule_code", "institution__path"]
        verbose_name = verbose_name_plural = "评价结果"
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "institution", "rule_code"], name="policy_result_once"
            )
        ]
        indexes = [models.Index(fields=["institution", "evaluation"], name="policy_result_inst")]

    def __str__(self) -> str:
        return f"{self.institution} {self.rule_name} {self.evaluation.year}"

    @property
    def applied_ratio(self):
        """The reserve ratio that applies: the peers' standard ratio less the cut granted."""
        if self.ratio is None or self.standard_ratio is None or self.decision != self.Decision.APPROVED:
            return None
        return self.standard_ratio - self.ratio


class Objection(models.Model):
    """A bank's objection to its own result, with evidence; answered by whoever decides the rule."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="objections")
    text = models.TextField("异议内容")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField("提出时间", auto_now_add=True)
    answer = models.TextField("答复", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = verbose_name_plural = "评价异议"

    def __str__(self) -> str:
        return f"{self.result} 的异议"


class ObjectionFile(models.Model):
    """Evidence attached to an objection (PDF, image or Excel, checked by content)."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="files")
    file = models.FileField("文件", upload_to="policy/objections/%Y/%m/", max_length=200)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["objection", "pk"]
        verbose_name = verbose_name_plural = "异议证据"

    def __str__(self) -> str:
        return self.name
