"""One house: every capability app has the same module set (docs/architecture.md, "Layout").

models, access (the only road to tenant data), selectors (reads), services (writes), forms, views and api
(thin), urls, tasks, demo (its part of the demo county), plugin (what it adds to the shared places) — each
a module or a package — and its templates directory.
"""

import importlib
import importlib.util
from pathlib import Path

import pytest

# Every capability app. A new capability app is added here (docs/architecture.md, "Adding a new capability app").
CAPABILITY_APPS = [
    "plan",
    "credit",
    "data",
    "index",
    "monetary",
    "policy",
    "localfin",
    "risk",
    "disposal",
    "protection",
    "outreach",
    "stations",
    "merchants",
    "cash",
    "insurance",
    "finder",
    "firms",
    "firstloans",
    "financing",
    "bankeval",
    "cases",
    "evaluation",
]

MODULES = [
    "models",
    "access",
    "selectors",
    "services",
    "forms",
    "views",
    "api",
    "urls",
    "tasks",
    "demo",
    "plugin",
]

# The shared menus (docs/architecture.md, "Order"): 首页, 名录, 系统 (core's) and 消息 (the plan's).
SHARED_MENU_ORDERS = {0, 60, 70, 80}


@pytest.mark.parametrize("app", CAPABILITY_APPS)
def test_capability_app_has_the_module_set(app):
    missing = [m for m in MODULES if importlib.util.find_spec(f"puhui.{app}.{m}") is None]
    assert missing == [], f"puhui.{app} lacks {missing}"


@pytest.mark.parametrize("app", CAPABILITY_APPS)
def test_capability_app_has_its_templates(app):
    package = Path(importlib.util.find_spec(f"puhui.{app}").origin).parent
    assert (package / "templates" / app).is_dir(), f"puhui/{app}/templates/{app}/"


def test_every_capability_app_is_listed():
    """The list above is complete: an installed puhui app whose plugin.py declares a menu of its own is a
    capability (core, api, jobs, imports and registry are the platform: they join the shared menus)."""
    from django.conf import settings

    from puhui.core.plugins import Menu

    apps = [a.removeprefix("puhui.") for a in settings.INSTALLED_APPS if a.startswith("puhui.")]
    with_menu = []
    for app in apps:
        if importlib.util.find_spec(f"puhui.{app}.plugin") is None:
            continue
        plugin = importlib.import_module(f"puhui.{app}.plugin")
        if any(isinstance(v, Menu) and v.order not in SHARED_MENU_ORDERS for v in vars(plugin).values()):
            with_menu.append(app)
    assert sorted(with_menu) == sorted(CAPABILITY_APPS)
