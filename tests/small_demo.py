"""The demo county at scale 0.02 for one test module: built once per module (`demo`), inside a transaction
rolled back at the module's end; `in_demo` points the settings at its files for a test. A module uses it as
`demo = small_demo.demo` and `in_demo = small_demo.in_demo`."""

import pytest
from django.db import transaction
from django.test import override_settings

from puhui.demo.build import build_demo

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("var")
    with (
        django_db_blocker.unblock(),
        override_settings(VAR_DIR=var_dir, MEDIA_ROOT=var_dir / "media", PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        result = build_demo(scale=0.02, seed=7, progress=lambda s: None)
        yield {"var_dir": var_dir, "counts": result.counts}
        transaction.set_rollback(True)


@pytest.fixture
def in_demo(demo, db, settings):
    settings.VAR_DIR, settings.MEDIA_ROOT = demo["var_dir"], demo["var_dir"] / "media"
    return demo
