"""The schema and the interactive docs, served by the platform itself (closed government networks)."""

import json
import re
import urllib.error
import urllib.request

import pytest
from django.contrib.staticfiles import finders

EXTERNAL = re.compile(r"""(?:https?:)?//(?!127\.0\.0\.1|localhost|testserver)[\w.-]+""")
ASSET_REF = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


def _no_repeated_keys(pairs):
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), f"repeated keys in the schema: {keys}"  # Swagger UI refuses it
    return dict(pairs)


def test_openapi_schema_lists_every_endpoint(db, client):  # db: the key check on a first request
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    schema = json.loads(r.content, object_pairs_hook=_no_repeated_keys)
    assert schema["info"]["title"] == "普惠金融综合示范区平台接口"
    paths = schema["paths"]
    for path, method in [
        ("/api/v1/divisions", "get"),
        ("/api/v1/divisions/{code}", "get"),
        ("/api/v1/organisations", "get"),
        ("/api/v1/organisations/{org_id}", "get"),
        ("/api/v1/service-points", "get"),
        ("/api/v1/service-points", "post"),
        ("/api/v1/service-points/{point_id}", "get"),
    ]:
        assert method in paths[path], (path, method)
        assert paths[path][method]["security"] == [{"TokenAuth": []}]
        assert "404" in paths[path][method]["responses"]
    post = paths["/api/v1/service-points"]["post"]
    header = next(p for p in post["parameters"] if p["name"] == "Idempotency-Key")
    assert (header["in"], header["required"]) == ("header", True)
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert "Error" in schema["components"]["schemas"]
    listed = {p["name"] for p in paths["/api/v1/divisions"]["get"]["parameters"]}
    assert {"level", "parent", "q", "limit", "offset"} <= listed


def test_schema_is_stable_across_requests(db, client):
    # Post-processing must not pile up parameters on every call.
    first = client.get("/api/v1/openapi.json").json()
    second = client.get("/api/v1/openapi.json").json()
    assert first == second


def test_docs_page_loads_only_local_assets(db, client):
    r = client.get("/api/v1/docs")
    assert r.status_code == 200
    html = r.content.decode()
    assert "普惠金融综合示范区平台接口" in html
    assert not EXTERNAL.search(html), EXTERNAL.search(html).group(0)
    refs = [ref for ref in ASSET_REF.findall(html) if ref.startswith("/static/")]
    assert {"/static/ninja/swagger-ui-bundle.js", "/static/api/swagger-zh.js"} <= set(refs)
    for ref in refs:
        assert finders.find(ref.removeprefix("/static/")), ref
    # The page around Swagger UI is ours, in Chinese; links lead back to the platform and to the schema.
    assert '<html lang="zh-Hans">' in html and "<title>接口文档 · " in html
    others = [ref for ref in ASSET_REF.findall(html) if not ref.startswith("/static/")]
    assert set(others) == {"/", "/api/v1/openapi.json"}
    settings = json.loads(re.search(r'id="swagger-settings">(.*?)</script>', html, re.S).group(1))
    assert settings["url"] == "/api/v1/openapi.json"
    assert settings["validatorUrl"] is None  # no badge fetched from validator.swagger.io


def test_swagger_init_script_calls_nowhere(db, client):
    with open(finders.find("ninja/swagger-ui-init.js"), encoding="utf-8") as f:
        script = f.read()
    assert not EXTERNAL.search(script)


def _get(url, token=None, method="GET", body=None, headers=None):
    req = urllib.request.Request(url, method=method, data=body)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.mark.django_db(transaction=True)
def test_over_a_real_socket(live_server, county, users):
    from puhui.api.services import token_create

    _token, raw = token_create(actor=users["admin"], organisation=county["abc"], name="联调")
    base = live_server.url

    status, headers, html = _get(f"{base}/api/v1/docs")
    assert status == 200
    for ref in ASSET_REF.findall(html.decode()):
        asset_status, _, content = _get(base + ref)
        assert asset_status == 200 and content, ref

    status, _, body = _get(f"{base}/api/v1/divisions?level=town")
    assert status == 401
    assert json.loads(body)["error"]["code"] == "unauthorized"

    status, _, body = _get(f"{base}/api/v1/divisions?level=town", token=raw)
    assert status == 200
    assert json.loads(body)["total"] == 2

    status, _, body = _get(f"{base}/api/v1/organisations/{county['rcb'].pk}", token=raw)
    assert status == 404

    point = json.dumps(
        {
            "code": "SP-LIVE",
            "name": "鲁村2村服务点",
            "bank_id": county["abc"].pk,
            "village_code": county["villages"][3].code,
            "functions": ["withdrawal", "transfer"],
            "opened_on": "2020-06-01",  # the lifecycle's rule: a point opens on a date
        }
    ).encode()
    write_headers = {"Content-Type": "application/json", "Idempotency-Key": "live-1"}
    first = _get(f"{base}/api/v1/service-points", raw, "POST", point, write_headers)
    again = _get(f"{base}/api/v1/service-points", raw, "POST", point, write_headers)
    assert first[0] == again[0] == 201
    assert "Idempotent-Replayed" not in first[1]
    assert again[1]["Idempotent-Replayed"] == "true"
    assert first[2] == again[2]


def test_every_enum_in_the_schema_has_a_name_of_its_own():
    """The schema names an enum by its class name: two different enums called "Level" would become one."""
    import enum
    import typing

    from ninja import Schema

    from puhui.api.v1 import api

    api.get_openapi_schema()  # imports every router and so every schema class

    def enums_in(annotation):
        if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
            yield annotation
        for arg in typing.get_args(annotation):
            yield from enums_in(arg)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    by_name: dict[str, set] = {}
    for schema in subclasses(Schema):
        if not schema.__module__.startswith("puhui."):
            continue
        for field in schema.model_fields.values():
            for e in enums_in(field.annotation):
                by_name.setdefault(e.__name__, set()).add(f"{e.__module__}.{e.__qualname__}")
    assert {name: paths for name, paths in by_name.items() if len(paths) > 1} == {}


def test_every_integer_a_caller_sends_is_bounded():
    """An unbounded int in a filter or a body reaches the database as an overflow (a 500), not a 422."""
    import typing

    from annotated_types import Le, Lt
    from ninja import Schema

    from puhui.api.pagination import LimitOffsetTotal
    from puhui.api.v1 import api

    api.get_openapi_schema()

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    def is_int(annotation):
        return annotation is int or int in typing.get_args(annotation)

    inputs = [
        s
        for s in subclasses(Schema)
        if s.__module__.startswith("puhui.") and (s.__name__.endswith(("Filters", "In")))
    ] + [LimitOffsetTotal.Input]
    assert len(inputs) > 10
    unbounded = [
        f"{schema.__module__}.{schema.__name__}.{name}"
        for schema in inputs
        for name, field in schema.model_fields.items()
        if is_int(field.annotation) and not any(isinstance(m, Le | Lt) for m in field.metadata)
    ]
    assert unbounded == []
