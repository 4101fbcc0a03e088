"""The statistical firm scorecard: outcomes from the banks' loan-level returns matched by the USCC's hash,
features as they stood on the observation date, training by the scoring engine with its cross-validated
report, refusal with too few outcomes, the office putting a version in force, ratings and reasons by it."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from puhui.core.models import AuditLog
from puhui.engines.scoring.policy import forbidden_category
from puhui.firms.models import FirmRating, FirmScorecard
from puhui.firms.selectors.loans import firm_hashes, loan_outcomes
from puhui.firms.services import ratings, scorecards
from tests.crawl import Crawler
from tests.firms.conftest import TRAIN_FIRMS, department_rows, outcome_returns

pytestmark = pytest.mark.django_db
D = datetime.date
LATIN = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture
def three_firms(county):
    """沂源甲公司 has an NPL loan in 2021Q4, 鲁村乙商店 normal loans at two banks, a third never borrowed."""
    from tests.firstloans.conftest import EXTRA_USCCS, make_firm

    firm, other = county["firms"]
    never = make_firm(county, EXTRA_USCCS[0], "鲁村丙公司", 3)
    outcome_returns(
        county["abc"],
        {"2020Q4": [(firm.uscc, "normal")], "2021Q4": [(firm.uscc, "npl"), (other.uscc, "normal")]},
    )
    outcome_returns(county["rcb"], {"2021Q2": [(other.uscc, "normal")]})
    return firm, other, never


def test_months_before_is_the_last_day_of_a_month():
    assert scorecards.months_before(D(2021, 12, 31), 12) == D(2020, 12, 31)
    assert scorecards.months_before(D(2021, 6, 30), 6) == D(2020, 12, 31)
    assert scorecards.months_before(D(2021, 3, 31), 2) == D(2021, 1, 31)


def test_labels_bad_for_an_npl_good_for_normal_loans_none_for_never_borrowed(three_firms):
    firm, other, never = three_firms
    by_hash = firm_hashes({f.pk: f.uscc for f in three_firms})
    assert loan_outcomes(by_hash, D(2020, 12, 31), D(2021, 12, 31)) == {firm.pk: True, other.pk: False}
    # the 2020Q4 return is on the observation date, not after it: 甲's loan there was normal
    assert loan_outcomes(by_hash, D(2020, 9, 30), D(2020, 12, 31)) == {firm.pk: False}
    frame, counts = scorecards.training_sample(window_months=12)
    assert counts["observed_on"] == D(2020, 12, 31) and counts["window_end"] == D(2021, 12, 31)
    assert counts["borrowed"] == counts["labelled"] == 2 and counts["bad"] == 1
    assert sorted(frame["outcome"]) == ["坏", "好"]
    # on the observation date 甲 had one bank's loan, normal: that is its loan feature
    row = frame.loc[frame["outcome"] == "坏"].iloc[0]
    assert row["lender_count"] == 1 and not row["current_overdue"]


def test_a_firm_not_rated_on_the_observation_date_is_left_out(three_firms, county):
    firm, other, _never = three_firms
    outcome_returns(county["rcb"], {"2020Q3": [(other.uscc, "npl")]})  # NPL on T: the expert card excludes
    frame, counts = scorecards.training_sample(window_months=12)
    assert counts["labelled"] == 1 and counts["excluded"] == 1 and list(frame["outcome"]) == ["坏"]


def test_too_few_outcomes_refuses_with_the_counts_and_the_expert_card_stays(three_firms, users):
    with pytest.raises(ValidationError) as refused:
        scorecards.scorecard_train(actor=users["office"])
    message = refused.value.messages[0]
    assert (
        "有贷款的在册企业 2 户" in message and "逾期或不良 1 户" in message and "至少需要 200 户" in message
    )
    assert "继续使用专家评分卡" in message
    assert not FirmScorecard.objects.exists()
    assert ratings.scorecard().version == "small-firm-default@2026.1"


def test_no_loan_returns_refuses(county, users):
    with pytest.raises(ValidationError, match="还没有审核通过的贷款明细表"):
        scorecards.scorecard_train(actor=users["office"])


def test_the_feature_list_holds_no_forbidden_characteristic():
    for key, (label, _unit) in scorecards.FEATURES.items():
        assert forbidden_category(key) is None and forbidden_category(label) is None


def test_a_forbidden_characteristic_is_refused_by_the_engine_rule(outcome_scene, users, monkeypatch):
    frame, counts = scorecards.training_sample()
    frame["legal_rep_gender"] = "男"
    monkeypatch.setattr(scorecards, "training_sample", lambda window_months: (frame, counts))
    with pytest.raises(ValidationError) as refused:
        scorecards.scorecard_train(actor=users["office"])
    assert refused.value.messages == [
        "无法开发统计评分卡：列“legal_rep_gender”属于受法律保护的个人特征（性别、民族、宗教、残疾），不得作为评分特征"
    ]
    assert not FirmScorecard.objects.exists()


@pytest.fixture
def trained(outcome_scene, users):
    return scorecards.scorecard_train(actor=users["office"])


def test_training_stores_a_draft_version_with_its_report_shown_in_chinese(
    trained, outcome_scene, client, users
):
    assert trained.status == FirmScorecard.Status.DRAFT and trained.spec["kind"] == "statistical"
    assert trained.labelled == TRAIN_FIRMS and trained.bad == outcome_scene["bad"]
    cv = trained.report["cross_validation"]
    assert cv["folds"] == 5 and cv["summary"]["auc"]["mean"] > 0.7 and cv["summary"]["ks"]["mean"] > 0.3
    used = {c["key"] for c in trained.spec["characteristics"]}
    assert "tax_grade" in used and used <= set(scorecards.FEATURES)
    assert {e["code"] for e in trained.spec["exclusions"]} == {"EXC_DISHONEST", "EXC_NPL"}
    assert AuditLog.objects.filter(object_type="firms.FirmScorecard", action="create").exists()
    assert ratings.scorecard().version == "small-firm-default@2026.1"  # not in force until the office says so
    client.force_login(users["office"])
    page = client.get(reverse("firms:scorecard", args=[trained.pk])).content.decode()
    assert f"{cv['summary']['auc']['mean']:.3f}" in page and "纳税信用等级为D级" in page
    pages = [reverse("firms:scorecards"), reverse("firms:scorecard", args=[trained.pk])]
    result = Crawler(client, allowed={"M", "office"}).crawl(pages, limit=2)
    assert not result.english and not result.server_errors and set(result.visited) == set(pages)


def test_a_version_in_force_rates_the_firms_with_chinese_reasons(trained, outcome_scene, users):
    scorecards.scorecard_promote(actor=users["office"], scorecard=trained)
    with pytest.raises(ValidationError, match="已在使用中"):
        scorecards.scorecard_promote(actor=users["office"], scorecard=trained)
    assert ratings.scorecard().version == trained.full_version
    done = ratings.ratings_compute(actor=users["office"])
    assert done["version"] == trained.full_version
    by_firm = {r.firm_id: r for r in FirmRating.objects.filter(is_current=True)}
    poor = by_firm[outcome_scene["borrowers"][4].pk]  # grade D
    good = by_firm[outcome_scene["borrowers"][0].pk]  # grade A
    assert poor.score < good.score and poor.version == trained.full_version
    assert "纳税信用等级为D级" in [r["text"] for r in poor.reasons]
    for rating in by_firm.values():
        for reason in rating.reasons:
            assert not LATIN.search(reason["text"]), reason
    # back to the expert card
    scorecards.scorecard_retire(actor=users["office"])
    assert ratings.scorecard().version == "small-firm-default@2026.1"
    trained.refresh_from_db()
    assert trained.status == FirmScorecard.Status.RETIRED
    assert AuditLog.objects.filter(object_type="firms.FirmScorecard", action="update").count() == 2


# The worker closes and reopens its connection (close_old_connections): a real closing on PostgreSQL, so the
# test cannot sit inside one rolled-back transaction.
@pytest.mark.django_db(transaction=True)
def test_the_office_starts_the_job_and_a_refusal_is_its_result(three_firms, users, client):
    from django.core.management import call_command

    from puhui.jobs.models import Job
    from puhui.jobs.selectors import job_with_state

    client.force_login(users["office"])
    assert client.post(reverse("job_start", args=["firm_scorecard_train"])).status_code == 302
    call_command("worker", batch=True, verbosity=0)
    result = job_with_state(Job.objects.get()).state.return_value
    assert result["summary"].startswith("未开发统计评分卡：有贷款结果的企业不足")
    assert result["url"] == reverse("firms:scorecards")


def test_the_training_reads_department_data_only_up_to_the_observation_date(outcome_scene, users):
    late = {f: {"grade": "A"} for f in outcome_scene["borrowers"]}
    department_rows(outcome_scene["tax"], "tax_credit", datetime.date(2021, 6, 1), late)  # after T: unseen
    frame, _counts = scorecards.training_sample()
    assert set(frame["tax_grade"]) == set("ABMCD")
