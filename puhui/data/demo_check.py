"""The demo's data passes its own rules.

The demo writes its returns straight to the tables (fast), so it must write what the validator accepts:
`explain_aggregate_jumps` and `explain_loan_jump` add the 说明 a careful institution writes where a figure
moves more than the form allows year on year — the same rule as the validator (`intake._jump`).

And the check: each current submission is turned back into the rows its institution would have sent (the
API's JSON rows, the Excel form's columns) and run through the validator (`intake.receive`) in a savepoint
that is rolled back (`refused_submissions`; tests/data/test_demo_rules.py). Nothing is stored.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from puhui.data import catalogue, intake, selectors
from puhui.data.county import county_context
from puhui.data.models import AggregateValue, LoanRecord, Submission

YES_NO = {True: "是", False: "否"}
AGGREGATE_NOTE = "与上年同期相比变动较大（{items}），系网点和客户调整，数据已核实。"
LOAN_NOTE = "贷款余额合计比上年同期变动 {change:+.1f}%，系信贷投放和到期收回的正常变化，数据已核实。"


def explain_aggregate_jumps(sub: Submission, rows: list[tuple]) -> list[tuple]:
    """The rows (town_id, {item: value}, note), each row whose figures jump year on year given its 说明."""
    form = catalogue.form(sub.form)
    prev = intake._previous_approved(sub.institution, form, sub.period)
    if prev is None:
        return rows
    before = {
        (t, i): v
        for t, i, v in AggregateValue.objects.filter(submission=prev).values_list("town_id", "item", "value")
    }
    out = []
    for town_id, items, note in rows:
        jumped = [
            item.header
            for item in form.items
            if item.code in items
            and (town_id, item.code) in before
            and intake._jump(
                Decimal(str(items[item.code])),
                before[(town_id, item.code)],
                form.yoy_threshold,
                intake.MIN_CHANGE.get(item.type, 0),
            )
            is not None
        ]
        out.append(
            (town_id, items, note or (AGGREGATE_NOTE.format(items="、".join(jumped)) if jumped else ""))
        )
    return out


def explain_loan_jump(sub: Submission) -> None:
    """A loan return whose balance total jumps year on year gets its 报送说明 (when it has none)."""
    form = catalogue.form(sub.form)
    prev = intake._previous_approved(sub.institution, form, sub.period)
    if prev is None or sub.comment.strip():
        return
    before = int(prev.totals.get("balance_fen", 0))
    change = intake._jump(int(sub.totals.get("balance_fen", 0)), before, form.yoy_threshold)
    if change is not None:
        sub.comment = LOAN_NOTE.format(change=change)
        sub.save(update_fields=["comment"])


def _yuan(fen: int) -> str:
    return f"{intake.yuan(fen):.2f}"


def loan_rows(sub: Submission) -> list[dict]:
    labels = {
        "borrower_type": dict(LoanRecord.BorrowerType.choices),
        "guarantee": dict(LoanRecord.Guarantee.choices),
        "status": dict(LoanRecord.Status.choices),
    }
    collateral = {"": "", **dict(LoanRecord.Collateral.choices)}
    codes = county_context()
    out = []
    for r in LoanRecord.objects.filter(submission=sub).select_related("village", "town").order_by("row"):
        division = r.village.code if r.village_id else codes.towns[r.town_id][0]
        out.append(
            {
                "借据号": r.loan_no,
                "借款人证件号码": r.borrower_id,
                "借款人类型": str(labels["borrower_type"][r.borrower_type]),
                "所在区划代码": division,
                "贷款金额（元）": _yuan(r.amount_fen),
                "贷款余额（元）": _yuan(r.balance_fen),
                "年利率（%）": f"{r.rate.normalize():f}",
                "发放日期": r.issued_on.isoformat(),
                "到期日期": r.due_on.isoformat(),
                "担保方式": str(labels["guarantee"][r.guarantee]),
                "信用贷款": YES_NO[r.is_credit],
                "首贷": YES_NO[r.is_first],
                "涉农贷款": YES_NO[r.is_agri],
                "贷款状态": str(labels["status"][r.status]),
                "贷款产品": r.product,
                "押品类型": str(collateral[r.collateral]),
            }
        )
    return out


def guarantee_rows(sub: Submission) -> list[dict]:
    """The rows as the bank sends them (numbers in the clear, for the validator)."""
    return [
        {
            "借据号": r.loan_no,
            "借款人证件号码": r.borrower_id,
            "保证人证件号码": r.guarantor_id,
            "担保金额（元）": _yuan(r.amount_fen),
        }
        for r in selectors.guarantee_rows(sub)
    ]


def aggregate_rows(sub: Submission) -> list[dict]:
    form = catalogue.form(sub.form)
    towns = county_context().towns
    rows: dict[int, dict] = {}
    for v in AggregateValue.objects.filter(submission=sub).order_by("row", "id"):
        row = rows.setdefault(v.row, {"镇（街道）代码": towns[v.town_id][0]} if v.town_id else {})
        row[form.item(v.item).header] = f"{v.value.normalize():f}"
        if v.note:
            row["说明"] = v.note
    return [rows[k] for k in sorted(rows)]


def submission_errors(sub: Submission) -> list[tuple]:
    """The validator's errors for the submission's own rows, sent again as its institution would send them."""
    form = catalogue.form(sub.form)
    rows = (
        guarantee_rows(sub)
        if form.is_guarantees
        else loan_rows(sub)
        if form.is_loans
        else aggregate_rows(sub)
    )
    sid = transaction.savepoint()
    try:
        outcome = intake.receive(
            actor=None,
            actor_label="演示数据检查",
            institution=sub.institution,
            form=form,
            period=sub.period,
            channel=Submission.Channel.API,
            rows=rows,
            comment=sub.comment,
        )
        return list(outcome.errors)
    finally:
        transaction.savepoint_rollback(sid)


def refused_submissions(submissions=None) -> dict[Submission, list[tuple]]:
    """Every current submission (or those given) whose rows the validator would refuse, with the errors."""
    subs = submissions if submissions is not None else Submission.objects.filter(is_current=True)
    out = {}
    with transaction.atomic():
        for sub in subs.select_related("institution", "period").order_by("period__start", "form", "pk"):
            errors = submission_errors(sub)
            if errors:
                out[sub] = errors
    return out
