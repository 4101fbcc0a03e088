"""Who reaches what in the jobs, imports and API-token pages: every URL × every role, exact status.

One table per app, each checked by one parametrised test, and one test per app that fails when a URL
name has no row. A forbidden object answers 404 like a missing one; anonymous visitors go to the login.
The rules are in the apps' access.py and docs/architecture.md (households, firms).
"""

import pytest
from django.urls import reverse

from puhui.api.services import token_create
from puhui.api.urls import urlpatterns as api_urls
from puhui.imports.models import ImportRun
from puhui.imports.urls import urlpatterns as import_urls
from puhui.jobs.services import job_enqueue
from puhui.jobs.urls import urlpatterns as job_urls
from tests.imports.test_api import API_CASES as IMPORT_API_CASES
from tests.jobs.tasks import count_to
from tests.url_tables import status_line

# The columns of every row: the seven roles of the test county, then anonymous.


@pytest.fixture
def scene(county, users):
    office_job = job_enqueue(actor=users["office"], task=count_to, label="办公室的任务", n=1)
    member_job = job_enqueue(actor=users["member"], task=count_to, label="成员单位的任务", n=1)
    abc_token, _raw = token_create(actor=users["abc"], organisation=county["abc"], name="农行系统")
    office_run = ImportRun.objects.create(
        table="divisions", title="行政区划", mode="create", filename="区划.xlsx", started_by=users["office"]
    )
    return {
        "office_job": office_job.pk,
        "member_job": member_job.pk,
        "abc_token": abc_token.pk,
        "office_run": office_run.pk,
    }


def _(key):
    return lambda s: [s[key]]


def const(*args):
    return lambda s: list(args)


def check(client, users, scene, name, args, method, data, expected):
    url = reverse(name, args=args(scene) if args else None)
    assert status_line(client, users, method, url, data) == expected, (url, method)


#                office admin member abc town agent public anonymous
ALL = "200 200 200 200 200 200 200 302"
NOBODY = "404 404 404 404 404 404 404 302"
OFFICE_ADMIN = "200 200 404 404 404 404 404 302"
POST_ONLY = "405 405 405 405 405 405 405 302"  # login first, then the method: GET is refused for all

# ---------------------------------------------------------------- jobs: own jobs; the office and admin all

JOBS = [
    ("job_list", None, "get", None, ALL),
    # The job page's launchers are the office's and the administrator's; the job is queued, then redirected.
    ("job_start", const("census_refresh"), "post", None, "302 302 404 404 404 404 404 302"),
    ("job_start", const("no_such_job"), "post", None, NOBODY),
    ("job_start", const("census_refresh"), "get", None, POST_ONLY),
    ("job_detail", _("office_job"), "get", None, OFFICE_ADMIN),
    ("job_detail", _("member_job"), "get", None, "200 200 200 404 404 404 404 302"),
    ("job_status", _("office_job"), "get", None, OFFICE_ADMIN),
    ("job_status", _("member_job"), "get", None, "200 200 200 404 404 404 404 302"),
]

# ---------------------------------------------------------------- imports: whoever some register names
# The office and admin import most registers; a bank its customers' payment aggregates (payments), a town
# official its town's households; users are the administrator's.
IMPORTERS = "200 200 404 200 200 404 404 302"

IMPORTS = [
    ("import_upload", None, "get", None, IMPORTERS),
    ("import_upload", None, "post", None, IMPORTERS),  # no file: the form again, nothing imported
    ("import_upload", None, "put", None, "405 405 405 405 405 405 405 302"),
    ("import_template", const("organisations", "xlsx"), "get", None, OFFICE_ADMIN),
    ("import_template", const("divisions", "csv"), "get", None, OFFICE_ADMIN),
    ("import_template", const("nothing", "csv"), "get", None, NOBODY),
    ("import_template", const("payments", "xlsx"), "get", None, "200 200 404 200 404 404 404 302"),
    ("import_template", const("users", "csv"), "get", None, "404 200 404 404 404 404 404 302"),
    ("import_template", const("leading_group", "xlsx"), "get", None, OFFICE_ADMIN),
    # A background import: its submitter's (the office's here) and the administrator's.
    ("import_run", _("office_run"), "get", None, OFFICE_ADMIN),
]

# ---------------------------------------------------------------- API tokens: the organisation's own staff

#              office (PBoC) admin member abc town agent public anonymous
MANAGERS = "200 200 200 200 404 404 404 302"
TOKENS = [
    ("token_list", None, "get", None, MANAGERS),
    ("token_create", None, "get", None, MANAGERS),
    ("token_create", None, "post", None, MANAGERS),  # an empty form: shown again with its errors
    ("token_revoke", _("abc_token"), "get", None, "404 200 404 200 404 404 404 302"),
]


@pytest.mark.parametrize(
    "urls,table",
    [(job_urls, JOBS), (import_urls, IMPORTS), (api_urls, TOKENS)],
    ids=["jobs", "imports", "api"],
)
def test_every_url_has_a_row(urls, table):
    assert {p.name for p in urls} == {row[0] for row in table}


def _ids(table):
    return [f"{r[0]}-{i}" for i, r in enumerate(table)]


@pytest.mark.parametrize("name,args,method,data,expected", JOBS, ids=_ids(JOBS))
def test_jobs_access(client, scene, users, name, args, method, data, expected):
    check(client, users, scene, name, args, method, data, expected)


@pytest.mark.parametrize("name,args,method,data,expected", IMPORTS, ids=_ids(IMPORTS))
def test_imports_access(client, scene, users, name, args, method, data, expected):
    check(client, users, scene, name, args, method, data, expected)


@pytest.mark.parametrize("name,args,method,data,expected", TOKENS, ids=_ids(TOKENS))
def test_token_pages_access(client, scene, users, name, args, method, data, expected):
    check(client, users, scene, name, args, method, data, expected)


# Read by tests/test_every_url_has_a_row.py: url name → its rows.
URL_TABLE = {
    n: [r for r in rows if r[0] == n]
    for rows in (JOBS, IMPORTS, TOKENS)
    for n in dict.fromkeys(r[0] for r in rows)
}

# The import page's registers by API (rows in tests/imports/test_api.py): (METHOD, schema path) → its rows.
API_TABLE = {
    (m.upper(), f"/api/v1{p}"): [c for c in IMPORT_API_CASES if c[:2] == (m, p)]
    for m, p in dict.fromkeys(c[:2] for c in IMPORT_API_CASES)
}
