"""API tokens (one organisation each) and idempotency records for writes."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from puhui.core.models import Organisation


class ApiToken(models.Model):
    """A bearer token acting for one organisation. Only a hash of the secret is stored."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="机构", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("用途", max_length=60)
    prefix = models.CharField("前缀", max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "active"

    @property
    def status_label(self) -> str:
        return {"revoked": "已吊销", "expired": "已过期", "active": "有效"}[self.status]


class IdempotencyRecord(models.Model):
    """The first response to a write with a given Idempotency-Key, replayed on retries."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=128)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.BinaryField()
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="idempotency_unique_per_token")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
