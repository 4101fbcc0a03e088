"""Bearer-token authentication: `Authorization: Bearer ph_<prefix>_<secret>`.

Only the SHA-256 of the whole token is stored, so a token is found by its hash alone. A token
that is unknown and a token of another organisation look the same; only the holder of a full,
valid secret learns that it has been revoked or has expired.

Rate limits per token (`puhui.core.ratelimit.api_verdict`): every request counts against
`PUHUI_RATE_API_TOKEN`, writes also against `PUHUI_RATE_API_TOKEN_WRITE`; beyond them 429 `throttled`
with a Chinese message and `Retry-After`. Counted once a token is known to be valid, once per request
(the idempotency layer and ninja both authenticate; the refusal is remembered like the actor).
"""

import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from puhui.api.access import TokenActor
from puhui.api.errors import ApiError
from puhui.api.models import ApiToken
from puhui.api.services import hash_token
from puhui.core import ratelimit

# Writing last_used_at on every request would turn every read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
_CACHE_ATTR = "_puhui_token_actor"


class TokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest):
        # The idempotency layer authenticates before ninja does; do the work once per request.
        if hasattr(request, _CACHE_ATTR):
            cached = getattr(request, _CACHE_ATTR)
            if isinstance(cached, ApiError):
                raise cached
            return cached
        actor = super().__call__(request)
        if actor is not None and (refusal := _throttled(request, actor)):
            setattr(request, _CACHE_ATTR, refusal)
            raise refusal
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


def _throttled(request: HttpRequest, actor: TokenActor) -> ApiError | None:
    verdict, write = ratelimit.api_verdict(request, actor.token.pk)
    if verdict.allowed:
        return None
    setattr(request, ratelimit.RETRY_AFTER_ATTR, verdict.retry_after)  # RetryAfterMiddleware sends it
    what = "写操作" if write else "请求"
    return ApiError(
        429,
        "throttled",
        f"该令牌的{what}过于频繁（{verdict.rate.describe()}），"
        f"请 {ratelimit.wait_text(verdict.retry_after)}后再试（见 Retry-After 响应头）",
    )


token_auth = TokenAuth()


def authenticate_quietly(request: HttpRequest) -> TokenActor | None:
    """The request's token actor, or None when authentication fails (ninja then answers 401)."""
    try:
        return token_auth(request)
    except ApiError:
        return None
