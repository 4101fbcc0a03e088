"""Reads never write: a GET must not INSERT, UPDATE or DELETE anything but the request's own bookkeeping.

Defaults (catalogues, rules, frameworks, periods) are installed by migrations or post_migrate handlers, or
created by the first write that needs them — never by the first page view. `writes_during(client, url)`
does the GET and returns the data-changing statements it ran, leaving out the session, django-axes and
the audit log of the request itself.
"""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

# The request's own bookkeeping: its session, the login guard, the audit of what it showed.
ALLOWED_TABLES = {"django_session", "core_auditlog", "core_auditchain"}
ALLOWED_PREFIXES = ("axes_",)
_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def data_writes(captured) -> list[str]:
    out = []
    for q in captured:
        m = _WRITE.match(q["sql"])
        if m is None:
            continue
        table = m.group(2).lower()
        if table in ALLOWED_TABLES or table.startswith(ALLOWED_PREFIXES):
            continue
        out.append(q["sql"][:300])
    return out


def writes_during(client, url: str) -> tuple[int, list[str]]:
    """GET `url`; (status code, the data-changing statements it ran)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    return response.status_code, data_writes(ctx.captured_queries)
