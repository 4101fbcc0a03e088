import datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from puhui.core.models import AuditLog
from puhui.credit import scoring, selectors, services
from puhui.credit.models import Consent, HouseholdArchive, PaymentMonth, PreCreditLine, Rating


def test_archive_completeness_and_verification(county, users, complete):
    hh = county["households"][0]
    a = services.archive_save(actor=users["agent"], household=hh, data={"head_education": "junior_secondary"})
    assert a.status == "draft" and not a.is_complete and 0 < a.completeness < 100
    with pytest.raises(ValidationError, match="必填项不全"):
        services.archive_verify(actor=users["abc"], archive=a)
    a = services.archive_save(actor=users["agent"], household=hh, data=complete)
    assert a.is_complete and a.status == "submitted" and a.completeness == 100 and not a.counts_as_archived
    a = services.archive_verify(actor=users["abc"], archive=a)
    assert a.counts_as_archived and a.verified_bank == county["abc"]
    # A change after verification needs verifying again.
    a = services.archive_save(
        actor=users["agent"], household=hh, data={"annual_net_income": Decimal("90000")}
    )
    assert a.status == "submitted" and a.verified_bank is None
    assert AuditLog.objects.filter(object_type="credit.HouseholdArchive", object_id=str(hh.pk)).count() >= 4


def test_members_id_numbers_encrypted(county, users, complete):
    hh = county["households"][0]
    a = services.archive_save(
        actor=users["agent"],
        household=hh,
        data=complete,
        members=[
            {
                "name": "张三",
                "relation": "户主",
                "id_number": "370323199001011234",
                "age": 36,
                "is_labour": True,
            }
        ],
    )
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("select id_number from credit_archivemember")
        raw = cur.fetchone()[0]
    assert "370323199001011234" not in raw
    assert a.members.get().id_number == "370323199001011234"


def test_rating_with_reasons(archived):
    hh = archived(0)
    r = Rating.objects.get(household=hh, is_current=True)
    assert r.grade in {"AAA", "AA", "A"} and r.score > 60
    assert r.reasons and all(x["text"] for x in r.reasons)
    assert r.scorecard.card_id == "rural-household-default"
    assert r.rule_limit == services.household_limit(hh)[0] > 0


def test_exclusion_and_rerating_retires_old(county, users, archived):
    hh = archived(0, litigation_pending=True)
    r = Rating.objects.get(household=hh, is_current=True)
    assert r.excluded and r.grade == "不评级" and r.reasons[0]["code"] == "EXC_LITIGATION"
    services.household_rate(actor=users["office"], household=hh)
    assert Rating.objects.filter(household=hh).count() == 2
    assert Rating.objects.filter(household=hh, is_current=True).count() == 1
    # The archive carries the current grade, which is what credit households are counted by.
    assert HouseholdArchive.objects.get(pk=hh.pk).grade == "不评级"
    HouseholdArchive.objects.filter(pk=hh.pk).update(litigation_pending=False)
    services.household_rate(actor=users["office"], household=hh)
    current = Rating.objects.get(household=hh, is_current=True)
    assert current.grade != "不评级" and HouseholdArchive.objects.get(pk=hh.pk).grade == current.grade


def test_payment_signals_only_with_consent(county, users, archived, next_year):
    hh = archived(0)
    months = pd.period_range(end=pd.Timestamp.today(), periods=12, freq="M").strftime("%Y-%m")
    PaymentMonth.objects.bulk_create(
        [
            PaymentMonth(
                household=hh,
                month=m,
                inflow_count=5,
                inflow_amount=8000,
                outflow_count=4,
                outflow_amount=6000,
            )
            for m in months
        ]
    )
    services.household_rate(actor=users["office"], household=hh)
    without = Rating.objects.get(household=hh, is_current=True)
    assert not without.used_payment_signals
    c = services.consent_record(
        actor=users["agent"],
        household=hh,
        scope=Consent.Scope.PAYMENT_DATA,
        granted_by_name="户主0",
        expires_on=next_year,
    )
    services.household_rate(actor=users["office"], household=hh)
    with_consent = Rating.objects.get(household=hh, is_current=True)
    assert with_consent.used_payment_signals and with_consent.score == min(without.score + 3, 100)
    services.consent_revoke(actor=users["public"], consent=c)
    services.household_rate(actor=users["office"], household=hh)
    assert not Rating.objects.get(household=hh, is_current=True).used_payment_signals


def test_objection_deadline_and_answer(county, users, archived):
    hh = archived(0)
    o = services.objection_raise(actor=users["public"], household=hh, text="收入填少了")
    assert (o.due_on - timezone.localdate(o.raised_at)).days == 20 and o.rating is not None
    services.objection_answer(actor=users["office"], objection=o, answer="已复核，更正收入。")
    o.refresh_from_db()
    assert o.answered_at and o.answer


def test_limit_rule_decimal_and_exclusions():
    df = pd.DataFrame(
        {
            "total_assets": [300000.0, 5_000_000.0, 100000.0, np.nan],
            "operating_income": [120000.0, 0.0, 33333.33, 10000.0],
            "litigation_pending": pd.array([False, False, True, None], dtype="boolean"),
        }
    )
    limits = scoring.limits_for(
        df, np.array(["AA", "AAA", "A", "B"], dtype=object), scoring.DEFAULT_LIMIT_RULE
    )
    # 80,000 + 30,000 + 36,000; capped; excluded; grade B has no base
    assert limits.tolist() == [146000, 200000, 0, 0]


def test_offer_accept_draw_repay(county, users, archived, next_year):
    hh = archived(0)
    limit, _ = services.household_limit(hh)
    assert limit > 0
    with pytest.raises(ValidationError):
        services.line_offer(actor=users["abc"], household=hh, valid_until=next_year, limit=limit + 1)
    line = services.line_offer(actor=users["abc"], household=hh, valid_until=next_year)
    assert line.limit == limit and line.bank == county["abc"]
    with pytest.raises(ValidationError, match="尚未确认"):
        services.line_move(actor=users["public"], line=line, kind="draw", amount=Decimal("100"))
    services.line_respond(actor=users["public"], line=line, accept=True)
    services.line_move(actor=users["public"], line=line, kind="draw", amount=Decimal("30000.50"))
    with pytest.raises(ValidationError, match="超过可用额度"):
        services.line_move(actor=users["public"], line=line, kind="draw", amount=limit)
    services.line_move(actor=users["public"], line=line, kind="repay", amount=Decimal("10000.25"))
    line.refresh_from_db()
    assert line.outstanding == Decimal("20000.25")
    with pytest.raises(ValidationError):
        services.line_move(actor=users["public"], line=line, kind="repay", amount=Decimal("99999"))


def test_rates_by_level(county, users, archived, next_year):
    hh = archived(0)
    services.line_offer(actor=users["abc"], household=hh, valid_until=next_year)
    v = county["villages"][0]
    assert selectors.archive_rates("village")[v.pk] == {
        "farm_households": 250,
        "archived": 1,
        "rate": 1 / 250,
    }
    assert selectors.archive_rates("town")[v.parent_id]["archived"] == 1
    county_row = selectors.archive_rates("county")[county["county"].pk]
    assert county_row["farm_households"] == 1000 and county_row["archived"] == 1
    assert selectors.precredit_rates("village")[v.pk]["with_line"] == 1
    assert (
        selectors.precredit_rates("village", on=next_year + datetime.timedelta(days=1))[v.pk]["with_line"]
        == 0
    )


def test_designation_changes_when_enough_credit_households(county, users, archived):
    v = county["villages"][0]
    v.farm_households = 1
    v.save()
    year = datetime.date.today().year
    assert services.designations_evaluate(actor=users["office"], year=year)["village"] == 0
    archived(0)
    out = services.designations_evaluate(actor=users["office"], year=year)
    assert out["village"] == 1
    fig = selectors.village_page(v, year=year)
    assert fig["passed"] and all(c["met"] for c in fig["conditions"])


def test_bulk_rating_many_households(county, users, complete):
    # Vectorised path: several households in one batch, old ratings retired, one audit row per run.
    for i, hh in enumerate(county["households"]):
        a = services.archive_save(
            actor=users["office"], household=hh, data={**complete, "annual_net_income": 10000 * (i + 1)}
        )
        services.archive_verify(actor=users["office"], archive=a)
    summary = services.households_rate(actor=users["office"], batch=3)
    assert summary["households"] == 4 and sum(summary["grades"].values()) == 4
    services.households_rate(actor=users["office"], batch=2)
    assert Rating.objects.filter(is_current=True).count() == 4 and Rating.objects.count() == 8
    assert HouseholdArchive.objects.filter(status="verified").count() == 4
    assert PreCreditLine.objects.count() == 0


def test_scorecard_versions_and_forbidden_items(users):
    from puhui.engines.scoring import Scorecard, default_config_path

    active = services.scorecard_active()
    spec = Scorecard.from_file(default_config_path()).to_dict()
    spec["version"] = "2024.2"
    new = services.scorecard_add(actor=users["office"], spec=spec)
    assert new.status == "draft"
    services.scorecard_promote(actor=users["office"], version=new)
    active.refresh_from_db()
    assert active.status == "retired" and services.scorecard_active() == new
    bad = dict(spec, version="2024.3")
    bad["characteristics"] = [
        *spec["characteristics"],
        {**spec["characteristics"][0], "key": "party_member", "label": "党员"},
    ]
    with pytest.raises(ValidationError):
        services.scorecard_add(actor=users["office"], spec=bad)


def test_credit_rate_command(county, users, archived):
    from io import StringIO

    from django.core.management import call_command

    archived(0)
    out = StringIO()
    call_command("credit_rate", "--now", stdout=out)
    assert "评级 1 户" in out.getvalue()
    call_command("credit_rate", stdout=out)
    assert "已提交后台任务" in out.getvalue()
