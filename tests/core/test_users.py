import pytest

from puhui.core.models import AuditLog, User
from tests.conftest import PASSWORD


@pytest.mark.parametrize("who", ["office", "member", "abc", "town_lishan", "agent", "public"])
def test_user_management_is_for_admins_only(login, users, who):
    client = login(users[who])
    assert client.get("/users/").status_code == 404
    assert client.post(f"/users/{users['abc'].pk}/reset-password/").status_code == 404


def test_admin_creates_a_bank_user_with_generated_password(login, users, county):
    client = login(users["admin"])
    r = client.post(
        "/users/new/",
        {
            "username": "abc2",
            "display_name": "王芳",
            "role": "institution",
            "organisation": county["abc"].pk,
            "is_active": "on",
        },
        follow=True,
    )
    assert "初始密码（仅显示一次）" in r.content.decode()
    created = User.objects.get(username="abc2")
    assert created.organisation == county["abc"]
    assert AuditLog.objects.filter(
        action="create", object_type="core.User", object_id=str(created.pk)
    ).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"role": "institution"}, "organisation", "金融机构用户必须属于一家金融机构"),
        ({"role": "town"}, "town", "必须指定所属镇"),
        ({"role": "agent"}, "villages", "必须指定负责的村"),
        ({"role": "public", "household_code": "NOPE"}, "household_code", "农户编号 NOPE 不存在"),
        ({"role": "office", "password": "12345678901"}, "password", "密码只包含数字"),
    ],
)
def test_role_needs_its_anchor(login, users, data, field, message):
    r = login(users["admin"]).post("/users/new/", {"username": "x1", **data})
    assert r.status_code == 200
    assert message in r.content.decode()
    assert not User.objects.filter(username="x1").exists()


def test_reset_password_and_unlock(login, users, client):
    for _ in range(5):
        client.post("/login/", {"username": "abc", "password": "bad"})
    admin = login(users["admin"])
    assert "已锁定" in admin.get("/users/").content.decode()
    admin.post(f"/users/{users['abc'].pk}/unlock/")
    assert "已锁定" not in admin.get("/users/").content.decode()
    r = admin.post(f"/users/{users['abc'].pk}/reset-password/", follow=True)
    new_password = r.content.decode().split("仅显示一次）：")[1].split("<")[0].strip()
    users["abc"].refresh_from_db()
    assert users["abc"].check_password(new_password) and not users["abc"].check_password(PASSWORD)
