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

1. One user per role from the demo (`puhui/demo/logins.py` names them), a firm's own user (`firm_01`, a public
   user acting for a firm) and anonymous.
2. Matrix: every URL pattern (`get_resolver()`, /api/v1/ excepted), its path parameters filled with up to
   --per-param objects inside the user's scope and up to --per-param outside it, by the app's access
   querysets (`organisations_for`, `credit_households_for`, `submissions_for`, …). GET for every role; POST
   with an empty body as well where the view refuses GET (405). A LEAK is a GET answering 200, or a POST
   answering 2xx/3xx (other than the login redirect), for an object outside the role's scope.
3. API: every operation of /api/v1/openapi.json with a token per kind of organisation, path ids in and out
   of the token's scope (`api.access.scope_user_for_token`); a LEAK is a 2xx on an out-of-scope id, or an
   item outside the scope in a list answer.
4. Cross-tenant writes: a bank user (and its token) POSTs review / verify / respond / answer / grant / revoke
   requests with plausible bodies on other banks' and units' objects, and the firm user on other firms'
   demands and authorisations: each must answer 404; forms naming another party's object must be refused.
5. Fuzz: the page edge-value sweep of tests/security/test_edge_values.py (every parameter-free page × the
   parameters its source reads × 9 hostile values, per role, and ids past 64 bits), the API sweep of
   tests/api/test_edge_values.py, and the schema-driven API write fuzzing of tests/api/test_fuzz.py
   (every JSON write × --fuzz-examples examples), counting requests and 5xx.

Layout: this file runs the steps and prints; bench/security_params_sampling.py draws ids in and out of scope;
bench/security_params_<area>.py say, per area, which ids a user's scope holds (by the app's access querysets)
and which cross-tenant writes to try — core (the first apps), tools (policy, monetary, local finance, risk,
disposal, protection, outreach), convenience (便民服务), smallfirm (firms, firstloans, financing), cases; and
bench/security_params_api.py gathers the API's path parameters and list answers.
"""

import argparse
import datetime
import itertools
import json
import os
import platform
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
    "firm": "firm_01",  # a public user who acts for a firm (User.firm): the small-firm apps' own tenant
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
from django.test import Client  # noqa: E402
from django.urls import URLPattern, URLResolver, get_resolver  # noqa: E402

from bench import security_params_convenience as convenience  # noqa: E402
from bench import security_params_sampling as sampling  # noqa: E402
from bench.security_params_api import api_lists, api_path_params, unjudged_values  # noqa: E402
from bench.security_params_cases import cases_params, cases_writes  # noqa: E402
from bench.security_params_core import core_params, core_writes  # noqa: E402
from bench.security_params_evaluation import (  # noqa: E402
    evaluation_api_params,
    evaluation_params,
    evaluation_writes,
)
from bench.security_params_sampling import ChoiceParam, IdParam, pks_of, scope  # noqa: E402
from bench.security_params_smallfirm import (  # noqa: E402
    smallfirm_api_writes,
    smallfirm_form_writes,
    smallfirm_params,
    smallfirm_writes,
)
from bench.security_params_tools import tools_params  # noqa: E402
from puhui.api import access as api_access  # noqa: E402
from puhui.api.models import ApiToken  # noqa: E402
from puhui.api.services import token_create  # noqa: E402
from puhui.core.models import Organisation, User  # noqa: E402
from puhui.credit.models import PreCreditLine  # noqa: E402
from puhui.data.models import Submission  # noqa: E402
from puhui.registry.models import Household  # noqa: E402

sampling.N = N = ARGS.per_param
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


# URL name → {path parameter: how to fill it}, by area (bench/security_params_<area>.py). A parameter missing
# here is filled with ids 1 and 2 and its answers are not judged (reported as "unmapped").
PARAMS = {
    **core_params(IdParam, scope, ChoiceParam),
    **tools_params(IdParam, scope, ChoiceParam),
    **convenience.convenience_params(IdParam, scope, ChoiceParam),
    **smallfirm_params(IdParam, scope, ChoiceParam),
    **cases_params(IdParam, scope, ChoiceParam),
    **evaluation_params(IdParam, scope, ChoiceParam),
}


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


API_PATH_PARAMS = api_path_params(IdParam, scope)
API_PATH_OVERRIDES = evaluation_api_params(IdParam, scope)
API_LISTS = api_lists(IdParam, scope, API_PATH_PARAMS)


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
                for vals, inside in api_combos(names, scope_user, path):
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
                        items = body.get("items", []) if isinstance(body, dict) else body  # paginated or not
                        ids = [item.get("id") for item in items if isinstance(item, dict)]
                        stats.list_items = getattr(stats, "list_items", 0) + len(ids)
                        allowed = set(
                            list_spec.scope(scope_user).filter(pk__in=ids).values_list("pk", flat=True)
                        )
                        for pk in ids:
                            if pk not in allowed:
                                stats.leaks.append((f"token:{label}", "GET", url, f"item {pk}", 200))
    return stats


def api_combos(names, scope_user, path):
    if not names:
        return [({}, None)]
    out = []
    p = names[0]
    # A name one area uses for another kind of object (evaluation's report_id) is keyed by its path's prefix.
    spec = next(
        (v for (prefix, q), v in API_PATH_OVERRIDES.items() if q == p and path.startswith(prefix)), None
    )
    spec = spec or API_PATH_PARAMS.get(p)
    if isinstance(spec, IdParam):
        inside, outside = spec.sample(scope_user)
        out += [({p: v}, True) for v in inside] + [({p: v}, False) for v in outside]
    else:
        out += [({p: v}, None) for v in unjudged_values(p)]
    return out or [({p: "1"}, None)]


def writes_by_id(stats, cases) -> None:
    """(user, label, id → URL, ids of objects the user must not touch, body; None = a GET): each must be 404."""
    clients = {}
    for user, label, url_of, pks, body in cases:
        client = clients.setdefault(user.pk, client_for(user))
        for pk in pks:
            url = url_of(pk)
            method = "get" if body is None else "post"
            r = send(
                stats, client, method, url, user.username, **({"data": body} if body is not None else {})
            )
            stats.cases.append((label, url, r.status_code))
            stats.outside += 1
            if r.status_code != 404:
                stats.leaks.append((user.username, method.upper(), url, label, r.status_code))
        if not pks:
            stats.cases.append((label, "-", "no object to try"))


def writes_by_form(stats, cases) -> None:
    """(user, label, URL, body naming the user's own object or None, bodies naming another party's): the form
    must refuse the others (400 or 404); the own one is the control that the body is otherwise plausible."""
    clients = {}
    for user, label, url, own_body, foreign_bodies in cases:
        client = clients.setdefault(user.pk, client_for(user))
        if own_body is not None:
            r = send(stats, client, "post", url, user.username, data=own_body)
            stats.inside += 1
            stats.cases.append((f"{label} (own, control)", url, r.status_code))
            if r.status_code >= 400:
                stats.notes.append(
                    (user.username, "POST", url, f"{label}: the control was refused", r.status_code, "")
                )
        for body in foreign_bodies:
            r = send(stats, client, "post", url, user.username, data=body)
            stats.cases.append((f"{label} (another party's)", url, r.status_code))
            stats.outside += 1
            if r.status_code < 400:
                stats.leaks.append((user.username, "POST", url, f"{label} (another party's)", r.status_code))


def step_cross_tenant_writes(users, tokens) -> Stats:
    """A bank's user and token, and a firm's user, write to other parties' objects with plausible bodies: each
    must be 404; a form naming another party's object must be refused (400 or 404)."""
    stats = Stats("cross-tenant writes")
    bank = users["institution"]
    firm_user = users.get("firm")
    firm_user = firm_user if firm_user is not None and firm_user.firm_id else None

    def foreign(qs):
        return pks_of(qs, max(N, 5), pool=2000)

    stats.cases = []
    by_id = [
        (bank, label, pattern.format, pks, body) for label, pattern, pks, body in core_writes(bank, foreign)
    ]
    writes_by_id(stats, by_id)
    convenience.convenience_writes(stats, send, client_for, bank, foreign)  # the 便民服务 apps (#19)
    # The same bank's token: review another bank's submission, answer a demand never routed to the bank.
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
    own = bank.organisation.path
    api_cases = [
        (Submission.objects.exclude(institution__path__startswith=own), "/api/v1/data/submissions/{}/review",
         {"decision": "approve", "comment": "bench"}, "API review"),
        *smallfirm_api_writes(bank),
    ]  # fmt: skip
    for qs, pattern, body, label in api_cases:
        for pk in foreign(qs):
            url = pattern.format(pk)
            r = send(
                stats,
                api,
                "post",
                url,
                f"token:{bank.organisation.code}",
                data=json.dumps(body),
                content_type="application/json",
                headers=headers | {"Idempotency-Key": uuid.uuid4().hex},
            )
            stats.cases.append((label, url, r.status_code))
            stats.outside += 1
            if r.status_code != 404:
                stats.leaks.append((f"token:{bank.organisation.code}", "POST", url, label, r.status_code))
    # The small-firm apps (#15), the typical cases and the evaluations (#14): by id, then forms naming another
    # party's object.
    writes_by_id(
        stats,
        smallfirm_writes(bank, firm_user, foreign)
        + cases_writes(bank, foreign)
        + evaluation_writes(bank, foreign),
    )
    writes_by_form(stats, smallfirm_form_writes(bank, firm_user))
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
