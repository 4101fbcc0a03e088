"""The submission page the office reviews on: each figure beside the previous version and last year, large
changes flagged by the validator's own rule, notes under their row; the upload page's guidance and its
lists refreshed after an upload."""

import re

import pytest

from puhui.data import services
from puhui.data.models import Submission
from tests.data.conftest import loan_row, loans_csv
from tests.data.test_submissions import post, xlsx_bytes

pytestmark = pytest.mark.usefixtures("catalogue")
HEADER = [
    "镇（街道）代码",
    "助农取款服务点数（个）",
    "其中已建成普惠金融服务站且实现跨行支付的（个）",
    "银行自助机具数（台）",
    "其中开通实时缴费业务的（台）",
    "流动银行“三进”活动次数（次）",
    "金融知识宣传活动次数（次）",
    "说明",
]
LONG_NOTE = "新签约十五个服务点，" * 12


def _channels(abc, period, points, note=None, terminals=5):
    rows = [
        HEADER,
        ["370323102000", points, 0, terminals, 5, 1, 1, note],
        ["370323001000", 3, 0, 2, 2, 0, 0, None],
    ]
    return post(abc, xlsx_bytes(rows, sheet="服务渠道情况表"), name="c.xlsx", form="channels", period=period)


@pytest.fixture
def abc(login, users):
    return login(users["abc"])


def test_figures_beside_last_year_and_the_previous_version(abc, login, users, county):
    _channels(abc, "2019Q1", 10)
    services.submission_review(actor=users["office"], submission=Submission.objects.get(), approve=True)
    _channels(abc, "2020Q1", 25, note=LONG_NOTE)  # v1: +150% on 服务点, explained
    _channels(abc, "2020Q1", 26, note=LONG_NOTE, terminals=6)  # v2: one point and one terminal more
    v2 = Submission.objects.get(period__code="2020Q1", version=2)
    html = login(users["office"]).get(f"/data/submissions/{v2.pk}/").content.decode()
    legend = re.search(r'data-testid="compare-legend">(.*?)</p>', html, re.S).group(1)
    # 100%: the channels form's threshold.
    assert "第1版" in legend and "2019年第1季度" in legend and "100%" in legend
    # 26 points: +160% on last year's 10 (flagged), +4% on version 1's 25.
    flagged = re.findall(r'<td class="text-end table-warning" data-flag="yoy">(.*?)</td>', html, re.S)
    assert (
        len(flagged) == 1
        and "26" in flagged[0]
        and "同比 +160.0%" in flagged[0]
        and "较上版 +4.0%" in flagged[0]
    )
    # Terminals 6 against 5: +20%, shown, not flagged (and under the validator's floor of 10 anyway).
    assert "同比 +20.0%" in html
    # The note: its own row under the figures, across the table, not a column squeezed at the right.
    assert "<th>说明</th>" not in html
    note = re.search(r'<tr class="data-note" data-testid="note">(.*?)</tr>', html, re.S).group(1)
    assert LONG_NOTE in note and 'colspan="7"' in note


def test_a_loan_return_compares_its_totals(abc, login, users, county):
    post(abc, loans_csv([loan_row(1, 发放日期="2019-01-10")]), period="2019Q1")
    services.submission_review(actor=users["office"], submission=Submission.objects.get(), approve=True)
    rows = [loan_row(n, 发放日期="2020-01-10") for n in (1, 2, 3)]
    post(abc, loans_csv(rows), period="2020Q1", comment="新增两户")
    sub = Submission.objects.get(period__code="2020Q1")
    html = login(users["office"]).get(f"/data/submissions/{sub.pk}/").content.decode()
    table = re.search(r'data-testid="loan-compare">(.*?)</table>', html, re.S).group(1)
    assert "上年同期（2019年第1季度）" in table
    assert "12.00万元" in table and "4.00万元" in table and "同比 +200.0%" in table
    assert 'class="table-warning" data-flag="yoy"' in table
    assert "3笔" in table


def test_upload_page_guidance_follows_the_validator(abc, county):
    channels = abc.get("/data/forms/channels/2020Q1/").content.decode()
    rules = re.search(r'data-testid="rules">(.*?)</div></div>', channels, re.S).group(1)
    assert "该行的“说明”列" in rules and "100%" in rules and "计数 10" in rules
    assert "须在此写明原因" not in channels  # the 报送说明 box is not where a row's jump is explained
    loans = abc.get("/data/forms/loans/2020Q1/").content.decode()
    assert "贷款余额合计" in loans and "须在此写明原因" in loans


def test_a_finished_upload_tells_the_page_to_refresh_its_lists(abc, county):
    page = abc.get("/data/forms/loans/2020Q1/").content.decode()
    assert 'id="form-history"' in page and 'hx-trigger="upload-finished from:body"' in page
    assert 'hx-select="#form-history"' in page
    response = post(abc, loans_csv([loan_row(1)]))
    assert response["HX-Trigger"] == "upload-finished"
    refused = post(abc, loans_csv([loan_row(1, 贷款金额="x")]))
    assert refused["HX-Trigger"] == "upload-finished"  # the upload list shows the refused attempt too
    page = abc.get("/data/forms/loans/2020Q1/").content.decode()
    history = page[page.index('id="form-history"') :]
    assert "第1版" in history and "上传记录" in history
