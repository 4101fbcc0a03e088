"""The shipped catalogue (YAML next to this module): forms, indicators, targets; and the grammar of sources.

Forms are code-level definitions (the templates and validators are generated from them). Indicators and
targets are loaded into the database as version 1 by `catalogue_sync` and edited there by the office.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from django.apps import apps

from puhui.core import plugins
from puhui.core.models import Organisation
from puhui.data import formula
from puhui.data.models import LEVELS

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"
STOCK, FLOW, DISTINCT = "stock", "flow", "distinct"


# ---------------------------------------------------------------- forms


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    unit: str
    type: str  # money | integer | number
    kind: str  # stock | flow

    @property
    def header(self) -> str:
        return f"{self.label}（{self.unit}）"


@dataclass(frozen=True)
class FormDef:
    code: str
    title: str
    kind: str  # loans | guarantees | aggregate
    frequency: str
    clause: str
    description: str
    submitter_kinds: frozenset[str]
    submitter_aliases: frozenset[str]
    yoy_threshold: float
    by_town: bool = True
    items: tuple[Item, ...] = ()
    checks: tuple[tuple[str, str, str, str], ...] = ()

    @property
    def is_loans(self) -> bool:
        return self.kind == "loans"

    @property
    def is_guarantees(self) -> bool:
        return self.kind == "guarantees"

    @property
    def is_aggregate(self) -> bool:
        return self.kind == "aggregate"

    def item(self, code: str) -> Item | None:
        return next((i for i in self.items if i.code == code), None)

    def applies_to(self, org: Organisation) -> bool:
        """County-level units submit; outlets report through their branch."""
        if org.level != Organisation.Level.BRANCH or org.closed_on is not None:
            return False
        return org.kind in self.submitter_kinds or (
            bool(org.plan_alias) and org.plan_alias in self.submitter_aliases
        )


@cache
def forms() -> dict[str, FormDef]:
    data = yaml.safe_load((CATALOGUE_DIR / "forms.yaml").read_text(encoding="utf-8"))
    out = {}
    for f in data["forms"]:
        submitters = f.get("submitters", {})
        out[f["code"]] = FormDef(
            code=f["code"],
            title=f["title"],
            kind=f["kind"],
            frequency=f["frequency"],
            clause=str(f.get("clause", "")),
            description=" ".join(str(f.get("description", "")).split()),
            submitter_kinds=frozenset(submitters.get("kinds", ())),
            submitter_aliases=frozenset(submitters.get("plan_aliases", ())),
            yoy_threshold=float(f.get("yoy_threshold", 50)),
            by_town=bool(f.get("by_town", True)),
            items=tuple(Item(**i) for i in f.get("items", ())),
            checks=tuple(tuple(c) for c in f.get("checks", ())),
        )
    return out


# The returns other apps read row by row: the loan book (kind loans) and the guarantees behind it (kind guarantees).
LOANS_FORM = "loans"
GUARANTEES_FORM = "guarantees"


def form(code: str) -> FormDef | None:
    return forms().get(code)


def forms_for_organisation(org: Organisation) -> list[FormDef]:
    return [f for f in forms().values() if f.applies_to(org)]


def submitting_organisations():
    """Every organisation that must submit at least one form (a small table: county-level units)."""
    candidates = Organisation.objects.filter(level=Organisation.Level.BRANCH, closed_on__isnull=True)
    return [o for o in candidates.order_by("path") if forms_for_organisation(o)]


# ---------------------------------------------------------------- sources


LOAN_MEASURES = {
    # measure: (stock/flow/distinct, Chinese description)
    "balance": (STOCK, "期末余额"),
    "issued": (FLOW, "本期发放金额"),
    "count": (STOCK, "期末有余额的贷款笔数"),
    "issued_count": (FLOW, "本期发放笔数"),
    "borrowers": (DISTINCT, "期末有余额的借款人数（去重）"),
    "rate_issued": (FLOW, "本期发放贷款的利率×金额"),
}
LOAN_FLAGS = {"is_agri": "涉农贷款", "is_credit": "信用贷款", "is_first": "首贷"}
LOAN_CHOICE_FILTERS = {
    "type": ("borrower_type", {"farm", "small", "individual", "other"}),
    "status": ("status", {"normal", "overdue", "npl"}),
}
PLATFORM_SOURCES = {
    # name: (levels, Chinese description)
    "population": (("village", "town", "county"), "户籍人口"),
    "households": (("village", "town", "county"), "户数"),
    "farm_households": (("village", "town", "county"), "农户数"),
    "small_firms": (("village", "town", "county"), "小微企业和个体工商户数"),
    "service_points": (("institution", "village", "town", "county"), "助农取款服务点数"),
    "stations": (("institution", "village", "town", "county"), "普惠金融服务站数（现状）"),
    "terminals": (("institution", "village", "town", "county"), "银行自助机具数"),
    "terminals_bill": (("institution", "village", "town", "county"), "开通实时缴费的自助机具数（现状）"),
    # From the rural credit system (puhui.credit), when it is installed.
    "credit_archived": (("village", "town", "county"), "平台中已核实的完整农户信用档案数（期末）"),
    "credit_precredit": (("village", "town", "county"), "期末持有有效预授信额度的农户数"),
}
CREDIT_SOURCES = {"credit_archived", "credit_precredit"}
_LOAN_SOURCE_RE = re.compile(r"([a-z_]+)(?:\[([^\]]*)\])?")


@dataclass(frozen=True)
class LoanSource:
    measure: str
    flags: tuple[str, ...] = ()
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (model field, allowed values)

    @property
    def kind(self) -> str:
        return LOAN_MEASURES[self.measure][0]

    @property
    def key(self) -> str:
        """A column name unique to measure + filters."""
        parts = [self.measure, *self.flags]
        parts += [f"{f}_{'_'.join(v)}" for f, v in self.choices]
        return "__".join(parts)

    def describe(self) -> str:
        """In words, for the pages: 期末余额（涉农贷款，借款人：农户、个体工商户）."""
        from puhui.data.models import LoanRecord

        names = {
            "borrower_type": ("借款人", dict(LoanRecord.BorrowerType.choices)),
            "status": ("贷款状态", dict(LoanRecord.Status.choices)),
        }
        parts = [LOAN_FLAGS[f] for f in self.flags]
        for field_name, values in self.choices:
            label, choices = names[field_name]
            parts.append(f"{label}：{'、'.join(str(choices.get(v, v)) for v in values)}")
        measure = LOAN_MEASURES[self.measure][1]
        return f"{measure}（{'，'.join(parts)}）" if parts else measure

    def row_filter(self) -> dict:
        """Django lookups selecting the loans this source adds up (the issued-in-period part is the caller's)."""
        out = {flag: True for flag in self.flags}
        for field_name, values in self.choices:
            out[f"{field_name}__in"] = list(values)
        if self.measure in {"count", "borrowers"}:
            out["balance_fen__gt"] = 0
        return out


def parse_loan_source(text: str) -> LoanSource:
    m = _LOAN_SOURCE_RE.fullmatch(text.replace(" ", ""))
    if not m or m.group(1) not in LOAN_MEASURES:
        raise ValueError(
            f"贷款明细来源“{text}”无法识别：度量应为 {'、'.join(LOAN_MEASURES)} 之一，如 balance[is_agri]"
        )
    flags, choices = [], []
    for part in filter(None, (m.group(2) or "").split(",")):
        if part in LOAN_FLAGS:
            flags.append(part)
            continue
        name, _, values = part.partition("=")
        if name not in LOAN_CHOICE_FILTERS or not values:
            raise ValueError(f"贷款明细来源“{text}”中的条件“{part}”无法识别")
        field_name, allowed = LOAN_CHOICE_FILTERS[name]
        picked = tuple(sorted(set(values.split("|"))))
        if not set(picked) <= allowed:
            raise ValueError(f"贷款明细来源“{text}”中“{name}”只能取 {'、'.join(sorted(allowed))}")
        choices.append((field_name, picked))
    return LoanSource(m.group(1), tuple(sorted(flags)), tuple(sorted(choices)))


@dataclass(frozen=True)
class ItemSource:
    form: str
    item: str

    @property
    def kind(self) -> str:
        return forms()[self.form].item(self.item).kind

    @property
    def levels(self) -> tuple[str, ...]:
        return ("institution", "town", "county") if forms()[self.form].by_town else ("institution", "county")


def parse_item_source(text: str) -> ItemSource:
    form_code, _, item_code = text.strip().partition(".")
    f = forms().get(form_code)
    if f is None or f.is_loans or f.item(item_code) is None:
        raise ValueError(f"报表项目“{text}”不存在，应写成“报表编码.项目编码”，如 channels.sp_total")
    return ItemSource(form_code, item_code)


def source_levels(source_kind: str, source: str) -> tuple[str, ...]:
    """Where a non-formula source can exist at all."""
    if source_kind == "item":
        return parse_item_source(source).levels
    if source_kind == "loans":
        parse_loan_source(source)
        return ("institution", "town", "county")
    if source_kind == "platform":
        hooked = plugins.data_sources()
        if source in hooked:
            return hooked[source].levels
        if source not in PLATFORM_SOURCES:
            known = "、".join([*PLATFORM_SOURCES, *hooked])
            raise ValueError(f"平台数据来源“{source}”不存在，可用：{known}")
        if source in CREDIT_SOURCES and not apps.is_installed("puhui.credit"):
            raise ValueError(f"平台数据来源“{source}”来自农村信用体系子系统，本平台尚未安装")
        return PLATFORM_SOURCES[source][0]
    raise ValueError(f"未知的来源类型“{source_kind}”")


def validate_source(source_kind: str, source: str, *, known_codes: set[str], own_code: str) -> None:
    """Raise ValueError (Chinese) if a catalogue entry's source cannot be computed."""
    if source_kind == "formula":
        try:
            used = formula.names(source)
        except formula.FormulaError as e:
            raise ValueError(str(e)) from None
        unknown = [n for n in used if n not in known_codes]
        if unknown:
            raise ValueError(f"公式引用了不存在的指标：{'、'.join(unknown)}")
        if own_code in used:
            raise ValueError("公式不能引用指标自身")
        return
    source_levels(source_kind, source)


@dataclass
class CatalogueFile:
    indicators: list[dict] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)


def shipped() -> CatalogueFile:
    ind = yaml.safe_load((CATALOGUE_DIR / "indicators.yaml").read_text(encoding="utf-8"))["indicators"]
    tgt = yaml.safe_load((CATALOGUE_DIR / "targets.yaml").read_text(encoding="utf-8"))["targets"]
    return CatalogueFile(indicators=ind, targets=tgt)


def validate_levels(levels) -> list[str]:
    levels = list(levels)
    bad = [lv for lv in levels if lv not in LEVELS]
    if bad or not levels:
        raise ValueError(f"统计层级只能是 {'、'.join(LEVELS)}")
    return [lv for lv in LEVELS if lv in levels]
