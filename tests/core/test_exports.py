"""The one export writer: formula-like text never runs, numbers stay numbers, every sheet title is valid."""

import csv
import io

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from puhui.core import exports


def test_csv_neutralises_every_formula_start():
    for text in ("=1+1", "+1+1", "-1+cmd", "@SUM(A1)", "\t=1", "\r=1"):
        line = exports.csv_line([text])
        assert next(csv.reader(io.StringIO(line)))[0] == "'" + text


def test_csv_keeps_numbers_and_ordinary_text():
    assert exports.csv_line(["-12.50", "+3", "1e5", "农行", 42, None]) == "-12.50,+3,1e5,农行,42,\r\n"


def test_csv_bytes_carry_a_bom():
    assert exports.csv_bytes([["名称"]]).startswith("\ufeff".encode())


def _reload(content: bytes):
    return load_workbook(io.BytesIO(content))


def test_xlsx_ordinary_sheet_stores_formula_text_as_text():
    wb = Workbook()
    wb.active.append(['=HYPERLINK("http://x")', 5, "普通"])
    ws = _reload(exports.xlsx_bytes(wb)).active
    assert ws["A1"].data_type == "s" and ws["A1"].value == '=HYPERLINK("http://x")'
    assert ws["B1"].value == 5


def test_xlsx_write_only_rows_store_formula_text_as_text():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(exports.sheet_title("a/b:c"))
    ws.append(exports.xlsx_row(ws, ["=1+1", "-5", 3]))
    out = _reload(exports.xlsx_bytes(wb))
    row = next(out.active.iter_rows())
    assert (row[0].data_type, row[0].value) == ("s", "=1+1")
    assert row[2].value == 3
    assert out.sheetnames == ["a_b_c"]


@given(st.text(min_size=0, max_size=60))
def test_any_name_makes_a_sheet_title_excel_accepts(name):
    wb = Workbook()
    title = exports.sheet_title(name)
    wb.active.title = title  # openpyxl raises on a forbidden character or an over-long title
    assert 1 <= len(title) <= 31


def test_download_names_are_encoded_for_chinese():
    r = exports.download(b"x", "任务分解表.xlsx", exports.XLSX)
    assert r["Content-Disposition"].startswith("attachment; filename*=utf-8''")
