"""The firms app's writes: department uploads (all or nothing, errors by row and column, partial matching,
replacement), authorisations, ratings through the scoring engine."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from puhui.core.models import AuditLog
from puhui.core.plugins import service
from puhui.engines.scoring import ForbiddenCharacteristicError, Scorecard
from puhui.firms import plugin
from puhui.firms.models import Authorisation, DepartmentRecord, DepartmentUpload, FirmRating
from puhui.firms.services import authorisations, ratings, uploads
from tests.firms.conftest import OUTSIDE_USCC, xlsx

pytestmark = pytest.mark.django_db
D = datetime.date
DEC = D(2020, 12, 1)
HEADER = ["统一社会信用代码", "企业名称", "纳税信用等级"]


def _upload(actor, rows, source="tax_credit", period=DEC, header=HEADER):
    return uploads.department_upload(
        actor=actor, source_code=source, period=period, file=xlsx(header, rows), filename="等级.xlsx"
    )


def test_a_good_file_is_stored_by_uscc_and_audited(firm_scene):
    firm, other = firm_scene["firm"], firm_scene["other"]
    result = _upload(firm_scene["tax_user"], [[firm.uscc, firm.name, "A"], [other.uscc.lower(), "", "b"]])
    assert result.ok and result.matched == 2 and not result.unmatched
    stored = dict(DepartmentRecord.objects.values_list("firm__uscc", "values__grade"))
    assert stored == {firm.uscc: "A", other.uscc: "B"}
    assert AuditLog.objects.filter(action="import", object_type="firms.DepartmentUpload").exists()


def test_bad_cells_are_named_by_row_and_column_and_nothing_is_stored(firm_scene):
    firm = firm_scene["firm"]
    result = _upload(firm_scene["tax_user"], [[firm.uscc, "", "E"], ["91370323MA3C4DB554", "", "A"]])
    assert not result.ok
    errors = {(e.row, e.column) for e in result.errors}
    assert errors == {(2, "纳税信用等级"), (3, "统一社会信用代码")}
    assert all(e.reason for e in result.errors)
    assert not DepartmentUpload.objects.exists() and not DepartmentRecord.objects.exists()


def test_the_upload_page_lists_every_problem_by_row_and_column(firm_scene, client):
    client.force_login(firm_scene["tax_user"])
    bad = xlsx(HEADER, [[firm_scene["firm"].uscc, "", "E"], ["91370323MA3C4DB554", "", "A"]])
    response = client.post(
        reverse("firms:upload"), {"source": "tax_credit", "period": "2020-12", "file": bad}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "文件有 2 处问题，没有保存任何数据" in page
    assert "第 2 行" in page and "纳税信用等级" in page and "第 3 行" in page and "统一社会信用代码" in page
    assert not DepartmentUpload.objects.exists()


def test_unmatched_uscc_refuses_the_whole_file_unless_the_source_accepts_partial(firm_scene, users):
    firm = firm_scene["firm"]
    rows = [[firm.uscc, "", "A"], [OUTSIDE_USCC, "外县企业", "B"]]
    refused = _upload(firm_scene["tax_user"], rows)
    assert [(e.row, e.column) for e in refused.errors] == [(3, "统一社会信用代码")]
    assert "名录中没有" in next(iter(refused.errors)).reason
    assert not DepartmentRecord.objects.exists()
    uploads.source_partial_set(actor=users["office"], source_code="tax_credit", accepts=True)
    partial = _upload(firm_scene["tax_user"], rows)
    assert partial.ok and partial.matched == 1
    assert partial.upload.unmatched == [{"row": 3, "uscc": OUTSIDE_USCC, "name": "外县企业"}]


def test_only_the_office_sets_partial_matching(firm_scene, users):
    with pytest.raises(ValidationError):
        uploads.source_partial_set(actor=firm_scene["tax_user"], source_code="tax_credit", accepts=True)


def test_a_unit_uploads_only_its_own_sources_and_periods_of_the_frequency(firm_scene, users):
    firm = firm_scene["firm"]
    with pytest.raises(ValidationError) as err:
        _upload(firm_scene["utility_user"], [[firm.uscc, "", "A"]])
    assert "县税务局" in str(err.value)
    with pytest.raises(ValidationError) as err:
        _upload(firm_scene["tax_user"], [[firm.uscc, "", "A"]], period=D(2021, 6, 1))
    assert "12 月" in str(err.value)
    with pytest.raises(ValidationError):
        _upload(users["member"], [[firm.uscc, "", "A"]])


def test_re_uploading_a_source_and_period_replaces_it(firm_scene):
    firm, other = firm_scene["firm"], firm_scene["other"]
    _upload(firm_scene["tax_user"], [[firm.uscc, "", "A"], [other.uscc, "", "B"]])
    again = _upload(firm_scene["tax_user"], [[firm.uscc, "", "C"]])
    assert again.replaced and DepartmentUpload.objects.count() == 1
    assert list(DepartmentRecord.objects.values_list("firm_id", "values__grade")) == [(firm.pk, "C")]
    assert AuditLog.objects.filter(object_type="firms.DepartmentUpload", before__isnull=False).exists()


USCCS = st.sampled_from(["KNOWN0", "KNOWN1", "91370323MA3C4DB554", "not-a-code", OUTSIDE_USCC])
GRADES = st.sampled_from(["A", "b", "M", "c", "D", "E", "", "优"])


@settings(
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(rows=st.lists(st.tuples(USCCS, GRADES), min_size=1, max_size=5, unique_by=lambda r: r[0]))
def test_uploads_are_all_or_nothing_with_every_bad_row_named(firm_scene, rows):
    """Whatever the file, either every row is stored (replacing the period) or nothing changes, and the
    rows named are exactly the bad ones: cells first, then USCCs that match no firm."""
    known = {"KNOWN0": firm_scene["firm"].uscc, "KNOWN1": firm_scene["other"].uscc}
    cells = [[known.get(u, u), "", g] for u, g in rows]
    before = sorted(DepartmentRecord.objects.values_list("firm_id", "values"))
    result = _upload(firm_scene["tax_user"], cells)
    bad_cell = {
        n
        for n, (u, g) in enumerate(rows, start=2)
        if u not in known and u != OUTSIDE_USCC or g.upper() not in "ABMCD" or not g
    }
    unknown = {n for n, (u, _g) in enumerate(rows, start=2) if u == OUTSIDE_USCC}
    named = {e.row for e in result.errors}
    if bad_cell:
        assert named == bad_cell
    elif unknown:
        assert named == unknown
    else:
        assert result.ok and DepartmentRecord.objects.count() == len(rows)
        return
    assert sorted(DepartmentRecord.objects.values_list("firm_id", "values")) == before  # fmt: skip


# ---------------------------------------------------------------- authorisations


def test_a_firm_authorises_banks_until_a_date_and_revokes(firm_scene, county):
    user, firm = firm_scene["firm_user"], firm_scene["firm"]
    until = datetime.date.today() + datetime.timedelta(days=90)
    made = authorisations.authorisation_grant(
        actor=user, banks=[county["abc"], county["rcb"]], expires_on=until
    )
    check = service("firm_authorised_bank")
    assert check(firm=firm, bank=county["abc"]) and check(firm=firm, bank=county["abc_outlet"])
    authorisations.authorisation_revoke(actor=user, authorisation=made[0])
    assert not check(firm=firm, bank=county["abc"]) and check(firm=firm, bank=county["rcb"])
    assert AuditLog.objects.filter(object_type="firms.Authorisation", note="企业撤回授权").exists()


def test_an_authorisation_needs_a_future_date_a_county_bank_and_the_firm_itself(firm_scene, county, users):
    user = firm_scene["firm_user"]
    with pytest.raises(ValidationError, match="晚于今天"):
        authorisations.authorisation_grant(
            actor=user, banks=[county["abc"]], expires_on=datetime.date.today()
        )
    with pytest.raises(ValidationError, match="县级银行"):
        authorisations.authorisation_grant(
            actor=user,
            banks=[county["abc_outlet"]],
            expires_on=datetime.date.today() + datetime.timedelta(days=9),
        )
    with pytest.raises(ValidationError, match="代表企业"):
        authorisations.authorisation_grant(
            actor=users["public"],
            banks=[county["abc"]],
            expires_on=datetime.date.today() + datetime.timedelta(days=9),
        )
    assert not Authorisation.objects.exists()


# ---------------------------------------------------------------- ratings


def test_every_firm_is_rated_with_reasons_and_the_service_answers(firm_scene, users):
    firm = firm_scene["firm"]
    _upload(firm_scene["tax_user"], [[firm.uscc, "", "D"]])
    done = ratings.ratings_compute(actor=users["office"])
    assert done["firms"] == 2 and FirmRating.objects.filter(is_current=True).count() == 2
    rating = service("firm_rating")(firm=firm)
    assert rating["version"] == "small-firm-default@2026.1" and rating["grade"]
    stored = FirmRating.objects.get(firm=firm, is_current=True)
    assert any("D级" in r["text"] for r in stored.reasons)
    ratings.ratings_compute(actor=users["office"])  # the same day again: replaced, not doubled
    assert FirmRating.objects.filter(firm=firm).count() == 1


def test_the_firm_card_refuses_forbidden_characteristics():
    spec = ratings.scorecard().spec
    bad = {**spec, "characteristics": [*spec["characteristics"], {**spec["characteristics"][0], "key": "owner_party_member", "label": "法定代表人是否党员"}]}  # fmt: skip
    with pytest.raises(ForbiddenCharacteristicError):
        Scorecard.from_dict(bad)


def test_the_plugin_offers_both_services():
    assert {s.name for s in plugin.SERVICES} == {"firm_authorised_bank", "firm_rating"}
