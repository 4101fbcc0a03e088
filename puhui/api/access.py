"""Who may see and manage which API tokens: an organisation's own staff, and administrators."""

from django.db.models import QuerySet

from puhui.api.models import ApiToken
from puhui.core.access import get_or_404
from puhui.core.models import User


def tokens_for(user: User) -> QuerySet[ApiToken]:
    qs = ApiToken.objects.select_related("organisation", "created_by")
    if not user.is_authenticated:
        return qs.none()
    if user.role == User.Role.ADMIN:
        return qs
    if user.role in {User.Role.OFFICE, User.Role.MEMBER_UNIT, User.Role.INSTITUTION} and user.organisation_id:
        return qs.filter(organisation_id=user.organisation_id)
    return qs.none()


def access_token_by_id(user: User, pk) -> ApiToken:
    return get_or_404(tokens_for(user), pk=pk)
