"""Rate limits: fixed-window counters in the shared cache, and a Chinese 429 with Retry-After.

Limited are what an attacker or a runaway script can repeat cheaply and that costs the platform or a user
something: login POSTs (per client address, and per username), upload/import POSTs (per user) and API
requests (per token; writes also separately). Page GETs are not limited.

A limit is a setting of the form "<count>/<period>" — "10/m", "20/h", "600/5m", "1000/d"; an empty value
or "0" switches that limit off. The settings are read on every request, so tests and operators can change
them without a restart of anything but the settings.

The counter: the key is (scope, window number, hash of the identity); `add` starts it at 1 with a
timeout just past the window, `incr` counts on. Refused requests count too (a client that keeps knocking
stays refused until its window ends; no longer). The window is fixed, so a client may make up to twice the
limit across a window boundary — acceptable for these limits, and one cache write per request.

The cache is `settings.PUHUI_RATELIMIT_CACHE` (the "shared" alias): the database cache (table
`puhui_cache`, created by migration core 0005) or Redis with `PUHUI_CACHE=redis`. It must be shared by
every web worker; a per-process cache would multiply every limit by the number of workers.
Django's DatabaseCache increments by get + set, which loses counts under concurrency; `DatabaseCache`
below locks the row first. If the cache fails (table missing, Redis down) the request is let through and
the error logged: a broken limiter must not lock everybody out of the platform.
"""

import base64
import datetime
import functools
import hashlib
import logging
import math
import pickle
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction
from django.http import HttpResponse
from django.template.loader import render_to_string

from puhui.core.net import client_ip

logger = logging.getLogger("puhui.ratelimit")

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
# The attribute a refused request carries, so that RetryAfterMiddleware can put the header on whatever
# response is eventually built for it (the API builds its own error responses).
RETRY_AFTER_ATTR = "puhui_retry_after"


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    def describe(self) -> str:
        """Chinese: 每分钟 10 次, 每小时 20 次, 每 5 分钟 600 次."""
        units = [(86400, "天"), (3600, "小时"), (60, "分钟"), (1, "秒")]
        for size, name in units:
            if self.seconds % size == 0:
                n = self.seconds // size
                return f"每{name} {self.count} 次" if n == 1 else f"每 {n} {name} {self.count} 次"
        return f"每 {self.seconds} 秒 {self.count} 次"  # pragma: no cover


def parse_rate(value) -> Rate | None:
    """ "10/m" → Rate(10, 60); "600/5m" → Rate(600, 300); "" / "0" / None → None (no limit)."""
    if value is None or isinstance(value, str) and value.strip() in ("", "0"):
        return None
    if isinstance(value, Rate):
        return value
    match = _RATE.match(str(value))
    if not match:
        raise ValueError(f"rate limit {value!r}: expected '<count>/<period>' such as '10/m' or '20/h'")
    count, multiple, unit = match.groups()
    return Rate(int(count), int(multiple or 1) * _PERIODS[unit])


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int = 0
    rate: Rate | None = None
    retry_after: int = 0  # seconds until the window ends


ALLOWED = Verdict(True)


def _cache(alias: str | None = None):
    return caches[alias or getattr(settings, "PUHUI_RATELIMIT_CACHE", "default")]


def hit(scope: str, identity: str, rate, cache_alias: str | None = None) -> Verdict:
    """Count one request of `identity` (an address, a user id, a token id) against the limit `rate`."""
    rate = parse_rate(rate)
    if rate is None or not getattr(settings, "PUHUI_RATELIMIT_ENABLED", True):
        return ALLOWED
    now = time.time()
    window = int(now // rate.seconds)
    digest = hashlib.sha256(str(identity).encode("utf-8")).hexdigest()[:32]  # no address or name in keys
    prefix = getattr(settings, "PUHUI_RATELIMIT_PREFIX", "rl")
    key = f"{prefix}:{scope}:{rate.seconds}:{window}:{digest}"
    cache = _cache(cache_alias)
    try:
        if cache.add(key, 1, timeout=rate.seconds + 5):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=rate.seconds + 5)
                count = 1
    except Exception:
        logger.exception("rate limit counter unavailable (%s); request let through", scope)
        return ALLOWED
    retry_after = max(1, math.ceil((window + 1) * rate.seconds - now))
    return Verdict(count <= rate.count, count, rate, retry_after)


def _setting(name: str):
    return getattr(settings, name, None)


def wait_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} 秒"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} 分钟" if minutes < 60 else f"{math.ceil(minutes / 60)} 小时"


def refused_page(request, verdict: Verdict, message: str) -> HttpResponse:
    """The Chinese 429 page (context-free error base), with Retry-After.

    htmx swaps only 2xx answers, so an htmx request is sent back to its page (HX-Redirect, which htmx
    follows whatever the status) with the message as a flash message.
    """
    if request.headers.get("HX-Request") and request.headers.get("HX-Current-URL"):
        messages.error(request, message)
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
        response["HX-Redirect"] = request.headers["HX-Current-URL"]
    else:
        response = HttpResponse(
            render_to_string("429.html", {"message": message, "wait": wait_text(verdict.retry_after)}),
            status=429,
        )
    response["Retry-After"] = str(verdict.retry_after)
    response["Cache-Control"] = "no-store"
    return response


# ----- page views ----------------------------------------------------------------------------------


def public_limited(request, scope: str, setting: str, what: str) -> HttpResponse | None:
    """None, or the 429 page when this client address has done `what` (a public page's POST: a complaint, a
    booking, a code look-up) more often than the rate in `setting` allows."""
    from puhui.core.net import client_ip

    verdict = hit(scope, client_ip(request) or "", _setting(setting))
    if verdict.allowed:
        return None
    return refused_page(
        request,
        verdict,
        f"{what}过于频繁（{verdict.rate.describe()}），请 {wait_text(verdict.retry_after)}后再试。",
    )


def _login_username(request) -> str:
    return (request.POST.get("username") or "").strip().lower()[:150]


def login_limited(view):
    """Login POSTs: `PUHUI_RATE_LOGIN_IP` per client address, then `PUHUI_RATE_LOGIN_USERNAME` per username.

    Runs before authentication, so a refused attempt neither reaches axes nor tries the password.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            verdict = hit("login-ip", client_ip(request) or "", _setting("PUHUI_RATE_LOGIN_IP"))
            if not verdict.allowed:
                return refused_page(
                    request,
                    verdict,
                    f"本机登录尝试过于频繁（{verdict.rate.describe()}），请 {wait_text(verdict.retry_after)}后再试。",
                )
            username = _login_username(request)
            if username:
                verdict = hit("login-user", username, _setting("PUHUI_RATE_LOGIN_USERNAME"))
                if not verdict.allowed:
                    return refused_page(
                        request,
                        verdict,
                        f"该账号的登录尝试过于频繁（{verdict.rate.describe()}），"
                        f"请 {wait_text(verdict.retry_after)}后再试；如非本人操作，请联系平台管理员。",
                    )
        return view(request, *args, **kwargs)

    return wrapper


def import_limited(view):
    """Upload/import POSTs: `PUHUI_RATE_IMPORT_USER` per signed-in user, one budget over every import page.

    Put it under @login_required (an anonymous POST is sent to the login page first).
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and request.user.is_authenticated:
            verdict = hit("import-user", request.user.pk, _setting("PUHUI_RATE_IMPORT_USER"))
            if not verdict.allowed:
                return refused_page(
                    request,
                    verdict,
                    f"上传导入过于频繁（{verdict.rate.describe()}），请 {wait_text(verdict.retry_after)}后再试。"
                    "已上传的文件仍在处理，不必重复上传。",
                )
        return view(request, *args, **kwargs)

    return wrapper


# ----- forms submitted twice ------------------------------------------------------------------------


def resubmission_since():
    """The moment after which an identical submission by the same user counts as the same one again
    (a double click, a browser's "resubmit the form"): now − `PUHUI_DOUBLE_SUBMIT_SECONDS`."""
    from django.utils import timezone

    return timezone.now() - datetime.timedelta(seconds=getattr(settings, "PUHUI_DOUBLE_SUBMIT_SECONDS", 60))


# ----- API -----------------------------------------------------------------------------------------

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def api_verdict(request, token_id: int) -> tuple[Verdict, bool]:
    """Count an API request of a token: every request against `PUHUI_RATE_API_TOKEN`, writes also against
    `PUHUI_RATE_API_TOKEN_WRITE`. Returns the first refusal (and whether it was the write limit).

    A read must not become a database write (see `puhui.api.auth`), so the all-requests count lives in
    `PUHUI_RATELIMIT_API_READ_CACHE`: the per-process cache unless the shared cache is Redis — with the
    database cache that limit then holds per web worker. Writes are counted in the shared cache."""
    verdict = hit(
        "api", token_id, _setting("PUHUI_RATE_API_TOKEN"), _setting("PUHUI_RATELIMIT_API_READ_CACHE")
    )
    if not verdict.allowed:
        return verdict, False
    if request.method in WRITE_METHODS:
        write = hit("api-write", token_id, _setting("PUHUI_RATE_API_TOKEN_WRITE"))
        if not write.allowed:
            return write, True
    return verdict, False


class RetryAfterMiddleware:
    """Puts `Retry-After` on a 429 answer to a request that a limit refused (the API's JSON error
    responses are built by its error handlers, which know nothing of the header)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        seconds = getattr(request, RETRY_AFTER_ATTR, None)
        if seconds and response.status_code == 429 and not response.has_header("Retry-After"):
            response["Retry-After"] = str(seconds)
        return response


# ----- the shared database cache -------------------------------------------------------------------


class DatabaseCache(DjangoDatabaseCache):
    """Django's database cache with an `incr` that does not lose counts.

    Django's `incr` is get + set: two workers incrementing at once both write n + 1. Here the row is
    locked first (an UPDATE that changes nothing) inside a transaction, so the read that follows sees the
    last committed value and the other worker waits (SQLite's BEGIN IMMEDIATE serialises anyway); and
    the expiry is kept, where Django's would reset it to the default timeout and end an hourly window early.
    """

    def incr(self, key, delta=1, version=None):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        cache_key = self.make_and_validate_key(key, version=version)
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET expires = expires WHERE cache_key = %s", [cache_key])
            value = self.get(key, self._missing_key, version=version)
            if value is self._missing_key:
                raise ValueError(f"Key '{key}' not found")
            value += delta
            # The value only: Django's incr would also reset the expiry to the default timeout.
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET value = %s WHERE cache_key = %s", [encoded, cache_key])
        return value
