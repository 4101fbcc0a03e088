"""The public finder (issue #19 §6) reads the registers of other apps; what it keeps itself are the
financial-knowledge articles the office writes for the public (金融知识)."""

from django.conf import settings
from django.db import models


class Article(models.Model):
    class Topic(models.TextChoices):
        FRAUD = "fraud", "防范电信网络诈骗"
        CASH = "cash", "人民币与反假货币"
        CREDIT = "credit", "征信与信用"
        LOANS = "loans", "贷款与利率"
        PAYMENT = "payment", "支付与账户安全"
        INSURANCE = "insurance", "保险"
        RIGHTS = "rights", "金融消费者权益"

    title = models.CharField("标题", max_length=60)
    topic = models.CharField("主题", max_length=20, choices=Topic.choices)
    body = models.TextField("正文")
    published_on = models.DateField("发布日期", null=True, blank=True)  # None: a draft
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = verbose_name_plural = "金融知识文章"
        indexes = [models.Index(fields=["published_on"], name="finder_article_published")]

    def __str__(self) -> str:
        return self.title

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.splitlines() if p.strip()]
