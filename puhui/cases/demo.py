"""The demo county's typical cases and the zone's publicity, 2020–2021: a dozen cases from member units, banks
and the office in every state (waiting, returned, kept, published), a few selected for the 2021 evaluation
report; about forty publicity records (政府推介, 网点宣传, 集中宣讲, 媒体报道), most approved, some waiting or
returned. Written through the services as the units' and the office's own users, so every rule holds (a few
carry a small generated PDF as evidence)."""

import datetime

from puhui.cases.models import PromotionKind, Topic
from puhui.cases.services import cases, promotions

COUNT_LABELS = {"cases": "典型案例", "publicity": "示范区宣传记录"}
YEARS = (2020, 2021)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# (author, topic, plan task number or None, period, title, what happens: submitted/returned/accepted/published,
#  selected for the 2021 report)
CASES = (
    ("bank_rcb", Topic.CREDIT, 14, "2020", "整村授信推进农村信用体系建设", "published", True),
    ("bank_abc", Topic.FIRST_LOAN, 13, "2021Q2", "首贷培植“百日攻坚”的做法", "published", True),
    ("bank_psbc", Topic.MOBILE_PAY, 12, "2021Q1", "移动支付示范镇建设经验", "accepted", True),
    ("member_jrzx", Topic.RISK, 21, "2021", "金融风险处置联动机制运行情况", "published", True),
    ("office", Topic.STATION, 10, "2020Q4", "助农取款服务点提档升级为普惠金融服务站", "published", False),
    ("member_nyncj", Topic.INSURANCE, 20, "2021Q3", "苹果目标价格保险试点", "accepted", False),
    ("bank_bsvb", Topic.FIRST_LOAN, None, "2021Q2", "村镇银行小微企业首贷走访", "returned", False),
    ("member_fy", Topic.RISK, 21, "2021Q1", "金融纠纷诉调对接典型案例", "submitted", False),
    ("bank_adbc", Topic.OTHER, 5, "2021", "农业政策性贷款支持粮食收购", "submitted", False),
    ("member_sfj", Topic.PROTECTION, 15, "2021Q2", "金融消费纠纷人民调解经验", "published", False),
    ("bank_icbc", Topic.MOBILE_PAY, 12, "2020Q3", "缴费场景进社区", "returned", False),
    ("member_czj", Topic.OTHER, 18, "2020", "创业担保贷款奖补资金拨付做法", "accepted", False),
)
PROMOTION_UNITS = ("office", "member_jrzx", "bank_rcb", "bank_abc", "bank_psbc", "member_czj", "bank_ccb")
KINDS = (PromotionKind.GOVERNMENT, PromotionKind.OUTLET, PromotionKind.SESSION, PromotionKind.MEDIA)
TOPICS = ("示范区建设政策推介", "普惠金融示范区建设成效宣传", "示范区建设集中宣讲", "示范区建设专题报道")
PLACES = {
    PromotionKind.GOVERNMENT: "县政府招商推介会",
    PromotionKind.OUTLET: "营业网点大厅",
    PromotionKind.SESSION: "镇政府会议室",
    PromotionKind.MEDIA: "沂源电视台《沂源新闻》",
}
TEXT = "一、基本做法：{title}。二、主要成效：覆盖全县各镇（街道），服务群众和企业的能力明显提升。三、经验启示：部门协同、机构联动、持续推进。"


def _tasks() -> dict:
    from puhui.plan.models import Task

    return {t.number: t for t in Task.objects.order_by("-plan__issued_on", "number")[:200]}


def _cases(ctx, office) -> int:
    tasks, made = _tasks(), 0
    for n, (username, topic, number, period, title, fate, selected) in enumerate(CASES):
        user = ctx.users.get(username)
        if user is None:
            continue
        case = cases.case_create(
            actor=user, topic=topic, period=period, title=title, text=TEXT.format(title=title),
            task=tasks.get(number), files=[(f"{title}.pdf", PDF)] if n % 3 == 0 else (),
        )  # fmt: skip
        made += 1
        if fate == "returned":
            cases.case_review(actor=office, case=case, decision="return", reason="请补充具体数据和成效。")
        elif fate in ("accepted", "published"):
            cases.case_review(actor=office, case=case, decision="accept" if fate == "accepted" else "publish")
            if selected:
                cases.case_select(actor=office, case=case, period="2021")
    return made


def _promotions(ctx, office, towns, rnd) -> int:
    made = 0
    units = [ctx.users[u] for u in PROMOTION_UNITS if u in ctx.users]
    for i in range(40 if units else 0):
        user, kind = units[i % len(units)], KINDS[i % len(KINDS)]
        year = YEARS[0] if i < 16 else YEARS[1]
        media = kind == PromotionKind.MEDIA
        record = promotions.promotion_create(
            actor=user, kind=kind, held_on=datetime.date(year, 1 + i % 12, 3 + i % 25), topic=TOPICS[i % len(TOPICS)],
            place=PLACES[kind], town=None if media or not towns else towns[i % len(towns)],
            audience=None if media else rnd.randint(30, 600), summary="介绍示范区建设的目标任务、政策措施和阶段成效。",
            files=[("现场材料.pdf", PDF)] if i % 4 == 1 else (),
        )  # fmt: skip
        made += 1
        if i % 9 == 8:
            continue  # waiting for review
        if i % 13 == 6:
            promotions.promotion_review(
                actor=office, record=record, decision="return", reason="请补充现场照片。"
            )
        else:
            promotions.promotion_review(actor=office, record=record, decision="approve")
    return made


def build(ctx) -> dict:
    from puhui.core.models import Division

    office = ctx.users.get("office")
    if office is None:
        return {}
    towns = list(Division.objects.filter(level="town").order_by("code"))
    return {"cases": _cases(ctx, office), "publicity": _promotions(ctx, office, towns, ctx.random(24))}
