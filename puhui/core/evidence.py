"""Checking evidence uploads (reports, objections): the type comes from the file's bytes, never its name."""

import hashlib
import zipfile
from dataclasses import dataclass
from io import BytesIO

from django.core.exceptions import ValidationError

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_REPORT = 10

ALLOWED = {
    "application/pdf": "PDF",
    "image/png": "PNG 图片",
    "image/jpeg": "JPEG 图片",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel（xlsx）",
    "application/vnd.ms-excel": "Excel（xls）",
}


@dataclass
class CheckedFile:
    name: str
    content: bytes
    content_type: str
    sha256: str


def sniff(content: bytes) -> str | None:
    """The MIME type of an allowed file, judged by its magic bytes (and, for xlsx, its zip members)."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/vnd.ms-excel"  # OLE2 compound file: legacy .xls
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(content)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            return None
        if "xl/workbook.xml" in names and "[Content_Types].xml" in names:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def check_evidence(files) -> list[CheckedFile]:
    """Read and check uploaded files (Django UploadedFile or (name, bytes) pairs); every problem is reported."""
    problems = []
    checked = []
    files = list(files)
    if len(files) > MAX_FILES_PER_REPORT:
        problems.append(f"每份报告最多上传 {MAX_FILES_PER_REPORT} 个佐证材料。")
    for f in files:
        if isinstance(f, tuple):
            name, content = f
        else:
            name = f.name
            if f.size > MAX_EVIDENCE_BYTES:
                problems.append(f"“{name}”超过 {MAX_EVIDENCE_BYTES // 1024 // 1024} MB，未接收。")
                continue
            content = f.read()
        name = (name or "附件").replace("\\", "/").rsplit("/", 1)[-1][:200]
        if len(content) > MAX_EVIDENCE_BYTES:
            problems.append(f"“{name}”超过 {MAX_EVIDENCE_BYTES // 1024 // 1024} MB，未接收。")
            continue
        if not content:
            problems.append(f"“{name}”是空文件。")
            continue
        content_type = sniff(content)
        if content_type is None:
            problems.append(f"“{name}”不是允许的文件类型（只接收 PDF、PNG/JPEG 图片和 Excel）。")
            continue
        checked.append(
            CheckedFile(
                name=name,
                content=content,
                content_type=content_type,
                sha256=hashlib.sha256(content).hexdigest(),
            )
        )
    if problems:
        raise ValidationError(problems)
    return checked
