import os
import subprocess
import sys

SETUP = "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'puhui.settings'; django.setup()"


def run_settings(**env):
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DEBUG"}}
    return subprocess.run([sys.executable, "-c", SETUP], env=base | env, capture_output=True, text=True)


def test_production_refuses_development_secrets():
    result = run_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_a_missing_field_key():
    result = run_settings(DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY" in result.stderr


def test_production_starts_with_real_secrets():
    result = run_settings(DEBUG="0", SECRET_KEY="x" * 50, FIELD_ENCRYPTION_KEY="y" * 50)
    assert result.returncode == 0, result.stderr
