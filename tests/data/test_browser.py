"""The whole round in headless Chromium: template → filled with a mistake → error at its row → fixed → approved →
the target dashboard changes."""

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

from puhui.data import derived, services
from tests.conftest import PASSWORD, log_in
from tests.data.conftest import LOAN_HEADER, loan_row

pytestmark = pytest.mark.browser


@pytest.fixture
def live_data(transactional_db, county, users):
    services.catalogue_sync(actor=users["office"])
    rows = [loan_row(n, **{"发放日期": "2019-11-05", "贷款余额（元）": "40000"}) for n in (1, 2, 3)]
    up = services.upload_start(
        actor=users["abc"],
        institution=county["abc"],
        form_code="loans",
        period_code="2019Q4",
        channel="api",
        rows=rows,
    )
    services.submission_review(actor=users["office"], submission=up.submission, approve=True, recompute=False)
    derived.compute_all()
    return county


def _fill(path, rows):
    wb = load_workbook(path)
    ws = wb["贷款明细"]
    for r in rows:
        ws.append([r[h] for h in LOAN_HEADER])
    wb.save(path)


def test_submit_fix_approve_and_see_the_target(page, live_data, tmp_path):
    log_in(page, "abc", PASSWORD)
    page.wait_for_url("**/")
    page.goto("/data/forms/")
    page.click("[data-testid=form-loans] a[data-period='2020Q4']")
    page.wait_for_url("**/data/forms/loans/2020Q4/")
    with page.expect_download() as download:
        page.click("[data-testid=template-xlsx]")
    path = tmp_path / "贷款明细表.xlsx"
    download.value.save_as(path)

    good = [
        loan_row(n, **{"发放日期": "2020-10-10", "贷款余额（元）": "55000", "贷款金额（元）": "60000"})
        for n in (1, 2, 3)
    ]
    wrong = [dict(r) for r in good]
    wrong[1]["贷款余额（元）"] = "65000"  # more than lent: Excel row 3
    _fill(path, wrong)
    page.set_input_files("#id_file", str(path))
    page.click("[data-testid=upload-button]")
    page.wait_for_selector("[data-testid=upload-errors]")
    row = page.locator("[data-testid=upload-errors] tbody tr")
    assert row.count() == 1
    cells = row.first.locator("td").all_inner_texts()
    assert cells[:2] == ["3", "贷款余额（元）"] and "大于贷款金额" in cells[3]
    assert "没有保存任何数据" in page.inner_text("[data-testid=upload-failed]")

    download.value.save_as(path)  # the fresh template again, filled correctly
    _fill(path, good)
    page.set_input_files("#id_file", str(path))
    page.click("[data-testid=upload-button]")
    page.wait_for_selector("[data-testid=upload-ok]")
    # The page's own lists follow without a reload: the new version and both attempts.
    page.wait_for_selector("[data-testid=versions] >> text=第1版")
    assert page.locator("[data-testid=uploads] tbody tr").count() == 2
    page.click("[data-testid=upload-ok] a")
    expect(page.locator("[data-testid=status]")).to_contain_text("待审核")
    page.click("text=退出")

    log_in(page, "office", PASSWORD)
    page.wait_for_url("**/")
    page.goto("/data/targets/")
    target = page.locator("[data-target=agri_loan_growth]")
    assert target.get_attribute("data-status") == "no_data"
    page.goto("/data/inbox/?period=2020Q4")
    page.click("[data-testid=inbox] td[data-state=submitted] a")
    page.click("[data-testid=approve]")
    page.wait_for_selector("text=已审核通过")
    call_command("worker", batch=True, verbosity=0)  # the recomputation the approval queued

    page.goto("/data/targets/")
    assert "2020年第4季度" in page.inner_text("h1")
    assert target.get_attribute("data-status") == "on_track"
    assert "37.50%" in target.inner_text()  # 165,000 against 120,000 a year earlier
    page.click("[data-target=agri_loan_growth] a")
    page.wait_for_selector("#series-chart[data-ready='1']")
    assert "中国农业银行沂源县支行" in page.inner_text("[data-testid=units]")
