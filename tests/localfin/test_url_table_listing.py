"""Who reaches what of the listing pipeline (上市后备企业库): every URL of views/listing.py × every role, with
the exact status; the other member unit and the local financial organisations get 404; and the board and the
list run the same number of queries for 3 firms as for 15.

The office, the administrator and the finance centre (the `member` user) read; the office and the finance
centre write; banks, towns, agents, the public — and member units other than the finance centre — get 404.
"""

import datetime
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from puhui.demo import ids
from puhui.localfin.models import Board, Stage
from puhui.localfin.services import listing as services
from puhui.localfin.urls import urlpatterns
from tests.url_tables import status_line

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def scene(users, county, firms):
    candidate = services.candidate_add(
        actor=users["member"], uscc=firms["yiyuan"].uscc, name=firms["yiyuan"].name, town=county["towns"][0],
        industry="医药制造", stage=Stage.CULTIVATING, board=Board.NEEQ, entered_on=D(2020, 1, 10),
    )  # fmt: skip
    services.goal_set(actor=users["member"], year=2020, stage=Stage.RESTRUCTURING, count=2)
    return {"candidate": candidate.pk}


def _(key):
    return lambda s: [s[key]]


#            office admin member abc town agent public anonymous
READ = "200 200 200 404 404 404 404 302"
MANAGE_GET = "200 404 200 404 404 404 404 302"
MANAGE_POST = "302 404 302 404 404 404 404 302"
POST_ONLY = "405 405 405 405 405 405 405 302"

ADD = {
    "uscc": "91370323MAF5EM6F6K",
    "name": "沂源县南麻电子科技有限公司",
    "town": None,  # filled in by the test: 鲁村镇
    "industry": "电子设备制造",
    "stage": "restructuring",
    "board": "qilu",
    "entered_on": "2021-03-01",
}
EDIT = {
    "board": "qilu",
    "sponsors": "齐鲁股权交易中心",
    "obstacles": "",
    "help_given": "上门诊断",
    "deadline": "",
}
MOVE = {"move-to_stage": "restructuring", "move-on": "2020-06-01", "move-reason": "", "move-deadline": ""}
GOAL = {"year": "2021", "stage": "listed", "count": "1"}

PAGES = [
    ("listing_board", None, "get", READ, None),
    ("listing_firms", None, "get", READ, None),
    ("listing_firms", None, "get", READ, {"export": "xlsx"}),
    ("listing_firms", None, "get", READ, {"stage": "cultivating", "q": "山东"}),
    ("listing_add", None, "get", MANAGE_GET, None),
    ("listing_add", None, "post", MANAGE_POST, ADD),
    ("candidate_detail", _("candidate"), "get", READ, None),
    ("candidate_edit", _("candidate"), "post", MANAGE_POST, EDIT),
    ("candidate_edit", _("candidate"), "get", POST_ONLY, None),
    ("candidate_move", _("candidate"), "post", MANAGE_POST, MOVE),
    ("candidate_move", _("candidate"), "get", POST_ONLY, None),
    ("listing_goals", None, "get", READ, None),
    ("listing_goals", None, "post", MANAGE_POST, GOAL),
]
NAMES = {r[0] for r in PAGES}


def test_every_listing_url_has_a_row():
    listing = {p.name for p in urlpatterns if p.lookup_str.startswith("puhui.localfin.views.listing.")}
    assert listing == NAMES


def _url_and_data(scene, county, name, args, data):
    url = reverse(f"localfin:{name}", args=args(scene) if args else None)
    if data and "town" in data:
        data = {**data, "town": county["towns"][1].pk}
    return url, data


@pytest.mark.parametrize(
    "name,args,method,expected,data", PAGES, ids=[f"{r[0]}-{i}" for i, r in enumerate(PAGES)]
)
def test_page_access(client, scene, users, county, name, args, method, expected, data):
    url, data = _url_and_data(scene, county, name, args, data)
    assert status_line(client, users, method, url, data) == expected, (url, method)


# Read by tests/test_every_url_has_a_row.py: url name (namespaced, as reversed) → its rows.
URL_TABLE = {f"localfin:{n}": [r for r in PAGES if r[0] == n] for n in dict.fromkeys(r[0] for r in PAGES)}


@pytest.mark.parametrize("who", ["czj_user", "guarantee_user", "microcredit_user"])
def test_other_member_units_and_local_organisations_get_404(client, scene, county, local, who):
    client.force_login(local[who])
    for name, args, method, expected, data in PAGES:
        url, data = _url_and_data(scene, county, name, args, data)
        status = getattr(client, method)(url, data or {}).status_code
        assert status == (405 if expected == POST_ONLY else 404), (who, name, method)


def test_the_pages_show_units_and_chinese_errors(client, scene, users, county):
    client.force_login(users["member"])
    board = client.get(reverse("localfin:listing_board")).content.decode()
    assert "山东沂源药业股份有限公司" in board and "1 户" in board and " 天" in board
    url = reverse("localfin:candidate_move", args=[scene["candidate"]])
    client.post(url, {**MOVE, "move-to_stage": "applying"})
    response = client.post(url, {**MOVE, "move-to_stage": "counselling", "move-on": "2020-07-01"})
    assert response.status_code == 400
    assert "退回到前一阶段须写明原因" in response.content.decode()
    detail = client.get(reverse("localfin:candidate_detail", args=[scene["candidate"]])).content.decode()
    assert "申报审核" in detail and "天" in detail
    export = client.get(reverse("localfin:listing_firms"), {"export": "xlsx"})
    assert quote("上市后备企业库") in export["Content-Disposition"]  # the Chinese file name


# ---------------------------------------------------------------- a fixed handful of queries


def _fill(users, county, n, start=0):
    """n firms (beyond the scene's), each with a move, half with a deadline; codes from `start` on."""
    codes = ids.usccs("91370323", [800_000 + start + i for i in range(n)])
    for i, code in enumerate(codes):
        c = services.candidate_add(
            actor=users["member"], uscc=code, name=f"沂源测试企业{i:02d}有限公司", town=county["towns"][i % 2],
            industry="制造业", stage=Stage.CULTIVATING, board=Board.QILU, entered_on=D(2020, 1, 1),
            deadline=D(2020, 12, 31) if i % 2 else None,
        )  # fmt: skip
        services.candidate_move(
            actor=users["member"], candidate=c, to_stage=list(Stage)[1 + i % 4], on=D(2020, 6, 1 + i % 20)
        )


def _queries(client, url) -> int:
    client.get(url)  # warm up: the session, caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["listing_board", "listing_firms", "listing_goals"])
def test_pages_run_a_fixed_number_of_queries(client, scene, users, county, name):
    client.force_login(users["member"])
    url = reverse(f"localfin:{name}")
    _fill(users, county, 2)  # 3 firms with the scene's
    few = _queries(client, url)
    _fill(users, county, 12, start=100)  # 15
    many = _queries(client, url)
    assert many == few, (few, many)
