import os
import secrets
import subprocess
import sys

SETUP = "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'puhui.settings'; django.setup()"
STRONG_FIELD_KEY = "q7Vt2mXc9LpR4sWz8NbK1hJd6FgY3eUa"  # 32 characters


def run_python(code, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE is the browser tests' (tests/conftest.py), never a deployment's.
        if k
        not in {
            "SECRET_KEY",
            "FIELD_ENCRYPTION_KEY",
            "DEBUG",
            "PUHUI_TRUSTED_PROXIES",
            "ALLOWED_HOSTS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "SECURE_SSL_REDIRECT",
        }
    }
    return subprocess.run([sys.executable, "-c", code], env=base | env, capture_output=True, text=True)


def run_settings(**env):
    return run_python(SETUP, **env)


def test_production_refuses_development_secrets():
    result = run_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_a_missing_field_key():
    result = run_settings(DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY" in result.stderr


def test_production_refuses_a_weak_field_key():
    for weak in ("short-key-2026", "y" * 50, "abab" * 10):
        result = run_settings(DEBUG="0", SECRET_KEY="x" * 50, FIELD_ENCRYPTION_KEY=weak)
        assert result.returncode != 0, weak
        assert "FIELD_ENCRYPTION_KEY 强度不足" in result.stderr


def test_production_starts_with_real_secrets():
    result = run_settings(DEBUG="0", SECRET_KEY="x" * 50, FIELD_ENCRYPTION_KEY=STRONG_FIELD_KEY)
    assert result.returncode == 0, result.stderr


def test_bad_trusted_proxy_is_refused():
    result = run_settings(PUHUI_TRUSTED_PROXIES="10.0.0.1,not-an-address")
    assert result.returncode != 0
    assert "PUHUI_TRUSTED_PROXIES" in result.stderr


DEPLOY_CHECK = (
    SETUP
    + "; from django.core.management import call_command; call_command('check', deploy=True, fail_level='WARNING')"
)
SHOW = (
    SETUP
    + "; from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER)"
)


def production_env(tmp_path, **extra):
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": secrets.token_urlsafe(33),
        "ALLOWED_HOSTS": "example.gov.cn",
        "PUHUI_VAR_DIR": str(tmp_path),
        **extra,
    }


def test_deploy_check_reports_no_issues(tmp_path):
    for proxies in ("", "10.0.0.0/8"):
        result = run_python(DEPLOY_CHECK, **production_env(tmp_path, PUHUI_TRUSTED_PROXIES=proxies))
        assert result.returncode == 0, result.stderr
        output = result.stdout + result.stderr
        assert "System check identified no issues" in output, output
        assert "WARNINGS" not in output and "ERRORS" not in output


def test_proxy_ssl_header_only_with_trusted_proxies(tmp_path):
    plain = run_python(SHOW, **production_env(tmp_path))
    assert plain.stdout.split() == ["31536000", "True", "None"], plain.stderr
    behind = run_python(SHOW, **production_env(tmp_path, PUHUI_TRUSTED_PROXIES="10.0.0.2"))
    assert behind.stdout.strip() == "31536000 True ('HTTP_X_FORWARDED_PROTO', 'https')", behind.stderr
    no_redirect = run_python(SHOW, **production_env(tmp_path, SECURE_SSL_REDIRECT="0"))
    assert no_redirect.stdout.split()[1] == "False"
