"""Who reaches what in the registers (households, firms, …): every URL × every role, exact status.

The rules are in puhui/registry/access.py and docs/architecture.md. A forbidden object answers 404 like a
missing one; anonymous visitors go to the login. A new register URL needs its row here.
"""

import pytest
from django.urls import reverse

from puhui.core.models import Terminal
from puhui.registry.urls import urlpatterns as registry_urls
from tests.registry.test_household_api import API_CASES as HOUSEHOLD_API_CASES
from tests.registry.test_network_api import API_CASES as NETWORK_API_CASES
from tests.url_tables import status_line

#                office admin member abc town agent public anonymous
ALL = "200 200 200 200 200 200 200 302"
NOBODY = "404 404 404 404 404 404 404 302"
OFFICE_ADMIN = "200 200 404 404 404 404 404 302"
POST_ONLY = "405 405 405 405 405 405 405 302"  # login first, then the method: GET is refused for all
EDITORS = "200 404 404 200 404 404 404 302"  # the office and the bank's own staff (ABC)
OFFICE_ONLY = "200 404 404 404 404 404 404 302"


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
        "sp_abc": county["service_points"][0].pk,
        "sp_rcb": county["service_points"][1].pk,
        "t_abc": Terminal.objects.get(code="T1").pk,
        "t_rcb": Terminal.objects.get(code="T2").pk,
        "o_abc": county["abc_outlet"].pk,  # in 鲁村镇
        "o_rcb": county["rcb_outlet"].pk,  # in 历山街道, the town official's
        "abc": county["abc"].pk,  # a county branch, not an outlet
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
    # ---- a household's dated changes (puhui/registry/household_views.py): the office and the household's
    # town; the others 404. A POST without data answers the form with its errors (200).
    *[
        row
        for name in ("household_split", "household_merge", "household_move", "household_dissolve")
        for row in (
            (name, _("h_lishan1"), "get", None, "200 404 404 404 200 404 404 302"),
            (name, _("h_lishan1"), "post", None, "200 404 404 404 200 404 404 302"),
            (name, _("h_lucun1"), "get", None, "200 404 404 404 404 404 404 302"),
        )
    ],
    # The roster's counts on any date, each in its own scope.
    ("household_census", None, "get", {"on": "2020-12-31"}, "200 200 404 404 200 200 404 302"),
    # The list's Excel file with clear personal data: the roles that may unmask (never the administrator).
    ("household_export_clear", None, "get", None, "200 404 404 404 200 200 200 302"),
    ("firm_list", None, "get", None, ALL),  # an empty list for roles without firms
    # firms: office, admin, member all; town own town; institution, agent, public none
    ("firm_detail", _("f_lishan"), "get", None, "200 200 200 404 200 404 404 302"),
    ("firm_detail", _("f_lucun"), "get", None, "200 200 200 404 404 404 404 302"),
    # ---- firm lifecycle, the service network and reconciliation (puhui/registry/network_views.py)
    # The firm register is the office's to keep; POSTs without data answer the form with its errors (200).
    ("firm_deregister", _("f_lishan"), "post", None, "200 404 404 404 404 404 404 302"),
    ("firm_deregister", _("f_lishan"), "get", None, POST_ONLY),
    # service points: read as core.access.service_points_for; changed by the office and the bank's own staff
    ("service_point_detail", _("sp_abc"), "get", None, "200 200 200 200 404 404 404 302"),
    ("service_point_detail", _("sp_rcb"), "get", None, "200 200 200 404 200 200 404 302"),
    ("service_point_new", None, "get", None, EDITORS),
    ("service_point_new", None, "post", {"code": "SP9"}, EDITORS),
    ("service_point_upgrade", _("sp_abc"), "post", None, EDITORS),
    ("service_point_upgrade", _("sp_rcb"), "post", None, OFFICE_ONLY),
    ("service_point_upgrade", _("sp_abc"), "get", None, POST_ONLY),
    ("service_point_suspend", _("sp_abc"), "post", None, EDITORS),
    ("service_point_suspend", _("sp_abc"), "get", None, POST_ONLY),
    ("service_point_resume", _("sp_abc"), "post", None, EDITORS),
    ("service_point_resume", _("sp_abc"), "get", None, POST_ONLY),
    ("service_point_close", _("sp_abc"), "post", None, EDITORS),
    ("service_point_close", _("sp_rcb"), "post", None, OFFICE_ONLY),
    ("service_point_close", _("sp_abc"), "get", None, POST_ONLY),
    # outlets: read as core.access.organisations_for; suspended and resumed by the office and the bank's own
    ("outlet_detail", _("o_abc"), "get", None, "200 200 200 200 404 404 404 302"),
    ("outlet_detail", _("o_rcb"), "get", None, "200 200 200 404 200 404 404 302"),
    ("outlet_detail", _("abc"), "get", None, NOBODY),
    ("outlet_suspend", _("o_abc"), "post", None, EDITORS),
    ("outlet_suspend", _("o_rcb"), "post", None, OFFICE_ONLY),
    ("outlet_suspend", _("o_abc"), "get", None, POST_ONLY),
    ("outlet_resume", _("o_abc"), "post", None, EDITORS),
    ("outlet_resume", _("o_abc"), "get", None, POST_ONLY),
    # terminals: T1 is ABC's in 鲁村1村, T2 RCB's in 历山1村 (the agent's village)
    ("terminal_list", None, "get", None, ALL),  # an empty list for the public
    ("terminal_detail", _("t_abc"), "get", None, "200 200 200 200 404 404 404 302"),
    ("terminal_detail", _("t_rcb"), "get", None, "200 200 200 404 200 200 404 302"),
    ("terminal_new", None, "get", None, EDITORS),
    ("terminal_retire", _("t_abc"), "post", None, EDITORS),
    ("terminal_retire", _("t_rcb"), "post", None, OFFICE_ONLY),
    ("terminal_retire", _("t_abc"), "get", None, POST_ONLY),
    ("reconciliation", None, "get", None, "200 200 404 200 404 404 404 302"),
    ("reconciliation_flag", None, "post", None, "302 404 404 404 404 404 404 302"),
    ("reconciliation_flag", None, "get", None, POST_ONLY),
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

# The registers' API operations: service points, terminals, outlets, firms (rows in test_network_api.py) and
# households (rows in test_household_api.py).
_API_CASES = [*NETWORK_API_CASES, *HOUSEHOLD_API_CASES]
API_TABLE = {
    (m.upper(), f"/api/v1{p}"): [c for c in _API_CASES if c[:2] == (m, p)]
    for m, p in dict.fromkeys(c[:2] for c in _API_CASES)
}
