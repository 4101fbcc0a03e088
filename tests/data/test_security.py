"""Security of the data capability (issue “Security and reliability”).

H2 — uploaded originals: encrypted on disk, never served to the administrator, every download audited,
deleted after the retention period (`puhui purge_uploads`), legacy clear files encrypted in place.
M1 — member units read the county's figures and their own, not the banks' or the towns': on the pages,
in the Excel export and through the API.
"""

import datetime
import io
import json
import os
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from puhui.api.services import token_create
from puhui.core import sealed_files
from puhui.core.models import AuditLog
from puhui.data import derived, services
from puhui.data.models import IndicatorValue, Submission
from tests.api.conftest import ApiClient
from tests.data.conftest import loan_row, loans_csv, upload

pytestmark = pytest.mark.usefixtures("catalogue")

BORROWER = loan_row(1)["借款人证件号码"]


@pytest.fixture(autouse=True)
def _spool(settings, tmp_path):
    settings.PUHUI_DATA_SPOOL_DIR = str(tmp_path / "spool")
    (tmp_path / "spool").mkdir()


@pytest.fixture
def original() -> bytes:
    return loans_csv([loan_row(1), loan_row(2)])


@pytest.fixture
def sub(login, users, original) -> Submission:
    r = upload(login(users["abc"]), "loans", "2020Q1", original, name="农行2020Q1.csv")
    assert r.status_code == 302
    return Submission.objects.get()


def _files(root) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()]


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


# ---------------------------------------------------------------- H2: originals


def test_the_original_on_disk_holds_no_clear_id_number(settings, tmp_path, sub, original):
    assert BORROWER.encode() in original  # the upload itself does
    files = _files(settings.MEDIA_ROOT)
    assert [p.relative_to(settings.MEDIA_ROOT).as_posix() for p in files] == [sub.file]
    raw = files[0].read_bytes()
    assert raw.startswith(sealed_files.FILE_MAGIC)
    assert BORROWER.encode() not in raw and "借据号".encode() not in raw and b"L00001" not in raw
    assert _files(tmp_path / "spool") == []  # the clear copy made for the check is gone


def test_the_administrator_never_gets_the_original(login, users, sub):
    admin = login(users["admin"])
    assert admin.get(f"/data/submissions/{sub.pk}/file/").status_code == 404
    page = admin.get(f"/data/submissions/{sub.pk}/").content.decode()
    assert f"/data/submissions/{sub.pk}/file/" not in page
    with pytest.raises(PermissionDenied):
        services.submission_file_open(actor=users["admin"], submission=sub)
    assert not AuditLog.objects.filter(action="unmask").exists()


@pytest.mark.parametrize("who", ["office", "abc"])
def test_a_download_returns_the_original_and_is_audited(login, users, sub, original, who):
    r = login(users[who]).get(f"/data/submissions/{sub.pk}/file/")
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    assert "attachment" in r["Content-Disposition"]
    assert _body(r) == original
    log = AuditLog.objects.get(action="unmask", object_type="data.Submission")
    assert (log.actor, log.object_id) == (users[who], str(sub.pk))
    assert "下载原始文件" in log.note and "农行2020Q1.csv" in log.note


def test_others_get_404_and_leave_no_audit_entry(login, users, sub):
    for who in ("rcb", "member", "town_lishan", "public"):
        assert login(users[who]).get(f"/data/submissions/{sub.pk}/file/").status_code == 404
    assert not AuditLog.objects.filter(action="unmask").exists()


def test_purge_deletes_originals_past_the_retention_period(login, users, settings, sub, original):
    settings.PUHUI_UPLOAD_RETENTION_DAYS = 180
    path = Path(settings.MEDIA_ROOT) / sub.file
    Submission.objects.filter(pk=sub.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=179))
    call_command("purge_uploads", stdout=io.StringIO())
    assert path.is_file()  # still within the period
    assert _body(login(users["office"]).get(f"/data/submissions/{sub.pk}/file/")) == original
    Submission.objects.filter(pk=sub.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=181))
    out = io.StringIO()
    call_command("purge_uploads", stdout=out)
    assert "1 份报送" in out.getvalue()
    assert not path.exists() and _files(settings.MEDIA_ROOT) == []
    sub.refresh_from_db()
    assert sub.file == "" and sub.file_purged_at is not None
    assert sub.row_count == 2  # the data stay; only the original goes
    office = login(users["office"])
    r = office.get(f"/data/submissions/{sub.pk}/file/")
    assert r.status_code == 410 and "原件已按保存期限删除" in r.content.decode()
    assert "原件已按保存期限删除" in office.get(f"/data/submissions/{sub.pk}/").content.decode()
    assert login(users["admin"]).get(f"/data/submissions/{sub.pk}/file/").status_code == 404
    log = AuditLog.objects.get(action="delete", object_type="data.Submission")
    assert log.after["submissions"] == [sub.pk] and "180 天" in log.note
    call_command("purge_uploads", stdout=io.StringIO())  # nothing left to do, nothing logged
    assert AuditLog.objects.filter(action="delete").count() == 1


def test_a_legacy_clear_original_is_encrypted_in_place(login, users, settings, sub, original):
    path = Path(settings.MEDIA_ROOT) / sub.file
    path.write_bytes(original)  # as stored before encryption at rest
    assert _body(login(users["office"]).get(f"/data/submissions/{sub.pk}/file/")) == original
    out = io.StringIO()
    call_command("purge_uploads", stdout=out)
    assert "已加密明文保存的旧文件 1 个" in out.getvalue()
    assert BORROWER.encode() not in path.read_bytes() and sealed_files.original_is_encrypted(sub.file)
    assert _body(login(users["office"]).get(f"/data/submissions/{sub.pk}/file/")) == original
    assert sealed_files.original_encrypt_in_place(sub.file) is False  # idempotent


def test_a_refused_upload_keeps_no_file(login, users, settings, tmp_path):
    r = upload(login(users["abc"]), "loans", "2020Q1", loans_csv([loan_row(1, **{"贷款金额（元）": "x"})]))
    assert r.status_code == 302 and not Submission.objects.exists()
    assert _files(settings.MEDIA_ROOT) == [] and _files(tmp_path / "spool") == []


def test_large_originals_stream_in_chunks_and_tampering_is_detected(settings):
    data = os.urandom(2 * sealed_files.FILE_CHUNK + 12345)
    relative = "data/uploads/test/big.bin"
    assert sealed_files.original_write(relative, io.BytesIO(data)) == len(data)
    assert b"".join(sealed_files.original_chunks(relative)) == data
    path = sealed_files.original_path(relative)
    raw = bytearray(path.read_bytes())
    assert len(raw) == len(sealed_files.FILE_MAGIC) + 7 + len(data) + 3 * 16
    raw[-100] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(InvalidTag):
        b"".join(sealed_files.original_chunks(relative))
    sealed_files.original_write(relative, data)
    chunk = sealed_files.FILE_CHUNK + 16
    path.write_bytes(path.read_bytes()[: len(sealed_files.FILE_MAGIC) + 7 + 2 * chunk])  # last chunk cut off
    with pytest.raises(InvalidTag):
        b"".join(sealed_files.original_chunks(relative))
    settings.FIELD_ENCRYPTION_KEY = "another-key"
    sealed_files.original_write(relative, data)
    settings.FIELD_ENCRYPTION_KEY = "yet-another-key"
    with pytest.raises(InvalidTag):
        b"".join(sealed_files.original_chunks(relative))


# ---------------------------------------------------------------- M1: member units' figures


@pytest.fixture
def agri_user(orgs):
    """A member unit that reports (the agriculture bureau sends 农业保险基础数据表)."""
    from puhui.core.models import User

    return User.objects.create(username="agri", role="member_unit", organisation=orgs["agri"])


@pytest.fixture
def figures(users, orgs):
    """Approved loan files from both banks, figures computed; one institution-level figure for the
    agriculture bureau (a member unit's own figure)."""
    for who, n in (("abc", 1), ("rcb", 2)):
        up = services.upload_start(
            actor=users[who],
            institution=orgs[who],
            form_code="loans",
            period_code="2020Q1",
            channel="page",
            file=loans_csv([loan_row(n)]),
            filename=f"{who}.csv",
        )
        assert up.status == "succeeded", up.errors
        services.submission_review(actor=users["office"], submission=up.submission, approve=True)
    derived.compute_all()
    values = IndicatorValue.objects.filter(indicator_code="loan_balance", period__code="2020Q1")
    own = values.get(level="institution", organisation=orgs["abc"])
    own.pk, own.organisation = None, orgs["agri"]
    own.save()
    return {
        "county": values.get(level="county"),
        "abc": values.get(level="institution", organisation=orgs["abc"]),
        "own": own,
        "town": values.filter(level="town").first(),
        "village": IndicatorValue.objects.filter(level="village").first(),
    }


BROWSE = "/data/indicators/?indicator=loan_balance&period=2020Q1"


def test_member_unit_pages_show_county_and_own_figures_only(login, users, agri_user, figures):
    member = login(users["member"])  # 金融证券工作服务中心: reports nothing
    assert member.get(f"/data/values/{figures['county'].pk}/").status_code == 200
    for leak in ("abc", "own", "town", "village"):
        assert member.get(f"/data/values/{figures[leak].pk}/").status_code == 404, leak
    for level in ("institution", "town", "village"):
        assert member.get(f"{BROWSE}&level={level}").status_code == 404, level
    assert member.get(f"{BROWSE}&level=county").status_code == 200
    detail = member.get("/data/targets/agri_loan_growth/?as_of=2020Q1").content.decode()
    assert "鲁村镇" not in detail and "历山街道" not in detail  # no distribution by town

    agri = login(agri_user)
    assert agri.get(f"/data/values/{figures['own'].pk}/").status_code == 200
    assert agri.get(f"/data/values/{figures['abc'].pk}/").status_code == 404
    assert agri.get(f"/data/values/{figures['town'].pk}/").status_code == 404
    page = agri.get(f"{BROWSE}&level=institution").content.decode()
    assert "县农业农村局" in page and "农行" not in page and "农村商业银行" not in page
    assert agri.get(f"{BROWSE}&level=town").status_code == 404
    # The office still sees every level.
    assert login(users["office"]).get(f"{BROWSE}&level=town").status_code == 200


def _cells(response) -> list:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [c for row in sheet.iter_rows(values_only=True) for c in row]


def test_member_unit_export_holds_no_bank_or_town_figures(login, users, agri_user, figures):
    member = login(users["member"])
    for level in ("institution", "town", "village"):
        assert member.get(f"{BROWSE}&level={level}&export=xlsx").status_code == 404, level
    assert member.get(f"{BROWSE}&level=county&export=xlsx").status_code == 200
    r = login(agri_user).get(f"{BROWSE}&level=institution&export=xlsx")
    assert r.status_code == 200
    cells = _cells(r)
    assert "NYNCJ" in cells and "ABC-YY" not in cells and "RCB-YY" not in cells
    assert "ABC-YY" in _cells(login(users["office"]).get(f"{BROWSE}&level=institution&export=xlsx"))


def test_member_unit_api_values_are_county_and_own(users, orgs, figures):
    def client(org):
        _t, raw = token_create(actor=users["admin"], organisation=orgs[org], name=f"成员单位 {org}")
        return ApiClient(raw)

    def orgs_of(api, level):
        r = api.get("/data/values", {"indicator": "loan_balance", "period": "2020Q1", "level": level})
        assert r.status_code == 200
        return [v["organisation_id"] for v in json.loads(r.content)["items"]]

    centre, agri = client("finance_centre"), client("agri")
    assert orgs_of(centre, "institution") == []
    assert orgs_of(agri, "institution") == [orgs["agri"].pk]
    for api in (centre, agri):
        assert orgs_of(api, "town") == [] and orgs_of(api, "village") == []
        assert len(orgs_of(api, "county")) == 1
    assert len(orgs_of(client("pboc"), "institution")) == 3  # the office: both banks and the bureau
