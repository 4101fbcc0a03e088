"""Who reaches what: every URL name of puhui.credit × the seven roles and an anonymous visitor, and every
credit API operation × the test tokens, each with the expected status.

The scene: household H0 (历山1村 — the agent's village, the farmer's own household) with a complete
archive verified by ABC (so ABC's customer, not RCB's), rated, a line offered by ABC, a payment-data
consent recorded by the agent and an objection raised by the farmer. Each request runs in a savepoint
that is rolled back, so a write by one role never changes what the next one sees.

`test_every_url_name_has_a_row` and `test_every_api_operation_has_a_row` fail when a new endpoint has
no row. Forbidden and missing are the same 404 (docs/architecture.md); anonymous visitors are sent to
the login page; a POST that gets through answers with a redirect.
"""

import pytest
from django.urls import reverse

from puhui.credit import services
from puhui.credit.models import Consent
from puhui.credit.urls import urlpatterns
from tests.api import conftest as api_fixtures
from tests.credit.conftest import COMPLETE
from tests.url_tables import COLUMNS, api_operations, check_row

# The API tests' token fixtures (a token per organisation, a client sending it).
tokens = api_fixtures.tokens
api = api_fixtures.api


@pytest.fixture
def scene(county, users, archived, next_year):
    hh = archived(0)
    line = services.line_offer(actor=users["abc"], household=hh, valid_until=next_year)
    consent = services.consent_record(
        actor=users["agent"],
        household=hh,
        scope=Consent.Scope.PAYMENT_DATA,
        granted_by_name=hh.head_name,
        expires_on=next_year,
    )
    objection = services.objection_raise(actor=users["public"], household=hh, text="资产少算了")
    # H1 (历山2村, same town): complete, waiting for verification — in ABC's queue (ABC has an office in
    # 历山街道), not RCB's customer; not the agent's village.
    waiting = county["households"][1]
    services.archive_save(actor=users["office"], household=waiting, data=dict(COMPLETE))
    return {
        "hh": hh,
        "waiting": waiting,
        "line": line,
        "consent": consent,
        "objection": objection,
        "village": county["villages"][0],
        "town": county["towns"][0],
        "scorecard": services.scorecard_active(),
        "next_year": next_year,
    }


def row(name, args, method, statuses: str, data=None):
    """statuses: one code per column of COLUMNS (office admin member_unit institution town agent public
    anonymous), e.g. "200 200 404 404 200 200 404 login"."""
    codes = statuses.split()
    assert len(codes) == len(COLUMNS), name
    return (name, args, method, dict(zip(COLUMNS, codes, strict=True)), data)


HH = lambda s: [s["hh"].pk]  # noqa: E731
WAITING = lambda s: [s["waiting"].pk]  # noqa: E731
CASES = [
    # pages
    row("credit_worklist", None, "get", "200 200 200 200 200 200 200 login"),
    row("credit_mine", None, "get", "404 404 404 404 404 404 302 login"),
    row("credit_household", HH, "get", "200 200 404 200 200 200 200 login"),
    row("credit_household", WAITING, "get", "200 200 404 200 200 404 404 login"),
    row("credit_archive_edit", HH, "get", "200 404 404 404 200 200 404 login"),
    row("credit_objections", None, "get", "200 404 404 200 200 404 404 login"),  # ABC: its customers
    row("credit_lines", None, "get", "200 200 404 200 200 200 404 login"),
    row("credit_village", lambda s: [s["village"].pk], "get", "200 200 200 200 200 200 404 login"),
    row("credit_towns", None, "get", "200 200 200 200 302 404 404 login"),  # a town: its own town
    row("credit_town", lambda s: [s["town"].pk], "get", "200 200 200 200 200 404 404 login"),
    row("credit_scorecards", None, "get", "200 200 404 404 404 404 404 login"),
    row("credit_scorecard_report", lambda s: [s["scorecard"].pk], "get", "200 200 404 404 404 404 404 login"),
    row("credit_scorecard_upload", None, "get", "200 200 404 404 404 404 404 login"),
    row("credit_access_log", None, "get", "200 200 404 404 404 404 404 login"),
    row("credit_archive_import", None, "get", "200 404 404 404 200 200 404 login"),
    row("credit_archive_import_template", lambda s: ["xlsx"], "get", "200 404 404 404 200 200 404 login"),
    # writes (POST)
    row("credit_archive_unmask", HH, "post", "200 404 404 404 200 200 404 login", {"ref": "head"}),
    row("credit_archive_verify", HH, "post", "302 404 404 404 302 404 404 login"),
    row("credit_archive_verify", WAITING, "post", "302 404 404 302 302 404 404 login"),
    row("credit_household_rate", HH, "post", "302 302 404 404 302 404 404 login"),
    row("credit_consent_add", HH, "post", "302 404 404 404 302 302 302 login"),
    row("credit_consent_revoke", lambda s: [s["consent"].pk], "post", "302 404 404 404 302 302 302 login"),
    row("credit_objection_add", HH, "post", "404 404 404 404 404 404 302 login", {"text": "异议"}),
    row(
        "credit_objection_answer",
        lambda s: [s["objection"].pk],
        "post",
        "302 404 404 302 302 404 404 login",  # ABC offered H0 its line: ABC answers too
        {"answer": "已复核"},
    ),
    row("credit_line_offer", HH, "post", "404 404 404 302 404 404 404 login"),
    row("credit_line_respond", lambda s: [s["line"].pk], "post", "404 404 404 404 404 404 302 login"),
    row("credit_line_move", lambda s: [s["line"].pk], "post", "404 404 404 302 404 404 302 login"),
    row(
        "credit_scorecard_promote", lambda s: [s["scorecard"].pk], "post", "302 302 404 404 404 404 404 login"
    ),
    row("credit_rate_all", None, "post", "302 302 404 404 404 404 404 login"),
    row("credit_designations_evaluate", None, "post", "302 302 404 404 404 404 404 login"),
]


def test_every_url_name_has_a_row():
    assert {p.name for p in urlpatterns} == {c[0] for c in CASES}
    assert all(set(c[3]) == set(COLUMNS) for c in CASES)


@pytest.mark.parametrize(
    "name,args,method,expected,data", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_url_access(client, scene, users, name, args, method, expected, data):
    url = reverse(name, args=args(scene) if args else None)
    check_row(client, users, name, method, url, expected, data)


# ---------------------------------------------------------------- the API: /api/v1/credit/ × tokens

API_PREFIX = "/api/v1/credit/"
TOKENS = ["pboc", "member", "abc", "rcb", None]  # None: no token


def api_row(method, path, statuses: str, *, params=None):
    codes = [int(c) for c in statuses.split()]
    assert len(codes) == len(TOKENS), path
    return (method, path, dict(zip(TOKENS, codes, strict=True)), params)


API_CASES = [
    api_row("get", "/credit/rates", "200 200 200 200 401", params={"kind": "archive", "level": "town"}),
    api_row("get", "/credit/lines", "200 200 200 200 401"),
    api_row("get", "/credit/lines/{line_id}", "200 404 200 404 401"),
    # Monthly payment aggregates: a bank its own rows, the PBoC all; a member unit 403.
    api_row("get", "/credit/payment-months", "200 403 200 200 401"),
]


def test_every_api_operation_has_a_row(db, client):
    assert api_operations(client, API_PREFIX) == {(c[0], c[1]) for c in API_CASES}


@pytest.mark.parametrize("method,path,expected,params", API_CASES, ids=[f"{c[0]} {c[1]}" for c in API_CASES])
def test_api_access(scene, api, method, path, expected, params):
    url = path.format(line_id=scene["line"].pk)
    got = {who: getattr(api(who), method)(url, params).status_code for who in TOKENS}
    assert got == expected, url


def test_api_lines_show_each_token_its_own(scene, api):
    totals = {who: api(who).get("/credit/lines").json()["total"] for who in ["pboc", "member", "abc", "rcb"]}
    assert totals == {"pboc": 1, "member": 0, "abc": 1, "rcb": 0}


# ---------------------------------------------------------------- rules the table relies on


def test_a_bank_offers_only_to_its_own_customers_while_the_archive_counts(county, users, archived, next_year):
    """`access.access_household_for_offer`: the bank's customers whose archive counts as 建档 — not any
    archived household of the county; the service refuses a household whose archive no longer counts."""
    from django.core.exceptions import ValidationError
    from django.http import Http404

    from puhui.credit import access

    customer = archived(0)  # verified by ABC
    town_verified = archived(1, verifier="town_lishan")  # archived, in ABC's area, nobody's customer
    assert access.access_household_for_offer(users["abc"], customer.pk) == customer
    for who, hh in [
        ("abc", town_verified),
        ("rcb", customer),
        ("office", customer),
        ("town_lishan", customer),
    ]:
        with pytest.raises(Http404):
            access.access_household_for_offer(users[who], hh.pk)
    # any change sends a verified archive back to 待核实: no longer 建档, no offer
    services.archive_save(actor=users["agent"], household=customer, data={**COMPLETE, "labour_count": 3})
    with pytest.raises(Http404):
        access.access_household_for_offer(users["abc"], customer.pk)
    with pytest.raises(ValidationError, match="尚未填写完整并核实"):
        services.line_offer(actor=users["abc"], household=customer, valid_until=next_year)


def test_a_statistical_scorecard_is_promoted_only_with_a_reviewed_report(users):
    """The rule lives in `services.scorecard_promote`, not in the page."""
    from django.core.exceptions import ValidationError

    from puhui.credit.models import ScorecardVersion

    active = services.scorecard_active()
    spec = dict(active.spec, version="2099.1", kind="statistical")
    version = ScorecardVersion.objects.create(
        card_id=active.card_id,
        version="2099.1",
        name="统计模型",
        kind="statistical",
        spec=spec,
        fingerprint="x" * 16,
    )
    with pytest.raises(ValidationError, match="没有验证报告"):
        services.scorecard_promote(actor=users["office"], version=version, reviewed=True)
    version.report = {"model": {"fingerprint": version.fingerprint}}
    version.save()
    with pytest.raises(ValidationError, match="已审核验证报告"):
        services.scorecard_promote(actor=users["office"], version=version)
    version.refresh_from_db()
    assert version.status == ScorecardVersion.Status.DRAFT and services.scorecard_active() == active
    services.scorecard_promote(actor=users["office"], version=version, reviewed=True)
    version.refresh_from_db()
    assert version.status == ScorecardVersion.Status.ACTIVE and version.promoted_by == users["office"]


# Read by tests/test_every_url_has_a_row.py: url name → its rows; (METHOD, schema path) → its rows.
URL_TABLE = {n: [c for c in CASES if c[0] == n] for n in dict.fromkeys(c[0] for c in CASES)}
API_TABLE = {
    (m.upper(), f"/api/v1{p}"): [c for c in API_CASES if c[:2] == (m, p)]
    for m, p in dict.fromkeys(c[:2] for c in API_CASES)
}
