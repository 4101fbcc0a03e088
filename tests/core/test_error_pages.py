"""Chinese 400/403/404/500 pages, as Django's handlers render them with DEBUG off."""

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import Client
from django.urls import include, path


def boom(request):
    raise RuntimeError("secret internals")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [
    path("boom/", boom),
    path("forbidden/", forbidden),
    path("", include("puhui.urls")),
]


@pytest.fixture
def production(settings):
    settings.DEBUG = False


def test_404_page(client, production, users):
    r = client.get("/no-such-page/")
    assert r.status_code == 404
    html = r.content.decode()
    assert "页面不存在" in html and 'lang="zh-Hans"' in html
    # A signed-in user sees the same page; a forbidden object is 404 too, and says so.
    client.force_login(users["office"])
    assert "或者您无权查看" in client.get("/organisations/999999/").content.decode()


@pytest.mark.urls("tests.core.test_error_pages")
def test_500_page(production, db):
    client = Client(raise_request_exception=False)
    r = client.get("/boom/")
    assert r.status_code == 500
    html = r.content.decode()
    assert "系统出现错误" in html and "secret internals" not in html


def test_500_page_needs_no_database_and_no_context():
    # No db fixture: pytest-django fails any database access here.
    html = render_to_string("500.html")
    assert "系统出现错误" in html


@pytest.mark.urls("tests.core.test_error_pages")
def test_403_page(client, production, users):
    r = client.get("/forbidden/")
    assert r.status_code == 403
    assert "无权访问" in r.content.decode()


def test_csrf_failure_page(production, users):
    client = Client(enforce_csrf_checks=True)
    r = client.post("/login/", {"username": "office", "password": "x"})
    assert r.status_code == 403
    html = r.content.decode()
    assert "页面已过期" in html and "刷新" in html


def test_400_page(client, production, db):
    r = client.get("/login/", HTTP_HOST="evil.example.com")
    assert r.status_code == 400
    assert "请求有误" in r.content.decode()


def test_error_pages_carry_no_inline_script():
    for name in ("400.html", "403.html", "403_csrf.html", "404.html", "500.html", "503_key.html"):
        html = render_to_string(name)
        assert "<script" not in html, name
        assert "普惠" in html
