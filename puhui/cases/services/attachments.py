"""Attachments of cases and publicity records: Word, PDF and images. The type comes from the bytes, never the
name (`core.evidence.sniff` for PDF and images, plus the Word formats here); an image must open whole in Pillow
(`core.photos`); each file within the size limit. Every file is checked before anything is written; the files
are sealed at rest (`core.sealed_files`) and written last, and removed again if the write fails."""

import contextlib
import hashlib
import uuid
import zipfile
from dataclasses import dataclass
from io import BytesIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from puhui.core import photos, sealed_files
from puhui.core.evidence import sniff

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 10
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC = "application/msword"
PDF = "application/pdf"
IMAGES = {"image/jpeg": ".jpg", "image/png": ".png"}
SUFFIX = {DOCX: ".docx", DOC: ".doc", PDF: ".pdf", **IMAGES}
KINDS_CN = "Word（doc、docx）、PDF 和 JPEG、PNG 图片"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORD_STREAM = "WordDocument".encode("utf-16-le")  # the stream every Word 97–2003 file has


@dataclass
class CheckedFile:
    name: str
    content: bytes
    content_type: str
    sha256: str


def file_type(content: bytes) -> str | None:
    """The MIME type of an allowed attachment judged from its bytes, else None."""
    if content.startswith(_OLE2):
        return DOC if _WORD_STREAM in content[: 1 << 20] else None  # an old Excel file is not a write-up
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(content)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            return None
        return DOCX if {"word/document.xml", "[Content_Types].xml"} <= names else None
    found = sniff(content)
    return found if found == PDF or found in IMAGES else None


def _read(f) -> tuple[str, bytes | None]:
    if isinstance(f, tuple):
        return f
    return f.name, (None if f.size > MAX_FILE_BYTES else f.read())


def _image_problem(name: str, content: bytes) -> str | None:
    try:
        photos.photos_check([(name, content)], what="图片")
    except ValidationError as e:
        return e.messages[0]
    return None


def files_check(files, *, already: int = 0, field: str = "files") -> list[CheckedFile]:
    """Read and check uploads (Django UploadedFile or (name, bytes) pairs); every problem is reported."""
    files = [f for f in (files or ()) if f]
    if already + len(files) > MAX_FILES:
        raise ValidationError({field: f"附件最多 {MAX_FILES} 个（已有 {already} 个）。"})
    problems, checked = [], []
    for f in files:
        name, content = _read(f)
        name = (name or "附件").replace("\\", "/").rsplit("/", 1)[-1][:200]
        if content is None or len(content) > MAX_FILE_BYTES:
            problems.append(f"“{name}”超过 {MAX_FILE_BYTES // 1024 // 1024} MB，未接收。")
            continue
        if not content:
            problems.append(f"“{name}”是空文件。")
            continue
        content_type = file_type(content)
        if content_type is None:
            problems.append(f"“{name}”不是允许的文件类型（只接收 {KINDS_CN}）。")
            continue
        if content_type in IMAGES and (problem := _image_problem(name, content)):
            problems.append(problem)
            continue
        checked.append(CheckedFile(name, content, content_type, hashlib.sha256(content).hexdigest()))
    if problems:
        raise ValidationError({field: problems})
    return checked


def files_store(model, parent_field: str, parent, checked: list[CheckedFile], upload_dir: str) -> list:
    """Seal each file under `upload_dir` and add its row; on a failure the files written so far are removed
    (the caller's transaction drops the rows)."""
    written, rows = [], []
    try:
        for c in checked:
            relative = f"{upload_dir}/{timezone.localdate():%Y%m}/{uuid.uuid4().hex}{SUFFIX[c.content_type]}"
            sealed_files.original_write(relative, c.content)
            written.append(relative)
            rows.append(
                model(
                    **{parent_field: parent}, path=relative, name=c.name, content_type=c.content_type,
                    size=len(c.content), sha256=c.sha256,
                )
            )  # fmt: skip
        return model.objects.bulk_create(rows)
    except BaseException:
        for relative in written:
            with contextlib.suppress(OSError):
                sealed_files.original_delete(relative)
        raise


def files_remove(queryset, ids) -> list[str]:
    """Remove the given attachments of one record (ids outside `queryset` are ignored); the files go once the
    transaction commits, so a failed write keeps them. Returns the names removed."""
    ids = {int(i) for i in ids or () if str(i).isdigit()}
    rows = list(queryset.filter(pk__in=ids)) if ids else []
    for row in rows:
        transaction.on_commit(lambda p=row.path: sealed_files.original_delete(p))
    queryset.filter(pk__in=[r.pk for r in rows]).delete()
    return [r.name for r in rows]


def file_chunks(item):
    return sealed_files.original_chunks(item.path)
