import pytest

from puhui.core.models import AuditLog
from tests.conftest import ID_NUMBERS


def detail(h) -> str:
    return f"/registry/households/{h.pk}/"


def unmask(h) -> str:
    return f"/registry/households/{h.pk}/unmask/"


def unmask_logs():
    return AuditLog.objects.filter(action=AuditLog.Action.UNMASK)


# (user, household index) pairs that must look exactly like a missing household.
FORBIDDEN = [
    ("town_lishan", 2),
    ("town_lishan", 3),
    ("town_lucun", 0),
    ("agent", 1),
    ("agent", 2),
    ("public", 1),
    ("public", 3),
    ("abc", 0),
    ("rcb", 0),
    ("member", 0),
]


@pytest.mark.parametrize(("who", "index"), FORBIDDEN)
def test_detail_out_of_scope_is_404(login, users, county, who, index):
    assert login(users[who]).get(detail(county["households"][index])).status_code == 404


@pytest.mark.parametrize(("who", "index"), FORBIDDEN)
def test_unmask_out_of_scope_is_404_and_not_logged(login, users, county, who, index):
    r = login(users[who]).post(unmask(county["households"][index]), {"field": "head_id_number"})
    assert r.status_code == 404
    assert not unmask_logs().exists()


def test_missing_household_is_404(login, users, county):
    client = login(users["office"])
    assert client.get("/registry/households/999999/").status_code == 404
    assert client.post("/registry/households/999999/unmask/", {"field": "phone"}).status_code == 404


@pytest.mark.parametrize(
    ("who", "index"), [("office", 2), ("town_lishan", 1), ("agent", 0), ("public", 0), ("admin", 3)]
)
def test_detail_is_masked(login, users, county, who, index):
    r = login(users[who]).get(detail(county["households"][index]))
    assert r.status_code == 200
    html = r.content.decode()
    clear = ID_NUMBERS[index]
    assert clear not in html
    assert f"{clear[:6]}********{clear[-4:]}" in html
    assert f"1380000000{index}" not in html


@pytest.mark.parametrize(("who", "index"), [("office", 2), ("town_lishan", 1), ("agent", 0), ("public", 0)])
def test_unmask_returns_clear_value_and_logs_once(login, users, county, who, index):
    household = county["households"][index]
    user = users[who]
    r = login(user).post(unmask(household), {"field": "head_id_number"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert ID_NUMBERS[index] in r.content.decode()
    assert "no-store" in r["Cache-Control"]
    log = unmask_logs().get()
    assert log.actor == user
    assert (log.object_type, log.object_id) == ("registry.Household", str(household.pk))
    assert log.after == {"field": "head_id_number"}
    assert "户主身份证号" in log.note
    # The clear value never enters the audit trail.
    assert ID_NUMBERS[index] not in f"{log.before}{log.after}{log.note}{log.object_repr}"


def test_unmask_phone(login, users, county):
    r = login(users["office"]).post(
        unmask(county["households"][3]), {"field": "phone"}, HTTP_HX_REQUEST="true"
    )
    assert "13800000003" in r.content.decode()
    assert ID_NUMBERS[3] not in r.content.decode()
    assert unmask_logs().get().after == {"field": "phone"}


def test_admin_may_read_masked_but_not_unmask(login, users, county):
    client = login(users["admin"])
    r = client.get(detail(county["households"][0]))
    assert r.status_code == 200
    assert "显示明文" not in r.content.decode()
    assert client.post(unmask(county["households"][0]), {"field": "head_id_number"}).status_code == 404
    assert not unmask_logs().exists()


def test_unmask_button_shown_only_to_allowed_roles(login, users, county):
    assert "显示明文" in login(users["town_lishan"]).get(detail(county["households"][0])).content.decode()


def test_unmask_rejects_other_fields_and_get(login, users, county):
    client = login(users["office"])
    h = county["households"][0]
    assert client.post(unmask(h), {"field": "head_id_hash"}).status_code == 400
    assert client.post(unmask(h), {"field": "annual_income"}).status_code == 400
    assert client.get(unmask(h)).status_code == 405
    assert not unmask_logs().exists()


def test_unmask_without_htmx_renders_the_page(login, users, county):
    r = login(users["town_lishan"]).post(unmask(county["households"][0]), {"field": "head_id_number"})
    assert r.status_code == 200
    html = r.content.decode()
    assert ID_NUMBERS[0] in html
    assert "1380000000" + "0" not in html  # the other field stays masked
    assert unmask_logs().count() == 1


def test_office_sees_who_viewed_personal_data(login, users, county):
    h = county["households"][0]
    login(users["agent"]).post(unmask(h), {"field": "phone"}, HTTP_HX_REQUEST="true")
    r = login(users["office"]).get(detail(h))
    viewers = list(r.context["viewers"])
    assert [(v.actor, v.after) for v in viewers] == [(users["agent"], {"field": "phone"})]
    assert 'data-testid="unmask-log"' in r.content.decode()
    # Other households' logs do not show here.
    assert list(login(users["office"]).get(detail(county["households"][1])).context["viewers"]) == []


def test_non_office_does_not_see_the_viewer_log(login, users, county):
    h = county["households"][0]
    login(users["office"]).post(unmask(h), {"field": "phone"}, HTTP_HX_REQUEST="true")
    r = login(users["town_lishan"]).get(detail(h))
    assert r.context["viewers"] is None
    assert 'data-testid="unmask-log"' not in r.content.decode()
