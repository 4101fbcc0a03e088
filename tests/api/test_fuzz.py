"""Schema-driven fuzzing of the API's writes: bodies generated from the OpenAPI schema itself.

Every JSON write operation gets bodies that fit its schema and bodies that don't,
sent with an institution's token and a fresh idempotency key. The bar is the issue's: no server error, and
every answer is JSON. Bounded (a fixed number of examples per operation, no shrinking deadline) so CI time
stays predictable.
"""

import copy
import json
import uuid

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = 25
# Ids and counts at the edges of 64-bit columns, where a database raises instead of answering.
EDGE_INTS = [0, 1, -1, 2**31, 2**63 - 1, 2**63, 10**30]


def _inline(node, components):
    """The schema with every #/components/schemas/… reference replaced by its target."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(copy.deepcopy(components[node["$ref"].rsplit("/", 1)[-1]]), components)
        return {k: _inline(v, components) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, components) for v in node]
    return node


def from_schema(schema: dict) -> st.SearchStrategy:
    """Values that fit a JSON schema, for the subset django-ninja emits (hypothesis-jsonschema relies on
    Hypothesis internals that newer Hypothesis releases changed, so this small generator stands in)."""
    if "anyOf" in schema or "oneOf" in schema:
        return st.one_of([from_schema(s) for s in schema.get("anyOf") or schema["oneOf"]])
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return from_schema({**schema["allOf"][0], **{k: v for k, v in schema.items() if k != "allOf"}})
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        return st.fixed_dictionaries(
            {k: from_schema(v) for k, v in props.items() if k in required},
            optional={k: from_schema(v) for k, v in props.items() if k not in required},
        )
    if kind == "array":
        return st.lists(from_schema(schema.get("items", {})), max_size=min(schema.get("maxItems", 5), 5))
    if kind == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        edges = [v for v in EDGE_INTS if (low is None or v >= low) and (high is None or v <= high)]
        return st.integers(low, high) | st.sampled_from(edges or [low or 0])
    if kind == "number":
        return st.floats(schema.get("minimum"), schema.get("maximum"), allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "string":
        if schema.get("format") == "date":
            return st.dates().map(str)
        if schema.get("format") == "date-time":
            return st.datetimes().map(lambda d: d.isoformat())
        return st.text(min_size=schema.get("minLength", 0), max_size=min(schema.get("maxLength", 30), 30))
    return st.none() | st.integers() | st.text(max_size=10)


def _json_writes():
    from puhui.api.v1 import api

    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            body = (op.get("requestBody") or {}).get("content", {}).get("application/json")
            if method != "get" and body:
                yield method, path.removeprefix("/api/v1"), _inline(body["schema"], components)


WRITES = list(_json_writes())


def test_the_fuzzer_finds_the_write_operations():
    assert {(m, p) for m, p, _s in WRITES} >= {("post", "/service-points"), ("post", "/plan/reports")}


@pytest.mark.parametrize(("method", "path", "schema"), WRITES, ids=[f"{m} {p}" for m, p, _s in WRITES])
def test_writes_never_answer_a_server_error(method, path, schema, tokens):
    client = Client(raise_request_exception=False)
    url = "/api/v1" + path.replace("{submission_id}", "1")
    anything = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
        ),
        max_leaves=12,
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    @given(body=from_schema(schema) | anything)
    def send(body):
        r = client.generic(
            method.upper(),
            url,
            json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {tokens['abc']}", "Idempotency-Key": uuid.uuid4().hex},
        )
        assert r.status_code < 500, (body, r.status_code, r.content[:300])
        assert r["Content-Type"].startswith("application/json"), (body, r.status_code)

    send()
