"""Every Word and Excel file of the plan is named in Chinese with its period or date."""

import datetime
from urllib.parse import unquote

from django.urls import reverse

from puhui.plan import services


def filename(response) -> str:
    assert response.status_code == 200
    return unquote(response["Content-Disposition"].split("filename*=utf-8''")[1])


def test_task_table_is_named_with_its_period(client, plan, users):
    client.force_login(users["office"])
    r = client.get(reverse("plan_task_export") + "?period=2020Q4")
    assert filename(r) == "任务分解表_2020年第4季度.xlsx"


def test_bulletin_is_named_by_its_title_and_number(client, plan, users):
    bulletin = services.bulletin_create(
        actor=users["office"],
        plan=plan,
        scheme=None,
        title="关于2020年度示范区建设任务落实情况的通报",
        number="普惠办通报〔2021〕1号",
        issued_on=datetime.date(2021, 2, 5),
    )
    client.force_login(users["office"])
    r = client.get(reverse("plan_bulletin_docx", args=[bulletin.pk]))
    assert filename(r) == "关于2020年度示范区建设任务落实情况的通报_普惠办通报〔2021〕1号.docx"


def test_path_separators_never_reach_a_file_name():
    from puhui.plan.documents import document_filename

    assert document_filename("督办单", "督办/2021\\1号", "", ext="docx") == "督办单_督办／2021＼1号.docx"
