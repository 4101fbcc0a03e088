"""Service points (助农取款服务点 / 普惠金融服务站) and self-service terminals from the banks' files, through the
import engine (`puhui.imports.engine`): modes insert and upsert by code, all-or-nothing, every problem at its
row and column. The rules are those of the lifecycle services (`puhui.registry.network`): a station offers
the whole functions checklist, nothing is closed before it opened, a closed point is not upgraded.

Each change of state a file brings (opened, upgraded, suspended, resumed, closed, functions changed) is also
written as a `ServicePointEvent`, so the register "as it stood on a day" stays right after an import.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from django.utils import timezone

from puhui.core import plugins
from puhui.core.audit import audit_changed_bulk, snapshot
from puhui.core.models import Organisation, OutletEvent, ServicePoint, ServicePointEvent, Terminal, User
from puhui.imports.cells import CellError, Parser
from puhui.imports.county_tables import OrganisationImport
from puhui.imports.engine import TableImport, by_code, run_import
from puhui.imports.specs import ORGANISATIONS
from puhui.imports.tabular import Boolean, Choice, Code, Column, Date, DivisionCode, TableSpec, Text
from puhui.registry.access import BANK_KINDS, network_banks_for
from puhui.registry.firm_import import village_problem, villages_by_code
from puhui.registry.network import station_missing

Event = ServicePointEvent.Kind
SEPARATORS = re.compile(r"[、,，;；/|\s]+")


class ChoiceList(Parser):
    """Several options in one cell, separated by 、 or commas; returns their codes in the list's order.

    No drop-down in the template (`choices` stays empty: a drop-down takes one value only)."""

    label = "多选"

    def __init__(self, options, aliases=None):
        self.one = Choice(options, aliases)
        self.labels = self.one.choices
        self.order = [code for code, _label in self.one.options]

    def __call__(self, value: Any) -> list[str]:
        parts = [p for p in SEPARATORS.split(str(value).strip()) if p]
        codes, bad = set(), []
        for part in parts:
            try:
                codes.add(self.one(part))
            except CellError:
                bad.append(part)
        if bad:
            raise CellError(f"“{'、'.join(bad)}”不是可选值；可选：{'、'.join(self.labels)}（多项用顿号分隔）")
        return [c for c in self.order if c in codes]

    def describe(self) -> str:
        return "可多选，用顿号“、”分隔：" + "、".join(self.labels)


FUNCTION_ALIASES = {
    "取款": "withdrawal",
    "缴费业务": "bill_payment",
    "跨行": "cross_bank",
    "电商": "ecommerce",
}
TERMINAL_KIND_ALIASES = {
    "取款机": Terminal.Kind.ATM,
    "ATM": Terminal.Kind.ATM,
    "CRS": Terminal.Kind.CRS,
    "存取款机": Terminal.Kind.CRS,
    "自助终端": Terminal.Kind.KIOSK,
    "智慧柜员机": Terminal.Kind.KIOSK,
    "POS": Terminal.Kind.POS,
    "助农机具": Terminal.Kind.RURAL,
}


def _code(key, header, help_text, example, *, required=False, aliases=()) -> Column:
    return Column(key, header, Code(32), required=required, aliases=aliases, help=help_text, example=example)


def _not_before(v, key, label, other, other_label):
    day, before = v.get(key), v.get(other)
    if day and before and day < before:
        yield key, f"{label}（{day:%Y-%m-%d}）早于{other_label}（{before:%Y-%m-%d}）"


def _not_future(*keys_labels):
    def check(v):
        today = timezone.localdate()
        for key, label in keys_labels:
            if v.get(key) and v[key] > today:
                yield key, f"{label}（{v[key]:%Y-%m-%d}）不能晚于今天"

    return check


def _point_dates(v):
    yield from _not_before(v, "closed_on", "撤销日期", "opened_on", "设立日期")
    yield from _not_before(v, "upgraded_on", "升级日期", "opened_on", "设立日期")
    yield from _not_before(v, "suspended_on", "暂停营业日期", "opened_on", "设立日期")
    if v.get("upgraded_on") and v.get("closed_on") and v["upgraded_on"] >= v["closed_on"]:
        yield "upgraded_on", f"升级日期（{v['upgraded_on']:%Y-%m-%d}）不早于撤销日期，已撤销的服务点不能升级"
    yield from _not_before(v, "closed_on", "撤销日期", "suspended_on", "暂停营业日期")


def _station_checklist(v):
    if v.get("functions") == []:
        yield "functions", "至少填写一项服务功能"
    if v.get("upgraded_on") and not v.get("is_station"):
        yield "is_station", "填写了升级日期，“普惠金融服务站”应填“是”"
    if v.get("is_station") and v.get("functions") is not None:
        missing = station_missing(v["functions"])
        if missing:
            labels = dict(ServicePoint.Function.choices)
            yield (
                "functions",
                f"普惠金融服务站须具备全部规定功能，尚缺：{'、'.join(labels[f] for f in missing)}",
            )


# Where a point or a terminal stands: the same column in both registers (a Column is frozen, shared safely).
VILLAGE = Column(
    "village_code",
    "所在村（社区）代码",
    DivisionCode(),
    required=True,
    aliases=("所在村代码",),
    help="12位统计用区划代码，须是本县已在系统中的村（社区）",
    example="370323102201",
)


SERVICE_POINTS = TableSpec(
    name="service_points",
    title="助农取款服务点",
    columns=(
        _code(
            "code",
            "服务点编号",
            "全县唯一，字母、数字和 - _ . /",
            "SP-ABC-0001",
            required=True,
            aliases=("编号",),
        ),
        Column("name", "名称", Text(100), required=True, aliases=("服务点名称",), example="鲁村1村服务点"),
        _code(
            "bank_code",
            "签约银行机构编码",
            "签约银行（县级支行或其网点）在本平台的机构编码，须已在系统中",
            "ABC-YY",
            required=True,
            aliases=("签约银行编码", "银行机构编码"),
        ),
        VILLAGE,
        Column(
            "functions",
            "服务功能",
            ChoiceList(ServicePoint.Function.choices, FUNCTION_ALIASES),
            required=True,
            aliases=("功能",),
            help="多项用顿号分隔；普惠金融服务站须具备小额取款、转账、汇款、缴费、跨行支付、金融知识宣传、反假货币、纠纷协调",
            example="小额取款、转账、汇款、缴费",
        ),
        Column(
            "is_station",
            "普惠金融服务站",
            Boolean(),
            default=False,
            aliases=("已升级为普惠金融服务站", "是否普惠金融服务站"),
            help="已升级为普惠金融服务站的填“是”",
            example="否",
        ),
        Column("opened_on", "设立日期", Date(), aliases=("开办日期",), example="2016-05-20"),
        Column(
            "upgraded_on",
            "升级日期",
            Date(),
            aliases=("升级为服务站日期",),
            help="升级为普惠金融服务站的日期",
            example="",
        ),
        Column(
            "suspended_on",
            "暂停营业日期",
            Date(),
            aliases=("暂停日期",),
            help="正在暂停营业的填写；恢复营业后清空该格",
            example="",
        ),
        Column(
            "closed_on",
            "撤销日期",
            Date(),
            aliases=("注销日期",),
            help="已撤销的填写，不要删除该行",
            example="",
        ),
    ),
    unique=(("code",),),
    row_checks=(
        _point_dates,
        _station_checklist,
        _not_future(
            ("opened_on", "设立日期"),
            ("upgraded_on", "升级日期"),
            ("suspended_on", "暂停营业日期"),
            ("closed_on", "撤销日期"),
        ),
    ),
    notes=(
        "每行一个助农取款服务点（含已升级的普惠金融服务站），以服务点编号区分。",
        "签约银行和所在村（社区）须已在系统中：请先导入机构和行政区划。撤销的服务点填写撤销日期，不要删除该行。",
    ),
)


def _terminal_places(v):
    yield from _not_before(v, "retired_on", "撤除日期", "installed_on", "布放日期")
    yield from _not_before(v, "bill_payment_since", "实时缴费开通日期", "installed_on", "布放日期")
    if v.get("outlet_code") and v.get("service_point_code"):
        yield "service_point_code", "所在网点和所在服务点只能填一项"
    if not v.get("bill_payment"):
        if v.get("bill_items"):
            yield "bill_items", "未开通实时缴费的机具不填缴费项目"
        if v.get("bill_payment_since"):
            yield "bill_payment_since", "未开通实时缴费的机具不填开通日期"


TERMINALS = TableSpec(
    name="terminals",
    title="自助机具",
    columns=(
        _code(
            "code",
            "机具编号",
            "全县唯一，字母、数字和 - _ . /",
            "T-ABC-0001",
            required=True,
            aliases=("编号", "设备编号"),
        ),
        Column(
            "kind",
            "类型",
            Choice(Terminal.Kind.choices, aliases=TERMINAL_KIND_ALIASES),
            required=True,
            aliases=("机具类型",),
            example="ATM取款机",
        ),
        _code(
            "bank_code",
            "所属银行机构编码",
            "所属银行在本平台的机构编码，须已在系统中",
            "ABC-YY",
            required=True,
            aliases=("银行机构编码",),
        ),
        VILLAGE,
        _code(
            "outlet_code",
            "所在网点编码",
            "布放在本行网点的填网点的机构编码；与所在服务点只填一项",
            "ABC-YY-01",
        ),
        _code(
            "service_point_code",
            "所在服务点编号",
            "布放在服务点的填服务点编号，须已在系统中（先导入服务点）",
            "",
        ),
        Column("bill_payment", "开通实时缴费", Boolean(), default=False, aliases=("实时缴费",), example="是"),
        Column(
            "bill_items",
            "缴费项目",
            ChoiceList(Terminal.BillItem.choices, {"水电费": "water", "养老保险费": "pension"}),
            default=[],
            help="开通实时缴费的填写，多项用顿号分隔",
            example="水费、电费、燃气费",
        ),
        Column("bill_payment_since", "实时缴费开通日期", Date(), example="2020-06-30"),
        Column("installed_on", "布放日期", Date(), aliases=("启用日期",), example="2018-09-01"),
        Column(
            "retired_on",
            "撤除日期",
            Date(),
            aliases=("停用日期",),
            help="已撤除的填写，不要删除该行",
            example="",
        ),
    ),
    unique=(("code",),),
    row_checks=(
        _terminal_places,
        _not_future(
            ("installed_on", "布放日期"),
            ("retired_on", "撤除日期"),
            ("bill_payment_since", "实时缴费开通日期"),
        ),
    ),
    notes=(
        "每行一台自助机具（ATM、存取款一体机、自助服务终端、助农终端、POS机），以机具编号区分。",
        "POS机登记在册，但不计入“银行自助机具数”。撤除的机具填写撤除日期，不要删除该行。",
    ),
)


def allowed_bank_codes(actor) -> set[str] | None:
    """The bank codes an actor may load rows for; None for everyone's (the office, administrators, the CLI).
    An API token acts as its organisation's staff (`TokenActor.user`)."""
    user = getattr(actor, "user", actor)
    if not isinstance(user, User) or user.role in {User.Role.OFFICE, User.Role.ADMIN}:
        return None
    return set(network_banks_for(user).values_list("code", flat=True))


class _BankImport(TableImport):
    """What the two registers share: the bank (and its scope) and the village of each row."""

    def _banks(self) -> None:
        self.banks = by_code(
            Organisation.objects.values("id", "code", "name", "kind", "path", "level", "closed_on"),
            self._referenced("bank_code"),
        )
        self.allowed = allowed_bank_codes(self.actor)
        self.villages, self.counties = villages_by_code(self._referenced("village_code"))
        if self.allowed is not None:
            # A code another bank already uses: named, nothing said about whose it is.
            for row, ex, _v in self.plan:
                if ex is not None and ex.bank.code not in self.allowed:
                    self.error(row, "code", "该编号已被其他机构使用，不能修改")

    def current_values(self, obj) -> dict[str, Any]:
        """The record in the file's columns, in their order: a `<relation>_code` column holds the related
        record's code (None without one); a list is copied, so a row's values never share the record's."""
        values = {}
        for key in (column.key for column in self.spec.columns):
            if key.endswith("_code"):
                related = getattr(obj, key.removesuffix("_code"))
                value = None if related is None else related.code
            else:
                value = getattr(obj, key)
            values[key] = list(value) if isinstance(value, list) else value
        return values

    def _place_ids(self, v) -> dict[str, int]:
        """A planned row's bank and village as the record's foreign keys."""
        return {
            "bank_id": self.banks[v["bank_code"]]["id"],
            "village_id": self.villages[v["village_code"]]["id"],
        }

    def _bank_problem(self, code: str) -> str | None:
        bank = self.banks.get(code)
        if bank is None:
            return f"机构编码 {code} 在系统中不存在，请先导入机构"
        if bank["kind"] not in BANK_KINDS:
            return f"{bank['name']}（{code}）不是银行"
        if self.allowed is not None and code not in self.allowed:
            return f"{bank['name']}（{code}）不是本机构或本机构的下属机构，不能导入其数据"
        return None

    def _check_places(self) -> None:
        for row, values in [*self.rejected, *((r, v) for r, _ex, v in self.plan)]:
            for key, problem in (
                ("bank_code", values.get("bank_code") and self._bank_problem(values["bank_code"])),
                (
                    "village_code",
                    values.get("village_code")
                    and village_problem(
                        values["village_code"], self.villages.get(values["village_code"]), self.counties
                    ),
                ),
            ):
                if problem and (row.number, key) not in self.flagged:
                    self.error(row, key, problem)

    def _store(self, build) -> list:
        """Create or update each planned row with `build(values) -> fields`; returns (obj, before) pairs."""
        new, changes = [], []
        for _row, ex, v in self.plan:
            fields = build(v)
            if ex is None:
                new.append(self.model(code=v["code"], **fields))
                continue
            self.stage(ex, fields, changes)
        return self.save_staged(self.model, new, changes)


class ServicePointImport(_BankImport):
    spec = SERVICE_POINTS
    model = ServicePoint
    exists_reason = "服务点编号已存在于系统中；如需修改，请选择“新增或更新”方式导入"

    def check(self) -> None:
        self.existing = by_code(ServicePoint.objects.select_related("bank", "village"), self.codes)
        self._merge()
        self._banks()
        self._check_places()
        for row, ex, v in self.plan:
            if ex is not None and ex.closed_on and v["is_station"] and not ex.is_station:
                self.error(
                    row, "is_station", f"服务点已于 {ex.closed_on:%Y-%m-%d} 撤销，不能升级为普惠金融服务站"
                )
        self._check_offers()

    def _check_offers(self) -> None:
        """A new point, or one whose functions change, offers only what its bank offers at its stations (kept
        by another app when installed, as on the pages); asked once per bank and set of functions."""
        try:
            allowed = plugins.service("station_functions_allowed")
        except LookupError:
            return
        rows = [
            (row, v)
            for row, ex, v in self.plan
            if v["bank_code"] in self.banks
            and (row.number, "bank_code") not in self.flagged
            and (ex is None or sorted(ex.functions) != sorted(v["functions"]))
        ]
        orgs = Organisation.objects.in_bulk({self.banks[v["bank_code"]]["id"] for _r, v in rows})
        answers: dict[tuple, str] = {}
        for row, v in rows:
            key = (v["bank_code"], tuple(sorted(v["functions"])))
            if key not in answers:
                answers[key] = allowed(bank=orgs[self.banks[v["bank_code"]]["id"]], functions=v["functions"])
            if answers[key]:
                self.error(row, "functions", answers[key])

    def write(self) -> None:
        self.before = {ex.pk: self.current_values(ex) for _r, ex, _v in self.plan if ex is not None}

        def build(v):
            return {
                "name": v["name"],
                **self._place_ids(v),
                "functions": v["functions"],
                "is_station": bool(v["is_station"]),
                "opened_on": v["opened_on"],
                "upgraded_on": v["upgraded_on"],
                "suspended_on": v["suspended_on"],
                "closed_on": v["closed_on"],
            }

        changes = self._store(build)
        ServicePointEvent.objects.bulk_create(
            [e for obj, _b in changes for e in self._events(obj)], batch_size=1000
        )
        audit_changed_bulk(actor=self.actor, changes=changes, note=self._note())

    def _events(self, p: ServicePoint) -> list[ServicePointEvent]:
        """The steps this import takes the point through; a step without its own date is dated today."""
        today = timezone.localdate()
        old = self.before.get(p.pk) or {"functions": None, "is_station": False}
        note = self._note()[:200]
        steps = []
        if p.pk not in self.before and p.opened_on:
            steps.append((Event.OPENED, p.opened_on, None, p.functions))
        if p.is_station and not old["is_station"]:
            steps.append((Event.UPGRADED, p.upgraded_on or today, old["functions"], p.functions))
        elif old["functions"] is not None and p.functions != old["functions"]:
            steps.append((Event.CHANGED, today, old["functions"], p.functions))
        if p.suspended_on and p.suspended_on != old.get("suspended_on"):
            steps.append((Event.SUSPENDED, p.suspended_on, None, None))
        elif old.get("suspended_on") and not p.suspended_on:
            steps.append((Event.RESUMED, p.closed_on or today, None, None))
        if p.closed_on and not old.get("closed_on"):
            steps.append((Event.CLOSED, p.closed_on, None, None))
        return [
            ServicePointEvent(point=p, kind=k, on=on, functions_before=b, functions=a, note=note)
            for k, on, b, a in steps
        ]


class TerminalImport(_BankImport):
    spec = TERMINALS
    model = Terminal
    exists_reason = "机具编号已存在于系统中；如需修改，请选择“新增或更新”方式导入"

    def check(self) -> None:
        self.existing = by_code(
            Terminal.objects.select_related("bank", "village", "outlet", "service_point"), self.codes
        )
        self._merge()
        self._banks()
        self._check_places()
        self.outlets = by_code(
            Organisation.objects.values("id", "code", "name", "level", "path", "closed_on"),
            self._referenced("outlet_code"),
        )
        self.points = by_code(
            ServicePoint.objects.values("id", "code", "name", "bank__path", "closed_on"),
            self._referenced("service_point_code"),
        )
        for row, _ex, v in self.plan:
            self._check_outlet(row, v)
            self._check_point(row, v)

    def _check_outlet(self, row, v) -> None:
        code = v.get("outlet_code")
        if not code:
            return
        outlet, bank = self.outlets.get(code), self.banks.get(v["bank_code"])
        if outlet is None:
            self.error(row, "outlet_code", f"网点编码 {code} 在系统中不存在")
        elif outlet["level"] != Organisation.Level.OUTLET:
            self.error(row, "outlet_code", f"{outlet['name']}（{code}）不是网点")
        elif bank is not None and not outlet["path"].startswith(bank["path"]):
            self.error(row, "outlet_code", f"网点 {outlet['name']} 不属于 {bank['name']}")
        elif outlet["closed_on"] and (not v["installed_on"] or v["installed_on"] >= outlet["closed_on"]):
            self.error(row, "outlet_code", f"网点 {outlet['name']} 已于 {outlet['closed_on']:%Y-%m-%d} 撤销")

    def _check_point(self, row, v) -> None:
        code = v.get("service_point_code")
        if not code:
            return
        point, bank = self.points.get(code), self.banks.get(v["bank_code"])
        if point is None:
            self.error(row, "service_point_code", f"服务点编号 {code} 在系统中不存在，请先导入服务点")
        elif bank is not None and not point["bank__path"].startswith(bank["path"]):
            self.error(row, "service_point_code", f"服务点 {point['name']} 不是 {bank['name']} 签约的")
        elif point["closed_on"] and (not v["installed_on"] or v["installed_on"] >= point["closed_on"]):
            self.error(
                row, "service_point_code", f"服务点 {point['name']} 已于 {point['closed_on']:%Y-%m-%d} 撤销"
            )

    def write(self) -> None:
        def build(v):
            outlet, point = v.get("outlet_code"), v.get("service_point_code")
            return {
                "kind": v["kind"],
                **self._place_ids(v),
                "outlet_id": self.outlets[outlet]["id"] if outlet else None,
                "service_point_id": self.points[point]["id"] if point else None,
                "bill_payment": bool(v["bill_payment"]),
                "bill_items": v["bill_items"] or [],
                "bill_payment_since": v["bill_payment_since"],
                "installed_on": v["installed_on"],
                "retired_on": v["retired_on"],
            }

        audit_changed_bulk(actor=self.actor, changes=self._store(build), note=self._note())


def service_point_import(**kwargs):
    return run_import(ServicePointImport, **kwargs)


def terminal_import(**kwargs):
    return run_import(TerminalImport, **kwargs)


def _outlet_suspension(v):
    yield from _not_before(v, "suspended_on", "暂停营业日期", "opened_on", "开业日期")
    if v.get("suspended_on") and v.get("closed_on") and v["suspended_on"] >= v["closed_on"]:
        yield "suspended_on", "暂停营业日期不早于撤销日期：已撤销的网点不再暂停营业，请清空该格"


# The organisations' columns and a suspension date: the banks' API keeps its outlets' 暂停营业 current.
OUTLETS = dataclasses.replace(
    ORGANISATIONS,
    name="outlets",
    title="网点",
    columns=(
        *ORGANISATIONS.columns,
        Column(
            "suspended_on",
            "暂停营业日期",
            Date(),
            aliases=("暂停日期",),
            help="正在暂停营业的网点填写；恢复营业后清空",
            example="",
        ),
    ),
    row_checks=(
        *ORGANISATIONS.row_checks,
        _outlet_suspension,
        _not_future(("suspended_on", "暂停营业日期")),
    ),
)


class OutletImport(OrganisationImport):
    """A bank's outlets (organisations of level 网点) through the organisation import, with the bank's scope:
    every row an outlet, under one of the caller's own organisations; a code another bank uses is refused.
    A change of 暂停营业日期 is a suspension or a resumption (`OutletEvent`), as on the outlet's page."""

    spec = OUTLETS

    def current_values(self, o: Organisation) -> dict[str, Any]:
        return {**super().current_values(o), "suspended_on": o.suspended_on}

    def write(self) -> None:
        was = {ex.code: ex.suspended_on for _r, ex, _v in self.plan if ex is not None}
        super().write()
        wanted = {v["code"]: v.get("suspended_on") for _r, _ex, v in self.plan}
        today, note = timezone.localdate(), self._note()[:200]
        changes, events = [], []
        for outlet in Organisation.objects.filter(code__in=list(wanted)):
            old, new = was.get(outlet.code), wanted[outlet.code]
            if old == new:
                continue
            before = snapshot(outlet)
            if new is not None:
                events.append(OutletEvent(outlet=outlet, kind=OutletEvent.Kind.SUSPENDED, on=new, note=note))
            elif old is not None:
                on = outlet.closed_on or today
                events.append(OutletEvent(outlet=outlet, kind=OutletEvent.Kind.RESUMED, on=on, note=note))
            outlet.suspended_on = new
            changes.append((outlet, before))
        Organisation.objects.bulk_update([o for o, _b in changes], ["suspended_on"])
        OutletEvent.objects.bulk_create(events)
        if changes:
            audit_changed_bulk(actor=self.actor, changes=changes, note=f"{note}（暂停营业日期）")

    def check(self) -> None:
        super().check()
        allowed = allowed_bank_codes(self.actor)
        if allowed is None:
            return
        for row, ex, v in self.plan:
            if ex is not None and ex.code not in allowed:
                self.error(row, "code", "该机构编码已被其他机构使用，不能修改")
            elif v["level"] != Organisation.Level.OUTLET:
                self.error(row, "level", "通过接口只能维护本机构的网点（层级应为“网点”）")
            elif not v["parent_code"]:
                self.error(row, "parent_code", "请填写上级机构编码（本机构或本机构的下属机构）")
            elif v["parent_code"] not in allowed and v["parent_code"] not in self.merged:
                self.error(row, "parent_code", f"上级机构 {v['parent_code']} 不是本机构或本机构的下属机构")


def outlet_import(**kwargs):
    return run_import(OutletImport, **kwargs)
