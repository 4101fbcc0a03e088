"""Opening a CSV or Excel file as rows of cells: size limits, format by content, encoding, sheets.

Part of the import engine (`puhui.imports.tabular` re-exports every name). `open_table` checks the file's
size and, for an Excel workbook, how far its zip parts inflate (`check_inflated_size`) before anything is
parsed, so one setting guards every import: the reference tables, the data submissions and the credit
archives.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import python_calamine
from django.conf import settings

from puhui.core.uploads import human_size  # noqa: F401  (tabular and the pages import it from here)
from puhui.imports.cells import FileError, is_empty

INSTRUCTIONS_SHEET = "填写说明"
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
TEXT_SUFFIXES = {".csv", ".txt"}
_CHUNK = 1 << 20
# A part that inflates more than this many times its compressed size is refused once it is large: real
# sheets compress about 10:1 (a 400,000-row loan sheet: 337 MB of XML in a 30 MB file).
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM = 4 * 1024 * 1024

# ---------------------------------------------------------------- reading files


@dataclass
class Source:
    """An open table: its rows as (row number as Excel shows it, cells), and how it was read."""

    format: str  # "csv" or "excel"
    rows: Iterator[tuple[int, list[Any]]]
    encoding: str = ""
    sheet: str = ""
    first_column: int = 0  # cells[0] is this column (0 = A)
    # Horizontally merged ranges as (first row, last row, first col, last col, "E8:F8"): rows as Excel shows
    # them, columns as indexes into cells. Only consulted for an empty required cell, to say why it is empty.
    merged_across: list[tuple[int, int, int, int, str]] = field(default_factory=list)

    def merge_covering(self, number: int, index: int) -> str:
        """The merged range ("E8:F8") an empty cell lies in, right of the range's first column, or ""."""
        for r0, r1, c0, c1, text in self.merged_across:
            if r0 <= number <= r1 and c0 < index <= c1:
                return text
        return ""

    @property
    def description(self) -> str:
        if self.format == "csv":
            return f"CSV（{self.encoding}）"
        return f"Excel（工作表“{self.sheet}”）"


def _size(f) -> int:
    size = getattr(f, "size", None)
    if isinstance(size, int):
        return size
    pos = f.tell()
    f.seek(0, os.SEEK_END)
    end = f.tell()
    f.seek(pos)
    return end - pos


def _decodes_as(f, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    f.seek(0)
    try:
        while chunk := f.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        f.seek(0)
    return True


ENCODING_LABELS = {
    "utf-8-sig": "UTF-8（带BOM）",
    "utf-8": "UTF-8",
    "gb18030": "GBK/GB18030",
    "utf-16": "UTF-16",
}


def detect_encoding(f) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 — what WPS and Excel save in China."""
    head = f.read(4)
    f.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    # A whole-file check, not a sample: a GBK file may be pure ASCII for its first megabytes.
    for encoding in ("utf-8", "gb18030"):
        if _decodes_as(f, encoding):
            return encoding
    raise FileError("无法识别文件的文字编码，请在 Excel/WPS 中另存为“CSV UTF-8”或“CSV（逗号分隔）”后重新上传")


def _csv_rows(f, encoding: str) -> Iterator[tuple[int, list[Any]]]:
    text = io.TextIOWrapper(f, encoding=encoding, newline="")
    try:
        first = text.readline()
        text.seek(0)
        # Excel's "Unicode text" and some exports are tab-separated.
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        reader = csv.reader(text, delimiter=delimiter)
        number = 0
        try:
            for number, cells in enumerate(reader, start=1):  # noqa: B007 - reported on a csv.Error
                yield number, cells
        except csv.Error as e:
            raise FileError(f"第 {number + 1} 行附近 CSV 格式错误：{e}") from None
    finally:
        text.detach()


def _excel_rows(sheet) -> Iterator[tuple[int, list[Any]]]:
    start = sheet.start
    if start is None:  # an empty sheet
        return
    first_col = start[1]
    # Vertically merged cells show their value on every row; calamine stores it only in the top cell.
    fills: dict[int, list[tuple[int, int]]] = {}  # row → [(column, top row)]
    tops_wanted: dict[int, list[int]] = {}  # top row → [column]
    for (r0, c0), (r1, _c1) in sheet.merged_cell_ranges or ():
        if r1 > r0:
            tops_wanted.setdefault(r0, []).append(c0 - first_col)
            for r in range(r0 + 1, r1 + 1):
                fills.setdefault(r, []).append((c0 - first_col, r0))
    tops: dict[tuple[int, int], Any] = {}
    # iter_rows starts at row 0 (A1's row) but at the first used column.
    for index, cells in enumerate(sheet.iter_rows()):
        for col in tops_wanted.get(index, ()):
            if 0 <= col < len(cells):
                tops[(index, col)] = cells[col]
        for col, r0 in fills.get(index, ()):
            if 0 <= col < len(cells) and is_empty(cells[col]):
                cells[col] = tops.get((r0, col), "")
        yield index + 1, cells


def _open_binary(file) -> tuple[Any, bool]:
    if isinstance(file, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(file)), True
    if isinstance(file, str | os.PathLike):
        return open(file, "rb"), True  # noqa: SIM115 - closed by open_table
    if hasattr(file, "open") and hasattr(file, "chunks"):  # a Django File: read its underlying file object
        file.open("rb")
        file = file.file
    file.seek(0)
    return file, False


def file_name(file, default: str = "") -> str:
    if isinstance(file, str | os.PathLike):
        return os.path.basename(os.fspath(file))
    return os.path.basename(getattr(file, "name", "") or default)


def max_inflated_bytes() -> int:
    """How far the parts of an .xlsx may inflate together (`PUHUI_IMPORT_MAX_INFLATED_BYTES`)."""
    return int(getattr(settings, "PUHUI_IMPORT_MAX_INFLATED_BYTES", 200 * 1024 * 1024))


def check_inflated_size(file, *, limit: int | None = None) -> int:
    """Refuse an .xlsx (a zip) that would inflate beyond `limit` bytes, before any XML is parsed.

    Reads only the zip's central directory (zipfile), so a 1 MB file holding 88 MB of sheet XML costs
    nothing to refuse; calamine and openpyxl would otherwise inflate and parse all of it. Also refused: a
    large part compressed more than MAX_COMPRESSION_RATIO:1, which real sheets never are. Takes a path
    or a seekable binary file (left at its start); returns the inflated total. Anything that is not a
    zip passes: the reader that follows says what is wrong with it.
    """
    limit = max_inflated_bytes() if limit is None else limit
    if not isinstance(file, str | os.PathLike):
        file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:  # closing it leaves a passed file object open
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        return 0
    finally:
        if not isinstance(file, str | os.PathLike):
            file.seek(0)
    total = sum(p.file_size for p in parts)
    if total > limit:
        raise FileError(
            f"文件解压后过大：该 Excel 文件解压后达 {human_size(total)}，超过上限 {human_size(limit)}，未作处理；"
            "请删除多余的工作表、空白行和格式后重新保存，或另存为 CSV 后上传"
        )
    for p in parts:
        if p.file_size >= RATIO_CHECKED_FROM and p.file_size > MAX_COMPRESSION_RATIO * max(
            1, p.compress_size
        ):
            raise FileError(
                f"文件解压后过大：其中“{p.filename}”的压缩比达 {p.file_size // max(1, p.compress_size):,}:1"
                f"（{human_size(p.compress_size)} 解压后 {human_size(p.file_size)}），正常的工作表不会如此，"
                "未作处理；请检查文件是否含有大量空白行或重复内容，或另存为 CSV 后上传"
            )
    return total


@contextlib.contextmanager
def open_table(
    file,
    *,
    filename: str = "",
    max_bytes: int | None = None,
    sheet: str | None = None,
    preferred_sheet: str = "",
    max_inflated: int | None = None,
):
    """Open CSV/Excel bytes, a path or a binary file object; raises FileError with the reason in Chinese.

    The size is checked before anything is parsed, and for an .xlsx also the size its parts inflate to
    (`check_inflated_size`; `max_inflated` defaults to PUHUI_IMPORT_MAX_INFLATED_BYTES). The format is
    told by content, not by the name (county staff rename files), and the name only has to be a CSV or
    Excel one if given.
    """
    filename = filename or file_name(file)
    suffix = os.path.splitext(filename)[1].lower()
    if suffix and suffix not in EXCEL_SUFFIXES | TEXT_SUFFIXES:
        raise FileError(f"不支持的文件类型“{suffix}”，请上传 CSV 或 Excel（.xlsx）文件")
    f, owned = _open_binary(file)
    source = None
    try:
        size = _size(f)
        if max_bytes is not None and size > max_bytes:
            raise FileError(f"文件大小 {human_size(size)}，超过上限 {human_size(max_bytes)}，未作处理")
        if size == 0:
            raise FileError("文件为空")
        head = f.read(8)
        f.seek(0)
        if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
            if head.startswith(b"PK"):
                check_inflated_size(f, limit=max_inflated)
            source = _open_excel(f, sheet=sheet, preferred_sheet=preferred_sheet)
            yield source
        else:
            if suffix in EXCEL_SUFFIXES:
                raise FileError(f"文件扩展名是“{suffix}”，但内容不是 Excel 工作簿")
            if sheet:
                raise FileError("CSV 文件没有工作表，不能指定工作表")
            encoding = detect_encoding(f)
            if encoding != "utf-16" and b"\x00" in f.read(_CHUNK):
                raise FileError("文件不是 CSV 文本文件")
            f.seek(0)
            source = Source(format="csv", rows=_csv_rows(f, encoding), encoding=ENCODING_LABELS[encoding])
            yield source
    finally:
        if source is not None:
            source.rows.close()  # a half-read CSV generator detaches its text wrapper before the file closes
        if owned:
            f.close()


MERGES_EXPLAINED = 1000  # a sheet merged all over is not worth a slower error path


def _open_excel(f, *, sheet: str | None, preferred_sheet: str) -> Source:
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(f)
    except python_calamine.PasswordError:
        raise FileError("Excel 文件设置了打开密码，请取消密码后再上传") from None
    except Exception:  # calamine raises several error types (zip, xml, format) for a broken file
        raise FileError("无法读取该 Excel 文件（文件可能已损坏，或不是 .xlsx/.xls 格式）") from None
    visible = [
        m.name
        for m in workbook.sheets_metadata
        if m.visible == python_calamine.SheetVisibleEnum.Visible
        and m.typ == python_calamine.SheetTypeEnum.WorkSheet
    ]
    if sheet:
        if sheet not in workbook.sheet_names:
            raise FileError(f"工作簿中没有名为“{sheet}”的工作表（现有：{'、'.join(workbook.sheet_names)}）")
        name = sheet
    elif preferred_sheet and preferred_sheet in visible:
        name = preferred_sheet
    else:
        candidates = [n for n in visible if n != INSTRUCTIONS_SHEET]
        if not candidates:
            raise FileError("工作簿中没有可导入的数据工作表")
        name = candidates[0]
    data = workbook.get_sheet_by_name(name)
    first_column = data.start[1] if data.start else 0
    across = [
        (
            r0 + 1,
            r1 + 1,
            c0 - first_column,
            c1 - first_column,
            f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}",
        )
        for (r0, c0), (r1, c1) in (data.merged_cell_ranges or ())[:MERGES_EXPLAINED]
        if c1 > c0
    ]
    return Source(
        format="excel", rows=_excel_rows(data), sheet=name, first_column=first_column, merged_across=across
    )


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
