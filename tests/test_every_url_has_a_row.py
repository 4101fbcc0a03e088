"""Every URL name of the project and every operation of the API has a row in some role × URL table.

Each app's table module (tests/<app>/...) exposes `URL_TABLE` (url name, namespaced as `reverse` takes
it → its rows) and, for its API operations, `API_TABLE` ((METHOD, OpenAPI path) → its rows). This test
walks `get_resolver()` for every named URL of the project — leaving out django-ninja's /api/v1/ routes,
which are covered by their operations — reads every (method, path) of the OpenAPI schema, and fails
when one is in no table. A new page or operation therefore needs a row stating, for every role, what it
answers (docs/architecture.md, Access).
"""

import importlib
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

TABLE_MODULES = [
    "tests.core.test_url_table_core",
    "tests.core.test_url_table_other",
    "tests.registry.test_url_table",
    "tests.plan.test_access",
    "tests.data.test_url_table",
    "tests.credit.test_url_table",
    "tests.index.test_url_table",
    "tests.monetary.test_url_table",
    "tests.policy.test_url_table",
    "tests.localfin.test_url_table_orgs",
    "tests.localfin.test_url_table_listing",
    "tests.localfin.test_url_table_financing",
    "tests.risk.test_url_table_networks",
    "tests.risk.test_url_table_warnings",
    "tests.disposal.test_url_table",
    "tests.protection.test_url_table",
    "tests.outreach.test_url_table",
    "tests.stations.test_url_table",
    "tests.merchants.test_url_table",
    "tests.cash.test_url_table",
    "tests.insurance.test_url_table",
    "tests.finder.test_url_table",
    "tests.firms.test_url_table",
    "tests.firstloans.test_url_table",
    "tests.financing.test_url_table",
    "tests.bankeval.test_url_table",
    "tests.cases.test_url_table",
    "tests.evaluation.test_url_table",
]
API_NAMESPACE = "api-v1"  # django-ninja's routes: checked as operations of the schema below


def _url_names(patterns, namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            inner = f"{namespace}:{ns}" if namespace and ns else ns or namespace
            yield from _url_names(p.url_patterns, inner)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}:{p.name}" if namespace else p.name


def _tables(name):
    out = {}
    for module in TABLE_MODULES:
        table = getattr(importlib.import_module(module), name, {})
        out.update(dict.fromkeys(table, module))
    return out


def test_every_url_name_is_in_a_table():
    names = {n for n in _url_names(get_resolver().url_patterns) if not n.startswith(f"{API_NAMESPACE}:")}
    assert len(names) > 100  # the walk found the project's pages, not an empty resolver
    tabled = _tables("URL_TABLE")
    assert sorted(names - set(tabled)) == []
    assert sorted(set(tabled) - names) == []  # a row for a URL that no longer exists


def test_every_api_operation_is_in_a_table(db, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operations = {(method.upper(), path) for path, methods in paths.items() for method in methods}
    assert len(operations) > 20
    tabled = _tables("API_TABLE")
    assert sorted(operations - set(tabled)) == []
    assert sorted(set(tabled) - operations) == []


def test_every_table_module_is_listed():
    """Each listed module exposes a URL_TABLE, and a module of tests/ that defines one is listed."""
    for module in TABLE_MODULES:
        assert getattr(importlib.import_module(module), "URL_TABLE", None), module
    root = Path(__file__).parent
    defining = {
        ".".join(f.relative_to(root.parent).with_suffix("").parts)
        for f in root.rglob("*.py")
        if "\nURL_TABLE = " in f.read_text(encoding="utf-8")
    }
    assert sorted(defining - set(TABLE_MODULES)) == []
