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
    assert r.headers["Cache-Control"] == "no-store"
    created = User.objects.get(username="abc2")
    assert created.organisation == county["abc"]
    assert created.must_change_password
    assert created.check_password(one_time_password(r))
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
    new_password = one_time_password(r)
    users["abc"].refresh_from_db()
    assert users["abc"].check_password(new_password) and not users["abc"].check_password(PASSWORD)
    assert users["abc"].must_change_password


def one_time_password(response) -> str:
    html = response.content.decode()
    return html.split('data-testid="one-time-password">')[1].split("<")[0]


def test_one_time_password_is_shown_once_and_kept_nowhere(login, users):
    admin = login(users["admin"])
    r = admin.post(f"/users/{users['abc'].pk}/reset-password/")
    password = one_time_password(r)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    # Not in a message for the next page, not in the audit trail.
    assert password not in admin.get("/users/").content.decode()
    assert password not in str(list(AuditLog.objects.values_list("before", "after", "note")))
    # The generated password meets the password policy (all four character classes).
    from django.contrib.auth.password_validation import validate_password

    validate_password(password, users["abc"])


def test_audit_never_holds_password_hashes(login, users, county):
    login(users["admin"]).post(
        "/users/new/",
        {"username": "hash1", "role": "institution", "organisation": county["abc"].pk, "is_active": "on"},
    )
    created = User.objects.get(username="hash1")
    entry = AuditLog.objects.get(action="create", object_id=str(created.pk), object_type="core.User")
    assert entry.after["password"] == "******"
    assert created.password not in str(entry.after)


def test_user_list_marks_accounts_that_must_change_password(login, users):
    users["abc"].must_change_password = True
    users["abc"].save()
    assert "待改密" in login(users["admin"]).get("/users/").content.decode()
