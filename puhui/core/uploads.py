"""Upload size limits enforced while the request streams in, so that an oversized file never reaches disk.

Django parses a multipart body through FILE_UPLOAD_HANDLERS; `LimitedUploadHandler`, first in that list,
counts the bytes of the request's files as they arrive, before the next handler writes them to memory or
to a temporary file. Past the limit it stops the upload (`StopUpload`): the part received so far is
dropped (Django closes the temporary file, which deletes it), the file is not in `request.FILES`, the
rest of the body is read and discarded, and `refused(request)` returns the limit, which the view answers
with 413 and `too_large_message` in Chinese.

The limit is the view's own. A Django view declares it with `@upload_limit(getter)`; it is found through
the URL resolver, because CSRF middleware parses the body before the view runs. Code that runs before
the body is parsed may set `request.upload_max_bytes` instead (the API's idempotency wrapper does, from
the operation's `@upload_limit`). Any other view gets `default_limit()`: the largest file any import of
the platform accepts.

It lives in core because the whole platform uses it: the upload handler in settings, the API's
idempotency wrapper, the import and data-reporting pages (the import app's `uploads` module re-exports it).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.urls import Resolver404, resolve

ATTRIBUTE = "upload_max_bytes"
REFUSED = "upload_refused_at"


def upload_limit(getter: Callable[[], int] | int):
    """Mark a view (or an API operation's function) with the largest upload it accepts, in bytes."""

    def decorate(view):
        setattr(view, ATTRIBUTE, getter)
        return view

    return decorate


def default_limit() -> int:
    """For views that declare no limit: the larger of the import and the data-reporting limits."""
    return max(
        int(settings.PUHUI_IMPORT_MAX_BYTES),
        int(getattr(settings, "PUHUI_DATA_MAX_BYTES", 256 * 1024 * 1024)),
    )


def _value(limit) -> int | None:
    if limit is None:
        return None
    return int(limit() if callable(limit) else limit)


def limit_for(request) -> int:
    explicit = _value(getattr(request, ATTRIBUTE, None))
    if explicit is not None:
        return explicit
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        view = None
    declared = _value(getattr(view, ATTRIBUTE, None))
    return declared if declared is not None else default_limit()


class LimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of every file in one request; stops the upload once they exceed the view's limit."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = limit_for(self.request)
        self.received = 0
        return None  # the multipart parser does the parsing

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            setattr(self.request, REFUSED, self.limit)
            # Not connection_reset: the rest of the body is read and dropped, so the client gets the 413.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler builds the file


def refused(request) -> int | None:
    """The limit an upload of this request exceeded (it was stopped and dropped), or None."""
    if request.method == "POST":
        request.FILES  # noqa: B018 - parse the body now, if nothing has yet
    return getattr(request, REFUSED, None)


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} 字节"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1048576:.1f} MB"


def too_large_message(limit: int) -> str:
    return f"文件大小超过上限 {human_size(limit)}，已停止接收，未作处理；请减小文件后重新上传"
