"""The list component (puhui/core/lists.py, docs/lists.md), property by property:

* keyset pages reach every row exactly once, in the shown order, under every sort and both directions
  (ties and nulls included), forwards and backwards;
* the count is exact, or "超过 N 条" when it passes the cap — never a wrong number;
* the Excel export holds exactly the rows the filters and search select, every page of them;
* an ID number or phone is searched by its keyed hash only, and never appears in a URL or in the SQL;
* a cursor from anywhere (garbage, another sort, forged values) is ignored, never an error.
"""

import datetime
import io
import random
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from puhui.core import crypto, exports, keyset, lists
from puhui.core.models import Organisation
from puhui.registry.lists import HOUSEHOLDS
from tests.conftest import ID_NUMBERS, _org

KINDS = ["commercial_bank", "rural_bank", "insurer", "other"]


def _spec(**overrides) -> lists.ListSpec:
    """A list of organisations (the url is only its address): names with ties, dates with nulls."""
    spec = lists.ListSpec(
        key="test-orgs",
        title="测试机构",
        url_name="organisation_list",
        queryset=lambda user: Organisation.objects.filter(code__startswith="T-"),
        columns=(
            lists.Column("code", "编码", sort=("code",)),
            lists.Column("name", "名称", sort=("name",)),
            lists.Column("kind", "类型", value="get_kind_display", sort=("kind", "name")),
            lists.Column("opened_on", "开业日期", kind="date", sort=("opened_on",)),
            lists.Column("closed_on", "撤销日期", kind="date"),
        ),
        filters=(
            lists.Choice("kind", "类型", choices=Organisation.Kind.choices),
            lists.DateRange("opened", "开业日期", field="opened_on"),
            lists.Expiry("expiry", "撤销", field="closed_on"),
        ),
        search=lists.Search(names=("name",), codes=("code",), code_pattern=r"^T-\d+$"),
        default_sort="code",
        per_page=7,
    )
    return lists.ListSpec(**{**spec.__dict__, **overrides})


@pytest.fixture
def orgs(db):
    rng = random.Random(12)
    made = []
    for i in range(53):
        opened = None if i % 5 == 0 else datetime.date(2000 + rng.randrange(3), rng.randrange(1, 13), 1)
        made.append(_org(f"T-{i:03d}", f"机构{rng.randrange(8)}", KINDS[rng.randrange(4)], opened_on=opened))
    return made


def _request(user, params=None, method="get"):
    request = getattr(RequestFactory(), method)("/organisations/", params or {})
    request.user = user
    return request


def _expected(rows, sort: str) -> list[int]:
    """The order the list promises: the sort fields then the pk, nulls last in either direction."""
    desc = sort.startswith("-")
    fields = {"code": ("code",), "name": ("name",), "kind": ("kind", "name"), "opened_on": ("opened_on",)}[
        sort.removeprefix("-")
    ]

    def key(o):
        return tuple(getattr(o, f) for f in fields) + (o.pk,)

    present = [o for o in rows if all(getattr(o, f) is not None for f in fields)]
    missing = [o for o in rows if o not in present]
    ordered = sorted(present, key=key, reverse=desc) + sorted(missing, key=lambda o: o.pk, reverse=desc)
    return [o.pk for o in ordered]


def _walk(spec, user, params, *, backwards=False) -> list[int]:
    """Every pk the list shows, page after page, following its own links."""
    params = dict(params)
    if backwards:
        params["before"] = keyset.LAST
    seen, pages = [], 0
    while True:
        result = lists.ListResult(_request(user, params), spec)
        rows = [o.pk for o in result]
        seen = rows + seen if backwards else seen + rows
        link = result.prev_url if backwards else result.next_url
        pages += 1
        assert pages < 100
        if link is None:
            return seen
        params = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}


@pytest.mark.parametrize(
    "sort", ["code", "-code", "name", "-name", "kind", "-kind", "opened_on", "-opened_on"]
)
def test_keyset_reaches_every_row_once_in_order(orgs, users, sort):
    spec = _spec()
    expected = _expected(orgs, sort)
    assert _walk(spec, users["office"], {"sort": sort}) == expected
    assert _walk(spec, users["office"], {"sort": sort}, backwards=True) == expected


def test_keyset_with_a_filter_and_a_search(orgs, users):
    spec = _spec()
    params = {"kind": "rural_bank", "q": "机构3", "sort": "-opened_on"}
    chosen = [o for o in orgs if o.kind == "rural_bank" and o.name == "机构3"]
    assert _walk(spec, users["office"], params) == _expected(chosen, "-opened_on")


def test_the_row_range_and_pages(orgs, users):
    first = lists.ListResult(_request(users["office"]), _spec())
    assert first.range_label == "第 1–7 条" and first.first_url is None and first.prev_url is None
    second = lists.ListResult(_request(users["office"], _query(first.next_url)), _spec())
    assert second.range_label == "第 8–14 条" and second.first_url and second.prev_url
    last = lists.ListResult(_request(users["office"], {"before": "last"}), _spec())
    assert last.range_label == "第 50–53 条" and last.next_url is None


def _query(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_count_is_exact_or_says_more_than_never_wrong(orgs, users, request):
    exact = lists.ListResult(_request(users["office"], {"kind": "insurer"}), _spec())
    n = sum(o.kind == "insurer" for o in orgs)
    assert (exact.count.n, exact.count.exact, exact.count.label) == (n, True, f"共 {n:,} 条")
    request.getfixturevalue("exact_count_runs_out")
    capped = lists.ListResult(_request(users["office"]), _spec(count_cap=20))
    assert (capped.count.n, capped.count.exact, capped.count.label) == (20, False, "超过 20 条")
    at_cap = lists.ListResult(_request(users["office"]), _spec(count_cap=53))
    assert at_cap.count.label == "共 53 条"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"kind": "commercial_bank"},
        {"q": "机构1"},
        {"q": "T-007"},
        {"opened_from": "2001-01-01"},
        {"sort": "-name"},
    ],
)
def test_export_holds_exactly_the_filtered_rows(orgs, users, params, monkeypatch):
    monkeypatch.setattr(keyset, "EXPORT_CHUNK", 5)  # several chunks
    spec = _spec()
    response = lists.export_response(_request(users["office"], params), spec)
    assert response.streaming and "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''%E6%B5%8B%E8%AF%95%E6%9C%BA%E6%9E%84_" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("编码", "名称", "类型", "开业日期", "撤销日期")
    shown = _walk(spec, users["office"], params)
    by_pk = {o.pk: o for o in orgs}
    assert [r[0] for r in rows[1:]] == [by_pk[pk].code for pk in shown]


def test_the_page_offers_search_filters_sorting_and_export(orgs, users):
    listing = lists.ListResult(_request(users["office"], {"kind": "insurer", "sort": "-name"}), _spec())
    assert listing.export_url.endswith("kind=insurer&sort=-name&export=xlsx")
    name = next(h for h in listing.headers if h.column.key == "name")
    assert name.sorted == "desc" and "sort=name" in name.sort_url and "kind=insurer" in name.sort_url
    kind = next(b for b in listing.filters if b.filter.key == "kind")
    assert ("insurer", "保险公司", True) in kind.options


def test_bad_values_are_dropped_not_errors(orgs, users):
    params = {"kind": "nonsense", "opened_from": "2021-13-45", "sort": "password", "expiry": "x"}
    listing = lists.ListResult(_request(users["office"], params), _spec())
    assert listing.count.n == 53 and listing.state.sort == "code"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(token=st.one_of(st.text(max_size=80), st.binary(max_size=60).map(lambda b: b.hex())))
def test_any_cursor_is_ignored_or_followed_never_an_error(orgs, users, token):
    for name in ("after", "before"):
        listing = lists.ListResult(_request(users["office"], {name: token, "sort": "-opened_on"}), _spec())
        assert len(listing) <= 7


@pytest.mark.parametrize(
    "values",
    [["abc", 1], [None, 1], [2**70, 1], ["2020-01-01", "x"], [{"d": "2020-99-01"}, 1], [1, 2, 3]],
)
def test_forged_cursor_values_are_refused(orgs, users, values):
    token = keyset.encode_cursor("opened_on", values, 0)
    listing = lists.ListResult(_request(users["office"], {"after": token, "sort": "opened_on"}), _spec())
    assert listing.offset == 0  # the first page: the cursor was not used


def test_streaming_xlsx_starts_before_the_last_row(orgs):
    read = []

    def rows():
        for i in range(2000):
            read.append(i)
            yield [i, f"=cmd{i}"]

    chunks = exports.streaming_xlsx(["编号", "内容"], rows(), title="测试")
    first = next(chunks)
    assert first.startswith(b"PK") and len(read) < 2000  # bytes leave while rows are still being read
    ws = load_workbook(io.BytesIO(first + b"".join(chunks))).active
    assert ws.max_row == 2001 and ws["B2"].value == "=cmd0" and ws["B2"].data_type == "s"


# ----- personal numbers: by keyed hash only, never in a URL


def _urls(response) -> list[str]:
    found = [response["Location"]] if response.has_header("Location") else []
    if response.get("Content-Type", "").startswith("text/html"):
        found += re.findall(r'(?:href|action|hx-get|hx-post|src)="([^"]*)"', response.content.decode())
    return found


@pytest.mark.parametrize("number", [ID_NUMBERS[2], "13800000002"])
def test_a_number_is_searched_by_hash_and_never_travels_in_a_url(login, users, county, number):
    client = login(users["office"])
    with CaptureQueriesContext(connection) as ctx:
        posted = client.post("/registry/households/lookup/", {"_list": "search", "q": number, "farm": "1"})
        listed = client.get(posted["Location"])
        exported = client.get(posted["Location"] + "&export=xlsx")
        rows = list(load_workbook(io.BytesIO(b"".join(exported.streaming_content))).active.values)
    assert posted.status_code == 302 and "farm=1" in posted["Location"]
    hashes = crypto.lookup_hashes(crypto.normalise(number))
    assert all(f"key={h}" in posted["Location"] for h in hashes)
    assert [h.code for h in listed.context["listing"]] == ["H2"]
    for url in _urls(posted) + _urls(listed):
        assert number not in url
    assert number not in listed.content.decode()
    assert all(number not in q["sql"] for q in ctx.captured_queries)
    # The export: the same one row, its personal data masked.
    assert len(rows) == 2 and rows[1][0] == "H2" and number not in "".join(str(c) for c in rows[1])


def test_a_list_with_personal_search_posts_its_form(login, users, county):
    html = login(users["office"]).get("/registry/households/").content.decode()
    form = next(f for f in re.findall(r"<form.*?</form>", html, re.S) if 'name="q"' in f)
    assert 'method="post"' in form and "csrfmiddlewaretoken" in form


def test_a_partial_number_matches_nothing(login, users, county):
    client = login(users["office"])
    listing = client.get("/registry/households/", {"q": ID_NUMBERS[2][:12]}).context["listing"]
    assert len(listing) == 0


def test_spec_refuses_a_reserved_parameter():
    with pytest.raises(ValueError):
        _spec(filters=(lists.Choice("sort", "排序", choices=[]),))


def test_household_spec_is_masked_everywhere(users, county):
    request = _request(users["office"])
    request.path = "/registry/households/"
    listing = lists.ListResult(request, HOUSEHOLDS)
    text = " ".join(c.text for row in listing.rows for c in row.cells)
    assert not any(n in text for n in ID_NUMBERS) and "********" in text


def test_paging_back_from_an_uncounted_end_shows_no_wrong_row_numbers(orgs, users, monkeypatch):
    budgeted = keyset._budgeted
    monkeypatch.setattr(
        keyset,
        "_budgeted",
        lambda conn, fn, ms: None if ms == keyset.COUNT_BUDGET_MS else budgeted(conn, fn, ms),
    )
    spec = _spec(count_cap=20)
    assert _walk(spec, users["office"], {"sort": "-name"}, backwards=True) == _expected(orgs, "-name")
    last = lists.ListResult(_request(users["office"], {"before": "last"}), spec)
    assert last.count.label == "超过 20 条" and last.range_label == ""
    before = lists.ListResult(_request(users["office"], _query(last.prev_url)), spec)
    assert before.range_label == "" and len(before) == 7


# ----- every list in the project, with hostile values in every parameter it reads

EDGE = [
    "abc",
    "-1",
    "0",
    "9223372036854775808",
    "99999999999999999999999",
    "2021-13-45",
    "1e309",
    "%00",
    "a\x00b",
    "'\"<>",
]


def _all_specs() -> list[lists.ListSpec]:
    """Every ListSpec declared in puhui (the modules that declare one)."""
    import importlib
    import pkgutil

    import puhui

    found = {}
    for info in pkgutil.walk_packages(puhui.__path__, "puhui."):
        if "migrations" in info.name or "management" in info.name:
            continue
        spec = importlib.util.find_spec(info.name)
        source = spec.loader.get_source(info.name) if spec and spec.loader else ""
        if source and "lists.ListSpec(" in source:
            module = importlib.import_module(info.name)
            found.update({id(v): v for v in vars(module).values() if isinstance(v, lists.ListSpec)})
    return list(found.values())


def test_every_list_is_found():
    keys = {s.key for s in _all_specs()}
    assert {"households", "firms", "credit-lines", "credit-worklist", "audit", "users", "jobs"} <= keys


@pytest.mark.parametrize("who", ["office", "admin"])
def test_every_list_takes_hostile_values_without_a_server_error(login, users, county, who):
    """The office sweeps every list it may open; the admin the others (users, audit, …)."""
    office = login(users["office"])
    specs = _all_specs()
    if who == "admin":
        specs = [s for s in specs if office.get(reverse(s.url_name)).status_code != 200]
        assert specs
    client = login(users[who])
    for spec in specs:
        url = reverse(spec.url_name)
        names = {p for f in spec.filters for p in f.params()} | {
            "q",
            "key",
            "sort",
            "after",
            "before",
            "page",
        }
        for name in sorted(names | set(spec.keep)):
            for value in EDGE:
                response = client.get(url, {name: value})
                assert response.status_code < 500, (url, name, value)
        assert client.get(url, {"export": "xlsx", "sort": "-x"}).status_code < 500, url


def test_a_count_that_overran_twice_is_skipped_for_a_while(monkeypatch):
    """PostgreSQL only: the exact count that ran out of its budget twice in a row is not tried again for
    OVERRUN_SECONDS (the bounded count answers); a count that succeeds forgets its overruns."""
    from django.db import DatabaseError

    monkeypatch.setattr(keyset, "_overran", {})
    clock = [1000.0]
    monkeypatch.setattr(keyset.time, "monotonic", lambda: clock[0])

    def too_slow():
        raise DatabaseError("canceling statement due to statement timeout")

    for _ in range(2):
        assert not keyset._overran_lately("k")
        with pytest.raises(DatabaseError):
            keyset._noting_overrun(too_slow, "k")()
    assert keyset._overran_lately("k")
    clock[0] += keyset.OVERRUN_SECONDS + 1
    assert not keyset._overran_lately("k")
    assert keyset._noting_overrun(lambda: 7, "k")() == 7 and "k" not in keyset._overran
