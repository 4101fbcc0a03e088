"""Every API read, given hostile query and id values, answers JSON without a server error."""

import re

import pytest
from django.test import Client

from tests.security.test_edge_values import EDGE


def test_api_reads_survive_hostile_query_values(api):
    """Every GET operation in the OpenAPI schema, each query parameter set to each edge value."""
    client = api("abc")
    client.client = Client(raise_request_exception=False)
    schema = client.get("/openapi.json").json()
    failures = []
    for path, ops in schema["paths"].items():
        op = ops.get("get")
        if not op:
            continue
        url = re.sub(r"\{[^}]+\}", "1", path.removeprefix("/api/v1"))
        names = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
        for value in EDGE + ["9223372036854775807"]:
            for query in ({n: value for n in names}, *({n: value} for n in names)):
                r = client.get(url, query)
                if r.status_code >= 500 or not r["Content-Type"].startswith("application/json"):
                    failures.append((url, query, r.status_code))
        for pk in ("9223372036854775808", "-1", "0"):
            if "{" in path:
                r = client.get(re.sub(r"\{[^}]+\}", pk, path.removeprefix("/api/v1")))
                if r.status_code >= 500:
                    failures.append((path, pk, r.status_code))
    if failures:
        pytest.fail(
            "\n".join(
                map(
                    str,
                    sorted(
                        {(f[0], str(f[1]) if not isinstance(f[1], dict) else tuple(f[1])) for f in failures}
                    ),
                )
            )
        )
