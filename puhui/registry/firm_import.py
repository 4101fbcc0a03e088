"""The firm register (市场主体名录) from the 市场监管局's file: small and micro firms and individual businesses,
keyed by their USCC (统一社会信用代码). Modes insert and upsert (`puhui.imports.engine`); deregistration is a date
(注销日期), so a firm deregistered in 2021 still counts in the figures for 2020 (`network.firms_as_of`).
"""

from __future__ import annotations

from typing import Any

from puhui.core.audit import audit_changed_bulk
from puhui.core.models import Division
from puhui.imports.engine import TableImport, chunks, run_import
from puhui.imports.tabular import (
    Choice,
    Column,
    Date,
    DivisionCode,
    Integer,
    Money,
    TableSpec,
    Text,
    Uscc,
)
from puhui.registry.models import Firm

KIND_ALIASES = {
    "小型": Firm.Kind.SMALL,
    "小企业": Firm.Kind.SMALL,
    "微型": Firm.Kind.MICRO,
    "微企业": Firm.Kind.MICRO,
    "个体": Firm.Kind.INDIVIDUAL,
    "个体户": Firm.Kind.INDIVIDUAL,
}


def _dates_ordered(v):
    registered, deregistered = v.get("registered_on"), v.get("deregistered_on")
    if registered and deregistered and deregistered < registered:
        yield (
            "deregistered_on",
            f"注销日期（{deregistered:%Y-%m-%d}）早于成立日期（{registered:%Y-%m-%d}）",
        )


SPEC = TableSpec(
    name="firms",
    title="市场主体",
    columns=(
        Column(
            "code",
            "统一社会信用代码",
            Uscc(),
            required=True,
            aliases=("信用代码", "社会信用代码", "USCC", "uscc"),
            help="18位，按 GB 32100 校验；由老组织机构代码转换而来、前17位都是数字的也可以",
            example="92370323MA3C4DB61L",
        ),
        Column(
            "name", "名称", Text(100), required=True, aliases=("企业名称", "字号名称"), example="鲁村乙商店"
        ),
        Column(
            "kind",
            "类型",
            Choice(Firm.Kind.choices, aliases=KIND_ALIASES),
            required=True,
            aliases=("主体类型", "市场主体类型"),
            help="小型企业、微型企业或个体工商户（也可写小型、微型、个体户）",
            example="个体工商户",
        ),
        Column(
            "industry",
            "行业",
            Text(30),
            required=True,
            aliases=("所属行业", "行业门类"),
            example="批发和零售业",
        ),
        Column(
            "town_code",
            "所在镇（街道）代码",
            DivisionCode(),
            aliases=("所在镇代码", "镇（街道）代码"),
            help="可不填；填写时须是所在村（社区）的上级",
            example="370323102000",
        ),
        Column(
            "village_code",
            "所在村（社区）代码",
            DivisionCode(),
            required=True,
            aliases=("所在村代码", "所在区划代码", "村（社区）代码"),
            help="12位统计用区划代码，须是本县已在系统中的村（社区）",
            example="370323102201",
        ),
        Column(
            "registered_on",
            "成立日期",
            Date(),
            required=True,
            aliases=("登记日期", "注册日期"),
            example="2015-03-01",
        ),
        Column(
            "deregistered_on",
            "注销日期",
            Date(),
            aliases=("吊销注销日期",),
            help="仍存续的不填；注销的市场主体留在名录中，自注销日起不再计入各项数字",
            example="",
        ),
        Column(
            "employees",
            "从业人数",
            Integer(max_value=10_000_000),
            default=0,
            aliases=("从业人员",),
            example="12",
        ),
        Column(
            "annual_revenue",
            "年营业收入（元）",
            Money(),
            default=0,
            aliases=("年营业收入", "营业收入"),
            example="3,500,000.00",
        ),
    ),
    unique=(("code",),),
    row_checks=(_dates_ordered,),
    notes=(
        "每行一个市场主体（小型企业、微型企业、个体工商户），以统一社会信用代码区分。",
        "所在村（社区）须已在系统中：请先导入行政区划。注销的市场主体填写注销日期，不要删除该行。",
    ),
)


def village_problem(code: str, village: dict | None, counties: dict[str, str]) -> str | None:
    """Why a village code cannot be used, or None. Shared by every register located in a village."""
    if code[:6] not in counties:
        shown = "、".join(f"{name}（{prefix}）" for prefix, name in sorted(counties.items())) or "系统中的县"
        return f"区划代码 {code} 不属于本县（{shown}），请检查是否填成了其他县的代码"
    if village is None:
        return f"区划代码 {code} 在系统中不存在，请先导入行政区划"
    if village["level"] != Division.Level.VILLAGE:
        return f"区划代码 {code}（{village['name']}）不是村或社区"
    return None


def villages_by_code(codes) -> tuple[dict[str, dict], dict[str, str]]:
    """Divisions by code (id, name, level, parent id and code), and the counties' code prefixes → names."""
    found = {}
    for chunk in chunks(sorted(c for c in codes if c)):
        for d in Division.objects.filter(code__in=chunk).values(
            "id", "code", "name", "level", "parent_id", "parent__code"
        ):
            found[d["code"]] = d
    counties = {
        code[:6]: name
        for code, name in Division.objects.filter(level=Division.Level.COUNTY).values_list("code", "name")
    }
    return found, counties


class FirmImport(TableImport):
    spec = SPEC
    model = Firm
    exists_reason = "该统一社会信用代码已在名录中；如需修改，请选择“新增或更新”方式导入"
    FIELDS = (
        "name",
        "kind",
        "industry",
        "village_id",
        "town_id",
        "registered_on",
        "deregistered_on",
        "employees",
        "annual_revenue",
    )

    def current_values(self, f: Firm) -> dict[str, Any]:
        return {
            "code": f.uscc,
            "name": f.name,
            "kind": f.kind,
            "industry": f.industry,
            "town_code": None,  # follows the village; checked only when the file gives it
            "village_code": f.village.code,
            "registered_on": f.registered_on,
            "deregistered_on": f.deregistered_on,
            "employees": f.employees,
            "annual_revenue": f.annual_revenue,
        }

    def check(self) -> None:
        for chunk in chunks(sorted(self.codes)):
            for firm in Firm.objects.filter(uscc__in=chunk).select_related("village"):
                self.existing[firm.uscc] = firm
        self._merge()
        self.villages, counties = villages_by_code(self._referenced("village_code"))
        for row, values in self.rejected:
            code = values.get("village_code")
            if code and (row.number, "village_code") not in self.flagged:
                problem = village_problem(code, self.villages.get(code), counties)
                if problem:
                    self.error(row, "village_code", problem)
        for row, _ex, v in self.plan:
            village = self.villages.get(v["village_code"])
            problem = village_problem(v["village_code"], village, counties)
            if problem:
                self.error(row, "village_code", problem)
            elif v.get("town_code") and v["town_code"] != village["parent__code"]:
                self.error(
                    row,
                    "town_code",
                    f"所在村（社区）{v['village_code']}（{village['name']}）属于 {village['parent__code']}，"
                    f"与所填镇（街道）代码 {v['town_code']} 不符",
                )

    def write(self) -> None:
        new: list[Firm] = []
        changes: list[tuple[Firm, dict | None]] = []
        for _row, ex, v in self.plan:
            village = self.villages[v["village_code"]]
            fields = {
                "name": v["name"],
                "kind": v["kind"],
                "industry": v["industry"],
                "village_id": village["id"],
                "town_id": village["parent_id"],
                "registered_on": v["registered_on"],
                "deregistered_on": v["deregistered_on"],
                # A blank cell is 0; a stored Decimal('0.00') stays as it is (no spurious update).
                "employees": 0 if v["employees"] is None else v["employees"],
                "annual_revenue": 0 if v["annual_revenue"] is None else v["annual_revenue"],
            }
            if ex is None:
                new.append(Firm(uscc=v["code"], **fields))
                continue
            self.stage(ex, fields, changes)
        audit_changed_bulk(actor=self.actor, changes=self.save_staged(Firm, new, changes), note=self._note())


def firm_import(**kwargs):
    return run_import(FirmImport, **kwargs)
