"""Bearer-token authentication: `Authorization: Bearer ph_<prefix>_<secret>`.

Only the SHA-256 of the whole token is stored, so a token is found by its hash alone. A token
that is unknown and a token of another organisation look the same; only the holder of a full,
valid secret learns that it has been revoked or has expired.
"""

import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from puhui.api.access import TokenActor
from puhui.api.errors import ApiError
from puhui.api.models import ApiToken
from puhui.api.services import hash_token

# Writing last_used_at on every request would turn every read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
_CACHE_ATTR = "_puhui_token_actor"


class TokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest):
        # The idempotency layer authenticates before ninja does; do the work once per request.
        if hasattr(request, _CACHE_ATTR):
            return getattr(request, _CACHE_ATTR)
        actor = super().__call__(request)
        setattr(request, _CACHE_ATTR, actor)
        return actor

    def authenticate(self, request: HttpRequest, token: str):
        token = token.strip()
        if not token or len(token) > 200:
            return None
        found = ApiToken.objects.select_related("organisation").filter(key_hash=hash_token(token)).first()
        if found is None:
            return None
        now = timezone.now()
        if found.revoked_at is not None:
            raise ApiError(401, "token_revoked", "该接口令牌已被吊销，请联系本机构管理员重新创建")
        if found.expires_at is not None and found.expires_at <= now:
            raise ApiError(401, "token_expired", "该接口令牌已过期，请联系本机构管理员重新创建")
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
            found.last_used_at = now
        return TokenActor(found)


token_auth = TokenAuth()


def authenticate_quietly(request: HttpRequest) -> TokenActor | None:
    """The request's token actor, or None when authentication fails (ninja then answers 401)."""
    try:
        return token_auth(request)
    except ApiError:
        return None
