"""Who may see and manage which API tokens, and what a token may see.

A token acts for one organisation and sees exactly what that organisation's staff would see:
the access layer in `puhui.core.access` (and every other app's `access.py`) is applied to a
virtual, unsaved user with the role the organisation's staff have. No rule is written twice.
"""

from django.db.models import QuerySet
from django.http import Http404

from puhui.api.models import ApiToken
from puhui.core.access import get_or_404
from puhui.core.models import Organisation, User

Role = User.Role
Kind = Organisation.Kind

TOKEN_MANAGER_ROLES = frozenset({Role.OFFICE, Role.MEMBER_UNIT, Role.INSTITUTION})
GOVERNMENT_KINDS = frozenset({Kind.GOVERNMENT, Kind.COURT, Kind.PROCURATORATE, Kind.PEOPLES_ORG})


def tokens_for(user: User) -> QuerySet[ApiToken]:
    qs = ApiToken.objects.select_related("organisation", "created_by")
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.ADMIN:
        return qs
    if user.role in TOKEN_MANAGER_ROLES and user.organisation_id:
        return qs.filter(organisation_id=user.organisation_id)
    return qs.none()


def access_token_by_id(user: User, pk) -> ApiToken:
    return get_or_404(tokens_for(user), pk=pk)


def can_manage_tokens(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return user.role == Role.ADMIN or (user.role in TOKEN_MANAGER_ROLES and bool(user.organisation_id))


def require_token_manager(user: User) -> None:
    if not can_manage_tokens(user):
        raise Http404


def access_token_for_revoke(user: User, pk) -> ApiToken:
    """A token this user may revoke: one of their organisation's (any, for the administrator)."""
    token = access_token_by_id(user, pk)
    require_token_manager(user)
    return token


def role_for_organisation(org: Organisation) -> str:
    """The role an organisation's staff have: the PBoC runs the pilot office, banks are institutions."""
    if org.kind == Kind.PBOC:
        return Role.OFFICE
    if org.kind in GOVERNMENT_KINDS:
        return Role.MEMBER_UNIT
    if org.kind in Organisation.FINANCIAL_KINDS:
        return Role.INSTITUTION
    # An organisation of no known kind gets no tenant data, only public statistics.
    return Role.PUBLIC


def scope_user_for_token(token: ApiToken) -> User:
    """An unsaved user standing for the token's organisation; pass it to any `*_for(user)` queryset."""
    org = token.organisation
    return User(username=f"api-token-{token.prefix}", role=role_for_organisation(org), organisation=org)


class TokenActor:
    """Who acts when a request carries an API token: for the access layer and for the audit trail.

    Not a user (`is_authenticated` is False), so `audit_record` stores no actor and this label instead.
    """

    is_authenticated = False

    def __init__(self, token: ApiToken):
        self.token = token
        self.organisation = token.organisation
        self.user = scope_user_for_token(token)

    def __str__(self) -> str:
        return f"接口令牌 {self.token.prefix}（{self.organisation.name}）"


def acting_user(actor) -> User:
    """The user whose scope applies to a write: the staff member, or a token's virtual user."""
    return actor.user if isinstance(actor, TokenActor) else actor
