"""The writes of direct financing, the apple exchange and the credit mutuals: each happy path, each refusal
(with its Chinese message on its field, storing nothing), and the indicator catalogue's source."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from puhui.core.models import AuditLog
from puhui.localfin.models import BondIssue, CreditMutual, Enterprise, EquityDeal, ExchangeMonth, MutualMonth
from puhui.localfin.selectors import financing as selectors
from puhui.localfin.services import financing as services
from tests.conftest import _org

pytestmark = pytest.mark.django_db
D = datetime.date
NEW_USCC = "91370323MAD062KJ1G"  # valid (GB 32100), not one of the fixture firms


def _firm(firm):
    return {"uscc": firm.uscc, "name": firm.name, "town": firm.town, "industry": firm.industry}


def _bond(**over):
    return {
        "instrument": "mtn",
        "amount": Decimal("200000000"),
        "rate": Decimal("4.85"),
        "term_months": 36,
        "issued_on": D(2020, 4, 10),
        "matures_on": D(2023, 4, 10),
        "underwriter": "中泰证券股份有限公司",
        **over,
    }


def _deal(**over):
    return {
        "investor_kind": "guidance",
        "investor": "山东省新旧动能转换引导基金",
        "amount": Decimal("30000000"),
        "closed_on": D(2020, 6, 1),
        "fund_project": "乡村振兴基金+苹果全产业链",
        **over,
    }


def _refused(call, field: str, words: str) -> str:
    with pytest.raises(ValidationError) as e:
        call()
    messages = e.value.message_dict
    assert field in messages and words in " ".join(messages[field]), messages
    return messages[field][0]


def _counts():
    return (
        Enterprise.objects.count(),
        BondIssue.objects.count(),
        EquityDeal.objects.count(),
        ExchangeMonth.objects.count(),
        CreditMutual.objects.count(),
        MutualMonth.objects.count(),
        AuditLog.objects.count(),
    )


@pytest.fixture
def coop(county):
    return _org("COOP1", "沂源县燕崖镇朱家户果品专业合作社", "credit_mutual", division=county["villages"][0])


# ---------------------------------------------------------------- bonds


def test_bond_add_names_a_new_firm_by_its_code_and_is_audited(users, county):
    member = users["member"]
    bond = services.bond_add(
        actor=member,
        uscc=NEW_USCC.lower(),
        name="沂源县城市建设投资集团有限公司",
        town=county["towns"][0],
        industry="城市基础设施建设",
        **_bond(),
    )
    firm = Enterprise.objects.get(uscc=NEW_USCC)
    assert bond.enterprise == firm and bond.amount == Decimal("200000000")
    assert set(AuditLog.objects.filter(actor=member).values_list("object_type", "action")) == {
        ("localfin.Enterprise", "create"),
        ("localfin.BondIssue", "create"),
    }


def test_bond_of_a_known_firm_reuses_it(users, firms):
    bond = services.bond_add(actor=users["office"], **_firm(firms["yiyuan"]), **_bond())
    assert bond.enterprise_id == firms["yiyuan"].pk and Enterprise.objects.count() == 2


def test_bond_maturing_before_its_issue_is_refused_and_the_new_firm_not_stored(users, county):
    before = _counts()
    message = _refused(
        lambda: services.bond_add(
            actor=users["member"],
            uscc=NEW_USCC,
            name="新企业",
            town=county["towns"][0],
            industry="制造业",
            **_bond(issued_on=D(2020, 4, 10), matures_on=D(2020, 3, 1)),
        ),  # fmt: skip
        "matures_on",
        "到期日期须晚于发行日期",
    )
    assert "2020年3月1日" in message
    assert _counts() == before and not Enterprise.objects.filter(uscc=NEW_USCC).exists()


def test_a_refusal_after_the_firm_was_written_leaves_nothing(users, county, monkeypatch):
    """The atomic block: a failure after `enterprise_save` undoes the firm too."""

    def boom(**kwargs):
        raise ValidationError({"amount": "测试：写入后拒绝"})

    monkeypatch.setattr(services.BondIssue.objects, "create", boom)
    before = _counts()
    with pytest.raises(ValidationError):
        services.bond_add(
            actor=users["member"],
            uscc=NEW_USCC,
            name="新企业",
            town=county["towns"][0],
            industry="制造业",
            **_bond(),
        )
    assert _counts() == before


@pytest.mark.parametrize(
    "over,field,words",
    [
        ({"amount": Decimal("0")}, "amount", "须大于 0 元"),
        ({"amount": Decimal("1.005")}, "amount", "最多两位小数"),
        ({"rate": Decimal("31")}, "rate", "0% 到 30%"),
        ({"rate": Decimal("-1")}, "rate", "0% 到 30%"),
        ({"term_months": 0}, "term_months", "1 到 360"),
        ({"term_months": 361}, "term_months", "1 到 360"),
        ({"instrument": "junk"}, "instrument", "不在可选范围"),
        ({"underwriter": "  "}, "underwriter", "请填写主承销商"),
        ({"matures_on": D(2020, 4, 10)}, "matures_on", "到期日期须晚于发行日期"),
        ({"matures_on": D(2025, 4, 10)}, "matures_on", "到期日期与期限不符"),
    ],
)
def test_bond_refusals_store_nothing(users, firms, over, field, words):
    before = _counts()
    _refused(
        lambda: services.bond_add(actor=users["member"], **_firm(firms["yiyuan"]), **_bond(**over)),
        field,
        words,
    )
    assert _counts() == before


def test_bond_issued_in_the_future_is_refused(users, firms):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    _refused(
        lambda: services.bond_add(
            actor=users["member"],
            **_firm(firms["yiyuan"]),
            **_bond(issued_on=tomorrow, matures_on=services.months_later(tomorrow, 36)),
        ),  # fmt: skip
        "issued_on",
        "不能晚于今天",
    )
    assert not BondIssue.objects.exists()


def test_a_nine_month_note_may_mature_270_days_after_issue(users, firms):
    bond = services.bond_add(
        actor=users["member"], **_firm(firms["lucun"]),
        **_bond(instrument="scp", term_months=9, issued_on=D(2021, 1, 15), matures_on=D(2021, 10, 12)),
    )  # fmt: skip
    assert bond.matures_on == D(2021, 10, 12)


def test_bond_update_and_delete(users, firms):
    member = users["member"]
    bond = services.bond_add(actor=member, **_firm(firms["yiyuan"]), **_bond())
    services.bond_update(
        actor=member, bond=bond, **_firm(firms["lucun"]), **_bond(rate=Decimal("5.1"), underwriter="恒丰银行")
    )
    bond.refresh_from_db()
    assert (bond.enterprise_id, bond.rate, bond.underwriter) == (
        firms["lucun"].pk,
        Decimal("5.1"),
        "恒丰银行",
    )
    _refused(
        lambda: services.bond_update(
            actor=member, bond=bond, **_firm(firms["lucun"]), **_bond(matures_on=D(2019, 1, 1))
        ),
        "matures_on",
        "到期日期须晚于发行日期",
    )
    bond.refresh_from_db()
    assert bond.matures_on == D(2023, 4, 10)
    services.bond_delete(actor=member, bond=bond)
    assert not BondIssue.objects.exists()
    assert AuditLog.objects.filter(object_type="localfin.BondIssue", action="delete").count() == 1


def test_only_keepers_write(users, local, firms):
    for who in (users["admin"], users["abc"], local["czj_user"]):
        with pytest.raises(Http404):
            services.bond_add(actor=who, **_firm(firms["yiyuan"]), **_bond())
    assert not BondIssue.objects.exists()


# ---------------------------------------------------------------- equity


def test_equity_add_update_delete(users, firms):
    member = users["member"]
    deal = services.equity_add(actor=member, **_firm(firms["yiyuan"]), **_deal())
    assert deal.fund_project == "乡村振兴基金+苹果全产业链"
    services.equity_update(
        actor=member, deal=deal, **_firm(firms["yiyuan"]), **_deal(investor_kind="vc", fund_project="")
    )
    deal.refresh_from_db()
    assert (deal.investor_kind, deal.fund_project) == ("vc", "")
    services.equity_delete(actor=member, deal=deal)
    assert not EquityDeal.objects.exists()


@pytest.mark.parametrize(
    "over,field,words",
    [
        ({"amount": Decimal("-5")}, "amount", "须大于 0 元"),
        ({"investor_kind": "bank"}, "investor_kind", "不在可选范围"),
        ({"investor": ""}, "investor", "请填写投资方"),
        ({"closed_on": D(2999, 1, 1)}, "closed_on", "不能晚于今天"),
    ],
)
def test_equity_refusals_store_nothing(users, county, over, field, words):
    before = _counts()
    _refused(
        lambda: services.equity_add(
            actor=users["member"],
            uscc=NEW_USCC,
            name="新企业",
            town=county["towns"][1],
            industry="制造业",
            **_deal(**over),
        ),  # fmt: skip
        field,
        words,
    )
    assert _counts() == before


# ---------------------------------------------------------------- the exchange


def test_exchange_month_is_upserted_on_the_first_of_its_month(users):
    member = users["member"]
    row = services.exchange_month_save(
        actor=member,
        month=D(2020, 11, 17),
        listed_volume=Decimal("12000.5"),
        turnover=Decimal("60000000"),
        farmers=3200,
    )
    assert row.month == D(2020, 11, 1)
    again = services.exchange_month_save(
        actor=member,
        month=D(2020, 11, 1),
        listed_volume=Decimal("13000"),
        turnover=Decimal("65000000"),
        farmers=3300,
    )
    assert again.pk == row.pk and ExchangeMonth.objects.count() == 1
    assert ExchangeMonth.objects.get().farmers == 3300
    assert AuditLog.objects.filter(object_type="localfin.ExchangeMonth", action="update").count() == 1


def test_exchange_month_in_the_future_or_negative_is_refused(users):
    next_month = services.months_later(timezone.localdate().replace(day=1), 1)
    args = {"listed_volume": Decimal("1"), "turnover": Decimal("1"), "farmers": 1}
    _refused(
        lambda: services.exchange_month_save(actor=users["member"], month=next_month, **args),
        "month",
        "不能晚于本月",
    )
    _refused(
        lambda: services.exchange_month_save(
            actor=users["member"], month=D(2020, 1, 1), **{**args, "farmers": -1}
        ),
        "farmers",
        "不小于 0 的整数",
    )
    assert not ExchangeMonth.objects.exists()
    this_month = services.exchange_month_save(actor=users["member"], month=timezone.localdate(), **args)
    assert this_month.month == timezone.localdate().replace(day=1)


# ---------------------------------------------------------------- credit mutuals


def test_mutual_add_and_its_refusals(users, county, coop, local):
    member = users["member"]
    before = _counts()
    _refused(
        lambda: services.mutual_add(actor=member, organisation=local["guarantee"], approved_on=D(2019, 3, 1)),
        "organisation",
        "只有“开展信用互助的农民专业合作社”",
    )
    _refused(
        lambda: services.mutual_add(actor=member, organisation=coop, approved_on=D(2999, 3, 1)),
        "approved_on",
        "不能晚于今天",
    )
    assert _counts() == before
    mutual = services.mutual_add(actor=member, organisation=coop, approved_on=D(2019, 3, 1))
    assert mutual.organisation == coop
    after = _counts()
    _refused(
        lambda: services.mutual_add(actor=member, organisation=coop, approved_on=D(2019, 4, 1)),
        "organisation",
        "已登记为信用互助试点",
    )
    assert _counts() == after


def test_mutual_months(users, coop):
    member = users["member"]
    mutual = services.mutual_add(actor=member, organisation=coop, approved_on=D(2019, 3, 20))
    row = services.mutual_month_save(
        actor=member,
        mutual=mutual,
        month=D(2019, 3, 1),
        members=60,
        funds=Decimal("800000"),
        loans=Decimal("800000"),
    )
    assert row.loans == row.funds  # equal is allowed
    services.mutual_month_save(
        actor=member,
        mutual=mutual,
        month=D(2019, 3, 1),
        members=61,
        funds=Decimal("810000"),
        loans=Decimal("500000"),
    )
    assert MutualMonth.objects.get().members == 61
    before = _counts()
    _refused(
        lambda: services.mutual_month_save(
            actor=member,
            mutual=mutual,
            month=D(2019, 4, 1),
            members=61,
            funds=Decimal("100"),
            loans=Decimal("101"),
        ),
        "loans",
        "不能超过互助金总额",
    )
    _refused(
        lambda: services.mutual_month_save(
            actor=member,
            mutual=mutual,
            month=D(2999, 1, 1),
            members=1,
            funds=Decimal("1"),
            loans=Decimal("0"),
        ),
        "month",
        "不能晚于本月",
    )
    _refused(
        lambda: services.mutual_month_save(
            actor=member,
            mutual=mutual,
            month=D(2019, 2, 1),
            members=1,
            funds=Decimal("1"),
            loans=Decimal("0"),
        ),
        "month",
        "不能早于试点批准日期",
    )
    assert _counts() == before


# ---------------------------------------------------------------- the reads


def test_direct_financing_values_for_a_quarter_and_a_year(users, firms):
    member = users["member"]
    yiyuan, lucun = firms["yiyuan"], firms["lucun"]
    services.bond_add(
        actor=member,
        **_firm(yiyuan),
        **_bond(amount=Decimal("100000000"), issued_on=D(2020, 3, 31), matures_on=D(2023, 3, 31)),
    )
    services.bond_add(
        actor=member,
        **_firm(lucun),
        **_bond(amount=Decimal("50000000"), issued_on=D(2020, 4, 1), matures_on=D(2023, 4, 1)),
    )
    services.equity_add(
        actor=member, **_firm(yiyuan), **_deal(amount=Decimal("20000000"), closed_on=D(2020, 1, 1))
    )
    services.equity_add(
        actor=member, **_firm(lucun), **_deal(amount=Decimal("7000000.50"), closed_on=D(2020, 12, 31))
    )
    services.equity_add(actor=member, **_firm(lucun), **_deal(amount=Decimal("9"), closed_on=D(2021, 1, 1)))
    quarter = selectors.direct_financing_values(D(2020, 1, 1), D(2020, 3, 31))
    assert quarter == [(None, yiyuan.town_id, None, 120_000_000.0)]
    year = selectors.direct_financing_values(D(2020, 1, 1), D(2020, 12, 31))
    assert sorted(year) == sorted(
        [(None, yiyuan.town_id, None, 120_000_000.0), (None, lucun.town_id, None, 57_000_000.5)]
    )
    assert selectors.direct_financing_values(D(2019, 1, 1), D(2019, 12, 31)) == []


def test_financing_by_year_sums_by_instrument_and_investor(users, firms):
    member = users["member"]
    services.bond_add(actor=member, **_firm(firms["yiyuan"]), **_bond())
    services.bond_add(
        actor=member, **_firm(firms["lucun"]),
        **_bond(instrument="scp", amount=Decimal("60000000"), term_months=9, matures_on=D(2021, 1, 10)),
    )  # fmt: skip
    services.equity_add(actor=member, **_firm(firms["yiyuan"]), **_deal())
    services.equity_add(
        actor=member,
        **_firm(firms["yiyuan"]),
        **_deal(investor_kind="angel", fund_project="", closed_on=D(2021, 2, 1)),
    )
    data = selectors.financing_by_year(member, [2019, 2020, 2021])
    y2019, y2020, y2021 = data["years"]
    assert (y2019.direct, y2019.bond_count) == (Decimal(0), 0)
    assert (y2020.bonds, y2020.equity, y2020.direct) == (
        Decimal("260000000"),
        Decimal("30000000"),
        Decimal("290000000"),
    )
    assert y2020.by_instrument == {"mtn": Decimal("200000000"), "scp": Decimal("60000000")}
    assert (y2020.fund_projects, y2021.fund_projects, y2021.by_investor) == (
        1,
        0,
        {"angel": Decimal("30000000")},
    )
    assert data["total"].direct_wan == Decimal("32000.00")
    assert selectors.financing_by_year(users["abc"], [2020])["years"][0].direct == Decimal(0)


def test_exchange_by_year_and_mutuals_overview(users, coop):
    member = users["member"]
    for month, volume in ((D(2020, 10, 1), "100"), (D(2020, 11, 1), "300"), (D(2021, 1, 1), "50")):
        services.exchange_month_save(
            actor=member,
            month=month,
            listed_volume=Decimal(volume),
            turnover=Decimal(volume) * 5000,
            farmers=10,
        )
    years = {y["year"]: y for y in selectors.exchange_by_year(member)["years"]}
    assert (years[2020]["volume"], years[2020]["months"], years[2021]["turnover"]) == (
        Decimal("400"),
        2,
        Decimal("250000"),
    )
    mutual = services.mutual_add(actor=member, organisation=coop, approved_on=D(2019, 1, 1))
    for month, members in ((D(2020, 1, 1), 10), (D(2020, 2, 1), 12)):
        services.mutual_month_save(
            actor=member,
            mutual=mutual,
            month=month,
            members=members,
            funds=Decimal("1000"),
            loans=Decimal("10"),
        )
    overview = selectors.mutuals_overview(member)
    (row,) = overview["mutuals"]
    assert (row.latest_month, row.latest_members, overview["members"]) == (D(2020, 2, 1), 12, 12)
    assert selectors.mutuals_overview(users["abc"])["mutuals"] == []


# ---------------------------------------------------------------- the demo's part


def test_demo_build_writes_through_the_services_and_is_deterministic(users, county):
    import random
    from types import SimpleNamespace

    from puhui.localfin import demo_financing

    said = []
    ctx = SimpleNamespace(
        users={"office": users["office"], "member_jrzx": users["member"]},
        towns={t.code[:9]: t for t in county["towns"]},
        village_ids={v.code: v.pk for v in county["villages"]},
        random=lambda *keys: random.Random(hash(keys)),
        progress=said.append,
    )
    counts = demo_financing.build(ctx)
    assert counts == {
        "localfin_bonds": 9,
        "localfin_equity": 12,
        "localfin_exchange_months": 36,
        "localfin_mutuals": 3,
        "localfin_mutual_months": 36 + 34 + 20,
    }
    assert said and "直接融资" in said[0]
    amounts = list(BondIssue.objects.values_list("amount", flat=True))
    assert min(amounts) >= Decimal("50000000") and max(amounts) <= Decimal("500000000")
    assert len(set(BondIssue.objects.values_list("instrument", flat=True))) >= 4
    assert EquityDeal.objects.exclude(fund_project="").exists()
    by_month = dict(
        ExchangeMonth.objects.filter(month__year=2020).values_list("month__month", "listed_volume")
    )
    assert min(by_month[m] for m in (10, 11, 12)) > max(by_month[m] for m in (4, 5, 6, 7))
    assert not MutualMonth.objects.filter(loans__gt=F("funds")).exists()
    first = list(BondIssue.objects.order_by("pk").values_list("enterprise__uscc", "amount", "issued_on"))
    # Again on a fresh county: the same records (the cooperatives and firms are found, not made twice).
    BondIssue.objects.all().delete()
    EquityDeal.objects.all().delete()
    counts_again = demo_financing.build(ctx)
    assert counts_again["localfin_mutuals"] == 0 and CreditMutual.objects.count() == 3
    again = list(BondIssue.objects.order_by("pk").values_list("enterprise__uscc", "amount", "issued_on"))
    assert again == first
