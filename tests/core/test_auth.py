"""Login with lock-out after repeated failures, session expiry, and the login audit."""

from django.conf import settings

from puhui.core.models import AuditLog
from tests.conftest import PASSWORD


def post_login(client, username, password):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR="10.0.0.8")


def test_login_and_logout_are_audited(client, users):
    r = post_login(client, "office", PASSWORD)
    assert r.status_code == 302 and r.url == "/"
    assert AuditLog.objects.filter(action="login", actor=users["office"]).count() == 1
    client.post("/logout/")
    assert AuditLog.objects.filter(action="logout", actor=users["office"]).count() == 1


def test_wrong_password_shows_chinese_error_and_is_audited(client, users):
    r = post_login(client, "office", "wrong-password")
    assert r.status_code == 200
    assert "用户名或密码错误" in r.content.decode()
    assert AuditLog.objects.filter(action="login_failed", object_repr="office").exists()


def test_lockout_after_repeated_failures(client, users):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "office", "wrong-password")
    r = post_login(client, "office", PASSWORD)
    assert r.status_code == 429
    assert "锁定" in r.content.decode()
    # Another account from the same address is not locked.
    assert post_login(client, "admin", PASSWORD).status_code == 302


def test_session_expires(client, users):
    post_login(client, "office", PASSWORD)
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert client.session.get_expire_at_browser_close()


def test_passwords_use_a_strong_hasher():
    # The tests swap in MD5 for speed; the project's own setting is Argon2.
    from puhui import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
