"""Derived indicators at every level, years from quarters, formulas, lineage; target statuses."""

from decimal import Decimal

import pytest

from puhui.data import derived, services, targets
from puhui.data.models import DerivedRun, IndicatorValue, Submission, Target
from tests.data.conftest import loan_row

pytestmark = pytest.mark.usefixtures("catalogue")

CHANNEL_HEADERS = (
    "助农取款服务点数（个）",
    "其中已建成普惠金融服务站且实现跨行支付的（个）",
    "银行自助机具数（台）",
    "其中开通实时缴费业务的（台）",
    "流动银行“三进”活动次数（次）",
    "金融知识宣传活动次数（次）",
)


def submit(actor, org, form, period, rows, *, approve_by=None, comment=""):
    up = services.upload_start(
        actor=actor,
        institution=org,
        form_code=form,
        period_code=period,
        channel="api",
        rows=rows,
        comment=comment,
    )
    assert up.status == "succeeded", up.errors
    if approve_by is not None:
        services.submission_review(actor=approve_by, submission=up.submission, approve=True)
    return up.submission


def loans(period_start: str, *balances, credit=True, agri=True, place="370323102201", first=1, issued=None):
    out = []
    for i, bal in enumerate(balances, start=first):
        out.append(
            loan_row(
                i,
                **{
                    "贷款余额（元）": str(bal),
                    "贷款金额（元）": str(max(bal, 1) * 2),
                    "发放日期": issued or period_start,
                    "到期日期": "2030-01-01",
                    "担保方式": "信用" if credit else "抵押",
                    "信用贷款": "是" if credit else "否",
                    "涉农贷款": "是" if agri else "否",
                    "所在区划代码": place,
                },
            )
        )
    return out


def channels(*rows):
    return [
        {"镇（街道）代码": code, **dict(zip(CHANNEL_HEADERS, values, strict=True))} for code, *values in rows
    ]


def value(code, period, level="county", **unit):
    v = IndicatorValue.objects.get(indicator_code=code, period__code=period, level=level, **unit)
    return None if v.value is None else float(v.value)


def test_levels_formulas_and_years(users, county):
    office, abc, rcb = users["office"], users["abc"], users["rcb"]
    submit(abc, county["abc"], "loans", "2020Q1", loans("2020-01-05", 1000, 3000), approve_by=office)
    submit(
        rcb,
        county["rcb"],
        "loans",
        "2020Q1",
        loans("2020-02-01", 6000, credit=False, agri=False, place="370323001000", first=5),
        approve_by=office,
    )
    # Not approved: never counts.
    submit(abc, county["abc"], "loans", "2020Q2", loans("2020-04-05", 99999))
    submit(
        abc,
        county["abc"],
        "channels",
        "2020Q1",
        channels(("370323102000", 4, 1, 10, 9, 2, 1), ("370323001000", 0, 0, 2, 0, 1, 0)),
        approve_by=office,
    )
    submit(
        rcb,
        county["rcb"],
        "channels",
        "2020Q1",
        channels(("370323001000", 6, 5, 8, 8, 0, 0)),
        approve_by=office,
    )
    result = derived.compute_all(actor=office)
    assert result["periods"] == 2  # 2020Q1 and the year 2020
    lishan, lucun = county["towns"]
    assert value("loan_balance", "2020Q1") == 10000
    assert value("agri_loan_balance", "2020Q1") == 4000
    assert value("credit_loan_balance", "2020Q1", "institution", organisation=county["abc"]) == 4000
    assert value("credit_loan_share", "2020Q1") == 40
    assert value("loan_balance", "2020Q1", "town", division=lishan) == 6000
    assert value("credit_loan_issued", "2020Q1") == 8000
    assert value("farm_borrowers", "2020Q1") == 3
    assert value("farm_households", "2020Q1") == sum(v.farm_households for v in county["villages"])
    assert value("farm_loan_coverage", "2020Q1", "town", division=lucun) == pytest.approx(2 / 500 * 100)
    # Formulas are computed per unit from the parts, not averaged: (1+5) / (4+0+6) at the county.
    assert value("sp_upgrade_rate", "2020Q1") == 60
    assert value("sp_upgrade_rate", "2020Q1", "town", division=lishan) == pytest.approx(5 / 6 * 100)
    assert value("sp_upgrade_rate", "2020Q1", "institution", organisation=county["rcb"]) == pytest.approx(
        5 / 6 * 100
    )
    # The year 2020 so far: stocks from its last quarter, flows summed.
    assert value("loan_balance", "2020") == 10000
    assert value("reported_mobile_events", "2020") == 3
    # Platform data by bank: the branch answers for its service points.
    assert value("service_points", "2020Q1", "institution", organisation=county["rcb"]) == 1
    run = DerivedRun.objects.get(period__code="2020Q1")
    assert (
        len(run.submissions) == 4 and Submission.objects.get(period__code="2020Q2").pk not in run.submissions
    )


def test_distinct_borrowers_and_issued_in_period(users, county):
    office, abc = users["office"], users["abc"]
    rows = loans("2020-01-05", 100, 200)
    rows[1]["借款人证件号码"] = rows[0]["借款人证件号码"]  # the same household, two loans
    rows.append(
        loan_row(
            9,
            **{"贷款余额（元）": "0", "发放日期": "2020-02-01", "到期日期": "2020-03-01", "贷款状态": "正常"},
        )
    )
    rows.append(loan_row(10, **{"发放日期": "2019-06-01"}))
    submit(abc, county["abc"], "loans", "2020Q1", rows, approve_by=office)
    derived.compute_all()
    assert value("farm_borrowers", "2020Q1") == 2  # two borrowers with a balance; the repaid loan has none
    assert value("loan_issued", "2020Q1") == 200 + 400 + 50000  # issued in the quarter, repaid or not


def test_a_newer_approved_version_replaces_the_older(users, county):
    office, abc = users["office"], users["abc"]
    submit(abc, county["abc"], "loans", "2020Q1", loans("2020-01-05", 1000), approve_by=office)
    v2 = submit(abc, county["abc"], "loans", "2020Q1", loans("2020-01-05", 1000, 500))
    derived.compute_all()
    assert value("loan_balance", "2020Q1") == 1000  # v2 awaits review
    services.submission_review(actor=office, submission=v2, approve=True)
    derived.compute_all()
    assert value("loan_balance", "2020Q1") == 1500


def test_lineage_page_names_submissions_rows_and_hides_other_banks(login, users, county):
    office, abc, rcb = users["office"], users["abc"], users["rcb"]
    s_abc = submit(abc, county["abc"], "loans", "2020Q1", loans("2020-01-05", 1000), approve_by=office)
    s_rcb = submit(
        rcb,
        county["rcb"],
        "loans",
        "2020Q1",
        loans("2020-01-05", 2000, place="370323001000"),
        approve_by=office,
    )
    derived.compute_all()
    county_value = IndicatorValue.objects.get(
        indicator_code="credit_loan_share", period__code="2020Q1", level="county"
    )
    page = login(office).get(f"/data/values/{county_value.pk}/").content.decode()
    assert "credit_loan_balance / loan_balance * 100" in page and "信用贷款余额" in page
    part = IndicatorValue.objects.get(indicator_code="loan_balance", period__code="2020Q1", level="county")
    page = login(office).get(f"/data/values/{part.pk}/").content.decode()
    assert (
        f"/data/submissions/{s_abc.pk}/?source=balance" in page and f"/data/submissions/{s_rcb.pk}/" in page
    )
    assert "1,000.00元" in page and "2,000.00元" in page
    page = login(users["abc"]).get(f"/data/values/{part.pk}/").content.decode()
    assert f"/data/submissions/{s_abc.pk}/" in page and f"/data/submissions/{s_rcb.pk}/" not in page
    assert 'data-testid="lineage-hidden"' in page
    town = IndicatorValue.objects.get(
        indicator_code="loan_balance", period__code="2020Q1", level="town", division=county["towns"][1]
    )
    page = login(office).get(f"/data/values/{town.pk}/").content.decode()
    assert f"town={county['towns'][1].pk}" in page and f"/data/submissions/{s_rcb.pk}/" not in page
    rows = (
        login(office)
        .get(f"/data/submissions/{s_abc.pk}/?town={county['towns'][1].pk}&source=balance%5Bis_agri%5D")
        .content.decode()
    )
    assert "L00001" in rows


def _target(code, **changes):
    t = Target.objects.get(code=code, is_current=True)
    for k, v in changes.items():
        setattr(t, k, v)
    return t


def test_target_statuses(users, county):
    office, abc = users["office"], users["abc"]
    balances = {
        "2019Q4": 1000,
        "2020Q1": 1100,
        "2020Q2": 1200,
        "2020Q3": 1300,
        "2020Q4": 1250,
        "2021Q1": 1500,
        "2021Q2": 1600,
    }
    for code, bal in balances.items():
        start = services.period_get(code).start.isoformat()
        submit(abc, county["abc"], "loans", code, loans(start, bal), approve_by=office, comment="测试")
    derived.compute_all()
    t = _target("agri_loan_growth")
    as_of = services.period_get("2021Q2")
    st = targets.evaluate(t, as_of=as_of)
    assert [p.code for p in st.series if p.value is not None] == ["2020Q4", "2021Q1", "2021Q2"]
    assert (st.figure_period, st.figure) == ("2021Q2", pytest.approx((1600 / 1200 - 1) * 100))
    assert st.status == targets.ON_TRACK and st.trend
    # A threshold the projection cannot reach: at risk; then judged at a passed deadline: met or missed.
    assert (
        targets.evaluate(_target("agri_loan_growth", threshold=Decimal(80)), as_of=as_of).status
        == targets.AT_RISK
    )
    passed = targets.evaluate(_target("agri_loan_growth", deadline_period="2020Q4"), as_of=as_of)
    assert (passed.status, round(passed.figure, 2), passed.figure_period) == (targets.MET, 25.0, "2020Q4")
    assert (
        targets.evaluate(
            _target("agri_loan_growth", deadline_period="2020Q4", threshold=Decimal(30)), as_of=as_of
        ).status
        == targets.MISSED
    )
    assert targets.evaluate(_target("archive_rate_2020"), as_of=as_of).status == targets.NO_DATA


def test_dashboard_and_target_pages(login, users, county):
    office = users["office"]
    submit(users["abc"], county["abc"], "loans", "2020Q1", loans("2020-01-05", 1000), approve_by=office)
    derived.compute_all()
    page = login(office).get("/data/targets/").content.decode()
    for t in Target.objects.filter(is_current=True):
        assert f'data-target="{t.code}"' in page
    assert page.count('data-status="no_data"') >= 10
    page = login(users["abc"]).get("/data/targets/agri_loan_growth/").content.decode()
    assert "vendor/echarts.min.js" in page and 'id="target-chart"' in page
    assert login(users["public"]).get("/data/targets/").status_code == 404
    assert login(office).get("/data/targets/nope/").status_code == 404


def test_credit_system_plugs_in_as_a_platform_source(users, county):
    """建档率 from the credit system's verified archives instead of the banks' form: a new catalogue version."""
    import datetime as dt

    from django.utils import timezone

    from puhui.credit.models import HouseholdArchive

    h = county["households"]
    for household in h[:3]:
        HouseholdArchive.objects.create(
            household=household,
            village=household.village,
            town=household.town,
            is_complete=True,
            status="verified",
            verified_at=timezone.make_aware(dt.datetime(2020, 2, 1)),
        )
    HouseholdArchive.objects.create(
        household=h[3], village=h[3].village, town=h[3].town, is_complete=True, status="submitted"
    )
    submit(
        users["abc"], county["abc"], "loans", "2020Q1", loans("2020-01-05", 100), approve_by=users["office"]
    )
    derived.compute_all()
    farm = sum(v.farm_households for v in county["villages"])
    assert value("archived_households", "2020Q1") == 3
    assert value("archive_rate", "2020Q1") == pytest.approx(3 / farm * 100)
    assert value("archived_households", "2020Q1", "town", division=county["towns"][0]) == 2


@pytest.mark.django_db(transaction=True)
def test_office_starts_the_computation_from_the_jobs_page(login, users, county, catalogue):
    from django.core.management import call_command

    from puhui.jobs.models import Job

    submit(
        users["abc"], county["abc"], "loans", "2020Q1", loans("2020-01-10", 1000), approve_by=users["office"]
    )
    IndicatorValue.objects.all().delete()
    Job.objects.all().delete()
    for who in ("abc", "town_lishan"):
        client = login(users[who])
        page = client.get("/jobs/").content.decode()
        assert 'action="/jobs/start/derived_compute/"' not in page
        assert client.post("/jobs/start/derived_compute/").status_code == 404
    office = login(users["office"])
    assert "/jobs/start/derived_compute/" in office.get("/jobs/").content.decode()
    r = office.post("/jobs/start/derived_compute/")
    job = Job.objects.get()
    assert r.status_code == 302 and job.label == "重新计算全部派生指标"
    call_command("worker", batch=True, verbosity=0)
    assert value("loan_balance", "2020Q1") == 1000
    assert DerivedRun.objects.exists()
