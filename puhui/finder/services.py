"""Writes of the finder: the office's knowledge articles (atomic, audited)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from puhui.core.audit import audit_changed, audit_record, snapshot
from puhui.core.models import AuditLog
from puhui.core.service_checks import text_within
from puhui.finder import access
from puhui.finder.models import Article


def _fields(title, topic, body) -> dict:
    if topic not in Article.Topic.values:
        raise ValidationError({"topic": "请选择主题。"})
    return {
        "title": text_within(title, "title", "标题", limit=60),
        "topic": topic,
        "body": text_within(body, "body", "正文", limit=20_000),
    }


@transaction.atomic
def article_save(*, actor, title: str, topic: str, body: str, article: Article | None = None) -> Article:
    """A new article (a draft) or an edit of one; a published article stays published."""
    access.require_writer(actor)
    fields = _fields(title, topic, body)
    if article is None:
        article = Article.objects.create(author=actor, **fields)
        audit_record(actor=actor, action=AuditLog.Action.CREATE, obj=article, note="新建金融知识文章")
        return article
    article = Article.objects.select_for_update().get(pk=article.pk)
    before = snapshot(article)
    for name, value in fields.items():
        setattr(article, name, value)
    article.save()
    audit_changed(actor=actor, obj=article, before=before, note="修改金融知识文章")
    return article


@transaction.atomic
def article_publish(*, actor, article: Article, publish: bool) -> Article:
    """Publish to the public pages, or withdraw."""
    access.require_writer(actor)
    article = Article.objects.select_for_update().get(pk=article.pk)
    before = snapshot(article)
    article.published_on = timezone.localdate() if publish else None
    article.save(update_fields=["published_on", "updated_at"])
    audit_changed(
        actor=actor, obj=article, before=before, note="发布金融知识文章" if publish else "撤回金融知识文章"
    )
    return article
