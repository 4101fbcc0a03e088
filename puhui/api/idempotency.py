"""Idempotency keys for every write: a retried request gets the first answer, not a second write.

A client sends `Idempotency-Key: <its own unique string>` with each POST/PUT/PATCH/DELETE. The
first successful response is stored per token and key, in the SAME transaction as the write it
describes, so either both exist or neither does. A retry with the same key and the same request
gets the stored response with `Idempotent-Replayed: true`; the same key with a different request
is refused with 422. A request that failed (4xx/5xx) wrote nothing and stores nothing, so the
client may correct it and send it again under the same key.

What makes two requests "the same" (`request_fingerprint`): method, path, query and the body — a JSON
body in canonical form, a multipart body by its fields and files, read in chunks from the files Django
has already streamed to disk, never through `request.body`; so an upload far above
DATA_UPLOAD_MAX_MEMORY_SIZE can carry a key. A non-multipart body above that limit is answered 413.

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

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError

from puhui.api.auth import authenticate_quietly
from puhui.api.errors import error_response
from puhui.api.models import IdempotencyRecord

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = IdempotencyRecord._meta.get_field("key").max_length


class _KeyTaken(Exception):
    pass


def _multipart(request: HttpRequest) -> bool:
    return request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/")


def _hash_parts(digest, request: HttpRequest) -> None:
    """Hash a multipart request by its parsed parts, never by `request.body`.

    Django parses multipart itself and streams each file to a temporary file above
    FILE_UPLOAD_MAX_MEMORY_SIZE; reading `request.body` instead would load the whole upload into
    memory and is refused above DATA_UPLOAD_MAX_MEMORY_SIZE. Fields and files are taken in name
    order, each value length-prefixed, so no two different requests give the same stream.
    """

    def put(data: bytes) -> None:
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)

    for name in sorted(request.POST):
        for value in request.POST.getlist(name):
            put(b"field")
            put(name.encode("utf-8"))
            put(value.encode("utf-8"))
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            put(b"file")
            put(name.encode("utf-8"))
            put((upload.name or "").encode("utf-8"))
            digest.update(int(upload.size or 0).to_bytes(8, "big"))
            for chunk in upload.chunks():  # chunks() starts at the beginning of the file
                digest.update(chunk)
            upload.seek(0)  # the handler reads it again


def request_fingerprint(request: HttpRequest) -> str:
    """A hash of what makes two requests the same: method, path, query and body.

    A JSON body is hashed in canonical form, so key order and spacing do not matter; a multipart
    body by its fields and files (see `_hash_parts`). Raises RequestDataTooBig for a body Django
    will not read into memory (over DATA_UPLOAD_MAX_MEMORY_SIZE).
    """
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.META.get("QUERY_STRING", "")):
        digest.update(part.encode("utf-8") + b"\n")
    if _multipart(request):
        _hash_parts(digest, request)
        return digest.hexdigest()
    body = request.body
    with contextlib.suppress(ValueError):
        body = json.dumps(
            json.loads(body), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        ).encode()
    digest.update(body)
    return digest.hexdigest()


def _too_big(request: HttpRequest) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    shown = f"{limit / 1048576:g} MB" if limit >= 1048576 else f"{limit / 1024:g} KB"
    if _multipart(request):
        message = f"请求中的表单字段合计超过 {shown}；数据请放在文件中上传"
    else:
        message = (
            f"请求体超过 {shown} 上限，未作处理；数据较多时请改为上传文件"
            "（如 POST /api/v1/data/submissions/file，multipart/form-data，Excel 或 CSV 文件）"
        )
    return error_response(413, "payload_too_large", message)


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

        try:
            fingerprint = request_fingerprint(request)
        except RequestDataTooBig:
            return _too_big(request)
        except (TooManyFieldsSent, TooManyFilesSent):
            return error_response(400, "bad_request", "请求中的表单字段或文件过多")
        except MultiPartParserError:
            return error_response(400, "bad_request", "multipart/form-data 请求格式有误，无法解析")
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
