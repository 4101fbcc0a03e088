"""修改密码 for every user, the forced change after an administrator set the password, and the policy in Chinese."""

import pytest
from django.test import Client

from puhui.api.services import token_create
from puhui.core.models import AuditLog, User
from puhui.core.validators import CharacterClassesValidator
from tests.conftest import PASSWORD

NEW = "Xin-mima-2026-abc"


def change(client, old=PASSWORD, new1=NEW, new2=None):
    return client.post(
        "/password/", {"old_password": old, "new_password1": new1, "new_password2": new2 or new1}
    )


def test_every_user_finds_the_page_in_the_user_menu(login, users):
    client = login(users["agent"])
    html = client.get("/").content.decode()
    assert 'href="/password/"' in html and "修改密码" in html
    page = client.get("/password/").content.decode()
    for label in ("旧密码", "新密码", "新密码确认"):
        assert label in page
    # The policy's help text is Chinese, our 等保 rule included.
    assert "密码必须包含至少 10 个字符" in page
    assert "四类字符中的至少 3 类" in page
    assert "must-change-password" not in page  # not forced


def test_change_keeps_the_session_and_is_audited(login, users):
    client = login(users["abc"])
    r = change(client)
    assert r.status_code == 302 and r.url == "/"
    user = User.objects.get(pk=users["abc"].pk)
    assert user.check_password(NEW)
    assert client.get("/").status_code == 200  # still signed in
    entry = AuditLog.objects.get(action="update", object_id=str(user.pk), note="修改本人密码")
    assert entry.actor == user
    assert NEW not in str(entry.before) + str(entry.after) + entry.note


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("wrong-old-password", NEW, "你的旧密码不正确"),
        (PASSWORD, "Ab-1234", "密码长度太短。密码必须包含至少 10 个字符"),
        (PASSWORD, "12345678901234", "密码只包含数字"),
        (PASSWORD, "password123", "这个密码太常见了"),
        (PASSWORD, "abcdefghijkl", "必须包含大写字母、小写字母、数字、特殊符号这四类字符中的至少 3 类"),
        (PASSWORD, "lishan2026!", "密码跟 用户名 太相似了"),
        (PASSWORD, PASSWORD, "新密码不能与当前密码相同"),
    ],
)
def test_policy_messages_are_chinese(login, users, old, new, message):
    r = change(login(users["town_lishan"]), old=old, new1=new)
    assert r.status_code == 200
    assert message in r.content.decode()
    assert User.objects.get(pk=users["town_lishan"].pk).check_password(PASSWORD)


def test_mismatched_confirmation(login, users):
    r = change(login(users["abc"]), new1=NEW, new2=NEW + "x")
    assert "输入的两个密码不一致" in r.content.decode()


def test_character_classes():
    validator = CharacterClassesValidator(min_classes=3)
    assert validator.classes_in("abc") == 1
    assert validator.classes_in("aB3") == 3
    assert validator.classes_in("aB3!") == 4
    assert validator.classes_in("密码Ab") == 3  # a Chinese character counts as a symbol
    validator.validate("abcDEF1234")
    with pytest.raises(Exception, match="至少 3 类"):
        validator.validate("abcdef1234")


@pytest.fixture
def flagged(users):
    user = users["abc"]
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    return user


def test_flagged_user_is_sent_to_the_change_page_from_everywhere(login, flagged):
    client = login(flagged)
    for path in ("/", "/organisations/", "/registry/households/", "/users/", "/no-such-page/"):
        r = client.get(path)
        assert r.status_code == 302 and r.url == "/password/", path
    page = client.get("/password/")
    assert page.status_code == 200
    assert "请先设置一个只有您自己知道的新密码" in page.content.decode()
    # htmx partials are redirected as a whole page.
    r = client.get("/organisations/", headers={"HX-Request": "true"})
    assert r.headers["HX-Redirect"] == "/password/"
    # Static files and logout still work.
    assert client.get("/static/css/app.css").status_code != 302
    assert client.post("/logout/").status_code == 302
    assert client.get("/").url.startswith("/login/")


def test_change_lifts_the_flag(login, flagged):
    client = login(flagged)
    r = change(client)
    assert r.status_code == 302 and r.url == "/"
    flagged.refresh_from_db()
    assert not flagged.must_change_password
    assert client.get("/organisations/").status_code == 200
    assert AuditLog.objects.filter(
        object_id=str(flagged.pk), note="修改本人密码（首次登录或重置后的强制修改）"
    ).exists()


def test_forced_change_refuses_the_administrators_password(login, flagged):
    r = change(login(flagged), new1=PASSWORD)
    assert "新密码不能与当前密码相同" in r.content.decode()
    flagged.refresh_from_db()
    assert flagged.must_change_password


def test_api_token_requests_are_unaffected(flagged, county, users):
    _token, raw = token_create(actor=users["admin"], organisation=county["abc"], name="测试")
    client = Client()
    client.force_login(flagged)  # even with a flagged session in the same browser
    r = client.get("/api/v1/divisions", headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 200


def test_first_login_of_an_account_made_by_the_admin(login, users, county):
    r = login(users["admin"]).post(
        "/users/new/",
        {"username": "newbie", "role": "institution", "organisation": county["abc"].pk, "is_active": "on"},
    )
    initial = r.content.decode().split('data-testid="one-time-password">')[1].split("<")[0]
    client = Client()
    r = client.post("/login/", {"username": "newbie", "password": initial})
    assert r.status_code == 302
    assert client.get(r.url).url == "/password/"
    assert change(client, old=initial).url == "/"
    assert client.get("/").status_code == 200


def test_demo_and_fixture_users_are_not_forced(users):
    assert not User.objects.filter(must_change_password=True).exists()
