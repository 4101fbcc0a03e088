"""Fixtures for the data capability: the catalogue, periods, and CSV/XLSX/JSON loan files."""

import csv
import io
import json

import pytest
from django.test import Client
from stdnum.cn import ric, uscc

LOAN_HEADER = [
    "借据号",
    "借款人证件号码",
    "借款人类型",
    "所在区划代码",
    "贷款金额（元）",
    "贷款余额（元）",
    "年利率（%）",
    "发放日期",
    "到期日期",
    "担保方式",
    "信用贷款",
    "首贷",
    "涉农贷款",
    "贷款状态",
]


def resident_id(area: str, birth: str, seq: str = "001") -> str:
    body = f"{area}{birth}{seq}"
    return body + ric.calc_check_digit(body + "0")


def make_uscc(body17: str) -> str:
    return body17 + uscc.calc_check_digit(body17)


def loan_row(n=1, **kw):
    row = {
        "借据号": f"L{n:05d}",
        "借款人证件号码": resident_id("370323", "19900101", f"{n % 1000:03d}"),
        "借款人类型": "农户",
        "所在区划代码": "370323102201",
        "贷款金额（元）": "50000.00",
        "贷款余额（元）": "40000.00",
        "年利率（%）": "5.5",
        "发放日期": "2020-01-10",
        "到期日期": "2021-01-09",
        "担保方式": "信用",
        "信用贷款": "是",
        "首贷": "否",
        "涉农贷款": "是",
        "贷款状态": "正常",
    }
    row.update(kw)
    return row


def loans_csv(rows, header=LOAN_HEADER, encoding="utf-8") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    for r in rows:
        w.writerow([r.get(h, "") for h in header])
    return buf.getvalue().encode(encoding)


@pytest.fixture
def catalogue(db, users):
    from puhui.data import services

    services.catalogue_sync(actor=users["office"])


@pytest.fixture
def q1(db):
    from puhui.data import services

    return services.period_get("2020Q1")


@pytest.fixture
def orgs(county):
    """The test county's organisations plus an agriculture bureau and an insurer."""
    from puhui.core.models import Organisation

    agri = Organisation.objects.create(
        code="NYNCJ",
        name="沂源县农业农村局",
        short_name="县农业农村局",
        kind="government",
        plan_alias="县农业农村局",
    )
    agri.path = agri.compute_path()
    agri.save(update_fields=["path"])
    ins = Organisation.objects.create(code="PICC-YY", name="人保财险沂源支公司", kind="insurer")
    ins.path = ins.compute_path()
    ins.save(update_fields=["path"])
    return {**county, "agri": agri, "insurer": ins}


def upload(client: Client, form: str, period: str, content: bytes, name="loans.csv", comment=""):
    return client.post(
        f"/data/forms/{form}/{period}/upload/",
        {"file": _named(content, name), "comment": comment},
    )


def _named(content: bytes, name: str):
    f = io.BytesIO(content)
    f.name = name
    return f


def json_body(response):
    return json.loads(response.content)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUHUI_DATA_SPOOL_DIR = None


def xlsx_bytes(rows: list[list], sheet="贷款明细", merges=(), extra_sheets=()) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    for name in extra_sheets:
        wb.create_sheet(name)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
