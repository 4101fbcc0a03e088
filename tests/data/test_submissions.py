"""Submissions through the institution's form page: every bad input gets a clear message, nothing partial is stored."""

import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from puhui.core.models import AuditLog
from puhui.data import services
from puhui.data.models import AggregateValue, LoanRecord, Submission, Upload
from tests.data.conftest import LOAN_HEADER, loan_row, loans_csv, resident_id, xlsx_bytes

pytestmark = pytest.mark.usefixtures("catalogue")


def errors_of(response) -> list[tuple]:
    """(row, column, reason) of the error table in the upload result fragment."""
    html = response.content.decode()
    rows = re.findall(
        r"<tr data-row=\"([^\"]*)\"><td>[^<]*</td><td>([^<]*)</td><td[^>]*>[^<]*</td><td[^>]*>([^<]*)</td>",
        html,
    )
    return [(int(r) if r else None, c, reason) for r, c, reason in rows]


def post(client, content, name="loans.csv", form="loans", period="2020Q1", comment=""):
    return client.post(
        f"/data/forms/{form}/{period}/upload/",
        {"file": _file(content, name), "comment": comment},
        headers={"HX-Request": "true"},
    )


def _file(content, name):
    f = io.BytesIO(content)
    f.name = name
    return f


@pytest.fixture
def abc(login, users):
    return login(users["abc"])


def test_good_csv_is_stored_as_version_1(abc, county):
    rows = [
        loan_row(1),
        loan_row(
            2,
            借款人类型="小微企业",
            借款人证件号码="91370323MA3C4DB553",
            担保方式="抵押",
            信用贷款="否",
            所在区划代码="370323001000",
        ),
        loan_row(
            3,
            借款人类型="个体工商户",
            借款人证件号码="92370323MA3C4DB61L",
            **{"贷款余额（元）": "0", "发放日期": "2020-02-01"},
        ),
    ]
    r = post(abc, loans_csv(rows))
    assert 'data-testid="upload-ok"' in r.content.decode()
    sub = Submission.objects.get()
    assert (sub.version, sub.row_count, sub.status, sub.institution) == (1, 3, "submitted", county["abc"])
    assert sub.totals["balance_fen"] == 8000000
    loans = list(LoanRecord.objects.filter(submission=sub).order_by("row"))
    assert [x.row for x in loans] == [2, 3, 4]
    assert loans[0].village_id == county["villages"][2].pk and loans[0].town_id == county["towns"][1].pk
    assert loans[1].village_id is None and loans[1].town_id == county["towns"][0].pk
    assert loans[1].id_kind == "uscc" and loans[0].id_kind == "ric"
    assert loans[0].balance_fen == 4000000 and str(loans[0].rate) == "5.5000"
    # The ID number is stored encrypted, found through its hash.
    from django.db import connection

    from puhui.core.crypto import PREFIX, decrypt, lookup_hash

    with connection.cursor() as c:
        c.execute(f"SELECT borrower_id FROM {LoanRecord._meta.db_table} WHERE id = %s", [loans[0].pk])
        stored = c.fetchone()[0]
    assert stored.startswith(PREFIX) and loans[0].borrower_id not in stored
    clear = decrypt(stored, context="data_loanrecord.borrower_id")
    assert clear == loans[0].borrower_id == rows[0]["借款人证件号码"]

    assert LoanRecord.objects.get(borrower_hash=lookup_hash(loans[0].borrower_id)).pk == loans[0].pk
    assert AuditLog.objects.filter(object_type="data.Submission", action="import").count() == 1


def test_every_error_with_row_column_reason_and_nothing_stored(abc, county):
    foreign = resident_id("370302", "19900315", "002")  # 淄川区: another county
    rows = [
        loan_row(1),
        loan_row(2, **{"贷款金额（元）": "五万"}),  # text in a number cell
        loan_row(3, **{"贷款余额（元）": "1234,50"}),  # comma as decimal mark
        loan_row(4, 发放日期="10/01/2020"),  # a date as text in a foreign order
        loan_row(1),  # duplicate loan id of row 2
        loan_row(6, 借款人证件号码=foreign),
        loan_row(7, **{"贷款余额（元）": "60000"}),  # balance > amount
        loan_row(8, 到期日期="2019-01-01"),  # due before issued
        loan_row(9, 担保方式="保证"),  # credit flag says 是
        loan_row(10, 所在区划代码="370302001000"),  # a town of another county
        loan_row(11, 借款人类型="小微企业"),  # a firm with a resident ID
        loan_row(12, 发放日期="2020年2月3日"),  # accepted
    ]
    r = post(abc, loans_csv(rows))
    html = r.content.decode()
    assert 'data-testid="upload-failed"' in html and "没有保存任何数据" in html
    errs = errors_of(r)
    by_row = {row: (col, reason) for row, col, reason in errs}
    assert by_row[3][0] == "贷款金额（元）" and "不是数字" in by_row[3][1]
    assert by_row[4][0] == "贷款余额（元）" and "逗号作小数点" in by_row[4][1]
    assert by_row[5][0] == "发放日期" and "不是有效日期" in by_row[5][1]
    assert by_row[6] == ("借据号", "借据号与第 2 行重复")
    assert by_row[7][0] == "借款人证件号码" and "不属于沂源县" in by_row[7][1]
    assert by_row[8][0] == "贷款余额（元）" and "大于贷款金额" in by_row[8][1]
    assert by_row[9][0] == "到期日期" and "早于发放日期" in by_row[9][1]
    assert by_row[10][0] == "信用贷款"
    assert by_row[11][0] == "所在区划代码" and "不是沂源县" in by_row[11][1]
    assert by_row[12][0] == "借款人证件号码" and "统一社会信用代码" in by_row[12][1]
    assert 13 not in by_row
    # Personal data never shows in clear in the error table.
    assert foreign not in html and "370302********" in html
    assert not Submission.objects.exists() and not LoanRecord.objects.exists()
    up = Upload.objects.get()
    assert up.status == "failed" and up.error_total == len(errs) and not up.path


def test_renamed_and_missing_columns(abc):
    header = [h if h != "贷款金额（元）" else "金额（万元）" for h in LOAN_HEADER]
    errs = errors_of(post(abc, loans_csv([loan_row(1)], header=header)))
    reasons = [e[2] for e in errs]
    assert any("无法识别的列" in r for r in reasons)
    assert any("缺少必需的列“贷款金额（元）”" in r for r in reasons)


def test_gbk_csv_and_aliases_are_read(abc):
    header = ["借据编号" if h == "借据号" else h for h in LOAN_HEADER]
    row = loan_row(1)
    row["借据编号"] = row.pop("借据号")
    r = post(abc, loans_csv([row], header=header, encoding="gb18030"))
    assert 'data-testid="upload-ok"' in r.content.decode()


def test_workbook_without_the_sheet(abc):
    r = post(abc, xlsx_bytes([], sheet="填写说明"), name="loans.xlsx")
    assert "没有可导入的数据工作表" in r.content.decode()
    other = xlsx_bytes([["姓名", "金额"], ["张三", 1]], sheet="Sheet1")
    html = post(abc, other, name="loans.xlsx").content.decode()
    assert "没有“贷款明细”工作表，已读取“Sheet1”" in html
    assert not Submission.objects.exists()


def _cached(xlsx: bytes, values: dict[str, str]) -> bytes:
    """Give openpyxl's formula cells the cached results Excel would have saved."""
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for ref, value in values.items():
                    text = re.sub(rf'(<c r="{ref}"[^>]*><f>[^<]*</f>)<v></v>', rf"\g<1><v>{value}</v>", text)
                data = text.encode()
            dst.writestr(item, data)
    return out.getvalue()


def test_xlsx_with_formulas_merged_cells_and_date_cells(abc):
    import datetime

    rows = [LOAN_HEADER]
    for n in (1, 2, 3):
        r = loan_row(n)
        r["发放日期"] = datetime.datetime(2020, 1, 10)  # a real Excel date cell
        r["贷款余额（元）"] = f"=E{n + 1}*0.8"
        r["贷款金额（元）"] = 50000
        if n > 1:
            r["借款人类型"] = None  # merged with the row above
        rows.append([r[h] for h in LOAN_HEADER])
    content = _cached(xlsx_bytes(rows, merges=["C2:C4"]), {"F2": "40000", "F3": "40000", "F4": "40000"})
    r = post(abc, content, name="loans.xlsx")
    assert 'data-testid="upload-ok"' in r.content.decode(), errors_of(r)
    loans = LoanRecord.objects.order_by("row")
    assert [x.borrower_type for x in loans] == ["farm"] * 3
    assert {x.balance_fen for x in loans} == {4000000}


def test_formula_without_result_is_reported(abc):
    rows = [LOAN_HEADER, [loan_row(1)[h] for h in LOAN_HEADER]]
    rows[1][5] = "=E2*0.8"
    errs = errors_of(post(abc, xlsx_bytes(rows), name="loans.xlsx"))
    assert errs and errs[0][:2] == (2, "贷款余额（元）")


def test_file_over_the_size_limit(abc, settings):
    settings.PUHUI_DATA_MAX_BYTES = 500
    r = post(abc, loans_csv([loan_row(n) for n in range(1, 20)]))
    assert "超过上限" in r.content.decode()
    assert not Submission.objects.exists()


def test_not_a_table_and_wrong_extension(abc):
    assert "不支持的文件类型" in post(abc, b"%PDF-1.4", name="a.pdf").content.decode()
    assert "不是 Excel 工作簿" in post(abc, b"just text", name="a.xlsx").content.decode()


def test_resubmission_makes_a_new_version_and_keeps_the_old(abc, users, county):
    post(abc, loans_csv([loan_row(1)]))
    post(abc, loans_csv([loan_row(1), loan_row(2)]))
    v1, v2 = Submission.objects.order_by("version")
    assert (v1.version, v1.is_current, v2.version, v2.is_current) == (1, False, 2, True)
    assert LoanRecord.objects.filter(submission=v1).count() == 1
    assert LoanRecord.objects.filter(submission=v2).count() == 2
    page = abc.get(f"/data/submissions/{v1.pk}/").content.decode()
    assert "已有更新版本" in page and "L00001" in page


def test_template_round_trip(abc, county):
    r = abc.get("/data/forms/loans/2020Q1/template.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[:2] == ["贷款明细", "填写说明"]
    ws = wb["贷款明细"]
    assert [c.value for c in ws[1]] == [*LOAN_HEADER, "贷款产品", "押品类型"]  # the two optional columns last
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"list", "decimal", "date", "textLength"} <= kinds
    assert wb["模板信息"].sheet_state == "hidden"
    assert "中国农业银行沂源县支行" in str([c.value for row in wb["填写说明"].iter_rows() for c in row])
    for n in (1, 2):
        ws.append([loan_row(n)[h] for h in LOAN_HEADER])
    buf = io.BytesIO()
    wb.save(buf)
    assert 'data-testid="upload-ok"' in post(abc, buf.getvalue(), name="filled.xlsx").content.decode()
    # The same template uploaded for another period is recognised.
    html = post(abc, buf.getvalue(), name="filled.xlsx", period="2020Q2").content.decode()
    assert "2020Q1 的模板" in html


def test_aggregate_template_lists_the_towns_and_checks_items(abc, county):
    r = abc.get("/data/forms/channels/2020Q1/template.xlsx")
    ws = load_workbook(io.BytesIO(r.content))["服务渠道情况表"]
    assert [ws.cell(row=i, column=1).value for i in (2, 3)] == ["370323001000", "370323102000"]
    rows = [[c.value for c in ws[1]]]
    rows.append(["370323001000", "鲁村镇", 5, 3, 10, 9, 2, 1, None])  # the name of another town
    rows.append(["370323102000", "鲁村镇", 4, 6, 8, 8, 1, 0, None])  # more upgraded than points
    rows.append(["370323102000", "鲁村镇", 1, 0, 1, 0, 0, 0, None])  # the same town twice
    html = post(
        abc, xlsx_bytes(rows, sheet="服务渠道情况表"), name="c.xlsx", form="channels"
    ).content.decode()
    assert "已升级的服务站数不能大于服务点数" in html
    assert "名称与代码不符" in html and "与第 3 行重复" in html
    rows = [
        rows[0],
        ["370323001000", "历山街道", 5, 3, 10, 9, 2, 1, None],
        ["370323102000", "鲁村镇", 4, 2, 8, 8, 1, 0, None],
    ]
    html = post(
        abc, xlsx_bytes(rows, sheet="服务渠道情况表"), name="c.xlsx", form="channels"
    ).content.decode()
    assert 'data-testid="upload-ok"' in html
    assert AggregateValue.objects.filter(item="sp_upgraded").count() == 2


def test_year_on_year_jump_needs_an_explanation(abc, users, county):
    def channels(points):
        return [
            [
                "镇（街道）代码",
                "助农取款服务点数（个）",
                "其中已建成普惠金融服务站且实现跨行支付的（个）",
                "银行自助机具数（台）",
                "其中开通实时缴费业务的（台）",
                "流动银行“三进”活动次数（次）",
                "金融知识宣传活动次数（次）",
                "说明",
            ],
            ["370323102000", points, 0, 5, 5, 1, 1, None],
        ]

    post(
        abc, xlsx_bytes(channels(10), sheet="服务渠道情况表"), name="c.xlsx", form="channels", period="2019Q1"
    )
    services.submission_review(actor=users["office"], submission=Submission.objects.get(), approve=True)
    html = post(
        abc, xlsx_bytes(channels(25), sheet="服务渠道情况表"), name="c.xlsx", form="channels", period="2020Q1"
    ).content.decode()
    assert "比上年同期（2019年第1季度）变动 +150.0%" in html and "说明" in html
    explained = channels(25)
    explained[1][-1] = "新签约15个服务点"
    html = post(
        abc, xlsx_bytes(explained, sheet="服务渠道情况表"), name="c.xlsx", form="channels", period="2020Q1"
    ).content.decode()
    assert 'data-testid="upload-ok"' in html
    # Loan-level: the whole submission's balance, explained in the 报送说明.
    post(abc, loans_csv([loan_row(1, 发放日期="2019-01-10")]), period="2019Q1")
    services.submission_review(
        actor=users["office"], submission=Submission.objects.get(form="loans"), approve=True
    )
    big = [loan_row(n, 发放日期="2020-01-10") for n in (1, 2, 3)]
    html = post(abc, loans_csv(big), period="2020Q1").content.decode()
    assert "贷款余额合计比上年同期" in html and "报送说明" in html
    html = post(abc, loans_csv(big), period="2020Q1", comment="新增三户").content.decode()
    assert 'data-testid="upload-ok"' in html


def test_review_approve_and_return(login, users, abc, county):
    post(abc, loans_csv([loan_row(1)]))
    sub = Submission.objects.get()
    office = login(users["office"])
    assert 'data-testid="approve"' in office.get(f"/data/submissions/{sub.pk}/").content.decode()
    office.post(f"/data/submissions/{sub.pk}/review/", {"decision": "return", "comment": ""})
    sub.refresh_from_db()
    assert sub.status == "submitted"  # a return needs a reason
    office.post(f"/data/submissions/{sub.pk}/review/", {"decision": "return", "comment": "第2行利率有误"})
    sub.refresh_from_db()
    assert (sub.status, sub.review_comment, sub.reviewed_by) == ("returned", "第2行利率有误", users["office"])
    abc = login(users["abc"])
    page = abc.get("/data/forms/loans/2020Q1/").content.decode()
    assert "第2行利率有误" in page and "已退回" in page
    post(abc, loans_csv([loan_row(1, **{"年利率（%）": "4.8"})]))
    v2 = Submission.objects.get(version=2)
    office = login(users["office"])
    office.post(f"/data/submissions/{v2.pk}/review/", {"decision": "approve", "comment": ""})
    v2.refresh_from_db()
    assert v2.status == "approved"
    # Old versions cannot be reviewed, nor can an institution review.
    with pytest.raises(Exception):  # noqa: B017 - ValidationError from the service
        services.submission_review(
            actor=users["office"], submission=Submission.objects.get(version=1), approve=True
        )
    abc = login(users["abc"])
    assert abc.post(f"/data/submissions/{v2.pk}/review/", {"decision": "approve"}).status_code == 404


def test_future_period_and_wrong_form_are_refused(abc, county):
    assert abc.get("/data/forms/credit_archive/2020Q1/").status_code == 404  # ABC does not archive households
    assert abc.get("/data/forms/loans/2020/").status_code == 404  # a quarterly form
    html = post(abc, loans_csv([loan_row(1)]), period="2099Q1").content.decode()
    assert "尚未结束" in html


@pytest.mark.django_db(transaction=True)
def test_large_file_is_checked_in_the_background(login, users, county, settings, catalogue):
    from django.core.management import call_command

    settings.PUHUI_DATA_INLINE_BYTES = 1000
    client = login(users["abc"])
    rows = [loan_row(n) for n in range(1, 400)]
    r = client.post("/data/forms/loans/2020Q1/upload/", {"file": _file(loans_csv(rows), "big.csv")})
    up = Upload.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/data/uploads/{up.pk}/"
    assert up.status == "pending" and up.job is not None
    page = client.get(f"/data/uploads/{up.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in page
    call_command("worker", batch=True, verbosity=0)
    up.refresh_from_db()
    assert up.status == "succeeded" and up.submission.row_count == 399
    assert LoanRecord.objects.count() == 399
    page = client.get(f"/data/uploads/{up.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="upload-ok"' in page and "every 2s" not in page


def test_web_upload_larger_than_the_request_body_limit(abc, settings):
    """A >10 MB upload on the page: with both limits at 64 KB, Django streams the file to a temporary
    file (not into memory, not refused as a too large body) and the whole file is stored."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    rows = [loan_row(n) for n in range(1, 2001)]
    content = loans_csv(rows)
    assert len(content) > 3 * 64 * 1024
    r = post(abc, content, name="big.csv")
    assert 'data-testid="upload-ok"' in r.content.decode(), errors_of(r)
    assert Submission.objects.get().row_count == 2000 and LoanRecord.objects.count() == 2000


def test_bad_cells_in_an_xlsx(abc):
    """The issue's bad input inside a workbook (cells typed as text, as Excel users do)."""
    import datetime

    foreign = resident_id("370302", "19900315", "002")
    data = [
        loan_row(1, 发放日期="2020-01-10"),  # a date typed as text: accepted
        loan_row(2, **{"贷款金额（元）": "五万"}),
        loan_row(3, **{"贷款余额（元）": "1234,50"}),
        loan_row(4, 发放日期="10/01/2020"),
        loan_row(1),
        loan_row(6, 借款人证件号码=foreign),
        loan_row(7),  # amount and balance merged across: the balance cell is empty
        loan_row(8, 发放日期=datetime.datetime(2020, 1, 10)),  # a real date cell: accepted
    ]
    rows = [LOAN_HEADER] + [[r[h] for h in LOAN_HEADER] for r in data]
    r = post(abc, xlsx_bytes(rows, merges=["E8:F8"]), name="loans.xlsx")
    html = r.content.decode()
    assert 'data-testid="upload-failed"' in html and "没有保存任何数据" in html
    by_row = {row: (col, reason) for row, col, reason in errors_of(r)}
    assert by_row[3][0] == "贷款金额（元）" and "不是数字" in by_row[3][1]
    assert by_row[4][0] == "贷款余额（元）" and "逗号作小数点" in by_row[4][1]
    assert by_row[5][0] == "发放日期" and "不是有效日期" in by_row[5][1]
    assert by_row[6] == ("借据号", "借据号与第 2 行重复")
    assert by_row[7][0] == "借款人证件号码" and "不属于沂源县" in by_row[7][1]
    assert by_row[8][0] == "贷款余额（元）"
    assert "合并单元格 E8:F8" in by_row[8][1] and "取消合并" in by_row[8][1]
    assert 2 not in by_row and 9 not in by_row
    assert not Submission.objects.exists() and not LoanRecord.objects.exists()


def test_excel_over_its_own_limit_is_refused_with_the_csv_advice(abc, settings):
    settings.PUHUI_DATA_MAX_EXCEL_BYTES = 2000
    rows = [LOAN_HEADER] + [[loan_row(n)[h] for h in LOAN_HEADER] for n in range(1, 60)]
    content = xlsx_bytes(rows)
    assert len(content) > 2000
    html = post(abc, content, name="loans.xlsx").content.decode()
    assert "超过 Excel 文件的上限" in html and "另存为 CSV" in html
    assert not Submission.objects.exists()
    # The same rows as CSV (larger than the Excel limit) are read row by row and stored.
    csv_content = loans_csv([loan_row(n) for n in range(1, 60)])
    assert len(csv_content) > 2000
    assert 'data-testid="upload-ok"' in post(abc, csv_content).content.decode()
