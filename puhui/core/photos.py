"""Photos as evidence (an event, an inspection): real images only — Pillow opens and verifies them, the type
comes from the bytes, never the name —, within a size limit, kept encrypted at rest (`core.sealed_files`).

Every photo is checked before anything is written; the files are written last and removed again if the
write fails, so a refused or failed upload leaves neither rows nor files behind. An app keeps its own photo
rows; `photos_seal` writes the files and hands each back with its path.
"""

import contextlib
import hashlib
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import Image

from puhui.core import sealed_files

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 6
MAX_PIXELS = 40_000_000  # a phone camera's largest photo is ≈ 50 MP; more is a decompression bomb
FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}


@dataclass
class CheckedPhoto:
    name: str
    content: bytes
    content_type: str
    suffix: str
    width: int
    height: int
    sha256: str


def _read(f) -> tuple[str, bytes | None]:
    if isinstance(f, tuple):
        return f
    if f.size > MAX_PHOTO_BYTES:
        return f.name, None
    return f.name, f.read()


def _image(content: bytes) -> tuple[str, int, int] | None:
    """(format, width, height) of a verified JPEG or PNG, else None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(content)) as img:
                fmt, (width, height) = img.format, img.size
                img.verify()
    except Exception:  # Pillow raises many kinds for a file that is not a whole image
        return None
    if fmt not in FORMATS or width * height > MAX_PIXELS:
        return None
    return fmt, width, height


def photos_check(
    files, *, already: int = 0, required: bool = False, what: str = "活动照片", field: str = "photos"
) -> list[CheckedPhoto]:
    """Read and check uploads (Django UploadedFile or (name, bytes) pairs); every problem is reported."""
    files = list(files or ())
    problems = []
    if required and not files:
        raise ValidationError({field: f"请上传至少 1 张{what}作为佐证。"})
    if already + len(files) > MAX_PHOTOS:
        raise ValidationError({field: f"{what}最多 {MAX_PHOTOS} 张（已有 {already} 张）。"})
    checked = []
    for f in files:
        name, content = _read(f)
        name = (name or "照片").replace("\\", "/").rsplit("/", 1)[-1][:200]
        if content is None or len(content) > MAX_PHOTO_BYTES:
            problems.append(f"“{name}”超过 {MAX_PHOTO_BYTES // 1024 // 1024} MB，未接收。")
            continue
        found = _image(content) if content else None
        if found is None:
            problems.append(f"“{name}”不是有效的图片（只接收手机拍摄的照片或常见格式的图片文件）。")
            continue
        fmt, width, height = found
        content_type, suffix = FORMATS[fmt]
        checked.append(
            CheckedPhoto(
                name, content, content_type, suffix, width, height, hashlib.sha256(content).hexdigest()
            )
        )
    if problems:
        raise ValidationError({field: problems})
    return checked


def photos_seal(
    upload_dir: str, checked: list[CheckedPhoto], row: Callable[[CheckedPhoto, str], object]
) -> list:
    """Seal each photo under `upload_dir` and make its row with `row(photo, relative_path)`; on any failure the
    files written so far are removed (the caller's transaction drops the rows)."""
    written, rows = [], []
    try:
        for c in checked:
            relative = f"{upload_dir}/{timezone.localdate():%Y%m}/{uuid.uuid4().hex}{c.suffix}"
            sealed_files.original_write(relative, c.content)
            written.append(relative)
            rows.append(row(c, relative))
        return rows
    except BaseException:
        for relative in written:
            with contextlib.suppress(OSError):
                sealed_files.original_delete(relative)
        raise


def photo_chunks(path: str):
    return sealed_files.original_chunks(path)
