"""The one writer for every CSV and xlsx the platform hands out, and the response that carries it.

Text typed by one user (a bank's note, an organisation's name) reaches another user's spreadsheet. A cell
that starts with = + - @ or a tab/carriage return is run as a formula by Excel and WPS (OWASP "CSV
injection"), and openpyxl stores any string starting with "=" as a formula. So:
- CSV: such text gets a leading apostrophe, which spreadsheets show as text; plain numbers ("-12.50") are
  left alone so amounts stay numbers.
- xlsx: such text is written as a string cell, so it shows exactly as typed and never runs.
"""

import csv
import datetime
import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape as xml_escape

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.packaging.relationship import RelationshipList
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$")
# Excel refuses these in a sheet title, and allows at most 31 characters.
_SHEET_FORBIDDEN = re.compile(r"[:\\/?*\[\]]")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV = "text/csv; charset=utf-8"
YAML = "application/x-yaml"
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


def style_header(ws, widths: Sequence[int]) -> None:
    """The first row of a (non-streaming) sheet as a header: bold on light blue, wrapped, frozen; column widths."""
    from openpyxl.styles import Alignment, Font, PatternFill

    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = width
    ws.freeze_panes = "A2"


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


# ----- streamed xlsx -----


class _Sink:
    """An unseekable file the zip is written into and the response drains as it goes (zipfile then writes
    each entry with a data descriptor instead of seeking back to its header)."""

    def __init__(self):
        self._parts: list[bytes] = []
        self._pos = 0

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        self._pos += len(data)
        return len(data)

    def tell(self) -> int:
        return self._pos

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


class _PartsAfterSheet(ExcelWriter):
    """openpyxl's workbook writer for everything but the sheet, which `streaming_xlsx` has already written."""

    def write_worksheet(self, ws):
        ws._drawing = SpreadsheetDrawing()
        ws._rels = RelationshipList()
        self.manifest.append(ws)


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML 1.0 (openpyxl refuses them too)
_ROWS = "ROWS-GO-HERE"


def _sheet_frame(ws) -> tuple[bytes, bytes]:
    """openpyxl's own XML for the sheet (views, frozen header, column widths) around its rows."""
    out = io.BytesIO()
    writer = WorksheetWriter(ws, out=out)
    writer.write_top()
    xf = writer.xf.send(True)
    with xf.element("sheetData"):
        xf.write(_ROWS)
    writer.xf.send(None)
    writer.write_tail()
    writer.close()
    head, tail = out.getvalue().split(_ROWS.encode())
    return head, tail


def _style_id(ws, value, font=None) -> int:
    """The style openpyxl gives such a cell (a date's number format, a bold font), registered in the book."""
    cell = WriteOnlyCell(ws, value)
    if font is not None:
        cell.font = font
    return cell.style_id


class _RowWriter:
    """Rows as SpreadsheetML, written directly: text as inline strings (never a formula, whatever it
    starts with), numbers as numbers, dates as Excel serial days in openpyxl's date styles. openpyxl's
    per-cell objects cost ~10x more and a 50,000-row export is mostly cells."""

    def __init__(self, ws, columns: int):
        self.letters = [get_column_letter(i) for i in range(1, columns + 1)]
        self.date = _style_id(ws, datetime.date(2000, 1, 1))
        self.datetime = _style_id(ws, datetime.datetime(2000, 1, 1, 1, 1))
        self.bold = _style_id(ws, "", Font(bold=True))

    def row(self, n: int, values: Iterable, *, header: bool = False) -> str:
        cells = []
        for letter, v in zip(self.letters, values, strict=False):
            if v is None or v == "":
                continue
            ref = f"{letter}{n}"
            if isinstance(v, bool):
                v = "是" if v else "否"
            if isinstance(v, int | float | Decimal) and not (isinstance(v, float) and not math.isfinite(v)):
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            elif isinstance(v, datetime.datetime):
                cells.append(
                    f'<c r="{ref}" s="{self.datetime}"><v>{to_excel(v.replace(tzinfo=None))}</v></c>'
                )
            elif isinstance(v, datetime.date):
                cells.append(f'<c r="{ref}" s="{self.date}"><v>{to_excel(v)}</v></c>')
            else:
                text = xml_escape(_ILLEGAL.sub("", str(v)))
                style = f' s="{self.bold}"' if header else ""
                cells.append(
                    f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
                )
        return f'<row r="{n}">{"".join(cells)}</row>'


def streaming_xlsx(
    header: Sequence[str], rows: Iterable[Iterable], *, title: str = "Sheet1", widths: Sequence[int] = ()
) -> Iterator[bytes]:
    """An .xlsx of one sheet, yielded in pieces while `rows` is read: the first bytes leave before the last
    row exists and memory stays flat. The zip is written into a sink the response drains (no temporary
    file); openpyxl writes the sheet's frame (frozen, bold header row, column widths), the styles and the
    workbook parts, which follow the rows in the zip. Text is stored as text, never as a formula."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(title))
    ws._id = 1  # its part name (xl/worksheets/sheet1.xml) is needed before the workbook writer numbers it
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    writer = _RowWriter(ws, len(header))
    head, tail = _sheet_frame(ws)
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(ws.path[1:], "w", force_zip64=True) as entry:
            entry.write(head + writer.row(1, header, header=True).encode())
            batch = []
            for n, row in enumerate(rows, 2):
                batch.append(writer.row(n, row))
                if len(batch) == 500:
                    entry.write("".join(batch).encode())
                    batch.clear()
                    yield sink.drain()
            entry.write("".join(batch).encode() + tail)
        _PartsAfterSheet(wb, archive).write_data()
    yield sink.drain()
