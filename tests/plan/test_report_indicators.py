"""A progress report links to its task's indicators by name (chosen, not typed as codes)."""

from django.urls import reverse

from puhui.plan.models import ProgressReport
from puhui.plan.selectors import chinese_number, task_indicators
from tests.data.conftest import catalogue  # noqa: F401 (fixture)
from tests.plan.conftest import task


def test_chinese_clause_numbers():
    assert [chinese_number(n) for n in (1, 10, 14, 20, 22)] == ["一", "十", "十四", "二十", "二十二"]


def test_the_report_form_offers_the_tasks_indicators_by_name(client, plan, users, catalogue):  # noqa: F811
    t14 = task(plan, 14)  # 深化农村信用体系建设: the catalogue's clause 十四
    choices = dict(task_indicators(t14))
    assert choices["archived_households"] == "已建信用档案农户数"
    assert all(code not in choices for code in ("sp_total", "loan_balance"))  # clauses 十 and 五
    client.force_login(users["member"])
    url = reverse("plan_report_new", args=[t14.pk])
    html = client.get(url + "?period=2021Q1").content.decode()
    assert "关联指标" in html and "已建信用档案农户数" in html
    assert "关联指标代码" not in html and "逗号分隔" not in html
    client.post(
        url,
        {
            "period": "2021Q1",
            "status": "in_progress",
            "completion": "40",
            "narrative": "新建档案三千户。",
            "indicator_codes": ["archived_households", "precredit_households"],
        },
    )
    report = ProgressReport.objects.get()
    assert report.indicator_codes == "archived_households,precredit_households"
    page = client.get(reverse("plan_report_detail", args=[report.pk])).content.decode()
    assert "关联指标：已建信用档案农户数、已预授信农户数" in page


def test_a_task_without_indicators_asks_for_none(client, plan, users, catalogue):  # noqa: F811
    t1 = task(plan, 1)  # clause 一 (组织机构体系): no indicator of the catalogue measures it
    assert task_indicators(t1) == []
    client.force_login(users["member"])
    html = client.get(reverse("plan_report_new", args=[t1.pk]) + "?period=2021Q1").content.decode()
    assert "关联指标" not in html
