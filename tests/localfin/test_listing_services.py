"""The listing pipeline's services and reads: entering a firm, moving it, the refusals (a move back without a
reason stores nothing), the goals, the durations from known dates and the listed firms as at a past date."""

import datetime
import types

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from puhui.core.models import AuditLog
from puhui.localfin.models import Board, Candidate, Enterprise, ListingGoal, Stage, StageChange
from puhui.localfin.selectors import listing as selectors
from puhui.localfin.services import listing as services

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2022, 3, 1)
ENTERED = D(2020, 1, 10)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Days in a stage and 'not in the future' are counted against this day."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


def add(actor, town, *, uscc="91370323MA3C4DB553", name="山东沂源药业股份有限公司", stage=Stage.CULTIVATING,
        entered_on=ENTERED, **kw):  # fmt: skip
    return services.candidate_add(
        actor=actor, uscc=uscc, name=name, town=town, industry="医药制造", stage=stage, board=Board.NEEQ,
        entered_on=entered_on, **kw,
    )  # fmt: skip


def move(actor, candidate, stage, on, reason=""):
    return services.candidate_move(actor=actor, candidate=candidate, to_stage=stage, on=on, reason=reason)


def test_add_records_the_firm_the_candidate_and_its_entry(users, county):
    member = users["member"]
    c = add(member, county["towns"][0], sponsors="中泰证券", deadline=D(2020, 12, 31))
    assert (c.stage, c.stage_since, c.entered_on, c.deadline) == (
        Stage.CULTIVATING, D(2020, 1, 10), D(2020, 1, 10), D(2020, 12, 31),
    )  # fmt: skip
    assert c.enterprise.uscc == "91370323MA3C4DB553" and c.enterprise.town == county["towns"][0]
    assert list(c.changes.values_list("from_stage", "to_stage", "on")) == [
        ("", Stage.CULTIVATING, D(2020, 1, 10))
    ]
    assert AuditLog.objects.filter(object_type="localfin.Candidate", object_id=str(c.pk)).count() == 1


def test_add_reuses_a_known_firm_but_refuses_one_already_in_the_pipeline(users, county, firms):
    c = add(users["office"], county["towns"][1], name="山东沂源药业集团")
    assert c.enterprise == firms["yiyuan"]
    assert Enterprise.objects.get(pk=firms["yiyuan"].pk).name == "山东沂源药业集团"
    with pytest.raises(ValidationError) as e:
        add(users["office"], county["towns"][1], name="又一次")
    assert "已在上市后备企业库中" in e.value.message_dict["uscc"][0]
    assert Enterprise.objects.get(pk=firms["yiyuan"].pk).name == "山东沂源药业集团"  # nothing half-stored


def test_add_refusals_store_nothing(users, county):
    town = county["towns"][0]
    for kwargs, field in [
        ({"uscc": "91370323MA3C4DB554"}, "uscc"),  # a wrong check character
        ({"entered_on": D(2022, 3, 2)}, "entered_on"),  # tomorrow
        ({"deadline": D(2019, 12, 31)}, "deadline"),  # before entry
        ({"stage": "ipo"}, "stage"),
    ]:
        with pytest.raises(ValidationError) as e:
            add(users["member"], town, **kwargs)
        assert field in e.value.message_dict, kwargs
    assert not Enterprise.objects.exists() and not Candidate.objects.exists()


def test_only_the_office_and_the_finance_centre_write(users, county, local):
    for who in (users["admin"], users["abc"], local["czj_user"]):
        with pytest.raises(Http404):
            add(who, county["towns"][0])
    assert not Candidate.objects.exists()


def test_move_forward_records_history_and_audits(users, county):
    c = add(users["member"], county["towns"][0], deadline=D(2020, 6, 30))
    change = move(users["member"], c, Stage.RESTRUCTURING, D(2020, 5, 1))
    c.refresh_from_db()
    assert (c.stage, c.stage_since, c.deadline) == (Stage.RESTRUCTURING, D(2020, 5, 1), None)
    assert (change.from_stage, change.to_stage, change.actor) == (
        Stage.CULTIVATING,
        Stage.RESTRUCTURING,
        users["member"],
    )
    note = AuditLog.objects.filter(object_type="localfin.Candidate").latest("pk").note
    assert "培育 → 规范化公司制改制" in note


def test_backward_without_reason_is_refused_and_nothing_stored(users, county):
    c = add(users["member"], county["towns"][0], stage=Stage.APPLYING)
    changes, audits = StageChange.objects.count(), AuditLog.objects.count()
    with pytest.raises(ValidationError) as e:
        move(users["member"], c, Stage.COUNSELLING, D(2021, 1, 5), reason="  ")
    assert "退回到前一阶段须写明原因" in e.value.message_dict["reason"][0]
    c.refresh_from_db()
    assert (c.stage, c.stage_since) == (Stage.APPLYING, D(2020, 1, 10))
    assert (StageChange.objects.count(), AuditLog.objects.count()) == (changes, audits)
    move(users["member"], c, Stage.COUNSELLING, D(2021, 1, 5), reason="问询后撤回申请")
    c.refresh_from_db()
    assert c.stage == Stage.COUNSELLING and c.changes.last().reason == "问询后撤回申请"


@pytest.mark.parametrize(
    "stage,on,field",
    [
        (Stage.RESTRUCTURING, D(2022, 3, 2), "on"),  # in the future
        (Stage.RESTRUCTURING, D(2020, 1, 9), "on"),  # before the current stage began
        (Stage.CULTIVATING, D(2021, 1, 1), "to_stage"),  # the same stage
        ("ipo", D(2021, 1, 1), "to_stage"),
    ],
)
def test_move_refusals(users, county, stage, on, field):
    c = add(users["member"], county["towns"][0])
    with pytest.raises(ValidationError) as e:
        move(users["member"], c, stage, on)
    assert field in e.value.message_dict
    assert StageChange.objects.count() == 1


def test_update_changes_the_details_not_the_stage(users, county):
    c = add(users["member"], county["towns"][0])
    services.candidate_update(
        actor=users["office"], candidate=c, board=Board.QILU, sponsors="齐鲁股权交易中心", obstacles="财务不规范",
        help_given="上门诊断", deadline=D(2021, 6, 30),
    )  # fmt: skip
    c.refresh_from_db()
    assert (c.board, c.sponsors, c.deadline, c.stage) == (
        Board.QILU,
        "齐鲁股权交易中心",
        D(2021, 6, 30),
        Stage.CULTIVATING,
    )
    with pytest.raises(ValidationError) as e:
        services.candidate_update(
            actor=users["office"], candidate=c, board=Board.QILU, sponsors="", obstacles="", help_given="",
            deadline=D(2019, 1, 1),
        )  # fmt: skip
    assert "deadline" in e.value.message_dict


def test_goal_set_upserts_and_checks(users):
    services.goal_set(actor=users["member"], year=2020, stage=Stage.LISTED, count=2)
    services.goal_set(actor=users["member"], year=2020, stage=Stage.LISTED, count=3)
    assert list(ListingGoal.objects.values_list("year", "stage", "count")) == [(2020, Stage.LISTED, 3)]
    for kwargs, field in [({"year": 2018}, "year"), ({"year": 2036}, "year"), ({"stage": "x"}, "stage")]:
        with pytest.raises(ValidationError) as e:
            services.goal_set(
                actor=users["member"], **{"year": 2020, "stage": Stage.LISTED, "count": 1, **kwargs}
            )
        assert field in e.value.message_dict
    with pytest.raises(Http404):
        services.goal_set(actor=users["admin"], year=2020, stage=Stage.LISTED, count=1)


@pytest.fixture
def two_histories(users, county):
    """A: cultivating 2020-01-10, restructuring 2020-04-19 (100 days), counselling 2020-10-16 (180 days), listed
    2021-05-01. B: restructuring 2020-03-01, counselling 2020-03-31 (30 days), back to restructuring
    2020-05-30 (60 days), still there."""
    m = users["member"]
    a = add(m, county["towns"][0])
    move(m, a, Stage.RESTRUCTURING, D(2020, 4, 19))
    move(m, a, Stage.COUNSELLING, D(2020, 10, 16))
    move(m, a, Stage.LISTED, D(2021, 5, 1))
    b = add(m, county["towns"][1], uscc="91370323163034563Q", name="沂源鲁村果业有限公司",
            stage=Stage.RESTRUCTURING, entered_on=D(2020, 3, 1))  # fmt: skip
    move(m, b, Stage.COUNSELLING, D(2020, 3, 31))
    move(m, b, Stage.RESTRUCTURING, D(2020, 5, 30), reason="股权代持须先清理")
    return types.SimpleNamespace(a=a, b=b)


def test_stage_durations_from_known_dates(users, two_histories):
    d = {row.stage: row for row in selectors.stage_durations(users["office"])}
    assert d[Stage.CULTIVATING].spells == [100] and d[Stage.CULTIVATING].ongoing == []
    assert sorted(d[Stage.RESTRUCTURING].spells) == [30, 180]
    assert d[Stage.RESTRUCTURING].average == 105 and d[Stage.RESTRUCTURING].median == 105
    assert d[Stage.RESTRUCTURING].ongoing == [(TODAY - D(2020, 5, 30)).days]
    assert sorted(d[Stage.COUNSELLING].spells) == [60, 197] and d[Stage.COUNSELLING].median == 128.5
    assert d[Stage.LISTED].completed == 0 and d[Stage.LISTED].ongoing == [(TODAY - D(2021, 5, 1)).days]
    assert selectors.stage_durations(users["abc"])[1].spells == []  # a bank sees no firm


def test_board_groups_by_stage_with_days_and_overdue(users, county, two_histories):
    services.candidate_update(
        actor=users["member"], candidate=two_histories.b, board=Board.QILU, sponsors="", obstacles="",
        help_given="", deadline=D(2021, 12, 31),
    )  # fmt: skip
    columns = {col.stage: col for col in selectors.board(users["member"])}
    assert [col.stage for col in selectors.board(users["member"])] == list(Stage.values)
    assert columns[Stage.LISTED].count == 1 and columns[Stage.COUNSELLING].count == 0
    b = columns[Stage.RESTRUCTURING].candidates[0]
    assert b.days_in_stage == (TODAY - D(2020, 5, 30)).days and b.overdue
    assert sum(col.count for col in selectors.board(users["abc"])) == 0


def test_goals_progress_counts_the_first_time_a_stage_or_a_later_one_is_reached(users, two_histories):
    services.goal_set(actor=users["member"], year=2020, stage=Stage.COUNSELLING, count=3)
    services.goal_set(actor=users["member"], year=2021, stage=Stage.LISTED, count=1)
    years = {
        y.year: {c.stage: c for c in y.cells} for y in selectors.goals_progress(users["office"], [2021, 2020])
    }
    # 2020: A entered (培育) and reached 改制 and 辅导; B entered at 改制 (so past 培育 too) and reached 辅导 once —
    # going back and forward again does not count twice.
    assert {s: c.achieved for s, c in years[2020].items()} == {
        Stage.CULTIVATING: 2, Stage.RESTRUCTURING: 2, Stage.COUNSELLING: 2, Stage.APPLYING: 0, Stage.LISTED: 0,
    }  # fmt: skip
    # A went from 辅导 straight to 上市挂牌 in 2021: it counts for 申报审核 too.
    assert years[2021][Stage.APPLYING].achieved == 1 and years[2021][Stage.LISTED].achieved == 1
    assert (years[2020][Stage.COUNSELLING].goal, years[2020][Stage.COUNSELLING].met) == (3, False)
    assert years[2021][Stage.LISTED].met is True and years[2021][Stage.CULTIVATING].met is None
    assert selectors.goals_progress(users["abc"], [2020]) == []


def test_listed_firms_values_as_at_a_past_date(users, county, two_histories):
    lishan, lucun = county["towns"]
    assert selectors.listed_firms_values(D(2020, 1, 1), D(2020, 12, 31)) == []
    assert selectors.listed_firms_values(D(2021, 1, 1), D(2021, 12, 31)) == [(None, lishan.pk, None, 1)]
    # B is listed in 2022, then A is sent back: the 2021 figure keeps A, 2022's has B only.
    m = users["member"]
    move(m, two_histories.b, Stage.LISTED, D(2022, 1, 5))
    move(m, two_histories.a, Stage.APPLYING, D(2022, 2, 1), reason="被实施终止挂牌，重新申报")
    assert selectors.listed_firms_values(D(2021, 1, 1), D(2021, 12, 31)) == [(None, lishan.pk, None, 1)]
    assert selectors.listed_firms_values(D(2022, 1, 1), D(2022, 12, 31)) == [(None, lucun.pk, None, 1)]


def test_candidate_history_days_per_step(two_histories):
    steps = selectors.candidate_history(two_histories.b)
    assert [(s.change.to_stage, s.days, s.ongoing, s.backward) for s in steps] == [
        (Stage.RESTRUCTURING, 30, False, False),
        (Stage.COUNSELLING, 60, False, False),
        (Stage.RESTRUCTURING, (TODAY - D(2020, 5, 30)).days, True, True),
    ]


def test_demo_builds_every_stage_with_backward_moves_and_partly_met_goals(users, county):
    import random

    from puhui.localfin import demo_listing

    ctx = types.SimpleNamespace(
        users={"office": users["office"], "member_jrzx": users["member"]},
        towns={t.code[:9]: t for t in county["towns"]},
        random=lambda *keys: random.Random(repr(keys)),
        progress=lambda text: None,
    )
    counts = demo_listing.build(ctx)
    assert counts["listing_candidates"] == len(demo_listing.FIRMS) == Candidate.objects.count()
    assert set(Candidate.objects.values_list("stage", flat=True)) == set(Stage.values)
    back = StageChange.objects.exclude(reason="")
    assert back.count() == len(demo_listing.BACKWARD)
    assert all(
        selectors.STAGES.index(Stage(c.to_stage)) < selectors.STAGES.index(Stage(c.from_stage)) for c in back
    )
    assert not StageChange.objects.filter(on__gt=demo_listing.HISTORY_END).exists()
    met = [c.met for y in selectors.goals_progress(users["office"], demo_listing.GOAL_YEARS) for c in y.cells]
    assert len(met) == 15 and True in met and False in met
    assert selectors.listed_firms_values(D(2021, 1, 1), D(2021, 12, 31))  # some firms were listed by 2021
