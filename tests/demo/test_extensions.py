"""Apps extend the demo county through `<app>.demo.build(ctx)`, inside the same transaction."""

import io

import pytest
from django.core.management import call_command

from puhui.core.models import AuditLog
from puhui.demo import build
from tests.demo.ext_app import demo as ext_demo


@pytest.mark.sqlite_leg  # a whole demo build for the hook's call; the shared demo runs on both databases
def test_an_app_demo_module_runs_after_the_core_county(db, settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "tests.demo.ext_app"]
    monkeypatch.setattr(build, "EXTENSION_PACKAGES", ("puhui.", "tests.demo."))
    ext_demo.calls.clear()
    out = io.StringIO()
    call_command("demo", scale=0.02, seed=5, stdout=out)
    assert len(ext_demo.calls) == 1
    call = ext_demo.calls[0]
    assert call["seed"] == 5 and call["office"] == "office" and call["towns"] == 12
    assert "扩展示例" in out.getvalue()
    assert AuditLog.objects.filter(object_type="demo_ext_test").exists()
    assert AuditLog.objects.get(object_type="demo").after["demo_ext_test.things"] == 3
