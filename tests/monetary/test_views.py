"""The pages: what they show each role, the errors a form gets back, the downloads' Chinese names."""

import datetime
import io
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from puhui.demo.build import DemoContext
from puhui.monetary import demo, services
from puhui.monetary.models import FinancedLoan, RelendingDraw, RelendingLine

pytestmark = pytest.mark.django_db
D = datetime.date


def _filename(response) -> str:
    return unquote(response["Content-Disposition"].split("filename*=utf-8''")[-1])


def test_a_draw_over_the_line_comes_back_with_the_reason_and_stores_nothing(client, users, lines):
    client.force_login(users["office"])
    url = reverse("monetary:draw_add", args=[lines["abc"].pk])
    response = client.post(url, {"amount": "500000.01", "drawn_on": "2020-03-02", "due_on": "2020-09-02"})
    assert response.status_code == 400
    assert "将超过额度 500,000.00 元" in response.content.decode()
    assert not RelendingDraw.objects.exists()
    response = client.post(url, {"amount": "500000", "drawn_on": "2020-03-02", "due_on": "2020-09-02"})
    assert response.status_code == 302 and RelendingDraw.objects.get().amount_fen == 50_000_000


def test_a_bank_opens_its_own_line_only(client, users, lines):
    client.force_login(users["abc"])
    page = client.get(reverse("monetary:lines")).content.decode()
    assert "中国农业银行沂源县支行" in page and "沂源农村商业银行" not in page
    assert "登记额度" not in page  # the office records
    assert client.get(reverse("monetary:line", args=[lines["abc"].pk])).status_code == 200
    assert client.get(reverse("monetary:line", args=[lines["rcb"].pk])).status_code == 404


def test_the_lpr_page_says_when_a_month_has_no_lpr(client, users):
    client.force_login(users["member"])
    page = client.get(reverse("monetary:lpr"), {"month": "2019-05"}).content.decode()
    assert "2019年5月没有 LPR" in page
    page = client.get(reverse("monetary:lpr"), {"month": "2020-04"}).content.decode()
    assert "1年期 3.85%，5年期以上 4.65%" in page
    assert "录入或修改" not in page  # read-only for a member unit


def test_rates_page_and_downloads(client, users, loans, county):
    loans(county["abc"], "2020Q1", [("A1", "small", "credit", 100_000, "6.00", D(2020, 2, 1), False)])
    loans(county["abc"], "2020Q2", [("A2", "small", "credit", 100_000, "6.50", D(2020, 5, 1), False)])
    services.rate_cells_refresh(actor=users["office"])
    client.force_login(users["office"])
    page = client.get(reverse("monetary:rates")).content.decode()
    assert 'id="rates-data"' in page and "2020年第2季度" in page
    assert "+0.50 个百分点" in page  # the alert: 6.00% → 6.50% while the LPR fell
    export = client.get(reverse("monetary:rates_export"))
    assert _filename(export).startswith("贷款利率监测")
    rows = list(load_workbook(io.BytesIO(export.content)).active.values)
    # the county's three rows (合计, 小微企业, 信用), then the bank's
    assert rows[0][5] == "发放金额（元）" and rows[1][:4] == ("全县", "2020年第1季度", "合计", "全部贷款")
    assert rows[4][:3] == ("中国农业银行沂源县支行", "2020年第1季度", "合计") and rows[4][6] == 6.0
    ledger = client.get(reverse("monetary:ledger_export"))
    assert _filename(ledger).startswith("再贷款再贴现台账") and ledger.status_code == 200


def test_demo_builds_lines_with_matched_and_unmatched_loans(users, county, loans):
    loans(
        county["rcb"],
        "2020Q2",
        [(f"RCB-{i}", "farm", "credit", 30_000, "5.0", D(2020, 4, 1 + i), True) for i in range(5)],
    )
    ctx = DemoContext(
        seed=3,
        scale=0.1,
        plan=None,
        progress=lambda s: None,
        users={"office": users["office"]},
        organisations={"RCB": county["rcb"], "ABC": county["abc"]},
    )
    counts = demo.build(ctx)
    assert counts["lines"] == 3  # two for RCB, ABC's rediscount line; no PSBC in the test county
    first = RelendingLine.objects.get(bank=county["rcb"], granted_on=D(2020, 3, 10))
    matched = FinancedLoan.objects.filter(line=first, loan__isnull=False).count()
    assert matched == 5 and FinancedLoan.objects.filter(line=first, loan__isnull=True).count() == 2
    for line in RelendingLine.objects.all():  # every draw within its line, every repayment within its draws
        drawn = sum(d.amount_fen for d in line.draws.all())
        assert 0 < drawn <= line.amount_fen
        assert sum(r.amount_fen for r in line.repayments.all()) <= drawn
