"""Evaluate the warning rules over one quarter's tables against the quarter before.

Inputs are already summed (the database does the GROUP BY): each bank's and each town's portfolio, each
firm's balance at each bank, and the largest exposures of each bank (to one borrower, to one guarantee
group). Amounts are whole fen, so sums are exact; ratios and shares are floats rounded for display.

A finding names its rule, its subject (a bank, a town or a firm), the severity reached, the measured value
and the evidence: the rows that triggered it, at most `EVIDENCE_ROWS`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .rules import CATEGORIES, LEVELS, MEASURES, SEVERITIES, Rule, RuleSet

EVIDENCE_ROWS = 50


@dataclass(frozen=True)
class Portfolio:
    """A bank's or a town's loans at the end of one quarter (fen): `overdue` and `npl` are the balances of
    loans in that status (exclusive), `agri` of agricultural loans, `small` of small firms'."""

    level: str  # bank | town
    subject: str
    label: str
    period: str
    balance: int
    overdue: int = 0
    npl: int = 0
    agri: int = 0
    small: int = 0


@dataclass(frozen=True)
class FirmCredit:
    """One firm's balance at one bank at the end of one quarter (fen); `unpaid`: of it, overdue or NPL."""

    firm: str
    label: str
    bank: str
    bank_label: str
    period: str
    balance: int
    unpaid: int = 0


@dataclass(frozen=True)
class Exposure:
    """A bank's balance to one borrower or one guarantee group in the current quarter, and its total (fen)."""

    kind: str  # borrower | network
    bank: str
    bank_label: str
    subject: str
    label: str
    balance: int
    bank_total: int


@dataclass
class Inputs:
    current: str
    previous: str | None
    portfolios: list[Portfolio] = field(default_factory=list)
    firm_credit: list[FirmCredit] = field(default_factory=list)
    exposures: list[Exposure] = field(default_factory=list)
    networks: bool = False  # a guarantee network was built for the current quarter


@dataclass(frozen=True)
class Finding:
    rule: Rule
    period: str
    subject_kind: str  # bank | town | firm
    subject: str
    label: str
    severity: str
    value: float
    measured: dict  # Chinese label → value shown with its unit
    evidence: dict  # {"columns": [...], "rows": [[...]], "total": n}
    banks: tuple[str, ...] = ()  # the banks concerned (a bank subject, or those that cut a firm's credit)

    @property
    def severity_label(self) -> str:
        return SEVERITIES[self.severity]

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.rule.code, self.subject_kind, self.subject)


@dataclass
class Result:
    findings: list[Finding]
    skipped: dict[str, str]  # rule code → why it was not evaluated


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100:,}.{abs(fen) % 100:02d}"


def pct(value: float) -> str:
    return f"{value:.2f}"


def _ratio(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


def _evidence(columns: list[str], rows: list[list]) -> dict:
    return {"columns": columns, "rows": rows[:EVIDENCE_ROWS], "total": len(rows)}


def _base_ok(rule: Rule, fen: int) -> bool:
    return fen > 0 and fen >= rule.min_base * 100


def _ratio_rise(rule: Rule, data: Inputs) -> list[Finding]:
    part = "npl" if rule.measure == "npl" else "overdue"
    now = {p.subject: p for p in data.portfolios if p.level == rule.level and p.period == data.current}
    before = {p.subject: p for p in data.portfolios if p.level == rule.level and p.period == data.previous}
    name = MEASURES[rule.measure]
    out = []
    for subject, cur in now.items():
        prev = before.get(subject)
        if prev is None or not (_base_ok(rule, prev.balance) and _base_ok(rule, cur.balance)):
            continue
        r0, r1 = _ratio(getattr(prev, part), prev.balance), _ratio(getattr(cur, part), cur.balance)
        rise = round(r1 - r0, 4)
        severity = rule.severity_of(rise)
        if severity is None:
            continue
        rows = [
            [q.period, yuan(q.balance), yuan(getattr(q, part)), pct(_ratio(getattr(q, part), q.balance))]
            for q in (prev, cur)
        ]
        out.append(
            Finding(
                rule=rule,
                period=data.current,
                subject_kind=rule.level,
                subject=subject,
                label=cur.label,
                severity=severity,
                value=rise,
                measured={
                    f"上季{name}（%）": pct(r0),
                    f"本季{name}（%）": pct(r1),
                    "上升（个百分点）": pct(rise),
                },
                evidence=_evidence(
                    ["报送期", "贷款余额（元）", f"{name[:-1]}余额（元）", f"{name}（%）"], rows
                ),
                banks=(subject,) if rule.level == "bank" else (),
            )
        )
    return out


def _firm_totals(rows: list[FirmCredit]) -> dict[str, dict]:
    firms: dict[str, dict] = defaultdict(lambda: {"balance": 0, "unpaid": 0, "banks": {}, "label": ""})
    for r in rows:
        f = firms[r.firm]
        f["balance"] += r.balance
        f["unpaid"] += r.unpaid
        f["label"] = f["label"] or r.label
        f["banks"][r.bank] = (r.bank_label, f["banks"].get(r.bank, ("", 0))[1] + r.balance)
    return firms


def _credit_withdrawal(rule: Rule, data: Inputs) -> list[Finding]:
    """A firm whose credit across all banks fell by the share while it kept paying (nothing overdue in
    either quarter): the banks whose balance fell are the ones concerned. All of it gone is 断贷."""
    now = _firm_totals([r for r in data.firm_credit if r.period == data.current])
    before = _firm_totals([r for r in data.firm_credit if r.period == data.previous])
    out = []
    for firm, prev in before.items():
        cur = now.get(firm, {"balance": 0, "unpaid": 0, "banks": {}, "label": ""})
        if prev["unpaid"] or cur["unpaid"] or not _base_ok(rule, prev["balance"]):
            continue
        drop = prev["balance"] - cur["balance"]
        share = round(_ratio(drop, prev["balance"]), 4)
        severity = rule.severity_of(share)
        if severity is None or drop <= 0:
            continue
        changes, banks = [], []
        for bank in sorted(set(prev["banks"]) | set(cur["banks"])):
            label, b0 = prev["banks"].get(bank, (cur["banks"].get(bank, ("", 0))[0], 0))
            b1 = cur["banks"].get(bank, (label, 0))[1]
            if b1 < b0:
                banks.append(bank)
            changes.append((b1 - b0, label, b0, b1))
        changes.sort(key=lambda c: (c[0], c[1]))  # the largest cut first
        rows = [[label, yuan(b0), yuan(b1), yuan(delta)] for delta, label, b0, b1 in changes]
        form = "断贷" if cur["balance"] == 0 else "抽贷、压贷"
        out.append(
            Finding(
                rule=rule,
                period=data.current,
                subject_kind="firm",
                subject=firm,
                label=cur["label"] or prev["label"],
                severity=severity,
                value=share,
                measured={
                    "形态": form,
                    "上季末授信余额（元）": yuan(prev["balance"]),
                    "本季末授信余额（元）": yuan(cur["balance"]),
                    "下降（%）": pct(share),
                    "涉及银行（家）": str(len(banks)),
                },
                evidence=_evidence(["银行", "上季末余额（元）", "本季末余额（元）", "变动（元）"], rows),
                banks=tuple(banks),
            )
        )
    return out


def _concentration(rule: Rule, data: Inputs, kind: str) -> list[Finding]:
    what = "借款人" if kind == "borrower" else "担保群"
    by_bank: dict[str, list[Exposure]] = defaultdict(list)
    for e in data.exposures:
        if e.kind == kind and _base_ok(rule, e.bank_total):
            by_bank[e.bank].append(e)
    out = []
    for bank, exposures in by_bank.items():
        exposures.sort(key=lambda e: -e.balance)
        flagged = [(e, round(_ratio(e.balance, e.bank_total), 4)) for e in exposures]
        flagged = [(e, s) for e, s in flagged if rule.severity_of(s) is not None]
        if not flagged:
            continue
        top, share = flagged[0]
        rows = [[e.label, yuan(e.balance), yuan(e.bank_total), pct(s)] for e, s in flagged]
        out.append(
            Finding(
                rule=rule,
                period=data.current,
                subject_kind="bank",
                subject=bank,
                label=top.bank_label,
                severity=rule.severity_of(share),
                value=share,
                measured={
                    f"最大单一{what}": top.label,
                    "占本行贷款（%）": pct(share),
                    f"超过阈值的{what}（个）": str(len(flagged)),
                },
                evidence=_evidence([what, "贷款余额（元）", "本行贷款余额（元）", "占比（%）"], rows),
                banks=(bank,),
            )
        )
    return out


def _lending_drop(rule: Rule, data: Inputs) -> list[Finding]:
    part = rule.category
    now = {p.subject: p for p in data.portfolios if p.level == "bank" and p.period == data.current}
    before = {p.subject: p for p in data.portfolios if p.level == "bank" and p.period == data.previous}
    name = CATEGORIES[part]
    out = []
    for subject, prev in before.items():
        cur = now.get(subject)
        if cur is None or not _base_ok(rule, getattr(prev, part)):
            continue
        b0, b1 = getattr(prev, part), getattr(cur, part)
        share = round(_ratio(b0 - b1, b0), 4)
        severity = rule.severity_of(share)
        if severity is None or b1 >= b0:
            continue
        rows = [[q.period, yuan(getattr(q, part)), yuan(q.balance)] for q in (prev, cur)]
        out.append(
            Finding(
                rule=rule,
                period=data.current,
                subject_kind="bank",
                subject=subject,
                label=cur.label,
                severity=severity,
                value=share,
                measured={
                    f"上季末{name}余额（元）": yuan(b0),
                    f"本季末{name}余额（元）": yuan(b1),
                    "下降（%）": pct(share),
                },
                evidence=_evidence(["报送期", f"{name}余额（元）", "各项贷款余额（元）"], rows),
                banks=(subject,),
            )
        )
    return out


def evaluate(ruleset: RuleSet, data: Inputs) -> Result:
    """Every rule over the inputs; rules that need the quarter before or a guarantee network are skipped
    (with the reason) when it is missing."""
    findings, skipped = [], {}
    for rule in ruleset.rules:
        if rule.kind == "concentration_network" and not data.networks:
            skipped[rule.code] = "本季没有生成担保网络"
            continue
        if rule.kind in {"ratio_rise", "credit_withdrawal", "lending_drop"} and not data.previous:
            skipped[rule.code] = "没有上一季度的数据"
            continue
        if rule.kind == "ratio_rise":
            found = _ratio_rise(rule, data)
        elif rule.kind == "credit_withdrawal":
            found = _credit_withdrawal(rule, data)
        elif rule.kind == "lending_drop":
            found = _lending_drop(rule, data)
        else:
            found = _concentration(rule, data, rule.kind.removeprefix("concentration_"))
        findings += sorted(found, key=lambda f: (-f.value, f.subject))
    return Result(findings, skipped)


__all__ = ["LEVELS", "Exposure", "FirmCredit", "Finding", "Inputs", "Portfolio", "Result", "evaluate"]
