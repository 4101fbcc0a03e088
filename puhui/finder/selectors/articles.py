"""Reads of the knowledge articles (through `access.py`)."""

from puhui.finder import access


def published(user, topic: str = ""):
    qs = access.articles_for(user).filter(published_on__isnull=False)
    return qs.filter(topic=topic) if topic else qs
