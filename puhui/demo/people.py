"""The demo's user accounts as pure data: one per role and organisation that a demo needs.

Names are generated (never an official's name from the plan); passwords are not made here
but at build time from `secrets`, so the seed never reveals them.
"""

from puhui.demo import ids, names
from puhui.demo.county import STREAM_PEOPLE, CountyPlan, rng_for

MEMBER_UNITS = (
    "JRZX",
    "CZJ",
    "NYNCJ",
    "FY",
    "SFJ",
    "JTJ",
)  # 金融证券工作服务中心, 财政局, 农业农村局, 法院, 司法局, 教体局
INSTITUTION_USERS = ("ADBC", "ABC", "PSBC", "RCB", "BSVB", "ICBC", "BOC", "CCB", "PICC")
AGENT_TOWNS = (2, 3, 9)  # 鲁村镇, 东里镇, 燕崖镇
VILLAGES_PER_AGENT = 3


def plan_users(plan: CountyPlan) -> list[dict]:
    rng = rng_for(plan.seed, STREAM_PEOPLE)
    users: list[dict] = [
        dict(username="office", role="office", organisation="PBOC"),
        dict(username="admin", role="admin", is_staff=True, is_superuser=True),
    ]
    users += [dict(username=f"member_{k.lower()}", role="member_unit", organisation=k) for k in MEMBER_UNITS]
    users += [
        dict(username=f"bank_{k.lower()}" if k != "PICC" else "ins_picc", role="institution", organisation=k)
        for k in INSTITUTION_USERS
    ]
    users += [dict(username=f"town_{t.code}", role="town", town=t.index) for t in plan.towns]
    for n, t in enumerate(AGENT_TOWNS, start=1):
        villages = [v for v in plan.villages_of(t) if v.kind == "village"]
        # Prefer villages that have households, so the agent has archives to look at even at tiny scales.
        ranked = sorted(villages, key=lambda v: (v.households == 0, float(rng.random())))
        chosen = sorted(ranked[:VILLAGES_PER_AGENT], key=lambda v: v.code)
        users.append(dict(username=f"agent_{n:02d}", role="agent", town=t, villages=[v.code for v in chosen]))
        # A farmer in the agent's first village that has anyone living in it.
        home = next((v for v in chosen if v.households), None)
        if home is not None:
            users.append(dict(username=f"farmer_{n:02d}", role="public", household_village=home.code))
    male = rng.random(len(users)) < 0.6
    display = names.person_names(rng, male)
    phones = ids.mobiles(rng, len(users))
    for u, name, phone in zip(users, display, phones, strict=True):
        u.setdefault("display_name", name)
        u["phone"] = phone
    return users
