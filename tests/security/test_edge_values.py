"""Edge-value sweep: every page and API read, given hostile parameter values, answers without a server error.

The parameters each view reads are found in its source (`request.GET.get("x")` and the like), so a new
view or parameter is swept without editing this file. Bad values must give 400/404 or a page that ignores
them — never a 500.
"""

import inspect
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

EDGE = [
    "abc",
    "-1",
    "0",
    "9223372036854775808",
    "99999999999999999999999",
    "2021-13-45",
    "1e309",
    "%00",
    "'\"<>",
]


def _patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def _params_of(view, method: str = "GET") -> set[str]:
    target = getattr(view, "view_class", None) or inspect.unwrap(view)
    module = inspect.getmodule(target)
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):
        return set()
    # The view's own body, plus module helpers it calls with the request (e.g. _as_of(request)).
    body = _function(source, getattr(target, "__name__", ""))
    for helper in set(re.findall(r"(_[a-z_]+)\(request", body)):
        body += _function(source, helper)
    names = set()
    for line in body.splitlines():
        if method in line:  # request.GET.get("x"), request.GET["x"], or a tuple of names read in a loop
            names |= set(re.findall(r"[\"']([a-z][a-z_0-9]*)[\"']", line))
    for form in re.findall(rf"([A-Z]\w*Form)\([^)]*request\.{method}", body):
        names |= set(getattr(getattr(module, form, None), "base_fields", {}))
    return names


def _function(source: str, name: str) -> str:
    match = re.search(rf"\ndef {re.escape(name)}\(.*?(?=\n(?:def|class|@) )", source, re.S)
    return match.group(0) if match else ""


def _pages():
    """Parameter-free GET pages (the ones with <id:pk> are covered by the id-range test) and their params."""
    out = []
    for route, view in _patterns():
        if "<" in route or route.startswith("api/v1/") or "logout" in route:
            continue
        out.append(("/" + route, sorted(_params_of(view) | {"page"})))
    return out


PAGES = _pages()
# Parameter-free pages that take a POST, with the fields their source reads (forms included).
POSTS = [
    (path, sorted(p))
    for path, p in (
        (r, _params_of(v, "POST"))
        for r, v in (
            (f"/{r}", v)
            for r, v in _patterns()
            if "<" not in r and not r.startswith("api/v1/") and "logout" not in r
        )
    )
    if p
]


def _queries(params: list[str], value: str) -> list[dict]:
    """Every parameter alone (one bad value must not hide behind another's 400) and, when there are
    several, all of them at once."""
    alone = [{p: value} for p in params]
    return [{p: value for p in params}, *alone] if len(params) > 1 else alone


def _client(user) -> Client:
    """A client that reports a server error as a 500 instead of raising it, so the sweep lists them all."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["office", "abc", "member"])
def test_pages_survive_hostile_query_values(users, who):
    client = _client(users[who])
    failures = []
    for path, params in PAGES:
        for value in EDGE:
            for query in _queries(params, value):
                r = client.get(path, query)
                if r.status_code >= 500:
                    failures.append((path, query, r.status_code))
    if failures:
        pytest.fail("\n".join(map(str, sorted({(f[0], tuple(f[1])) for f in failures}))))


@pytest.mark.parametrize("who", ["office", "admin"])
def test_posted_forms_survive_hostile_values(users, who):
    """The office and the admin (who may post to all of them between them) send each field each hostile value."""
    client = _client(users[who])
    failures = []
    assert any(path == "/credit/designations/evaluate/" for path, _p in POSTS)
    for path, params in POSTS:
        for value in EDGE:
            for data in _queries(params, value):
                r = client.post(path, data)
                if r.status_code >= 500:
                    failures.append((path, tuple(data), r.status_code))
    if failures:
        pytest.fail("\n".join(map(str, sorted(set(failures)))))


def test_ids_past_64_bits_are_404(users):
    client = _client(users["office"])
    failures = []
    for route, _view in _patterns():
        if "<id:" not in route or route.startswith("api/v1/"):
            continue
        path = "/" + re.sub(r"<id:[a-z_]+>", "9223372036854775808", route)
        path = re.sub(r"<[a-z]+:[a-z_]+>", "x", path)
        r = client.get(path)
        if r.status_code >= 500 or r.status_code == 200:
            failures.append((path, r.status_code))
    if failures:
        pytest.fail("\n".join(map(str, failures)))


def test_every_page_url_uses_the_bounded_id_converter():
    # The API's routes come from django-ninja; its ids are swept in tests/api/test_edge_values.py.
    assert not [r for r, _v in _patterns() if "<int:" in r and not r.startswith("api/v1/")]
