"""Security figures on the demo county: the role × URL × method matrix, the API with a token per kind of
organisation, cross-tenant writes, and the edge-value and schema fuzzing of the test suite, run here
against the demo database. Printed, never asserted (the assertions are the tests under tests/).

    .venv/bin/python bench/bench_security.py [--scale 1] [--seed 2020] [--database-url URL]
        [--per-param 2] [--edge-roles office,institution,member_unit] [--fuzz-examples 25] [--verbose]

Builds the demo county once (`puhui demo --scale 1 --seed 2020` into var/bench-security/, reused when
present) unless --database-url points elsewhere. Everything runs in this process with Django's test
Client (`force_login`, no CSRF), inside one transaction that is rolled back at the end and a savepoint
per request that is rolled back after it: the POSTs of the matrix (empty bodies, plausible cross-tenant
bodies, fuzzed API writes) leave the database as it was.

1. One user per role from the demo (`puhui/demo/logins.py` names them) and anonymous.
2. Matrix: every URL pattern (`get_resolver()`, /api/v1/ excepted), its path parameters filled with up to
   --per-param objects inside the user's scope and up to --per-param outside it, by the app's access
   querysets (`organisations_for`, `credit_households_for`, `submissions_for`, …). GET for every role; POST
   with an empty body as well where the view refuses GET (405). A LEAK is a GET answering 200, or a POST
   answering 2xx/3xx (other than the login redirect), for an object outside the role's scope.
3. API: every operation of /api/v1/openapi.json with a token per kind of organisation, path ids in and out
   of the token's scope (`api.access.scope_user_for_token`); a LEAK is a 2xx on an out-of-scope id, or an
   item outside the scope in a list answer.
4. Cross-tenant writes: a bank user (and its token) POSTs review / verify / respond / answer / revoke
   requests with plausible bodies on other banks' and units' objects: each must answer 404.
5. Fuzz: the page edge-value sweep of tests/security/test_edge_values.py (every parameter-free page × the
   parameters its source reads × 9 hostile values, per role, and ids past 64 bits), the API sweep of
   tests/api/test_edge_values.py, and the schema-driven API write fuzzing of tests/api/test_fuzz.py
   (every JSON write × --fuzz-examples examples), counting requests and 5xx.
"""

import argparse
import datetime
import itertools
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
import traceback
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

DEFAULT_USERS = {
    "office": "office",
    "admin": "admin",
    "member_unit": "member_jrzx",
    "institution": "bank_abc",
    "town": "town_370323102",
    "agent": "agent_01",
    "public": "farmer_01",
}


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--database-url", help="an existing demo database (not built, not changed)")
    parser.add_argument("--per-param", type=int, default=2, help="objects in and out of scope per parameter")
    parser.add_argument(
        "--users",
        default=",".join(f"{k}={v}" for k, v in DEFAULT_USERS.items()),
        help="role=username pairs, one per role",
    )
    parser.add_argument("--edge-roles", default="office,institution,member_unit")
    parser.add_argument("--fuzz-examples", type=int, default=25)
    parser.add_argument("--skip", default="", help="comma-separated steps to skip: matrix,api,writes,fuzz")
    parser.add_argument("--verbose", action="store_true")
    return parser.parse_args()


def bench_env(args) -> dict:
    var = ROOT / "var" / "bench-security"
    if args.scale != 1.0 or args.seed != 2020:
        var = ROOT / "var" / f"bench-security-scale{args.scale:g}-seed{args.seed}"
    var.mkdir(parents=True, exist_ok=True)
    return {
        "PUHUI_VAR_DIR": str(var),
        "DATABASE_URL": args.database_url or f"sqlite:///{var / 'puhui.sqlite3'}",
        "DEBUG": "0",
        "SECRET_KEY": "bench-secret-key-not-for-production-0123456789",
        "FIELD_ENCRYPTION_KEY": "bench-field-key-not-for-production-0123456789",
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",  # the test client speaks plain HTTP
        "DJANGO_SETTINGS_MODULE": "puhui.settings",
        "LOG_LEVEL": "CRITICAL",  # 5xx are collected from got_request_exception, 404s are not logged
        # The matrix sends thousands of requests per token and user within a minute; the limits are
        # measured elsewhere (tests/core/test_ratelimit.py), here they would only turn answers into 429s.
        "PUHUI_RATE_API_TOKEN": "1000000/m",
        "PUHUI_RATE_API_TOKEN_WRITE": "1000000/m",
        "PUHUI_RATE_IMPORT_USER": "1000000/h",
    }


def ensure_demo(env: dict, args) -> None:
    if args.database_url:
        return
    full = os.environ | env
    started = time.perf_counter()
    subprocess.run([BIN / "puhui", "migrate", "--noinput", "-v", "0"], env=full, check=True)
    subprocess.run(
        [BIN / "puhui", "demo", "--scale", f"{args.scale:g}", "--seed", str(args.seed), "--if-empty"],
        env=full,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(
        f"demo county ready (scale {args.scale:g}, seed {args.seed}) in {time.perf_counter() - started:.1f} s"
    )


ARGS = parse_args()
ENV = bench_env(ARGS)
for _k, _v in ENV.items():
    if _k in {"DATABASE_URL", "PUHUI_VAR_DIR"} or _k not in os.environ:
        os.environ[_k] = _v
ensure_demo(ENV, ARGS)

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

for _name in ("django.request", "django.security", "puhui", "puhui.security"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)  # 404/405/500 lines; 5xx are collected below

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.signals import got_request_exception  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import QuerySet  # noqa: E402
from django.http import Http404  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import URLPattern, URLResolver, get_resolver  # noqa: E402

from bench import security_params_convenience as convenience  # noqa: E402
from bench.security_params_tools import tools_api_params, tools_params  # noqa: E402
from puhui.api import access as api_access  # noqa: E402
from puhui.api.models import ApiToken  # noqa: E402
from puhui.api.services import token_create  # noqa: E402
from puhui.core import access as core_access  # noqa: E402
from puhui.core import notifications as core_notifications  # noqa: E402
from puhui.core.models import Division, Notification, Organisation, ServicePoint, User  # noqa: E402
from puhui.credit import access as credit_access  # noqa: E402
from puhui.credit.models import Consent, HouseholdArchive, Objection, PreCreditLine, ScorecardVersion  # noqa: E402
from puhui.data import access as data_access  # noqa: E402
from puhui.data import catalogue  # noqa: E402
from puhui.data.models import Indicator, IndicatorValue, ReportingPeriod, Submission, Target, Upload  # noqa: E402
from puhui.index import access as index_access  # noqa: E402
from puhui.index.models import IndexRun, IndexScore  # noqa: E402
from puhui.jobs import access as jobs_access  # noqa: E402
from puhui.jobs.launchers import launcher_for, launchers  # noqa: E402
from puhui.jobs.models import Job  # noqa: E402
from puhui.plan import access as plan_access  # noqa: E402
from puhui.plan.models import (  # noqa: E402
    AssessmentScheme,
    Bulletin,
    DelayRequest,
    Evidence,
    ProgressReport,
    SupervisionNotice,
    Task,
)
from puhui.registry import access as registry_access  # noqa: E402
from puhui.registry.models import Firm, Household  # noqa: E402

RNG = random.Random(2020)
N = ARGS.per_param
ANON = AnonymousUser()

# ------------------------------------------------------------------------------------------------ requests

ERRORS: list[str] = []  # the traceback of the last server error, read after each request


def _on_exception(sender, request=None, **kwargs):
    ERRORS.append(traceback.format_exc(limit=-4))


got_request_exception.connect(_on_exception)


class Stats:
    def __init__(self, name):
        self.name = name
        self.requests = 0
        self.statuses = Counter()
        self.leaks: list[tuple] = []
        self.errors: list[tuple] = []
        self.notes: list[tuple] = []  # out-of-scope answers worth a look that are not counted as leaks
        self.unjudged = 0  # requests whose parameters have no scope rule here (5xx counted, leaks not)
        self.inside = 0  # requests for objects in the role's scope
        self.outside = 0  # requests for objects outside it: the denominator of the leaks
        self.plain = 0  # requests to pages without path parameters
        self.seconds = 0.0


def send(stats: Stats, client: Client, method: str, url: str, who: str, **kw):
    """One request in a savepoint rolled back afterwards; server errors are answered (not raised) and kept."""
    ERRORS.clear()
    started = time.perf_counter()
    with transaction.atomic():
        try:
            if method == "generic":
                kw = dict(kw)
                response = client.generic(kw.pop("http_method"), url, **kw)
            else:
                response = getattr(client, method)(url, **kw)
        finally:
            transaction.set_rollback(True)
    stats.seconds += time.perf_counter() - started
    stats.requests += 1
    stats.statuses[response.status_code] += 1
    if response.status_code >= 500:
        where = (
            ERRORS[-1].strip().splitlines()[-1] if ERRORS else response.content[:120].decode(errors="replace")
        )
        if method == "get" and isinstance(kw.get("data"), dict) and kw["data"]:
            url = f"{url}?{urlencode(kw['data'])}"
        stats.errors.append((who, method.upper(), url, response.status_code, where))
        if ARGS.verbose and ERRORS:
            print(ERRORS[-1])
    return response


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None and user.is_authenticated:
        client.force_login(user)
    return client


def to_login(response) -> bool:
    return response.status_code == 302 and "/login/" in response.get("Location", "")


# ------------------------------------------------------------------------------------------------ sampling


def safe_qs(fn, user, model) -> QuerySet:
    """A `*_for(user)` queryset; a gate that raises (404 for the role) or fails on AnonymousUser = nothing."""
    try:
        qs = fn(user)
    except (Http404, AttributeError, TypeError):
        return model.objects.none()
    return qs


def pks_of(qs: QuerySet, k: int, pool: int = 400) -> list:
    """Up to k primary keys of qs, drawn from its first `pool` rows (bounded, deterministic)."""
    ids = list(qs.order_by().values_list("pk", flat=True)[:pool])
    return RNG.sample(ids, min(k, len(ids)))


_SPREAD: dict[str, list] = {}


def spread(model, base: QuerySet | None = None, k: int = 40) -> list:
    """About k primary keys spread over the whole table (random pk thresholds): candidates for out of scope."""
    key = f"{model.__name__}:{base.query if base is not None else ''}"
    if key not in _SPREAD:
        qs = (base if base is not None else model.objects.all()).order_by("pk")
        first, last = (
            qs.values_list("pk", flat=True).first(),
            qs.reverse().values_list("pk", flat=True).first(),
        )
        picked = set()
        if first is not None:
            for _ in range(k):
                pk = qs.filter(pk__gte=RNG.randint(first, last)).values_list("pk", flat=True).first()
                if pk is not None:
                    picked.add(pk)
        _SPREAD[key] = sorted(picked)
    return _SPREAD[key]


class IdParam:
    """A primary key of `model`; in scope = in `scope(user)`."""

    def __init__(self, model, scope, base: QuerySet | None = None):
        self.model, self.scope, self.base = model, scope, base

    def in_scope_qs(self, user) -> QuerySet:
        qs = self.scope(user)
        return qs if self.base is None else qs.filter(pk__in=self.base.values("pk"))

    def sample(self, user) -> tuple[list, list]:
        scoped = self.in_scope_qs(user)
        inside = pks_of(scoped, N)
        candidates = spread(self.model, self.base)
        allowed = set(self.scope(user).filter(pk__in=candidates).values_list("pk", flat=True))
        outside = [pk for pk in candidates if pk not in allowed]
        return [str(x) for x in inside], [str(x) for x in RNG.sample(outside, min(N, len(outside)))]


class ChoiceParam:
    """A string among `values(user)`; in scope = `allowed(user, value)` (None: not judged)."""

    def __init__(self, values, allowed=None):
        self.values, self.allowed = values, allowed

    def sample(self, user) -> tuple[list, list]:
        values = list(self.values())
        if self.allowed is None:
            return values[: 2 * N], []
        inside = [v for v in values if self.allowed(user, v)]
        outside = [v for v in values if not self.allowed(user, v)]
        return RNG.sample(inside, min(N, len(inside))), RNG.sample(outside, min(N, len(outside)))


def scope(fn, model):
    return lambda user: safe_qs(fn, user, model)


def credit_page_scope(user) -> QuerySet:
    """A household's credit page: its credit scope, plus (a bank) archives waiting in its verification queue."""
    own = safe_qs(credit_access.credit_households_for, user, Household)
    queue = safe_qs(credit_access.verification_queue_for, user, HouseholdArchive)
    return Household.objects.filter(pk__in=own.values("pk")) | Household.objects.filter(
        pk__in=queue.values("household_id")
    )


def credit_village_scope(user) -> QuerySet:
    villages = Division.objects.filter(level=Division.Level.VILLAGE)
    if not user.is_authenticated or user.role == User.Role.PUBLIC:
        return villages.none()
    if user.role == User.Role.AGENT:
        return villages.filter(pk__in=user.villages.values("pk"))
    if user.role == User.Role.TOWN:
        return villages.filter(parent_id=user.town_id)
    return villages


def towns_if(predicate):
    towns = Division.objects.filter(level=Division.Level.TOWN)
    return lambda user: towns if predicate(user) else towns.none()


def _form_codes():
    return sorted(catalogue.forms())


def _form_allowed(user, code) -> bool:
    org = data_access.submitting_organisation(user) if user.is_authenticated else None
    return org is not None and any(f.code == code for f in catalogue.forms_for_organisation(org))


def _periods():
    codes = list(ReportingPeriod.objects.order_by("-start").values_list("code", flat=True)[:2])
    return codes + ["2099Q9"]


def _index_codes():
    return list(IndexScore.objects.order_by().values_list("code", flat=True).distinct()[:3]) + ["nope"]


def _target_codes():
    return list(Target.objects.filter(is_current=True).values_list("code", flat=True)[:3]) + ["NOPE"]


def _indicator_codes():
    return list(Indicator.objects.filter(is_current=True).values_list("code", flat=True)[:3]) + ["NOPE"]


def _import_kinds():
    from puhui.imports.tables import tables

    return list(tables())[:3] + ["nope"]


FMT = ChoiceParam(lambda: ["xlsx", "csv", "pdf"])
TOWN_CODES = towns_if(index_access.can_view_towns)
household = IdParam(Household, scope(registry_access.households_for, Household))
credit_household = IdParam(Household, credit_page_scope)
task = IdParam(Task, scope(plan_access.tasks_for, Task))
submission = IdParam(Submission, scope(data_access.submissions_for, Submission))
notice = IdParam(SupervisionNotice, scope(plan_access.notices_for, SupervisionNotice))
scheme = IdParam(AssessmentScheme, scope(plan_access.schemes_for, AssessmentScheme))
bulletin = IdParam(Bulletin, scope(plan_access.bulletins_for, Bulletin))
user_param = IdParam(User, scope(core_access.users_for, User))
line = IdParam(PreCreditLine, scope(credit_access.lines_for, PreCreditLine))
report = IdParam(ProgressReport, scope(plan_access.reports_for, ProgressReport))
scorecard = IdParam(ScorecardVersion, scope(credit_access.scorecards_for, ScorecardVersion))
run = IdParam(IndexRun, scope(index_access.runs_for, IndexRun))
job = IdParam(Job, scope(jobs_access.jobs_for, Job))
target_code = ChoiceParam(
    _target_codes, lambda u, c: safe_qs(data_access.targets_for, u, Target).filter(code=c).exists()
)
indicator_code = ChoiceParam(
    _indicator_codes, lambda u, c: safe_qs(data_access.indicators_for, u, Indicator).filter(code=c).exists()
)
form_code = ChoiceParam(_form_codes, _form_allowed)
period_code = ChoiceParam(_periods)

# URL name → {path parameter: how to fill it}. A parameter missing here is filled with ids 1 and 2 and
# its answers are not judged (reported as "unmapped").
PARAMS = {
    "organisation_detail": {"pk": IdParam(Organisation, scope(core_access.organisations_for, Organisation))},
    "user_edit": {"pk": user_param},
    "user_reset_password": {"pk": user_param},
    "user_unlock": {"pk": user_param},
    "household_detail": {"pk": household},
    "household_unmask": {"pk": household},
    "firm_detail": {"pk": IdParam(Firm, scope(registry_access.firms_for, Firm))},
    "token_revoke": {"pk": IdParam(ApiToken, scope(api_access.tokens_for, ApiToken))},
    "import_template": {"kind": ChoiceParam(_import_kinds), "fmt": FMT},
    "job_start": {
        "name": ChoiceParam(
            lambda: [la.name for la in launchers()] + ["no_such_job"],
            lambda u, n: u.is_authenticated and launcher_for(u, n) is not None,
        )
    },
    "job_detail": {"pk": job},
    "job_status": {"pk": job},
    **{
        name: {"pk": task}
        for name in ["plan_task_detail", "plan_report_new", "plan_notice_new", "plan_delay_new"]
    },
    "plan_report_detail": {"pk": report},
    "plan_report_review": {"pk": report},
    "plan_evidence_download": {"pk": IdParam(Evidence, scope(plan_access.evidence_for, Evidence))},
    **{
        name: {"pk": notice}
        for name in ["plan_notice_detail", "plan_notice_respond", "plan_notice_remind", "plan_notice_close"]
    },
    "plan_delay_decide": {"pk": IdParam(DelayRequest, scope(plan_access.delay_requests_for, DelayRequest))},
    **{
        name: {"pk": scheme}
        for name in ["plan_assessment_detail", "plan_assessment_compute", "plan_score_manual"]
    },
    **{
        name: {"pk": bulletin}
        for name in ["plan_bulletin_detail", "plan_bulletin_publish", "plan_bulletin_docx"]
    },
    "plan_notification_read": {
        "pk": IdParam(Notification, scope(core_notifications.notifications_for, Notification))
    },
    "index:town": {
        "code": ChoiceParam(
            lambda: list(Division.objects.filter(level="town").values_list("code", flat=True)[:4]),
            lambda u, c: TOWN_CODES(u).filter(code=c).exists(),
        )
    },
    "index:indicator": {
        "code": ChoiceParam(_index_codes, lambda u, c: index_access.can_view_towns(u) and c != "nope")
    },
    "index:export": {"pk": run},
    "index:publish": {"pk": run},
    **{
        name: {"pk": credit_household}
        for name in [
            "credit_household",
            "credit_archive_edit",
            "credit_archive_unmask",
            "credit_archive_verify",
            "credit_household_rate",
            "credit_consent_add",
            "credit_objection_add",
            "credit_line_offer",
        ]
    },
    "credit_consent_revoke": {"pk": IdParam(Consent, scope(credit_access.consents_for, Consent))},
    "credit_objection_answer": {"pk": IdParam(Objection, scope(credit_access.objections_for, Objection))},
    "credit_line_respond": {"pk": line},
    "credit_line_move": {"pk": line},
    "credit_village": {
        "pk": IdParam(
            Division, credit_village_scope, base=Division.objects.filter(level=Division.Level.VILLAGE)
        )
    },
    "credit_town": {
        "pk": IdParam(
            Division,
            scope(credit_access.credit_towns_for, Division),
            base=Division.objects.filter(level=Division.Level.TOWN),
        )
    },
    "credit_scorecard_report": {"pk": scorecard},
    "credit_scorecard_promote": {"pk": scorecard},
    "credit_archive_import_template": {"fmt": FMT},
    **{
        name: {"form_code": form_code, "period_code": period_code}
        for name in ["data_form", "data_upload_new"]
    },
    "data_template": {"form_code": form_code, "period_code": period_code, "fmt": FMT},
    "data_upload": {"pk": IdParam(Upload, scope(data_access.uploads_for, Upload))},
    **{
        name: {"pk": submission}
        for name in [
            "data_submission",
            "data_submission_review",
            "data_submission_export",
            "data_submission_file",
        ]
    },
    "data_target": {"code": target_code},
    "data_target_edit": {"code": target_code},
    "data_value": {"pk": IdParam(IndicatorValue, scope(data_access.indicator_values_for, IndicatorValue))},
    "data_indicator": {"code": indicator_code},
    "data_indicator_edit": {"code": indicator_code},
}
PARAMS.update(tools_params(IdParam, scope, ChoiceParam))
PARAMS.update(convenience.convenience_params(IdParam, scope, ChoiceParam))

PARAM_RE = re.compile(r"<(?:(\w+):)?(\w+)>")


def patterns(resolver=None, prefix="", ns=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            sub_ns = f"{p.namespace}:" if p.namespace else ns
            yield from patterns(p, prefix + str(p.pattern), sub_ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), ns + (p.name or "")


def fill(route: str, values: dict) -> str:
    return "/" + PARAM_RE.sub(lambda m: values[m.group(2)], route)


def combos(route, name, user):
    """(values, in_scope: True/False/None) for one route and user: every parameter in scope, then each
    judged parameter out of scope with the others at their first in-scope value. None = not judged."""
    names = [m.group(2) for m in PARAM_RE.finditer(route)]
    if not names:
        return [({}, None)]
    spec = PARAMS.get(name, {})
    samples, judged = {}, {}
    for p in names:
        if p in spec:
            samples[p] = spec[p].sample(user)
            judged[p] = not (isinstance(spec[p], ChoiceParam) and spec[p].allowed is None)
        else:
            samples[p], judged[p] = (["1", "2"], []), False
    firsts = {p: (samples[p][0] or samples[p][1][:1] or ["1"]) for p in names}
    out = []
    for values in itertools.product(*[firsts[p][:N] for p in names]):
        vals = dict(zip(names, values, strict=True))
        inside = all(v in samples[p][0] for p, v in vals.items())
        out.append((vals, inside if all(judged.values()) or not inside else None))
    for p in names:
        for v in samples[p][1]:
            vals = {q: (v if q == p else firsts[q][0]) for q in names}
            out.append((vals, False if judged[p] else None))
    return out


# ------------------------------------------------------------------------------------------------ steps


def load_users() -> dict[str, User | None]:
    users = {}
    for pair in ARGS.users.split(","):
        role, username = pair.split("=")
        user = User.objects.filter(username=username).select_related("organisation", "town").first()
        if user is None:
            user = User.objects.filter(role=role, is_active=True).order_by("pk").first()
        users[role] = user
    users["anonymous"] = None
    return users


def step_matrix(users) -> Stats:
    stats = Stats("matrix")
    stats.table = {}  # (url name, role) → the statuses, for --verbose
    routes = [(r, n) for r, n in patterns() if not r.startswith("api/v1/") and "logout" not in r]
    unmapped = sorted({n for r, n in routes if PARAM_RE.search(r) and n not in PARAMS})
    if unmapped:
        print(f"  unmapped routes (ids 1, 2; not judged): {', '.join(unmapped)}")
    post_only = set()  # routes whose view refuses GET (found by the first role that gets a 405)
    for role, user in users.items():
        client = client_for(user)
        scope_user = user or ANON
        for route, name in routes:
            for vals, inside in combos(route, name, scope_user):
                url = fill(route, vals)
                for method in ("get", "post") if route in post_only else ("get",):
                    r = send(stats, client, method, url, role)
                    if method == "get" and r.status_code == 405 and route not in post_only:
                        post_only.add(route)
                        r = send(stats, client, "post", url, role)
                        method = "post"
                    stats.table.setdefault((name, role), []).append(f"{method[0]}{r.status_code}")
                    judge(stats, role, method, url, name, r, inside, plain=not vals)
    stats.post_only = len(post_only)
    stats.routes = len(routes)
    return stats


def judge(stats, who, method, url, name, r, inside, plain=False):
    if plain:
        stats.plain += 1
        return
    if inside is None:
        stats.unjudged += 1
        return
    if inside:
        stats.inside += 1
        return
    stats.outside += 1
    if r.status_code >= 400 or to_login(r):
        return
    if r.status_code == 200 or (method == "post" and 200 <= r.status_code < 400):
        stats.leaks.append((who, method.upper(), url, name, r.status_code))
    elif 300 <= r.status_code < 400:
        stats.notes.append((who, method.upper(), url, name, r.status_code, r.get("Location", "")))


API_PATH_PARAMS = {
    "org_id": IdParam(Organisation, scope(core_access.organisations_for, Organisation)),
    "point_id": IdParam(ServicePoint, scope(core_access.service_points_for, ServicePoint)),
    "report_id": report,
    "line_id": line,
    "upload_id": IdParam(Upload, scope(data_access.uploads_for, Upload)),
    "submission_id": submission,
    "code": None,  # divisions/{code} (public statistics) and data/forms/{code}: filled below, not judged
    "number": None,  # plan/tasks/{number}: the task's number in the current plan
    **tools_api_params(IdParam, scope),
}
# List answers whose items must all be in the token's scope: path → (model, scope).
API_LISTS = {
    "/organisations": API_PATH_PARAMS["org_id"],
    "/service-points": API_PATH_PARAMS["point_id"],
    "/credit/lines": line,
    "/data/submissions": submission,
    "/plan/reports": report,
}
API_LISTS.update(convenience.convenience_api_lists(IdParam, scope))


def make_tokens(users) -> dict[str, tuple[Organisation, str]]:
    """One token per kind of organisation, and one for the bank user's organisation, made by the administrator."""
    admin = User.objects.filter(role=User.Role.ADMIN, is_active=True).order_by("pk").first()
    orgs = {}
    for org in Organisation.objects.filter(closed_on__isnull=True).order_by("pk"):
        orgs.setdefault(org.kind, org)
    bank_org = users["institution"].organisation
    orgs[f"{bank_org.kind} ({bank_org.code}, the bank user's)"] = bank_org
    tokens = {}
    for key, org in orgs.items():
        _token, raw = token_create(actor=admin, organisation=org, name=f"bench_security {key}"[:60])
        tokens[key] = (org, raw)
    return tokens


def step_api(tokens) -> Stats:
    from puhui.api.v1 import api

    stats = Stats("api")
    schema = api.get_openapi_schema()
    client = Client(raise_request_exception=False)
    for label, (org, raw) in tokens.items():
        token = ApiToken.objects.get(organisation=org, name=f"bench_security {label}"[:60])
        scope_user = api_access.scope_user_for_token(token)
        headers = {"Authorization": f"Bearer {raw}"}
        for path, ops in schema["paths"].items():
            for method, op in ops.items():
                names = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
                for vals, inside in api_combos(names, scope_user):
                    url = re.sub(r"\{(\w+)\}", lambda m, vals=vals: vals[m.group(1)], path)
                    kw = {"headers": headers | {"Idempotency-Key": uuid.uuid4().hex}}
                    if method != "get":
                        kw.update(data="{}", content_type="application/json")
                    r = send(stats, client, method, url, f"token:{label}", **kw)
                    if not names:
                        stats.plain += 1
                    elif inside is None:
                        stats.unjudged += 1
                    elif inside:
                        stats.inside += 1
                    else:
                        stats.outside += 1
                        if 200 <= r.status_code < 300:
                            stats.leaks.append((f"token:{label}", method.upper(), url, path, r.status_code))
                    list_spec = API_LISTS.get(path.removeprefix("/api/v1"))
                    if method == "get" and list_spec and r.status_code == 200:
                        body = r.json()
                        ids = (
                            [item.get("id") for item in body.get("items", [])]
                            if isinstance(body, dict)
                            else []
                        )
                        stats.list_items = getattr(stats, "list_items", 0) + len(ids)
                        allowed = set(
                            list_spec.scope(scope_user).filter(pk__in=ids).values_list("pk", flat=True)
                        )
                        for pk in ids:
                            if pk not in allowed:
                                stats.leaks.append((f"token:{label}", "GET", url, f"item {pk}", 200))
    return stats


def api_combos(names, scope_user):
    if not names:
        return [({}, None)]
    out = []
    p = names[0]
    spec = API_PATH_PARAMS.get(p)
    if isinstance(spec, IdParam):
        inside, outside = spec.sample(scope_user)
        out += [({p: v}, True) for v in inside] + [({p: v}, False) for v in outside]
    elif p == "code":
        out += [({p: v}, None) for v in _form_codes()[:2] + ["370323102000", "nope"]]
    elif p == "number":
        out += [({p: v}, None) for v in ["1", "2", "999"]]
    return out or [({p: "1"}, None)]


def step_cross_tenant_writes(users, tokens) -> Stats:
    """A bank's user and token write to other parties' objects with plausible bodies: each must be 404."""
    stats = Stats("cross-tenant writes")
    bank = users["institution"]
    client = client_for(bank)
    own_path = bank.organisation.path
    others = dict(institution__path__startswith=own_path)

    def foreign(qs):
        return pks_of(qs, max(N, 5), pool=2000)

    queue = credit_access.verification_queue_for(bank).values("household_id")
    customers = credit_access.credit_households_for(bank).values("pk")
    waiting = HouseholdArchive.objects.filter(status=HouseholdArchive.Status.SUBMITTED, is_complete=True)
    cases = [
        (
            "data_submission_review",
            "/data/submissions/{}/review/",
            foreign(Submission.objects.exclude(**others)),
            {"decision": "approve", "comment": "bench"},
        ),
        (
            "credit_line_respond",
            "/credit/lines/{}/respond/",
            foreign(PreCreditLine.objects.exclude(bank__path__startswith=own_path)),
            {"accept": "1"},
        ),
        (
            "credit_line_move",
            "/credit/lines/{}/move/",
            foreign(PreCreditLine.objects.exclude(bank__path__startswith=own_path)),
            {"kind": "draw", "amount": "1000"},
        ),
        (
            "credit_archive_verify",
            "/credit/households/{}/verify/",
            foreign(
                Household.objects.filter(pk__in=waiting.values("household_id"))
                .exclude(pk__in=queue)
                .exclude(pk__in=customers)
            ),
            {},
        ),
        (
            "credit_archive_verify (verified by another bank)",
            "/credit/households/{}/verify/",
            foreign(
                Household.objects.filter(archive__status=HouseholdArchive.Status.VERIFIED).exclude(
                    pk__in=customers
                )
            ),
            {},
        ),
        (
            "credit_line_offer",
            "/credit/households/{}/offer/",
            foreign(Household.objects.exclude(pk__in=customers).exclude(pk__in=queue)),
            {"amount": "50000"},
        ),
        (
            "credit_objection_answer",
            "/credit/objections/{}/answer/",
            foreign(Objection.objects.all()),
            {"answer": "bench", "status": "upheld"},
        ),
        ("credit_consent_revoke", "/credit/consents/{}/revoke/", foreign(Consent.objects.all()), {}),
        (
            "plan_report_review",
            "/plan/reports/{}/review/",
            foreign(ProgressReport.objects.exclude(unit_id=bank.organisation_id)),
            {"decision": "accept"},
        ),
        (
            "plan_notice_respond",
            "/plan/notices/{}/respond/",
            foreign(SupervisionNotice.objects.exclude(unit_id=bank.organisation_id)),
            {"response": "bench"},
        ),
        (
            "plan_delay_decide",
            "/plan/delays/{}/decide/",
            foreign(DelayRequest.objects.exclude(unit_id=bank.organisation_id)),
            {"decision": "approve"},
        ),
        (
            "data_submission_file",
            "/data/submissions/{}/file/",
            foreign(Submission.objects.exclude(**others)),
            None,
        ),
    ]
    stats.cases = []
    for label, pattern, pks, body in cases:
        for pk in pks:
            url = pattern.format(pk)
            method = "get" if body is None else "post"
            r = send(
                stats, client, method, url, bank.username, **({"data": body} if body is not None else {})
            )
            stats.cases.append((label, url, r.status_code))
            stats.outside += 1
            if r.status_code != 404:
                stats.leaks.append((bank.username, method.upper(), url, label, r.status_code))
        if not pks:
            stats.cases.append((label, pattern, "no object to try"))
    convenience.convenience_writes(stats, send, client_for, bank, foreign)  # the 便民服务 apps (#19)
    # The same bank's token: review another bank's submission, read another bank's line and upload.
    org_tokens = [raw for org, raw in tokens.values() if org.pk == bank.organisation_id]
    if not org_tokens:
        _t, raw = token_create(
            actor=User.objects.filter(role=User.Role.ADMIN).first(),
            organisation=bank.organisation,
            name="bench_x",
        )
        org_tokens = [raw]
    api = Client(raise_request_exception=False)
    headers = {"Authorization": f"Bearer {org_tokens[0]}"}
    for pk in foreign(Submission.objects.exclude(**others)):
        url = f"/api/v1/data/submissions/{pk}/review"
        r = send(
            stats,
            api,
            "post",
            url,
            f"token:{bank.organisation.code}",
            data=json.dumps({"decision": "approve", "comment": "bench"}),
            content_type="application/json",
            headers=headers | {"Idempotency-Key": uuid.uuid4().hex},
        )
        stats.cases.append(("API review", url, r.status_code))
        stats.outside += 1
        if r.status_code != 404:
            stats.leaks.append((f"token:{bank.organisation.code}", "POST", url, "API review", r.status_code))
    return stats


def step_fuzz(users, tokens) -> list[Stats]:
    from tests.security import test_edge_values as pages_sweep

    out = []
    # Pages: the sweep of test_pages_survive_hostile_query_values, for --edge-roles.
    stats = Stats("edge values, pages")
    pages = pages_sweep._pages()
    for role in [r for r in ARGS.edge_roles.split(",") if r]:
        client = client_for(users[role])
        for path, params in pages:
            for value in pages_sweep.EDGE:
                for query in ({p: value for p in params}, *({p: value} for p in params)):
                    send(stats, client, "get", path, role, data=query)
    # test_ids_past_64_bits_are_404, as the office.
    client = client_for(users["office"])
    for route, _view in pages_sweep._patterns():
        if "<id:" not in route or route.startswith("api/v1/"):
            continue
        path = "/" + re.sub(r"<id:[a-z_]+>", "9223372036854775808", route)
        path = re.sub(r"<[a-z]+:[a-z_]+>", "x", path)
        r = send(stats, client, "get", path, "office")
        if r.status_code == 200:
            stats.leaks.append(("office", "GET", path, "id past 64 bits answered 200", 200))
    out.append(stats)

    # API reads: tests/api/test_edge_values.py, with a bank's token.
    from puhui.api.v1 import api

    bank_org = users["institution"].organisation
    bank_raw = next(raw for org, raw in tokens.values() if org.pk == bank_org.pk)
    headers = {"Authorization": f"Bearer {bank_raw}"}
    stats = Stats("edge values, API")
    api_client = Client(raise_request_exception=False)
    schema = api.get_openapi_schema()
    for path, ops in schema["paths"].items():
        op = ops.get("get")
        if not op:
            continue
        url = re.sub(r"\{[^}]+\}", "1", path)
        names = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
        for value in pages_sweep.EDGE + ["9223372036854775807"]:
            for query in ({n: value for n in names}, *({n: value} for n in names)):
                r = send(stats, api_client, "get", url, "token", data=query, headers=headers)
                if r.status_code < 500 and not r["Content-Type"].startswith("application/json"):
                    stats.notes.append(("token", "GET", url, query, r.status_code, "not JSON"))
        for pk in ("9223372036854775808", "-1", "0"):
            if "{" in path:
                send(stats, api_client, "get", re.sub(r"\{[^}]+\}", pk, path), "token", headers=headers)
    out.append(stats)

    # API writes: tests/api/test_fuzz.py, schema-driven bodies, --fuzz-examples per operation.
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.api import test_fuzz

    stats = Stats("schema fuzz, API writes")
    anything = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
        ),
        max_leaves=12,
    )
    own_submission = (
        Submission.objects.filter(institution__path__startswith=bank_org.path)
        .values_list("pk", flat=True)
        .first()
        or 1
    )

    def fuzzer(method, url, body_schema):
        @settings(
            max_examples=ARGS.fuzz_examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(body=test_fuzz.from_schema(body_schema) | anything)
        def fuzz(body):
            r = send(
                stats,
                api_client,
                "generic",
                url,
                "token",
                http_method=method.upper(),
                data=json.dumps(body),
                content_type="application/json",
                headers=headers | {"Idempotency-Key": uuid.uuid4().hex},
            )
            if r.status_code < 500 and not r["Content-Type"].startswith("application/json"):
                stats.notes.append(("token", method.upper(), url, body, r.status_code, "not JSON"))

        return fuzz

    for method, path, body_schema in test_fuzz.WRITES:
        fuzzer(method, "/api/v1" + path.replace("{submission_id}", str(own_submission)), body_schema)()
    stats.operations = len(test_fuzz.WRITES)
    out.append(stats)
    return out


# ------------------------------------------------------------------------------------------------ report


def print_stats(stats: Stats) -> None:
    codes = " ".join(f"{c}×{n}" for c, n in sorted(stats.statuses.items()))
    print(f"\n{stats.name}: {stats.requests:,} requests in {stats.seconds:.0f} s; statuses {codes}")
    print(
        f"  leaks {len(stats.leaks)}, 5xx {len(stats.errors)}; requests for an object in scope {stats.inside:,}, "
        f"out of scope {stats.outside:,}, parameter-free {stats.plain:,}, parameters not judged {stats.unjudged:,}"
    )
    if hasattr(stats, "routes"):
        print(f"  {stats.routes} URL patterns, {stats.post_only} of them POST-only (also sent as POST)")
    if hasattr(stats, "list_items"):
        print(f"  {stats.list_items:,} items of list answers checked against the token's scope")
    if ARGS.verbose and hasattr(stats, "table"):
        for (name, role), codes in sorted(stats.table.items()):
            print(f"    {name:34} {role:12} {' '.join(codes)}")
    if ARGS.verbose and hasattr(stats, "cases"):
        for case in stats.cases:
            print("   ", *case)
    for leak in stats.leaks[:40]:
        print("  LEAK", *leak)
    for err in stats.errors[:40]:
        print("  5XX ", *err)
    for note in stats.notes[:20]:
        print("  note", *note)


def main() -> None:
    started = time.perf_counter()
    skip = set(ARGS.skip.split(","))
    print(
        f"{datetime.date.today()}  {platform.node()}  {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, Django {django.get_version()}, "
        f"{connection.vendor} ({ENV['DATABASE_URL'] if not ARGS.database_url else 'DATABASE_URL given'})"
    )
    print(
        f"demo county: {Household.objects.count():,} households, {Organisation.objects.count()} organisations, "
        f"{Submission.objects.count():,} submissions, {PreCreditLine.objects.count():,} pre-credit lines"
    )
    all_stats = []
    with transaction.atomic():
        users = load_users()
        for role, user in users.items():
            where = user and (user.organisation or user.town or "")
            print(f"  {role:12} {user.username if user else '-'} {where or ''}")
        tokens = make_tokens(users)
        print(f"  API tokens: {', '.join(f'{k} ({o.code})' for k, (o, _r) in tokens.items())}")
        steps = [
            ("matrix", lambda: [step_matrix(users)]),
            ("api", lambda: [step_api(tokens)]),
            ("writes", lambda: [step_cross_tenant_writes(users, tokens)]),
            ("fuzz", lambda: step_fuzz(users, tokens)),
        ]
        for name, step in steps:
            if name in skip:
                continue
            t0 = time.perf_counter()
            for stats in step():
                print_stats(stats)
                all_stats.append(stats)
            print(f"  ({name}: {time.perf_counter() - t0:.0f} s)")
        transaction.set_rollback(True)

    print("\nSummary")
    print(f"  {'':28} {'requests':>9} {'leaks':>6} {'5xx':>5}")
    for s in all_stats:
        print(f"  {s.name:28} {s.requests:9,} {len(s.leaks):6} {len(s.errors):5}")
    total = sum(s.requests for s in all_stats)
    print(
        f"  {'total':28} {total:9,} {sum(len(s.leaks) for s in all_stats):6} "
        f"{sum(len(s.errors) for s in all_stats):5}"
    )
    print(f"wall time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
