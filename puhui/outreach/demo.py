"""The demo county's financial education and outreach, 2020–2021: each bank's 流动银行“三进” events (some banks
hold 3 or more a year, others fewer, so the 九 target is partly met), publicity by banks, agents and the
media, and school bases — most approved by the office, some waiting for review, some returned.

Written through the services as the banks', agents' and office's own users, so every rule holds (each event
carries a small generated photo). Runs before the data demo (INSTALLED_APPS order), whose indicator run then
reads these records through `DATA_SOURCES`.
"""

import datetime
from io import BytesIO

from PIL import Image

from puhui.core.models import Division
from puhui.outreach.access import BANK_KINDS
from puhui.outreach.models import EventService, PlaceType
from puhui.outreach.services import records
from puhui.outreach.services.review import record_review

COUNT_LABELS = {
    "events": "流动银行“三进”活动",
    "publicity": "金融知识宣传活动",
    "school_bases": "校园金融知识教育基地记录",
}
YEARS = (2020, 2021)
# Events per bank and year, in the order of the bank users below: some ≥ 3 (met), some fewer (not met).
EVENTS_PER_YEAR = ((4, 5), (3, 3), (2, 4), (1, 2), (3, 1), (0, 3), (2, 2), (5, 3))
BANK_USERS = (
    "bank_rcb",
    "bank_abc",
    "bank_psbc",
    "bank_adbc",
    "bank_bsvb",
    "bank_icbc",
    "bank_boc",
    "bank_ccb",
)
SCHOOLS = ("沂源县第一中学", "沂源县实验小学", "鲁村镇中心小学", "南麻街道中学")
TOPICS = ("防范电信网络诈骗", "征信知识进万家", "反假货币宣传", "普惠金融政策宣讲", "移动支付便民服务")


def _photo(colour: tuple[int, int, int]) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _events(ctx, office, towns, rnd) -> int:
    made = 0
    for n, username in enumerate(BANK_USERS):
        user = ctx.users.get(username)
        if user is None or user.organisation.kind not in BANK_KINDS:
            continue
        for y, year in enumerate(YEARS):
            count = EVENTS_PER_YEAR[n % len(EVENTS_PER_YEAR)][y]
            for k in range(count):
                place_type = (PlaceType.RURAL, PlaceType.COMMUNITY, PlaceType.MINING)[k % 3]
                town = towns[(n + k) % len(towns)]
                event = records.event_create(
                    actor=user, held_on=datetime.date(year, 3 + 3 * k % 9, 5 + 2 * n), place_type=place_type,
                    town=town, place=f"{town.name}{PlaceType(place_type).label}服务点",
                    services=rnd.sample(EventService.values, 3), people_served=rnd.randint(40, 260),
                    note="现场办理小额现金存取和缴费，发放金融知识宣传资料。",
                    photos=[(f"活动照片{k + 1}.png", _photo((40 * n % 256, 90, 30 * k % 256)))],
                )  # fmt: skip
                made += 1
                last = year == YEARS[-1] and k == count - 1
                if last and n % 3 == 1:
                    continue  # waiting for review
                if last and n % 3 == 2:
                    record_review(
                        actor=office, record=event, decision="return", reason="照片不能反映活动现场，请补充。"
                    )
                else:
                    record_review(actor=office, record=event, decision="approve")
    return made


def _publicity(ctx, office, towns, rnd) -> int:
    made = 0
    specs = []
    for n, username in enumerate(BANK_USERS[:4]):
        if username in ctx.users:
            specs += [
                (ctx.users[username], "outlet", "general", towns[n % len(towns)], None),
                (
                    ctx.users[username],
                    "special",
                    ("returning", "low_income")[n % 2],
                    towns[(n + 1) % len(towns)],
                    None,
                ),
            ]
    if "bank_rcb" in ctx.users:
        specs += [(ctx.users["bank_rcb"], c, "general", None, None) for c in ("tv", "press", "wechat")]
    for username in ("agent_01", "agent_02", "agent_03"):
        agent = ctx.users.get(username)
        village = agent.villages.order_by("code").first() if agent is not None else None
        if village is not None:
            specs.append((agent, "agent", "general", None, village))
    for i, (user, channel, audience_group, town, village) in enumerate(specs):
        record = records.publicity_create(
            actor=user, held_on=datetime.date(YEARS[i % 2], 4 + i % 8, 10 + i % 15), channel=channel,
            audience_group=audience_group, topic=TOPICS[i % len(TOPICS)], town=town, village=village,
            audience=rnd.randint(30, 400) if channel not in ("tv", "press", "wechat") else rnd.randint(3000, 20000),
        )  # fmt: skip
        made += 1
        if i % 5 == 4:
            continue  # waiting for review
        record_review(actor=office, record=record, decision="approve")
    return made


def _schools(ctx, office, towns) -> int:
    made = 0
    bank = ctx.users["bank_rcb"].organisation if "bank_rcb" in ctx.users else None
    for i, school in enumerate(SCHOOLS):
        for year in YEARS:
            if i == len(SCHOOLS) - 1 and year == YEARS[0]:
                continue  # the fourth base opened in 2021
            record = records.school_create(
                actor=office, school=school, town=towns[i % len(towns)], year=year, bank=bank,
                curriculum="将金融知识纳入综合实践课程，每学期 4 课时。", lectures=2 + i, practice_days=1 + i % 3,
                teachers_trained=3 + 2 * i,
            )  # fmt: skip
            made += 1
            if i == 2 and year == YEARS[-1]:
                record_review(
                    actor=office, record=record, decision="return", reason="请补充社会实践的具体安排。"
                )
            elif not (i == 1 and year == YEARS[-1]):
                record_review(actor=office, record=record, decision="approve")
    return made


def build(ctx) -> dict:
    office = ctx.users.get("office")
    towns = list(Division.objects.filter(level="town").order_by("code"))
    if office is None or not towns:
        return {}
    rnd = ctx.random(46)
    return {
        "events": _events(ctx, office, towns, rnd),
        "publicity": _publicity(ctx, office, towns, rnd),
        "school_bases": _schools(ctx, office, towns),
    }
