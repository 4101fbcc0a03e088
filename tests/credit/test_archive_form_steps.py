"""The archive form an agent can finish: steps, an error summary naming every field, 保存并下一户, a
completeness figure that counts what the page holds, and no credit grade to type in."""

import re

from puhui.credit import services
from puhui.credit.forms import ARCHIVE_STEPS, ArchiveForm
from puhui.credit.models import HouseholdArchive
from tests.credit.conftest import COMPLETE


def _url(hh):
    return f"/credit/households/{hh.pk}/archive/"


def _post_data(data: dict, members=()) -> dict:
    post = {k: ("true" if v is True else "false" if v is False else v) for k, v in data.items()}
    post |= {"m-TOTAL_FORMS": str(len(members)), "m-INITIAL_FORMS": "0"}
    for i, m in enumerate(members):
        post |= {f"m-{i}-{k}": v for k, v in m.items()}
    return post


def test_every_editable_field_is_in_one_step_and_the_grade_is_not_one():
    placed = [name for _, names in ARCHIVE_STEPS for name in names]
    assert len(placed) == len(set(placed))
    assert set(placed) == set(services.EDITABLE_FIELDS)
    assert "grade" not in services.EDITABLE_FIELDS and "grade" not in ArchiveForm().fields


def test_the_page_shows_steps_progress_and_both_save_buttons(county, users, login):
    hh = county["households"][0]
    html = login(users["agent"]).get(_url(hh)).content.decode()
    assert html.count("data-step=") == len(ARCHIVE_STEPS) + 1  # and the members
    for title, _ in ARCHIVE_STEPS:
        assert title in html
    assert "必填项已填 0/21 项" in html
    assert 'name="then" value="next"' in html and "保存并下一户" in html
    assert "data-error-summary" not in html
    assert "当前信用等级" not in html  # no archive, no grade; and never an input for it
    assert 'name="grade"' not in html


def test_an_error_is_listed_at_the_top_with_a_link_to_its_field_and_nothing_is_stored(county, users, login):
    hh = county["households"][0]
    data = dict(COMPLETE, labour_count="两个", npl_since="2020-13-45")
    member = {"name": "张三", "relation": "子", "id_number": "370323199001011235", "age": "20"}
    response = login(users["agent"]).post(_url(hh), _post_data(data, [member]))
    assert response.status_code == 200
    html = response.content.decode()
    summary = re.search(r"<div[^>]*data-error-summary[^>]*>(.*?)</div>", html, re.S).group(1)
    assert "有 3 处需要改正" in summary
    assert '<a href="#id_labour_count">家庭劳动力人数</a>' in summary
    assert '<a href="#id_npl_since">不良贷款形成日期</a>' in summary
    assert '<a href="#id_m-0-id_number">第1位家庭成员 身份证号</a>' in summary
    assert 'aria-invalid="true"' in html and "is-invalid" in html
    # What was typed comes back, and the figure counts what the page holds.
    assert 'value="两个"' in html
    assert "必填项已填 21/21 项" in html
    assert not HouseholdArchive.objects.filter(household=hh).exists()


def test_save_and_next_goes_to_the_next_household_still_to_collect(county, users, login):
    h0, h1 = county["households"][:2]  # 历山1村 and 历山2村, both in 历山街道
    client = login(users["town_lishan"])
    response = client.post(_url(h0), _post_data(COMPLETE) | {"then": "next"})
    assert response.status_code == 302 and response["Location"] == _url(h1)
    assert HouseholdArchive.objects.get(household=h0).completeness == 100
    # H1 done as well: nothing left in the town, back to the work list with a word saying so.
    response = client.post(_url(h1), _post_data(COMPLETE) | {"then": "next"}, follow=True)
    assert response.redirect_chain[-1][0] == "/credit/"
    assert "范围内的农户档案都已填写完整" in response.content.decode()


def test_save_and_next_skips_complete_archives_and_wraps_round(county, users, login):
    h0, h1 = county["households"][:2]
    services.archive_save(actor=users["office"], household=h1, data=dict(COMPLETE))
    client = login(users["town_lishan"])
    # From H1 (complete): nothing after it in the town, so back to the first one still open, H0.
    response = client.post(_url(h1), _post_data(COMPLETE) | {"then": "next"})
    assert response["Location"] == _url(h0)


def test_plain_save_goes_to_the_household_page_with_the_completeness(county, users, login):
    hh = county["households"][0]
    partial = {k: v for k, v in COMPLETE.items() if k not in {"housing", "accounts"}}
    response = login(users["agent"]).post(_url(hh), _post_data(partial), follow=True)
    assert response.redirect_chain[-1][0] == f"/credit/households/{hh.pk}/"
    html = response.content.decode()
    assert "完整度 90%" in html  # 19 of 21 required fields
    assert HouseholdArchive.objects.get(household=hh).completeness == 90


def test_the_grade_shows_as_the_ratings_and_cannot_be_posted(county, users, login, archived):
    hh = archived(0)
    archive = HouseholdArchive.objects.get(household=hh)
    assert archive.grade
    html = login(users["agent"]).get(_url(hh)).content.decode()
    assert f"当前信用等级 <strong>{archive.grade}</strong>（由评级得出，不在此填写）" in html
    other = "D" if archive.grade != "D" else "C"
    login(users["agent"]).post(_url(hh), _post_data(COMPLETE) | {"grade": other})
    before = archive.grade
    archive.refresh_from_db()
    assert archive.grade == before
