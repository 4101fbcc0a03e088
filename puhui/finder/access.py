"""Who may do what in the finder. The finder page and the published articles are public (no sign-in);
writing articles is the office's."""

from django.db.models import QuerySet
from django.http import Http404

from puhui.core.access import get_or_404
from puhui.core.models import User
from puhui.finder.models import Article


def may_write(user) -> bool:
    return user.is_authenticated and user.role == User.Role.OFFICE


def require_writer(user) -> None:
    if not may_write(user):
        raise Http404


def articles_for(user) -> QuerySet[Article]:
    """The office sees drafts too; everyone else the published articles."""
    qs = Article.objects.all()
    return qs if may_write(user) else qs.filter(published_on__isnull=False)


def access_article_by_id(user, pk) -> Article:
    return get_or_404(articles_for(user), pk=pk)


def access_article_for_edit(user, pk) -> Article:
    require_writer(user)
    return get_or_404(Article.objects.all(), pk=pk)
