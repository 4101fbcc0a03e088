"""Limits before parsing: how far an .xlsx inflates (every import reads through `open_table`), and the
upload size counted while the file arrives (the /imports/ page)."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from puhui.imports import tabular
from puhui.imports.services import SYSTEM_ACTOR, table_import
from puhui.imports.specs import DIVISIONS

from .conftest import DIV_HEADER, DIV_ROWS, db_state, make_csv, make_xlsx

URL = "/imports/"


def _inflated(content: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return sum(i.file_size for i in z.infolist())


def test_check_reads_the_central_directory_only(settings):
    content = make_xlsx([DIV_HEADER, DIV_ROWS[4]])
    assert tabular.check_inflated_size(io.BytesIO(content)) == _inflated(content)
    assert tabular.check_inflated_size(io.BytesIO(make_csv([DIV_HEADER]))) == 0  # not a zip: the reader says
    settings.PUHUI_IMPORT_MAX_INFLATED_BYTES = 1000
    f = io.BytesIO(content)
    f.read(10)
    try:
        tabular.check_inflated_size(f)
    except tabular.FileError as e:
        assert e.reason.startswith("文件解压后过大") and "超过上限 1000 字节" in e.reason
    else:
        raise AssertionError("not refused")
    assert f.tell() == 0  # left at its start for the reader


def test_an_xlsx_inflating_past_the_limit_is_refused_and_nothing_stored(county, settings):
    # Valid villages whose XML (inline strings) is several times the file: the limit is set just under it.
    rows = [DIV_HEADER] + [[f"3703231022{n:02d}", f"鲁村{n}村", "村", "370323102000"] for n in range(10, 99)]
    content = make_xlsx(rows)
    inflated = _inflated(content)
    assert inflated > 3 * len(content)
    settings.PUHUI_IMPORT_MAX_INFLATED_BYTES = inflated - 1
    before = db_state()
    result = table_import(actor=SYSTEM_ACTOR, kind="divisions", file=content, filename="区划.xlsx")
    assert not result.ok and result.created == 0
    [(row, _col, _value, reason)] = [(e.row, e.column, e.value, e.reason) for e in result.errors]
    assert row is None and reason.startswith("文件解压后过大：该 Excel 文件解压后达")
    assert "另存为 CSV" in reason
    assert db_state() == before
    settings.PUHUI_IMPORT_MAX_INFLATED_BYTES = inflated
    assert table_import(actor=SYSTEM_ACTOR, kind="divisions", file=content, filename="区划.xlsx").ok


def test_a_part_compressed_far_beyond_any_sheet_is_refused(settings):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<row/>" * (1_400_000))  # 8 MB of one tag
    content = buffer.getvalue()
    assert len(content) < 100_000
    parsed = tabular.parse(content, DIVISIONS, filename="区划.xlsx")
    [error] = list(parsed.errors)
    assert error.reason.startswith("文件解压后过大：其中“xl/worksheets/sheet1.xml”的压缩比达")
    assert "空白行" in error.reason


def test_the_page_stops_an_oversized_upload_while_it_arrives(login, users, settings):
    settings.PUHUI_IMPORT_MAX_BYTES = 2000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = login(users["office"])
    data = make_csv([DIV_HEADER] + [DIV_ROWS[0]] * 60)
    assert len(data) > 2000
    before = db_state()

    def post(**headers):
        return client.post(
            URL,
            {"kind": "divisions", "mode": "create", "file": SimpleUploadedFile("区划.csv", data)},
            headers=headers,
        )

    r = post()
    assert r.status_code == 413
    assert "文件大小超过上限 2.0 KB，已停止接收，未作处理" in r.content.decode()
    r = post(**{"HX-Request": "true"})  # htmx swaps only 2xx answers: the refusal goes in the result box
    assert r.status_code == 200 and "文件大小超过上限 2.0 KB" in r.content.decode()
    assert db_state() == before
