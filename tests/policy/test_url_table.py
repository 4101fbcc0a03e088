"""Who reaches what of the policy incentives: every page of puhui.policy × every role, with the exact status.

The office (县人民银行) and the administrator read everything; the office runs, decides and edits the rules;
a bank reads and objects to its own results; a member unit reads only if it grants a rule (the test
county's member unit is the finance centre, which grants none, so it sees nothing — the finance bureau's
own rights are tested in test_pages.py); towns, agents and the public see nothing. Missing and forbidden
both answer 404. A test fails when a new URL has no row.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from puhui.policy.models import Evaluation, Objection, ObjectionFile, Result
from puhui.policy.urls import urlpatterns
from tests.policy.conftest import shipped_rules
from tests.url_tables import status_line

pytestmark = pytest.mark.django_db


def _result(evaluation, institution, rule, kind, status, **kw):
    return Result.objects.create(
        evaluation=evaluation, institution=institution, rule_code=rule, rule_name=rule, kind=kind,
        grantor="县财政局" if kind == "fiscal" else "县人民银行", source="实施方案", status=status, **kw,
    )  # fmt: skip


@pytest.fixture
def scene(county, users):
    ev = Evaluation.objects.create(year=2020, rules=shipped_rules())
    abc_grant = _result(ev, county["abc"], "new_outlet_grant", "fiscal", "passed", amount=150000)
    abc_cut = _result(ev, county["abc"], "rrr_sannong", "monetary", "passed", ratio=2)
    rcb_cut = _result(ev, county["rcb"], "rrr_local_lending", "monetary", "failed")
    objection = Objection.objects.create(result=abc_cut, text="数据有误", raised_by=users["abc"])
    evidence = ObjectionFile(
        objection=objection, name="证据.pdf", content_type="application/pdf", size=9, sha256="0"
    )
    evidence.file.save("证据.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return {
        "evaluation": ev.pk, "grant": abc_grant.pk, "cut": abc_cut.pk, "other_bank": rcb_cut.pk,
        "objection": objection.pk, "file": evidence.pk, "rules": ev.rules_id,
    }  # fmt: skip


def _(key):
    return lambda s: [s[key]]


#            office admin member abc town agent public anonymous
READ = "200 200 404 200 404 404 404 302"  # the pages, a bank's own results
ALL_READ = "200 200 404 404 404 404 404 302"  # another bank's result
OFFICE_POST = "302 404 404 404 404 404 404 302"
OFFICE_GET = "200 404 404 404 404 404 404 302"
BANK_POST = "404 404 404 302 404 404 404 302"
POST_ONLY = "405 405 405 405 405 405 405 302"

PAGES = [
    ("policy_home", None, "get", READ, None),
    ("policy_run", None, "post", OFFICE_POST, {"year": "2020"}),
    ("policy_run", None, "get", POST_ONLY, None),
    ("policy_evaluation", _("evaluation"), "get", READ, None),
    ("policy_evaluation_export", _("evaluation"), "get", READ, None),
    ("policy_approval_doc", _("evaluation"), "get", OFFICE_GET, {"grantor": "县人民银行"}),
    ("policy_result", _("grant"), "get", READ, None),
    ("policy_result", _("other_bank"), "get", ALL_READ, None),
    (
        "policy_result_decide",
        _("cut"),
        "post",
        OFFICE_POST,
        {"decision": "approved", "standard_ratio": "9.5"},
    ),
    ("policy_result_pay", _("grant"), "post", OFFICE_POST, {"paid_on": "2021-06-30"}),
    ("policy_application_doc", _("grant"), "get", READ, None),
    (
        "policy_application_doc",
        _("cut"),
        "get",
        "404 404 404 404 404 404 404 302",
        None,
    ),  # not a fiscal grant
    ("policy_objection_add", _("cut"), "post", BANK_POST, {"text": "请复核"}),
    ("policy_objection_add", _("other_bank"), "post", "404 404 404 404 404 404 404 302", {"text": "请复核"}),
    ("policy_objection_answer", _("objection"), "post", OFFICE_POST, {"answer": "已复核"}),
    ("policy_objection_file", _("file"), "get", READ, None),
    ("policy_ledger", None, "get", READ, None),
    ("policy_reserve", None, "get", READ, None),
    ("policy_rules", None, "get", READ, None),
    ("policy_rules_add", None, "post", OFFICE_POST, {"change_note": "无文件"}),
    ("policy_rule_version", _("rules"), "get", READ, None),
]


def test_every_url_has_a_row():
    assert {p.name for p in urlpatterns} == {row[0] for row in PAGES}


@pytest.mark.parametrize(
    "name,args,method,expected,data", PAGES, ids=[f"{r[0]}-{i}" for i, r in enumerate(PAGES)]
)
def test_page_access(client, scene, users, name, args, method, expected, data):
    url = reverse(name, args=args(scene) if args else None)
    assert status_line(client, users, method, url, data) == expected, (url, method)


def test_the_pay_row_pays_an_approved_grant(client, scene, users):
    """The pay row above posts to a result still pending: the office gets its redirect with a reason, and
    nothing is paid; once approved, the same post records the payment."""
    grant = Result.objects.get(pk=scene["grant"])
    client.force_login(users["office"])
    client.post(reverse("policy_result_pay", args=[grant.pk]), {"paid_on": "2021-06-30"})
    assert Result.objects.get(pk=grant.pk).paid_on is None
    client.post(reverse("policy_result_decide", args=[grant.pk]), {"decision": "approved"})
    client.post(reverse("policy_result_pay", args=[grant.pk]), {"paid_on": timezone.localdate().isoformat()})
    grant.refresh_from_db()
    assert (grant.decision, grant.decided_amount, grant.paid_amount) == ("approved", 150000, 150000)


# Read by tests/test_every_url_has_a_row.py: url name → its rows.
URL_TABLE = {n: [r for r in PAGES if r[0] == n] for n in dict.fromkeys(r[0] for r in PAGES)}

from tests.policy.test_api_table import API_TABLE  # noqa: E402,F401  (the API's rows, listed with this module)
