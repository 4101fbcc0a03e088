"""Who reaches what in the registers (households, firms, …): every URL × every role, exact status.

The rules are in puhui/registry/access.py and docs/architecture.md. A forbidden object answers 404 like a
missing one; anonymous visitors go to the login. A new register URL needs its row here.
"""

import pytest
from django.urls import reverse

from puhui.registry.urls import urlpatterns as registry_urls
from tests.url_tables import status_line

#                office admin member abc town agent public anonymous
ALL = "200 200 200 200 200 200 200 302"
NOBODY = "404 404 404 404 404 404 404 302"
OFFICE_ADMIN = "200 200 404 404 404 404 404 302"
POST_ONLY = "405 405 405 405 405 405 405 302"  # login first, then the method: GET is refused for all


@pytest.fixture
def scene(county, users):
    h = county["households"]
    f = county["firms"]
    return {
        "h_lishan1": h[0].pk,  # 历山1村: the agent's village and the public user's own household
        "h_lishan2": h[1].pk,
        "h_lucun1": h[2].pk,
        "f_lishan": f[0].pk,
        "f_lucun": f[1].pk,
    }


def _(key):
    return lambda s: [s[key]]


def const(*args):
    return lambda s: list(args)


REGISTRY = [
    ("household_list", None, "get", None, ALL),  # an empty list for roles without households
    ("household_lookup", None, "post", {"number": "13800000000"}, "302 302 302 302 302 302 302 302"),
    ("household_lookup", None, "get", None, POST_ONLY),
    # households: office, admin all; member, institution none; town own town; agent own villages;
    # public own household
    ("household_detail", _("h_lishan1"), "get", None, "200 200 404 404 200 200 200 302"),
    ("household_detail", _("h_lishan2"), "get", None, "200 200 404 404 200 404 404 302"),
    ("household_detail", _("h_lucun1"), "get", None, OFFICE_ADMIN),
    # Clear personal data: never the administrator (docs/personal-data.md)
    ("household_unmask", _("h_lishan1"), "post", {"field": "phone"}, "200 404 404 404 200 200 200 302"),
    ("household_unmask", _("h_lucun1"), "post", {"field": "phone"}, "200 404 404 404 404 404 404 302"),
    ("household_unmask", _("h_lishan1"), "get", None, POST_ONLY),
    ("firm_list", None, "get", None, ALL),  # an empty list for roles without firms
    # firms: office, admin, member all; town own town; institution, agent, public none
    ("firm_detail", _("f_lishan"), "get", None, "200 200 200 404 200 404 404 302"),
    ("firm_detail", _("f_lucun"), "get", None, "200 200 200 404 404 404 404 302"),
]


def test_every_url_has_a_row():
    assert {p.name for p in registry_urls} == {row[0] for row in REGISTRY}


@pytest.mark.parametrize(
    "name,args,method,data,expected", REGISTRY, ids=[f"{r[0]}-{i}" for i, r in enumerate(REGISTRY)]
)
def test_registry_access(client, scene, users, name, args, method, data, expected):
    url = reverse(name, args=args(scene) if args else None)
    assert status_line(client, users, method, url, data) == expected, (url, method)


URL_TABLE = {n: [r for r in REGISTRY if r[0] == n] for n in dict.fromkeys(r[0] for r in REGISTRY)}
