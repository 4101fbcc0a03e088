"""The demo county's financing match-making, 2020–2021 and the last weeks: the plan's named products
(鲁担惠农贷、担保贷、鲁担巾帼贷 of the guarantee company; 巾帼信用贷、鲁青基准贷、源青创业贷、人才贷 of the banks) and a
product for each pledge type (动产、仓单、应收账款、股权、知识产权、土地经营权、林权), one taken off the shelf;
金融辅导员 (the demo banks' staff users) assigned to firms, with visit logs — some banks visit every firm every
quarter (target met), others skip; financing demands of the register's firms in every state: answered in
time or late, accepted, declined by all, loans granted, waiting within the deadline, overdue, no fitting
product, withdrawn.

Everything goes through the services as the lenders', advisers' and firms' own users, with the day each
thing happened (a demand's `posted_on`, an answer's `on`, a loan's `granted_on`), so the ranking, routing,
deadlines and every refusal hold. The firm users firm_01… of the firms demo (which runs before this one)
post their firms' demands; the rest are posted by advisers for their firms. The guarantee company has no
demo user of the core demo: its staff user bank_guar is made here (its password joins the login table,
`ctx.logins`).
"""

import datetime
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from puhui.core.models import User
from puhui.demo import ids
from puhui.demo import logins as logins_mod
from puhui.financing.models import Demand, Route
from puhui.financing.selectors.matching import service_town_ids
from puhui.financing.services import advisers, demands, products
from puhui.registry.models import Firm

COUNT_LABELS = {
    "products": "贷款产品",
    "assignments": "金融辅导员结对",
    "visits": "金融辅导员走访记录",
    "demands": "融资需求",
    "routes": "需求推送",
    "answers": "机构答复",
    "loans": "需求获得贷款",
}
STREAM = 47
GUARANTEE_USER = "bank_guar"
W = 10_000  # 万元

# owner, name, amount (万元), term (月), rate (%), collateral, rule, description
PRODUCTS = (
    ("GUAR", "鲁担惠农贷", (10, 300), (1, 36), ("3.85", "4.85"), ["guarantee"], "涉农",
     "省农担“鲁担惠农贷”：支持家庭农场、农民合作社和涉农小微企业，担保费率不超过 0.8%"),
    ("GUAR", "担保贷", (10, 500), (1, 36), ("4.35", "6.00"), ["guarantee", "mortgage"],
     "小型企业 或 微型企业 或 个体工商户", "县融资担保公司为小微企业和个体工商户提供担保"),
    ("GUAR", "鲁担巾帼贷", (5, 300), (1, 36), ("3.85", "4.85"), ["guarantee"], "女性创业",
     "面向女性创业者的担保贷款，与县妇联合作"),
    ("RCB", "巾帼信用贷", (1, 30), (1, 36), ("4.00", "5.50"), ["credit"], "女性创业 且 金额 <= 300000",
     "女性创业者信用贷款，无需抵押"),
    ("RCB", "鲁青基准贷", (5, 100), (1, 36), ("4.35", "4.35"), ["credit", "guarantee"], "青年创业",
     "青年创业者按基准利率执行，与团县委合作"),
    ("BSVB", "源青创业贷", (5, 50), (1, 36), ("4.35", "6.50"), ["credit", "guarantee"], "青年创业 且 成立年限 <= 5",
     "成立 5 年以内的青年创业企业"),
    ("ABC", "人才贷", (10, 500), (1, 60), ("3.95", "5.00"), ["credit"], "人才", "认定人才创办或领办的企业"),
    ("RCB", "土地经营权抵押贷", (5, 200), (6, 60), ("4.80", "6.50"), ["land"], "涉农", "以农村土地经营权抵押"),
    ("RCB", "林权抵押贷", (5, 200), (6, 60), ("4.80", "6.50"), ["forest"], "", "以林权抵押"),
    ("ABC", "仓单质押贷", (20, 1000), (3, 12), ("4.20", "5.50"), ["warehouse", "movable"], "", "以标准仓单质押"),
    ("PSBC", "应收账款质押贷", (10, 500), (3, 24), ("4.50", "6.00"), ["receivables"], "营业收入 >= 1000000",
     "以应收账款质押，年营业收入 100 万元以上"),
    ("ICBC", "知识产权质押贷", (50, 1000), (12, 36), ("3.90", "5.20"), ["ip"], "非 个体工商户",
     "以专利权、商标权质押"),
    ("BOC", "股权质押贷", (50, 1000), (12, 36), ("4.20", "5.50"), ["equity"], "非 个体工商户",
     "以非上市公司股权质押"),
    ("CCB", "动产质押贷", (10, 500), (3, 24), ("4.30", "5.80"), ["movable"], "从业人数 >= 5",
     "以存货、设备等动产质押"),
    ("PSBC", "小微易贷", (5, 100), (1, 12), ("4.50", "6.50"), ["credit"], "信用评分 >= 60",
     "按企业信用评分授信的线上信用贷款"),
    ("ABC", "惠农快贷（旧版）", (1, 30), (1, 12), ("4.60", "6.00"), ["credit"], "涉农",
     "已由新产品替代，下架"),
)  # fmt: skip
ADVISER_BANKS = ("bank_rcb", "bank_abc", "bank_psbc", "bank_bsvb", "bank_ccb")
VISITS_EVERY_QUARTER = ("bank_rcb", "bank_psbc")  # the others miss some firms in some quarters
QUARTERS = [(y, q) for y in (2020, 2021) for q in (1, 2, 3, 4)]
PURPOSES = ("购置设备", "流动资金", "进货备货", "扩建厂房", "春耕备耕", "技术改造", "收购农产品")
# What firms offer, the common kinds repeated (most small firms have only credit or a guarantor to offer).
COLLATERAL_CHOICES = (["credit"], ["credit"], ["guarantee"], ["credit", "guarantee"], ["credit", "guarantee"],
                      ["guarantee", "mortgage"], ["land"], ["receivables"], ["movable", "warehouse"], ["equity"],
                      ["ip"], ["forest"])  # fmt: skip
AMOUNTS = (30_000, 50_000, 100_000, 200_000, 300_000, 500_000, 1_000_000, 2_000_000)


def _guarantee_user(ctx) -> User | None:
    org = ctx.organisations.get("GUAR")
    if org is None:
        return None
    (phone,) = ids.mobiles(ctx.rng(STREAM, 3), 1)
    user = User(
        username=GUARANTEE_USER, role=User.Role.INSTITUTION, organisation=org, display_name="担保公司业务员",
        phone=phone,
    )  # fmt: skip
    password = logins_mod.new_password(user)
    user.password = make_password(password)
    user.save()
    ctx.users[GUARANTEE_USER] = user
    ctx.logins.append(logins_mod.Login(user.username, "金融机构", org.short_name or org.name, password))
    return user


def _products(ctx) -> int:
    made = 0
    for key, name, (low, top), (t0, t1), (r0, r1), collateral, rule, text in PRODUCTS:
        actor = ctx.users.get(GUARANTEE_USER if key == "GUAR" else f"bank_{key.lower()}")
        if actor is None:
            continue
        products.product_create(
            actor=actor, name=name, amount_min=Decimal(low * W), amount_max=Decimal(top * W), term_min=t0,
            term_max=t1, rate_min=Decimal(r0), rate_max=Decimal(r1), collateral=collateral, rule=rule,
            description=text, active="旧版" not in name,
        )  # fmt: skip
        made += 1
    return made


def _advisers(ctx, firms: list[Firm]) -> tuple[dict[str, list[Firm]], int, int]:
    """Each adviser bank's user paired with firms of its service area from 2020; its visits per quarter."""
    rng = ctx.rng(STREAM, 1)
    paired: dict[str, list[Firm]] = {}
    per_adviser = max(3, min(12, len(firms) // 40))
    pool = [f for f in firms if f.registered_on < datetime.date(2020, 1, 1)]
    visits = 0
    for n, username in enumerate(ADVISER_BANKS):
        user = ctx.users.get(username)
        if user is None or not pool:
            continue
        area = service_town_ids(user.organisation)
        taken = {f.pk for firms_ in paired.values() for f in firms_}
        near = [f for f in pool if (area is None or f.town_id in area) and f.pk not in taken]
        if not near:
            continue
        chosen = [
            near[int(i)] for i in rng.choice(len(near), size=min(per_adviser, len(near)), replace=False)
        ]
        for firm in chosen:
            advisers.assignment_create(actor=user, adviser=user, firm=firm, start=datetime.date(2020, 1, 6))
        paired[username] = chosen
        diligent = username in VISITS_EVERY_QUARTER
        for year, quarter in QUARTERS:
            for k, firm in enumerate(chosen):
                if not diligent and (k + quarter + n) % 3 == 0:
                    continue  # this firm not visited this quarter
                day = datetime.date(year, 3 * quarter - 2, 1) + datetime.timedelta(
                    days=int(rng.integers(5, 80))
                )
                advisers.visit_create(
                    actor=user, firm=firm, visited_on=day, done=f"了解{firm.name}经营和融资需求，宣传贷款产品",
                    follow_up="协助准备贷款申请材料" if k % 2 else "",
                )  # fmt: skip
                visits += 1
    return paired, sum(len(v) for v in paired.values()), visits


def _posters(ctx, paired) -> list[tuple[User, Firm]]:
    """Who posts: each firm user for its firm, then each adviser for its firms."""
    firm_users = User.objects.filter(
        role=User.Role.PUBLIC, firm__isnull=False, firm__deregistered_on__isnull=True
    )
    out = [(u, u.firm) for u in firm_users.select_related("firm", "firm__town").order_by("username")]
    for username, firms in paired.items():
        out += [(ctx.users[username], f) for f in firms]
    return out


def _post(ctx, rng, actor, firm, on, **extra) -> Demand | None:
    data = dict(
        amount=int(rng.choice(AMOUNTS)), term=int(rng.choice([6, 12, 24, 36])),
        purpose=PURPOSES[int(rng.integers(len(PURPOSES)))],
        collateral=COLLATERAL_CHOICES[int(rng.integers(len(COLLATERAL_CHOICES)))],
        female=rng.random() < 0.3, youth=rng.random() < 0.4, talent=rng.random() < 0.08,
        first_loan=rng.random() < 0.4,
    )  # fmt: skip
    try:
        return demands.demand_post(actor=actor, firm=firm, posted_on=on, **{**data, **extra})
    except ValidationError:
        return None


def _staff(ctx) -> dict[int, User]:
    """The user answering for each lender: its county branch's demo user."""
    return {
        u.organisation_id: u
        for u in ctx.users.values()
        if u.role == User.Role.INSTITUTION and u.organisation_id
    }


def _answer_all(ctx, rng, demand: Demand, staff, *, late: bool, grant: bool) -> tuple[int, int]:
    """Every route answered (some late); on the best accepted one, a loan when `grant`."""
    answers = loans = 0
    accepted = None
    for route in demand.routes.order_by("best_rank"):
        user = staff.get(route.bank_id)
        if user is None:
            continue
        # in time: within five calendar days of posting (the deadline is five working days); late: after it
        on = (route.due_on + datetime.timedelta(days=int(rng.integers(1, 15))) if late
              else demand.posted_on + datetime.timedelta(days=int(rng.integers(0, 6))))  # fmt: skip
        if accepted is None and rng.random() < 0.6:
            rate = Decimal("4.35") + Decimal(int(rng.integers(0, 150))) / 100
            answered = demands.route_answer(actor=user, route=route, decision="accepted", amount=demand.amount,
                                            rate=rate, term=demand.term, on=on)  # fmt: skip
            accepted = (answered, user, on)
        else:
            reason = ("经营流水不足", "担保不足", "负债率偏高", "不符合行业投向")[int(rng.integers(4))]
            demands.route_answer(actor=user, route=route, decision="declined", reason=reason, on=on)
        answers += 1
    if grant and accepted is not None:
        route, user, on = accepted
        demands.route_grant(actor=user, route=route, granted_on=on + datetime.timedelta(days=int(rng.integers(3, 30))),
                            amount=route.offered_amount)  # fmt: skip
        loans = 1
    return answers, loans


def _demands(ctx, paired) -> dict:
    """Historical demands through 2020–2021 (answered, some late; loans granted), then the last weeks: waiting
    within the deadline, overdue, partly answered; one withdrawn; unmatched where nothing fits."""
    rng = ctx.rng(STREAM, 2)
    staff = _staff(ctx)
    posters = _posters(ctx, paired)
    if not posters:
        return {"demands": 0, "routes": 0, "answers": 0, "loans": 0}
    answers = loans = 0
    rounds = max(2, min(8, int(ctx.scale * 40)))
    for r in range(rounds):
        for k, (actor, firm) in enumerate(posters):
            on = datetime.date(2020, 1, 15) + datetime.timedelta(days=int(rng.integers(0, 690)))
            demand = _post(ctx, rng, actor, firm, max(on, firm.registered_on))  # the firm existed then
            if demand is None or demand.status == Demand.Status.UNMATCHED:
                continue
            a, g = _answer_all(ctx, rng, demand, staff, late=(r + k) % 5 == 0, grant=(r + k) % 3 != 0)
            answers, loans = answers + a, loans + g
    today = timezone.localdate()
    for k, (actor, firm) in enumerate(posters):
        recent = today - datetime.timedelta(
            days=[1, 3, 20, 40][k % 4]
        )  # two within the deadline, two overdue
        demand = _post(ctx, rng, actor, firm, recent, collateral=["credit", "guarantee"])
        if demand is not None and k % 4 == 1:
            route = demand.routes.order_by("best_rank").first()  # partly answered: one lender has declined
            user = staff.get(route.bank_id) if route else None
            if user is not None and demand.routes.count() > 1:
                demands.route_answer(
                    actor=user, route=route, decision="declined", reason="担保不足", on=recent
                )
                answers += 1
    actor, firm = posters[0]
    _post(ctx, rng, actor, firm, today, amount=80_000_000, collateral=["credit"])  # nothing lends so much
    withdrawn = _post(ctx, rng, actor, firm, today - datetime.timedelta(days=2))
    if withdrawn is not None:
        demands.demand_withdraw(actor=actor, demand=withdrawn)
    return {
        "demands": Demand.objects.count(),
        "routes": Route.objects.count(),
        "answers": answers,
        "loans": loans,
    }


def build(ctx) -> dict:
    if not ctx.users.get("bank_rcb"):
        return {}
    _guarantee_user(ctx)
    made = _products(ctx)
    firms = list(Firm.objects.filter(deregistered_on__isnull=True).select_related("town").order_by("pk"))
    paired, assignments, visits = _advisers(ctx, firms)
    counts = _demands(ctx, paired)
    return {"products": made, "assignments": assignments, "visits": visits, **counts}
