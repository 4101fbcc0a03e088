"""The demo county's leading group (附件1): generated names (never the plan's real officials), loaded through
the import like a county's own file, then two rounds of changes so the page has a history to show."""

import numpy as np

from puhui.demo.names import person_names
from puhui.imports.engine import MODE_CREATE
from puhui.plan.leading_group_import import leading_group_import

HEADER = "姓名,小组职务,单位编码,本职职务,任职日期,离任日期,排序"
FORMED = "2020-07-28"  # the plan's date of issue
# (post, unit key as the demo county names it, title); the members follow in the annex's order.
LEADS = [
    ("组长", "GOV", "县委常委、副县长"),
    ("副组长", "JRZX", "县金融证券工作服务中心主任"),
    ("副组长", "PBOC", "县人民银行行长"),
]
CHANGES = [
    ("2021-09-01", [("组长", "GOV", "县委常委、副县长")]),
    ("2022-03-15", [("成员", "CZJ", "县财政局副局长"), ("成员", "NYNCJ", "县农业农村局副局长")]),
]


def _csv(rows) -> bytes:
    return ("\n".join([HEADER, *(",".join(str(c) for c in row) for row in rows)]) + "\n").encode("utf-8")


def leading_group_demo(ctx, rng: np.random.Generator) -> int:
    orgs = ctx.organisations
    members = [
        (key, org) for key, org in orgs.items() if org.is_leading_group_member and key not in {"GOV", "JRZX"}
    ]
    names = person_names(rng, rng.random(len(LEADS) + len(members) + 3) < 0.7)
    rows = [
        (names[i], post, orgs[key].code, title, FORMED, "", i + 1)
        for i, (post, key, title) in enumerate(LEADS)
    ]
    # The PBoC's deputy also heads the office (办公室设在县人民银行).
    rows.append((names[2], "办公室主任", orgs["PBOC"].code, "县人民银行行长", FORMED, "", 1))
    offset = len(LEADS)
    for i, (key, org) in enumerate(members):
        if key == "PBOC":
            continue
        alias = org.plan_alias or org.short_name or org.name
        rows.append((names[offset + i], "成员", org.code, f"{alias}分管负责人", FORMED, "", i + 1))
    created = _load(ctx, rows, "领导小组.csv")
    spare = iter(names[offset + len(members) :])
    for day, changes in CHANGES:
        batch = [
            (next(spare), post, orgs[key].code, title, day, "", "")
            for post, key, title in changes
            if key in orgs
        ]
        created += _load(ctx, batch, f"领导小组调整{day}.csv")
    return created


def _load(ctx, rows, filename: str) -> int:
    result = leading_group_import(
        actor=ctx.users["office"], file=_csv(rows), mode=MODE_CREATE, filename=filename
    )
    if not result.ok:  # a generator bug: say which row, not a silently empty group
        raise RuntimeError(f"{filename}: {[(e.row, e.column, e.reason) for e in result.errors]}")
    return result.created
