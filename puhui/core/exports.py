"""The one writer for every CSV and xlsx the platform hands out, and the response that carries it.

Text typed by one user (a bank's note, an organisation's name) reaches another user's spreadsheet. A cell
that starts with = + - @ or a tab/carriage return is run as a formula by Excel and WPS (OWASP "CSV
injection"), and openpyxl stores any string starting with "=" as a formula. So:
- CSV: such text gets a leading apostrophe, which spreadsheets show as text; plain numbers ("-12.50") are
  left alone so amounts stay numbers.
- xlsx: such text is written as a string cell, so it shows exactly as typed and never runs.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from openpyxl.cell import WriteOnlyCell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$")
# Excel refuses these in a sheet title, and allows at most 31 characters.
_SHEET_FORBIDDEN = re.compile(r"[:\\/?*\[\]]")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV = "text/csv; charset=utf-8"
BOM = "\ufeff"  # Excel opens a CSV with a BOM as UTF-8 instead of guessing the system code page


def is_formula_text(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.match(value)


def csv_cell(value):
    """A value safe to put in a CSV cell."""
    return "'" + value if is_formula_text(value) else value


class _Echo:
    def write(self, value):
        return value


_line_writer = csv.writer(_Echo(), lineterminator="\r\n")


def csv_line(cells: Iterable) -> str:
    return _line_writer.writerow([csv_cell(c) for c in cells])


def csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    """BOM, then one neutralised line per row: for streaming a large export."""
    yield BOM
    for row in rows:
        yield csv_line(row)


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    return "".join(csv_lines(rows)).encode("utf-8")


def sheet_title(name: str) -> str:
    """A sheet title Excel accepts, made from any text."""
    return (_SHEET_FORBIDDEN.sub("_", str(name)).strip("'") or "Sheet")[:31]


def xlsx_row(ws, values: Iterable) -> list:
    """A row for a write-only sheet's `append`, with formula-like text as string cells."""
    return [_text_cell(ws, v) if is_formula_text(v) else v for v in values]


def _text_cell(ws, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value)
    cell.data_type = "s"
    return cell


def xlsx_bytes(wb) -> bytes:
    """Save a workbook; in its ordinary sheets, text that openpyxl took for a formula is stored as text.

    Write-only sheets keep no cells to inspect: build their rows with `xlsx_row`.
    """
    for ws in getattr(wb, "worksheets", ()):
        if hasattr(ws, "iter_rows") and not getattr(wb, "write_only", False):
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def download(content: bytes | str, filename: str, content_type: str) -> HttpResponse:
    """A file the browser saves under its (Chinese) name."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def streaming_download(chunks: Iterable[str | bytes], filename: str, content_type: str = CSV):
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
