"""Idempotency keys for every write: a retried request gets the first answer, not a second write.

A client sends `Idempotency-Key: <its own unique string>` with each POST/PUT/PATCH/DELETE. The
first successful response is stored per token and key, in the SAME transaction as the write it
describes, so either both exist or neither does. A retry with the same key and the same request
gets the stored response with `Idempotent-Replayed: true`; the same key with a different request
is refused with 422. A request that failed (4xx/5xx) wrote nothing and stores nothing, so the
client may correct it and send it again under the same key.

Concurrent retries: the key row is inserted first, inside the transaction. The unique constraint
(token, key) makes a second transaction with the same key wait for the first (PostgreSQL blocks on
the index entry, SQLite on its write lock) and then fail with IntegrityError, after which it
replays what the first one stored. The handler therefore never runs twice for one key. If the
first transaction rolls back instead, the second one's insert succeeds and it does the work.

`idempotent` wraps an operation's `run` (ninja "view" decorator mode), so it sees the final
HTTP response. `puhui.api.v1` applies it to the whole API; another NinjaAPI can reuse it with
`api.add_decorator(idempotent, mode="view")` or `@decorate_view(idempotent)` on one operation.
"""

import contextlib
import functools
import hashlib
import json

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse

from puhui.api.auth import authenticate_quietly
from puhui.api.errors import error_response
from puhui.api.models import IdempotencyRecord

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = IdempotencyRecord._meta.get_field("key").max_length


class _KeyTaken(Exception):
    pass


def request_fingerprint(request: HttpRequest) -> str:
    """A hash of what makes two requests the same: method, path, query and body.

    A JSON body is hashed in canonical form, so key order and spacing do not matter.
    """
    body = request.body
    with contextlib.suppress(ValueError):
        body = json.dumps(
            json.loads(body), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        ).encode()
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.META.get("QUERY_STRING", "")):
        digest.update(part.encode("utf-8") + b"\n")
    digest.update(body)
    return digest.hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> HttpResponse:
    if record.request_hash != fingerprint:
        return error_response(
            422,
            "idempotency_key_reused",
            f"Idempotency-Key“{record.key}”已用于另一个不同的请求；新的请求请使用新的键",
        )
    response = HttpResponse(
        bytes(record.response_body), status=record.status_code, content_type=record.content_type
    )
    response[REPLAY_HEADER] = "true"
    return response


def _lookup(actor, key: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(token_id=actor.token.pk, key=key).first()


def idempotent(run):
    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.method not in WRITE_METHODS:
            return run(request, *args, **kwargs)
        actor = authenticate_quietly(request)
        if actor is None:  # ninja's own authentication answers 401
            return run(request, *args, **kwargs)
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return error_response(
                400,
                "idempotency_key_missing",
                f"写操作必须提供 {HEADER} 请求头（每个新请求使用一个新的唯一值，如 UUID）",
            )
        if len(key) > MAX_KEY_LENGTH:
            return error_response(
                400, "idempotency_key_invalid", f"{HEADER} 不能超过 {MAX_KEY_LENGTH} 个字符"
            )

        fingerprint = request_fingerprint(request)
        # No look-up first: claiming the key is the look-up, so a retry and a concurrent
        # duplicate take the same road (IntegrityError → replay).
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        record = IdempotencyRecord.objects.create(
                            token_id=actor.token.pk,
                            key=key,
                            method=request.method,
                            path=request.path[:300],
                            request_hash=fingerprint,
                            status_code=0,
                            response_body=b"",
                            content_type="",
                        )
                except IntegrityError:
                    raise _KeyTaken from None
                response = run(request, *args, **kwargs)
                if not 200 <= response.status_code < 300:
                    # Nothing of a failed request is kept, not even its key.
                    transaction.set_rollback(True)
                elif getattr(response, "streaming", False):
                    record.delete()  # a stream cannot be stored; keep the write, free the key
                else:
                    record.status_code = response.status_code
                    record.response_body = response.content
                    record.content_type = response.get("Content-Type", "application/json")
                    record.save(update_fields=["status_code", "response_body", "content_type"])
                return response
        except _KeyTaken:
            existing = _lookup(actor, key)
            if existing is not None:
                return _replay(existing, fingerprint)
            return error_response(
                409, "idempotency_in_progress", "相同 Idempotency-Key 的请求正在处理，请稍后重试"
            )

    return wrapper
