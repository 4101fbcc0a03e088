"""Each role's querysets hold exactly the rows docs/architecture.md (and the apps' access.py) promise.

For every protected model's `*_for(user)` in core, registry, data, index, jobs and api, and for every
user of the hand-made county in tests/conftest.py (plus an anonymous visitor), the exact set of codes
the queryset returns. Nothing is computed from the rule under test: the expected sets are written out.

The county: 历山街道 (villages 历山1村 = v0, 历山2村 = v1) and 鲁村镇 (鲁村1村 = v2, 鲁村2村 = v3).
PBOC (v0), JRZX (no place); ABC head office → ABC-YY (v0) → ABC-YY-01 (v2); RCB-YY (v0) → RCB-YY-01 (v1).
Service points SP1 (ABC, v2), SP2 (RCB, v0); terminals T1 (ABC, v2), T2 (RCB, v0); households H0–H3 in
v0–v3; firms 甲 (v0), 乙 (v2). The agent works in v0; the public user is H0's head.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from puhui.api import access as api_access
from puhui.api.services import token_create
from puhui.core import access as core_access
from puhui.core.models import AuditLog, Division
from puhui.data import access as data_access
from puhui.data.models import Indicator, ReportingPeriod, Target
from puhui.index import access as index_access
from puhui.index.models import IndexFramework
from puhui.jobs import access as jobs_access
from puhui.jobs.services import job_enqueue
from puhui.registry import access as registry_access
from tests.jobs.tasks import count_to

PEOPLE = [
    "office",
    "admin",
    "member",
    "abc",
    "rcb",
    "town_lishan",
    "town_lucun",
    "agent",
    "public",
    "anonymous",
]
ALL_ORGS = {"PBOC", "JRZX", "ABC", "ABC-YY", "ABC-YY-01", "RCB-YY", "RCB-YY-01"}
FIRM_LISHAN, FIRM_LUCUN = "91370323MA3C4DB553", "92370323MA3C4DB61L"
NONE: set = set()


def matrix(users, queryset_for, key) -> dict:
    people = {**users, "anonymous": AnonymousUser()}
    return {who: {key(row) for row in queryset_for(people[who])} for who in PEOPLE}


def expect(default=NONE, **cells) -> dict:
    return {who: cells.get(who, default) for who in PEOPLE}


# ---------------------------------------------------------------- core and registry: the architecture table


def test_organisations(users):
    got = matrix(users, core_access.organisations_for, lambda o: o.code)
    assert got == expect(
        office=ALL_ORGS,
        admin=ALL_ORGS,
        member=ALL_ORGS,
        abc={"ABC-YY", "ABC-YY-01"},  # own subtree: not the head office above it
        rcb={"RCB-YY", "RCB-YY-01"},
        # Government units (the PBoC is not a financial kind) and the financial organisations located in
        # the town: its county branches as well as its outlets.
        town_lishan={"PBOC", "JRZX", "ABC-YY", "RCB-YY", "RCB-YY-01"},
        town_lucun={"PBOC", "JRZX", "ABC-YY-01"},
    )


def test_service_points(users):
    got = matrix(users, core_access.service_points_for, lambda p: p.code)
    both = {"SP1", "SP2"}
    assert got == expect(
        office=both,
        admin=both,
        member=both,
        abc={"SP1"},
        rcb={"SP2"},
        town_lishan={"SP2"},
        town_lucun={"SP1"},
        agent={"SP2"},
    )


TERMINALS = expect(
    office={"T1", "T2"},
    admin={"T1", "T2"},
    member={"T1", "T2"},
    abc={"T1"},
    rcb={"T2"},
    town_lishan={"T2"},
    town_lucun={"T1"},
    agent={"T2"},  # docs/architecture.md: service points / terminals — agent: own villages
)


def test_terminals(users):
    assert matrix(users, core_access.terminals_for, lambda t: t.code) == TERMINALS


def test_divisions(users):
    every = set(Division.objects.values_list("code", flat=True))
    assert len(every) == 7
    got = matrix(users, core_access.divisions_for, lambda d: d.code)
    assert got == expect(default=every, anonymous=NONE)  # public statistics for every signed-in user


def test_audit_logs(users, county):
    token_create(actor=users["admin"], organisation=county["abc"], name="留痕")
    every = set(AuditLog.objects.values_list("pk", flat=True))
    assert every
    assert matrix(users, core_access.audit_logs_for, lambda a: a.pk) == expect(office=every, admin=every)


def test_households(users):
    got = matrix(users, registry_access.households_for, lambda h: h.code)
    every = {"H0", "H1", "H2", "H3"}
    assert got == expect(
        office=every,
        admin=every,
        town_lishan={"H0", "H1"},
        town_lucun={"H2", "H3"},
        agent={"H0"},
        public={"H0"},
    )


def test_firms(users):
    got = matrix(users, registry_access.firms_for, lambda f: f.uscc)
    both = {FIRM_LISHAN, FIRM_LUCUN}
    assert got == expect(
        office=both, admin=both, member=both, town_lishan={FIRM_LISHAN}, town_lucun={FIRM_LUCUN}
    )


# ---------------------------------------------------------------- data: submissions, uploads, figures


@pytest.fixture
def data_world(users, county, settings, tmp_path):
    """Approved 2020Q1 loan files of ABC and RCB, and every figure computed from them."""
    from puhui.data import derived, services
    from tests.data.conftest import loan_row, loans_csv

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUHUI_DATA_SPOOL_DIR = None
    services.catalogue_sync(actor=users["office"])
    for who, org, place in (("abc", "abc", "370323102201"), ("rcb", "rcb", "370323001201")):
        up = services.upload_start(
            actor=users[who],
            institution=county[org],
            form_code="loans",
            period_code="2020Q1",
            channel="page",
            file=loans_csv([loan_row(1, 所在区划代码=place)]),
            filename=f"{who}.csv",
        )
        assert up.status == "succeeded", up.errors
        services.submission_review(actor=users["office"], submission=up.submission, approve=True)
    derived.compute_all()


def _submission_key(s) -> str:
    return f"{s.institution.code}/{s.form}/{s.period.code}"


SUBMISSIONS = expect(
    office={"ABC-YY/loans/2020Q1", "RCB-YY/loans/2020Q1"},
    admin={"ABC-YY/loans/2020Q1", "RCB-YY/loans/2020Q1"},
    abc={"ABC-YY/loans/2020Q1"},
    rcb={"RCB-YY/loans/2020Q1"},
)


def test_submissions(users, data_world):
    assert matrix(users, data_access.submissions_for, _submission_key) == SUBMISSIONS


def test_uploads(users, data_world):
    assert matrix(users, data_access.uploads_for, _submission_key) == SUBMISSIONS


def _unit(v) -> tuple[str, str]:
    return (v.level, v.organisation.code if v.organisation_id else v.division.code)


def test_indicator_values(users, data_world):
    county = ("county", "370323000000")
    lishan = {("town", "370323001000"), ("village", "370323001201"), ("village", "370323001202")}
    lucun = {("town", "370323102000"), ("village", "370323102201"), ("village", "370323102202")}
    banks = {("institution", "ABC-YY"), ("institution", "RCB-YY")}
    got = matrix(users, data_access.indicator_values_for, _unit)
    assert got == expect(
        office={county, *lishan, *lucun, *banks},
        admin={county, *lishan, *lucun, *banks},
        member={county},  # the centre submits nothing: the county's figures only
        abc={county, ("institution", "ABC-YY")},
        rcb={county, ("institution", "RCB-YY")},
        town_lishan={county, *lishan},
        town_lucun={county, *lucun},
    )


@pytest.mark.parametrize(
    "queryset_for,model,key",
    [
        (data_access.indicators_for, Indicator, lambda i: (i.code, i.version)),
        (data_access.targets_for, Target, lambda t: (t.code, t.version)),
        (data_access.periods_for, ReportingPeriod, lambda p: p.code),
    ],
    ids=["indicators", "targets", "periods"],
)
def test_catalogue_is_for_every_figures_reader(users, data_world, queryset_for, model, key):
    every = {key(row) for row in model.objects.all()}
    assert every
    got = matrix(users, queryset_for, key)
    assert got == expect(default=every, agent=NONE, public=NONE, anonymous=NONE)


# ---------------------------------------------------------------- index: runs and frameworks


@pytest.fixture
def index_world(users, county):
    from puhui.index import services

    services.index_build(actor=users["office"], publish=True, last_year=2020, uncertainty_runs=0)
    fw = services.framework_ensure_default(actor=users["office"])
    services.run_compute(actor=users["office"], framework=fw, last_year=2020, uncertainty_runs=0)


def test_index_runs(users, index_world):
    published = {("year", "published"), ("quarter", "published")}
    every = published | {("year", "draft")}
    got = matrix(users, index_access.runs_for, lambda r: (r.frequency, r.status))
    assert got == expect(
        office=every,
        admin=every,
        member=published,
        abc=published,  # institutions: the county figures of published runs
        rcb=published,
        town_lishan=published,
        town_lucun=published,
    )


def test_index_frameworks(users, index_world):
    every = set(IndexFramework.objects.values_list("version", flat=True))
    assert every == {1, 2}  # v1 (frozen bounds) and v2 (the plan's goalposts) both ship
    got = matrix(users, index_access.frameworks_for, lambda f: f.version)
    assert got == expect(default=every, agent=NONE, public=NONE, anonymous=NONE)


# ---------------------------------------------------------------- jobs and API tokens


def test_jobs(users):
    for who in ("office", "member", "agent"):
        job_enqueue(actor=users[who], task=count_to, label=f"{who}的任务", n=1)
    every = {"office的任务", "member的任务", "agent的任务"}
    got = matrix(users, jobs_access.jobs_for, lambda j: j.label)
    assert got == expect(
        office=every, admin=every, member={"member的任务"}, agent={"agent的任务"}
    )  # everyone else: their own, of which they have none


def test_api_tokens(users, county):
    for org in ("pboc", "finance_centre", "abc", "abc_outlet", "rcb"):
        token_create(actor=users["admin"], organisation=county[org], name=f"令牌 {org}")
    got = matrix(users, api_access.tokens_for, lambda t: t.organisation.code)
    assert got == expect(
        admin={"PBOC", "JRZX", "ABC-YY", "ABC-YY-01", "RCB-YY"},
        office={"PBOC"},  # the office manages the PBoC's own tokens, like any organisation's staff
        member={"JRZX"},
        abc={"ABC-YY"},  # its own organisation's, not its outlet's
        rcb={"RCB-YY"},
    )


def test_a_token_sees_what_its_organisations_staff_see(users, county):
    """API tokens act for one organisation with the scope its staff have (docs/architecture.md)."""
    staff = {"pboc": "office", "finance_centre": "member", "abc": "abc", "rcb": "rcb"}
    for org, who in staff.items():
        token, _raw = token_create(actor=users["admin"], organisation=county[org], name=f"范围 {org}")
        scope = api_access.scope_user_for_token(token)
        for queryset_for in (
            core_access.organisations_for,
            core_access.service_points_for,
            core_access.terminals_for,
            registry_access.households_for,
            registry_access.firms_for,
        ):
            assert set(queryset_for(scope)) == set(queryset_for(users[who])), (org, queryset_for.__name__)
