"""The overdue page: one row a unit for the reports it owes (the items under it), the first overdue 督办单
with a link to all of them, and every item in an Excel file."""

import io
from urllib.parse import unquote

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from puhui.plan import selectors
from puhui.plan.models import PlanUnit


def test_overdue_reports_are_grouped_by_unit_and_all_exported(client, plan, users):
    data = selectors.overdue(plan, users["office"], as_of=timezone.localdate())
    assert data["reports"], "the 2020 plan's report periods are all past"
    client.force_login(users["office"])
    html = client.get(reverse("plan_overdue")).content.decode()
    units = data["report_units"]
    assert len(units) <= PlanUnit.objects.filter(plan=plan).count()
    assert sum(u["count"] for u in units) == len(data["reports"])
    assert [u["count"] for u in units] == sorted((u["count"] for u in units), reverse=True)
    assert f'{units[0]["name"]}</td><td class="text-end">{units[0]["count"]} 份' in html

    response = client.get(reverse("plan_overdue"), {"export": "xlsx"})
    assert "逾期事项_" in unquote(response["Content-Disposition"])
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["逾期未报的进度报告", "逾期未办结的督办单", "逾期未完成的里程碑"]
    assert wb["逾期未报的进度报告"].max_row == len(data["reports"]) + 1


def test_a_unit_sees_only_what_it_owes(client, plan, users):
    client.force_login(users["member"])
    data = selectors.overdue(plan, users["member"], as_of=timezone.localdate())
    assert len(data["report_units"]) <= 1
    assert client.get(reverse("plan_overdue")).status_code == 200
