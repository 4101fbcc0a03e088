"""The leading group (附件1): terms imported from a file, a post changing hands, the group on a date."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from puhui.core.models import AuditLog
from puhui.imports.engine import MODE_UPSERT, SYSTEM_ACTOR
from puhui.plan.leading_group_import import SPEC, leading_group_import
from puhui.plan.models import LeadingGroupMember

HEADER = "姓名,小组职务,单位编码,本职职务,任职日期,离任日期,排序\n"
D = datetime.date

FIRST = (
    "甲一,组长,JRZX,县委常委、副县长,2020-07-28,,",
    "乙二,副组长,JRZX,中心主任,2020-07-28,,1",
    "丙三,副组长,PBOC,行长,2020-07-28,,2",
    "丙三,办公室主任,PBOC,行长,2020-07-28,,",
    "丁四,成员,RCB-YY,副行长,2020-07-28,,",
)


def csv(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode("utf-8")


def run(data, actor=SYSTEM_ACTOR, mode="create"):
    return leading_group_import(actor=actor, file=data, mode=mode, filename="领导小组.csv")


def reasons(result):
    return [(e.row, e.column, e.reason) for e in result.errors.sorted()]


def holders(day):
    qs = LeadingGroupMember.objects.filter(from_date__lte=day).exclude(to_date__lt=day)
    return sorted((m.get_post_display(), m.person_name) for m in qs)


def test_import_then_a_post_changes_hands(county, users):
    result = run(csv(*FIRST), actor=users["office"])
    assert result.ok, reasons(result)
    assert result.created == 5
    # The leader changes (from another unit: one leader at a time), the bank's member too; a deputy stays.
    result = run(
        csv("戊五,组长,PBOC,副县长,2021-09-01,,", "己六,成员,RCB-YY,行长助理,2021-10-15,,"),
        actor=users["office"],
    )
    assert result.ok, reasons(result)
    assert (result.created, result.updated, result.closed) == (2, 2, 2)
    assert "2 位前任的任期随之结束" in result.summary
    old = LeadingGroupMember.objects.get(person_name="甲一")
    assert old.to_date == D(2021, 8, 31)
    assert LeadingGroupMember.objects.get(person_name="丁四").to_date == D(2021, 10, 14)
    assert ("组长", "甲一") in holders(D(2021, 8, 31)) and ("组长", "戊五") in holders(D(2021, 9, 1))
    assert ("成员", "丁四") in holders(D(2021, 10, 1))
    assert len(holders(D(2022, 1, 1))) == 5
    # The closing is in the record's history, with the file it came from.
    log = AuditLog.objects.filter(object_type="plan.LeadingGroupMember", object_id=str(old.pk)).latest("id")
    assert log.before["to_date"] is None and log.after["to_date"] == "2021-08-31"
    assert "领导小组.csv" in log.note


def test_a_file_with_the_whole_history_applies_by_date(county):
    result = run(
        csv("新任,组长,PBOC,,2022-01-01,,", "首任,组长,JRZX,,2020-07-28,,", "次任,组长,JRZX,,2021-03-01,,")
    )
    assert result.ok, reasons(result)
    terms = {m.person_name: (m.from_date, m.to_date) for m in LeadingGroupMember.objects.all()}
    assert terms == {
        "首任": (D(2020, 7, 28), D(2021, 2, 28)),
        "次任": (D(2021, 3, 1), D(2021, 12, 31)),
        "新任": (D(2022, 1, 1), None),
    }


def test_upsert_updates_the_holder_insert_refuses(county):
    assert run(csv(*FIRST)).ok
    again = run(csv("丙三,副组长,PBOC,党委书记、行长,2020-07-28,,2"))
    assert reasons(again) == [
        (2, "姓名", "丙三 已在系统中担任此职务（自 2020-07-28 起）；如需修改，请选择“新增或更新”方式导入")
    ]
    result = run(
        csv(
            "丙三,副组长,PBOC,党委书记、行长,2020-07-28,,2",
            "乙二,副组长,JRZX,中心主任,2020-07-28,2022-06-30,1",
        ),
        mode=MODE_UPSERT,
    )
    assert result.ok, reasons(result)
    assert (result.created, result.updated, result.closed) == (0, 2, 0)
    assert LeadingGroupMember.objects.get(post="deputy", person_name="丙三").title == "党委书记、行长"
    assert LeadingGroupMember.objects.get(person_name="乙二").to_date == D(2022, 6, 30)
    unchanged = run(csv("丁四,成员,RCB-YY,副行长,2020-07-28,,"), mode=MODE_UPSERT)
    assert unchanged.ok and unchanged.unchanged == 1


def test_bad_rows(county):
    assert run(csv(*FIRST)).ok
    result = run(
        csv(
            "庚七,组长,NOPE,,2021-01-01,,",
            "辛八,组长,PBOC,,2020-07-01,,",  # before the current leader, without an end
            "壬九,成员,PBOC,,2021-05-01,2021-04-01,",
            "癸十,秘书长,PBOC,,2021-05-01,,",
            "壬九,成员,PBOC,,2021-05-01,,",
        )
    )
    got = reasons(result)
    assert (2, "单位编码", "单位编码 NOPE 在系统中不存在，请先导入机构") in got
    assert any(
        r[0] == 3 and r[1] == "任职日期" and "不晚于现任 甲一（自 2020-07-28 起）" in r[2] for r in got
    )
    assert (4, "离任日期", "离任日期 2021-04-01 早于任职日期 2021-05-01") in got
    assert any(r[0] == 5 and r[1] == "小组职务" and "不是可选值" in r[2] for r in got)
    assert LeadingGroupMember.objects.count() == 5


def test_history_before_the_current_holder_with_an_end(county):
    assert run(csv(*FIRST)).ok
    result = run(csv("前任,组长,JRZX,,2019-01-01,2020-07-27,"))
    assert result.ok, reasons(result)
    assert ("组长", "前任") in holders(D(2019, 6, 1))
    assert LeadingGroupMember.objects.get(person_name="甲一").to_date is None


@pytest.mark.parametrize("who", ["member", "abc", "town_lishan", "agent", "public"])
def test_only_the_office_and_admins_import(county, users, who):
    with pytest.raises(PermissionDenied):
        run(csv(*FIRST), actor=users[who])
    assert run(csv(*FIRST), actor=users["admin"]).ok


def test_the_page_shows_the_group_on_a_date(client, county, users):
    run(csv(*FIRST))
    run(csv("戊五,组长,PBOC,副县长,2021-09-01,,"))
    client.force_login(users["member"])
    page = client.get(reverse("plan_leading_group")).content.decode()
    assert "戊五" in page and "历次任职" in page
    standing = page.split('data-testid="leading-group-history"')[0]
    assert "甲一" not in standing
    past = client.get(reverse("plan_leading_group"), {"on": "2021-01-01"}).content.decode()
    assert "甲一" in past.split('data-testid="leading-group-history"')[0]
    empty = client.get(reverse("plan_leading_group"), {"on": "2019-01-01"}).content.decode()
    assert 'data-testid="leading-group-empty"' in empty
    term = LeadingGroupMember.objects.get(person_name="甲一")
    detail = client.get(reverse("plan_leading_group_member", args=[term.pk])).content.decode()
    assert "2021-08-31" in detail and 'data-testid="record-history"' in detail
    for who in ["abc", "town_lishan", "agent", "public"]:
        client.force_login(users[who])
        assert client.get(reverse("plan_leading_group")).status_code == 404
        assert client.get(reverse("plan_leading_group_member", args=[term.pk])).status_code == 404


def test_spec_columns_documented_in_template():
    assert [c.header for c in SPEC.columns][:3] == ["姓名", "小组职务", "单位编码"]


def test_columns_left_out_keep_their_values(county):
    assert run(csv(*FIRST)).ok
    result = run(
        "姓名,小组职务,单位编码,任职日期\n丁四,成员,RCB-YY,2020-07-28\n新人,成员,PBOC,2021-01-01\n".encode(),
        mode=MODE_UPSERT,
    )
    assert result.ok, reasons(result)
    assert LeadingGroupMember.objects.get(person_name="丁四").title == "副行长"
    assert LeadingGroupMember.objects.get(person_name="新人").to_date is None


def test_demo_group_has_generated_names_and_a_history(county, users):
    from types import SimpleNamespace

    import numpy as np

    from puhui.demo.names import reserved_names
    from puhui.plan.leading_group_demo import leading_group_demo
    from tests.conftest import _org

    orgs = {"PBOC": county["pboc"], "JRZX": county["finance_centre"]}
    orgs["GOV"] = _org("GOV", "某县人民政府", "government", is_leading_group_member=True, plan_alias="县政府")
    orgs["CZJ"] = _org("CZJ", "某县财政局", "government", is_leading_group_member=True, plan_alias="县财政局")
    ctx = SimpleNamespace(organisations=orgs, users={"office": users["office"]})
    created = leading_group_demo(ctx, np.random.default_rng(1))
    assert (
        created == 5 + 1 + 1
    )  # leader, 2 deputies, office director, 1 member; a new leader and 财政局 member
    names = set(LeadingGroupMember.objects.values_list("person_name", flat=True))
    assert not names & reserved_names()
    assert LeadingGroupMember.objects.filter(post="leader").count() == 2
    assert LeadingGroupMember.objects.filter(to_date__isnull=False).count() == 2
