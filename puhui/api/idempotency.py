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

Claiming a key: the key row is inserted first, in a short transaction of its own (status 0, "in
progress"). The unique constraint (token, key) lets exactly one request claim it; a concurrent duplicate
gets IntegrityError at once (PostgreSQL: once the first claim commits) and waits, polling, until the first
one has stored its response, then replays it (or, after WAIT_SECONDS, answers 409). The handler therefore
never runs twice for one key. A request that fails releases its claim, so a waiting duplicate claims the
key and does the work itself.

Where the handler runs: an ordinary operation runs inside one transaction together with the completion of
its key row, so the write and the stored response commit together. An operation marked
`@checks_before_writing` (the data submissions) runs with no transaction around it: on SQLite
(BEGIN IMMEDIATE) a transaction holds the write lock from its first statement, and a check of an upload
takes seconds, during which every login and every page write would wait and then fail with "database is
locked". Such a handler checks first and writes in short transactions of its own; its key row is then
completed in a second short transaction, and a handler that refuses (4xx) removes what it recorded of the
refused attempt itself.

An upload's size is limited while it arrives (`puhui/core/uploads.py`): the wrapper passes the
operation's `@upload_limit` to the upload handler before the body is parsed, and answers 413 when it was
exceeded.

`idempotent` wraps an operation's `run` (ninja "view" decorator mode), so it sees the final
HTTP response. `puhui.api.v1` applies it to the whole API; another NinjaAPI can reuse it with
`api.add_decorator(idempotent, mode="view")` or `@decorate_view(idempotent)` on one operation.
"""

import contextlib
import datetime
import functools
import hashlib
import json
import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone

from puhui.api.auth import authenticate_quietly
from puhui.api.errors import error_response
from puhui.api.models import IdempotencyRecord
from puhui.core import uploads

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = IdempotencyRecord._meta.get_field("key").max_length
IN_PROGRESS = 0  # status_code of a claimed key whose request has not finished
WAIT_SECONDS = 30  # how long a concurrent duplicate waits for the first request to finish
POLL_SECONDS = 0.1
# A claim this old was left by a request that died (a worker killed between its write and completion).
ABANDONED_AFTER = datetime.timedelta(minutes=15)
OUTSIDE_TRANSACTION = "idempotency_outside_transaction"


def checks_before_writing(view_func):
    """Mark an operation whose handler checks its input first and then writes in short transactions of
    its own: the idempotency wrapper then holds no transaction (no SQLite write lock) while it runs.

    Such a handler must leave nothing behind when it answers 4xx, as the transaction would have.
    """
    setattr(view_func, OUTSIDE_TRANSACTION, True)
    return view_func


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


def _claim(actor, key: str, request: HttpRequest, fingerprint: str) -> IdempotencyRecord | None:
    """Insert the key row (in progress) in a short transaction; None when another request holds the key."""
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                token_id=actor.token.pk,
                key=key,
                method=request.method,
                path=request.path[:300],
                request_hash=fingerprint,
                status_code=IN_PROGRESS,
                response_body=b"",
                content_type="",
            )
    except IntegrityError:
        return None


def _complete(record: IdempotencyRecord, response: HttpResponse) -> None:
    """Store a successful response on its key row, or free the key of a failed request or a stream."""
    if not 200 <= response.status_code < 300 or getattr(response, "streaming", False):
        # Nothing of a failed request is kept, not even its key; a stream cannot be stored.
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return
    record.status_code = response.status_code
    record.response_body = response.content
    record.content_type = response.get("Content-Type", "application/json")
    record.save(update_fields=["status_code", "response_body", "content_type"])


def _release(record: IdempotencyRecord) -> None:
    with contextlib.suppress(Exception):  # the original error matters more than this one
        IdempotencyRecord.objects.filter(pk=record.pk).delete()


def _in_progress(record: IdempotencyRecord | None) -> HttpResponse:
    if record is not None and record.created_at < timezone.now() - ABANDONED_AFTER:
        return error_response(
            409,
            "idempotency_in_progress",
            "使用该 Idempotency-Key 的上一次请求没有完成（可能已中断）；请先查询数据是否已保存，再用新的键重新提交",
        )
    return error_response(409, "idempotency_in_progress", "相同 Idempotency-Key 的请求正在处理，请稍后重试")


def _operation_function(run):
    """The endpoint function behind a ninja operation's bound `run`, for its markers."""
    return getattr(getattr(run, "__self__", None), "view_func", None)


def idempotent(run):
    function = _operation_function(run)
    outside = bool(getattr(function, OUTSIDE_TRANSACTION, False))
    upload_max = getattr(function, uploads.ATTRIBUTE, None)

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
        if upload_max is not None:  # read by the upload handler when the body is parsed, just below
            setattr(request, uploads.ATTRIBUTE, upload_max)
        try:
            fingerprint = request_fingerprint(request)
        except RequestDataTooBig:
            return _too_big(request)
        except (TooManyFieldsSent, TooManyFilesSent):
            return error_response(400, "bad_request", "请求中的表单字段或文件过多")
        except MultiPartParserError:
            return error_response(400, "bad_request", "multipart/form-data 请求格式有误，无法解析")
        if limit := uploads.refused(request):
            return error_response(413, "payload_too_large", uploads.too_large_message(limit))

        # No look-up first: claiming the key is the look-up, so a retry and a concurrent duplicate take
        # the same road (taken → wait for its response → replay).
        deadline = time.monotonic() + WAIT_SECONDS
        while (record := _claim(actor, key, request, fingerprint)) is None:
            existing = _lookup(actor, key)
            if existing is not None and (
                existing.request_hash != fingerprint or existing.status_code != IN_PROGRESS
            ):
                return _replay(existing, fingerprint)  # its response, or 422 for another request
            if time.monotonic() >= deadline:
                return _in_progress(existing)
            time.sleep(POLL_SECONDS)  # gone (the first one failed): claim it ourselves on the next turn

        try:
            if outside:
                response = run(request, *args, **kwargs)
                with transaction.atomic():
                    _complete(record, response)
                return response
            with transaction.atomic():
                response = run(request, *args, **kwargs)
                if not 200 <= response.status_code < 300:
                    transaction.set_rollback(True)  # the write goes; the claim is released below
                else:
                    _complete(record, response)
            if not 200 <= response.status_code < 300:
                _release(record)
            return response
        except BaseException:
            _release(record)
            raise

    return wrapper
