"""The demo county's listing pipeline (上市后备企业库): 20 firms entered in 2019–2020 and moved through the
stages until the end of 2021 — some listed on the 齐鲁股权交易中心, the 新三板 or an exchange, a few sent back a
stage with the reason recorded — and the county's goals for 2019–2021, partly met. Written through the
services, so every rule holds; deterministic for a seed (`ctx.random(STREAM, 1)`). Called from `demo.py`."""

import datetime

from puhui.demo import ids
from puhui.localfin import access
from puhui.localfin.models import Board, Stage
from puhui.localfin.selectors.listing import goals_progress
from puhui.localfin.services import listing as services

STREAM = 47  # local finance's menu order; (STREAM, 1) is the listing pipeline's stream
USCC_COUNTER_START = 700_000_000  # above the demo network's organisation codes (500,000,000 upwards)
HISTORY_END = datetime.date(2021, 12, 20)
GOAL_YEARS = (2019, 2020, 2021)
D = datetime.date

# (name, industry, the stage it ends 2021 at, its board)
FIRMS = [
    ("山东沂源瑞丰高分子材料股份有限公司", "化学原料和化学制品制造", Stage.LISTED, Board.CHINEXT),
    ("沂源县鲁阳节能材料有限公司", "非金属矿物制品", Stage.LISTED, Board.NEEQ),
    ("山东沂蒙山果业股份有限公司", "农副食品加工", Stage.LISTED, Board.QILU),
    ("沂源县悦庄苹果专业合作联社", "水果种植", Stage.LISTED, Board.QILU),
    ("淄博沂源华洋药业有限公司", "医药制造", Stage.LISTED, Board.NEEQ),
    ("山东新华医疗器械沂源有限公司", "专用设备制造", Stage.APPLYING, Board.BSE),
    ("沂源县南麻电子科技有限公司", "计算机、通信和其他电子设备制造", Stage.APPLYING, Board.STAR),
    ("山东沂河源食品股份有限公司", "食品制造", Stage.APPLYING, Board.NEEQ),
    ("沂源县石桥建材有限公司", "非金属矿物制品", Stage.COUNSELLING, Board.NEEQ),
    ("淄博鲁村机械制造有限公司", "通用设备制造", Stage.COUNSELLING, Board.BSE),
    ("山东燕崖生态农业发展有限公司", "农业", Stage.COUNSELLING, Board.QILU),
    ("沂源县张家坡纺织有限公司", "纺织业", Stage.COUNSELLING, Board.QILU),
    ("沂源县东里山楂食品有限公司", "农副食品加工", Stage.RESTRUCTURING, Board.QILU),
    ("山东沂源天湖文化旅游有限公司", "旅游业", Stage.RESTRUCTURING, Board.NEEQ),
    ("沂源县中庄汽车零部件有限公司", "汽车制造", Stage.RESTRUCTURING, Board.NEEQ),
    ("沂源县西里桃业有限公司", "水果种植", Stage.RESTRUCTURING, Board.QILU),
    ("沂源县大张庄生物科技有限公司", "医药制造", Stage.CULTIVATING, Board.NEEQ),
    ("沂源县历山物流有限公司", "道路运输", Stage.CULTIVATING, Board.QILU),
    ("淄博沂源新能源科技有限公司", "电气机械和器材制造", Stage.CULTIVATING, Board.QILU),
    ("沂源县韩旺铁矿制品有限公司", "金属制品", Stage.CULTIVATING, Board.QILU),
]
# Firms sent back a stage on the way (index in FIRMS → the stage left, the reason).
BACKWARD = {
    0: (Stage.APPLYING, "交易所问询后主动撤回申请，补充完善内部控制后重新申报"),
    6: (Stage.COUNSELLING, "辅导验收发现历史沿革中存在股权代持，退回改制阶段完成股权清理"),
    7: (Stage.APPLYING, "申报前核查发现收入确认不规范，撤回申报材料，继续接受辅导"),
    13: (Stage.RESTRUCTURING, "股东对改制方案意见分歧，暂缓股份制改造，回到培育阶段"),
}
SPONSORS = {
    Board.MAIN: "中泰证券股份有限公司",
    Board.CHINEXT: "中泰证券股份有限公司、国浩律师（济南）事务所",
    Board.STAR: "华泰联合证券有限责任公司",
    Board.BSE: "东吴证券股份有限公司",
    Board.NEEQ: "中泰证券股份有限公司淄博分公司",
    Board.QILU: "齐鲁股权交易中心淄博运营中心",
}
OBSTACLES = [
    "财务核算不够规范，历年报表与纳税申报存在差异",
    "土地、房产权属证书不全，部分厂房未办理不动产登记",
    "社会保险和住房公积金缴纳不足额",
    "关联交易较多，与实际控制人控制的企业存在同业竞争",
    "企业负责人对上市认识不足，担心规范成本",
    "缺少熟悉资本市场的财务负责人和董事会秘书",
]
HELP = [
    "县金融证券工作服务中心组织券商、会计师事务所上门诊断，制定规范化改制方案",
    "协调自然资源部门加快办理不动产登记",
    "落实企业上市挂牌奖补政策，改制完成后兑现奖励资金",
    "推荐参加省地方金融监督管理局组织的企业上市培训",
    "协调税务部门对改制中涉及的历史税费问题给予政策辅导",
]


def _actor(ctx):
    """The finance centre keeps the pipeline; the office when the demo has no finance-centre user."""
    user = ctx.users.get("member_jrzx")
    return user if user is not None and access.can_manage(user) else ctx.users["office"]


def _next_day(rnd, day: datetime.date, low: int = 70, high: int = 260) -> datetime.date:
    return day + datetime.timedelta(days=rnd.randint(low, high))


def _walk(rnd, n: int, final: Stage, entered: datetime.date) -> tuple[Stage, list]:
    """The entry stage and the moves after it: forward to `final`, with BACKWARD[n]'s step back if any."""
    order = list(Stage)
    start = order[0] if n % 3 else order[min(1, order.index(final))]
    moves, day, stage = [], entered, start
    back = BACKWARD.get(n)
    while stage != final:
        day = _next_day(rnd, day)
        stage = order[order.index(stage) + 1]
        moves.append((stage, day, ""))
        if back and stage == back[0]:
            day = _next_day(rnd, day, 60, 150)
            stage = order[order.index(stage) - 1]
            moves.append((stage, day, back[1]))
            back = None
    return start, moves


def _squeeze(moves, entered: datetime.date, end: datetime.date):
    """Fit the moves between entry and `end`, keeping their order (a long history is compressed)."""
    if not moves or moves[-1][1] <= end:
        return moves
    span, room = (moves[-1][1] - entered).days, (end - entered).days
    return [
        (s, entered + datetime.timedelta(days=max(1, (d - entered).days * room // span)), r)
        for s, d, r in moves
    ]


def build(ctx) -> dict:
    actor = _actor(ctx)
    rnd = ctx.random(STREAM, 1)
    towns = sorted(ctx.towns.values(), key=lambda t: t.code)
    if not towns:
        return {"listing_candidates": 0}
    codes = ids.usccs("91370323", [USCC_COUNTER_START + i for i in range(len(FIRMS))])
    moves_made = 0
    for n, (name, industry, final, board) in enumerate(FIRMS):
        entered = D(2019, 1, 7) + datetime.timedelta(days=rnd.randint(0, 540))
        start, moves = _walk(rnd, n, final, entered)
        moves = _squeeze(moves, entered, HISTORY_END - datetime.timedelta(days=rnd.randint(0, 150)))
        # Half the firms still on the way have a planned date for their stage: some passed, some ahead.
        deadline = None
        if final != Stage.LISTED and n % 2 == 0:
            deadline = D(2022, 6, 30) if n % 4 == 0 else D(2027, 12, 31)
        candidate = services.candidate_add(
            actor=actor, uscc=codes[n], name=name, town=towns[(n * 7) % len(towns)], industry=industry,
            stage=start, board=board, entered_on=entered, sponsors=SPONSORS[board] if n % 4 else "",
            obstacles="；".join(rnd.sample(OBSTACLES, 2)), help_given="；".join(rnd.sample(HELP, 2)),
            deadline=None if moves else deadline,
        )  # fmt: skip
        for i, (stage, day, reason) in enumerate(moves):
            last = i == len(moves) - 1
            services.candidate_move(actor=actor, candidate=candidate, to_stage=stage, on=day, reason=reason,
                                    deadline=deadline if last else None)  # fmt: skip
            moves_made += 1
    goals = _goals(actor)
    ctx.progress(f"上市后备企业库：{len(FIRMS)} 户企业，{moves_made} 次阶段变更，{goals} 项年度目标")
    return {"listing_candidates": len(FIRMS), "listing_moves": moves_made, "listing_goals": goals}


def _goals(actor) -> int:
    """Goals a little above or at what was achieved, so some are met and some are not."""
    stretch = [1, 0, 2, 0, 1]
    n = 0
    for year in goals_progress(actor, GOAL_YEARS):
        for i, cell in enumerate(year.cells):
            count = max(1, cell.achieved + stretch[(i + year.year) % len(stretch)])
            services.goal_set(actor=actor, year=year.year, stage=cell.stage, count=count)
            n += 1
    return n
