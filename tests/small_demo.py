"""The demo county at scale 0.02, built once per test process and shared by every test that reads it.

A build takes half a minute, and about twenty modules read the same county: they ask for `in_demo` (or `demo`)
and get one build, kept inside a transaction each test's own savepoint rolls back to. The transaction is
rolled back, and the county gone, before the first test that does not read it starts (the
`pytest_runtest_setup` hook in tests/conftest.py). So that this happens once: the tests that read it run
first, and under xdist every module that asks for `in_demo` is one unit of work (`DemoFirstScheduling`), run
by one worker. A test may change the county; its changes are rolled back with its savepoint. Tests that
commit (live server, transactional_db) cannot share it and build their own.
"""

import functools
import io
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from xdist.scheduler import LoadFileScheduling

from puhui.demo.build import build_demo
from puhui.demo.management.commands import demo as demo_command

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SCALE, SEED = 0.02, 7


class _SharedDemo:
    def __init__(self):
        self.state: dict | None = None
        self._contexts: list = []

    def open(self, blocker, var_dir) -> dict:
        if self.state is None:
            with blocker.unblock():
                settings = override_settings(
                    VAR_DIR=var_dir, MEDIA_ROOT=var_dir / "media", PASSWORD_HASHERS=FAST_HASHERS
                )
                atomic = transaction.atomic()
                settings.enable()
                atomic.__enter__()
                self._contexts = [settings, atomic]
                try:
                    self.state = _run_the_command(var_dir)
                except BaseException:
                    self.close(blocker)
                    raise
        return self.state

    def close(self, blocker) -> None:
        if not self._contexts:
            return
        settings, atomic = self._contexts
        self._contexts, self.state = [], None
        with blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
        settings.disable()


def _run_the_command(var_dir) -> dict:
    """`puhui demo` as an operator runs it (tests/demo/test_command.py reads its output), keeping the build's
    counts for the apps' tests."""
    results, out = [], io.StringIO()

    def build_and_keep(**kwargs):
        results.append(build_demo(**kwargs))
        return results[-1]

    with mock.patch.object(demo_command, "build_demo", build_and_keep):
        call_command("demo", scale=SCALE, seed=SEED, stdout=out)
    return {"var_dir": var_dir, "counts": results[0].counts, "output": out.getvalue()}


SHARED = _SharedDemo()


def reads_the_demo(item) -> bool:
    return "demo" in getattr(item, "fixturenames", ())


class DemoFirstScheduling(LoadFileScheduling):
    """--dist loadfile, with the modules that ask for the shared county as one unit (the largest, so first)."""

    SCOPE = "tests/small_demo.py::the-shared-demo-county"

    def _split_scope(self, nodeid: str) -> str:
        module = nodeid.split("::", 1)[0]
        return (
            self.SCOPE if _asks_for_the_demo(self.config.rootpath / module) else super()._split_scope(nodeid)
        )


@functools.cache
def _asks_for_the_demo(path: Path) -> bool:
    # The controller has node ids, not fixtures: a module's source naming the fixture stands for its tests.
    return path.suffix == ".py" and path.is_file() and "in_demo" in path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def _shared_demo(django_db_setup, django_db_blocker):
    # Torn down before the test database is (a session fixture it depends on): the transaction ends first.
    yield SHARED
    SHARED.close(django_db_blocker)


@pytest.fixture(scope="module")
def demo(_shared_demo, django_db_blocker, tmp_path_factory):
    # Module scope: set up before any test's own `db` savepoint, so the county is never built inside one.
    if SHARED.state is None:
        return SHARED.open(django_db_blocker, tmp_path_factory.mktemp("var"))
    return SHARED.state


@pytest.fixture
def in_demo(demo, db, settings):
    """The shared demo county, with the settings pointing at its files for this test."""
    settings.VAR_DIR, settings.MEDIA_ROOT = demo["var_dir"], demo["var_dir"] / "media"
    settings.PASSWORD_HASHERS = FAST_HASHERS
    return demo
