"""The /imports/ page: office and admin only, upload with or without htmx, template downloads."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from puhui.core.models import AuditLog, Division
from puhui.imports.specs import DIVISIONS, ORGANISATIONS

from .conftest import DIV_HEADER, db_state, make_csv

URL = "/imports/"
GOOD = [DIV_HEADER, ["370323102203", "鲁村3村", "村", "370323102000", "100", "30", "20", "", ""]]


def upload(client, rows, kind="divisions", mode="create", name="区划.csv", htmx=False, encoding="utf-8"):
    data = {"kind": kind, "mode": mode, "file": SimpleUploadedFile(name, make_csv(rows, encoding))}
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(URL, data, headers=headers)


def test_url_name_and_navigation(login, users):
    assert reverse("import_upload") == URL
    r = login(users["office"]).get("/")
    assert any(item["url"] == URL for menu in r.context["nav_menus"] for item in menu["items"])


@pytest.mark.parametrize("who", ["office", "admin"])
def test_office_and_admin_see_the_form(login, users, who):
    r = login(users[who]).get(URL)
    assert r.status_code == 200
    html = r.content.decode()
    assert "数据导入" in html and 'name="file"' in html and "行政区划" in html and "机构" in html
    assert reverse("import_template", args=["divisions", "xlsx"]) in html


def test_office_uploads_a_csv(login, users):
    r = upload(login(users["office"]), GOOD, encoding="gbk")
    assert r.status_code == 200
    html = r.content.decode()
    assert "导入成功" in html and "新增 1 条" in html and "<html" in html
    village = Division.objects.get(code="370323102203")
    assert AuditLog.objects.get(action="create", object_id=str(village.pk)).actor == users["office"]


def test_htmx_upload_returns_only_the_result(login, users):
    r = upload(login(users["office"]), GOOD, htmx=True)
    html = r.content.decode()
    assert "导入成功" in html and "<html" not in html and 'data-testid="import-ok"' in html


def test_errors_are_shown_as_a_table_and_nothing_is_stored(login, users):
    client = login(users["office"])
    before = db_state()
    rows = [DIV_HEADER, ["370323102203", "鲁村3村", "村", "370323102000", "三百", "30", "20", "", ""]]
    r = upload(client, rows, htmx=True)
    html = r.content.decode()
    assert "没有保存任何数据" in html
    assert "<td>2</td><td>户籍人口</td>" in html and "不是整数" in html
    assert db_state() == before


def test_at_most_500_errors_are_listed_with_the_total(login, users):
    rows = [DIV_HEADER] + [[f"3703231{i:05d}", "x", "村", "370323102000", "bad"] for i in range(1, 601)]
    r = upload(login(users["office"]), rows)
    assert r.context["result"].errors.total == 600
    assert len(r.context["errors"]) == 500
    html = r.content.decode()
    assert "共有 600 处问题" in html and "仅列出前 500 处" in html


def test_form_errors_without_a_file(login, users):
    r = login(users["office"]).post(
        URL, {"kind": "divisions", "mode": "create"}, headers={"HX-Request": "true"}
    )
    assert r.status_code == 200 and "文件" in r.content.decode() and r.context["result"] is None


@pytest.mark.parametrize("who", ["member", "agent", "public"])
def test_other_roles_get_404_and_store_nothing(login, users, who):
    client = login(users[who])
    before = db_state()
    assert client.get(URL).status_code == 404
    assert upload(client, GOOD).status_code == 404
    assert client.get(reverse("import_template", args=["divisions", "xlsx"])).status_code == 404
    assert db_state() == before


# Banks import their customers' payment aggregates, town officials their town's households: they reach the
# page, but only with their own registers; the county's tables are neither offered nor imported.
@pytest.mark.parametrize("who", ["abc", "rcb", "town_lishan"])
def test_roles_with_a_register_of_their_own_cannot_import_the_countys(login, users, who):
    client = login(users[who])
    before = db_state()
    page = client.get(URL)
    assert page.status_code == 200 and "divisions" not in dict(page.context["form"].fields["kind"].choices)
    refused = upload(client, GOOD)  # a table the form does not offer: the form again, nothing imported
    assert refused.status_code == 200 and refused.context["result"] is None and refused.context["form"].errors
    assert client.get(reverse("import_template", args=["divisions", "xlsx"])).status_code == 404
    assert db_state() == before


def test_anonymous_is_sent_to_login(client, county):
    assert client.get(URL).status_code == 302
    assert client.post(URL, {}).status_code == 302
    assert not Division.objects.filter(code="370323102203").exists()


def test_xlsx_template_download(login, users):
    r = login(users["office"]).get(reverse("import_template", args=["organisations", "xlsx"]))
    assert r.status_code == 200
    assert r["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=utf-8''" in r["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["机构", "填写说明"]
    assert [c.value for c in wb["机构"][1]] == [c.header for c in ORGANISATIONS.columns]
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in wb["机构"].data_validations.dataValidation}
    assert lists["D2"].startswith('"人民银行,政府部门') and lists["L2"] == '"是,否"'


def test_csv_template_download_and_unknown_ones(login, users):
    client = login(users["admin"])
    r = client.get(reverse("import_template", args=["divisions", "csv"]))
    assert r.content.decode("utf-8-sig").strip() == ",".join(c.header for c in DIVISIONS.columns)
    assert r.content.startswith(b"\xef\xbb\xbf")
    assert client.get("/imports/templates/nothing.xlsx").status_code == 404
    assert client.get("/imports/templates/divisions.pdf").status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_uploads_spooled_to_disk_are_read_too(login, users, settings, fmt):
    # Files over FILE_UPLOAD_MAX_MEMORY_SIZE arrive as temporary files on disk.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    from .conftest import make_xlsx

    content = make_csv(GOOD, "gbk") if fmt == "csv" else make_xlsx(GOOD, sheet="行政区划")
    data = {"kind": "divisions", "mode": "create", "file": SimpleUploadedFile(f"区划.{fmt}", content)}
    r = login(users["office"]).post(URL, data)
    assert r.context["result"].ok, list(r.context["result"].errors)
    assert Division.objects.filter(code="370323102203").exists()
