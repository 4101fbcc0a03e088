"""What the role × URL tables share: the columns (seven roles and the anonymous visitor) and one row's run.

Each request runs in a savepoint that is rolled back, so one role's write does not change what the next
column sees. PUHUI_RECORD_TABLE=1 prints the statuses found instead of asserting (for writing new rows).
"""

import os

from django.db import transaction

RECORD = os.environ.get("PUHUI_RECORD_TABLE") == "1"
# The seven roles (the user fixture of each) and the anonymous visitor.
ROLES = {
    "office": "office",
    "admin": "admin",
    "member_unit": "member",
    "institution": "abc",
    "town": "town_lishan",
    "agent": "agent",
    "public": "public",
}
COLUMNS = [*ROLES, "anonymous"]
LOGIN = "login"  # anonymous: 302 to /login/


def statuses(client, users, method: str, url: str, data=None) -> dict[str, str]:
    """The status each column gets for one request ("login" for the anonymous redirect to the login page)."""
    got = {}
    for column in COLUMNS:
        if column == "anonymous":
            client.logout()
        else:
            client.force_login(users[ROLES[column]])
        sid = transaction.savepoint()
        try:
            response = getattr(client, method)(url, data or {})
        finally:
            transaction.savepoint_rollback(sid)
        code = str(response.status_code)
        if column == "anonymous" and code == "302" and "/login/" in response["Location"]:
            code = LOGIN
        got[column] = code
    return got


def check_row(client, users, name: str, method: str, url: str, expected: dict, data=None) -> None:
    got = statuses(client, users, method, url, data)
    if RECORD:
        print(f"ROW {name} {method}: {' '.join(got[c] for c in COLUMNS)}")
        return
    assert got == expected, (url, method)


def status_line(client, users, method: str, url: str, data=None) -> str:
    """The statuses as one line in column order — "200 200 404 404 404 404 404 302" — as the tables of
    data, index, jobs, imports, token and registry pages write their rows (the anonymous visitor's redirect
    must lead to the login page, and is written 302)."""
    got = statuses(client, users, method, url, data)
    return " ".join("302" if got[c] == LOGIN else got[c] for c in COLUMNS)


def api_operations(client, prefix: str) -> set[tuple[str, str]]:
    """(method, path without /api/v1) of every operation the schema lists under `prefix` (e.g. "/api/v1/firms/"):
    what an app's API table must have a row for."""
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    return {
        (method, path.removeprefix("/api/v1"))
        for path, methods in paths.items()
        if path.startswith(prefix)
        for method in methods
    }
