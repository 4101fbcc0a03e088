"""Writes of the monetary policy tools: `<noun>_<verb>(*, actor, ...)`, each one transaction, each audited.

Every check raises `ValidationError` with a Chinese message naming the field; a refused write stores
nothing. The ledger's sums are checked under a row lock on the line (`select_for_update`), so two draws
entered at the same moment cannot together exceed the line.
"""

import datetime
import time
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, FloatField, Sum
from django.db.models.functions import Cast, ExtractMonth

from puhui.core.audit import audit_changed, audit_record, snapshot
from puhui.core.models import AuditLog, Organisation
from puhui.core.periods import date_cn
from puhui.data.catalogue import LOANS_FORM
from puhui.data.derived import effective_submissions
from puhui.data.models import LoanRecord, ReportingPeriod, Submission
from puhui.monetary import access
from puhui.monetary.models import (
    FinancedLoan,
    LprQuote,
    RateCell,
    RateRefresh,
    RelendingDraw,
    RelendingLine,
    RelendingRepayment,
    yuan,
)

MAX_FEN = 10**15  # 10 万亿元: anything above is a typing error


def to_fen(amount, label: str, field: str) -> int:
    """Yuan (Decimal, int or text) → whole fen; positive, at most two decimals."""
    try:
        value = Decimal(str(amount).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"{label}“{amount}”不是数字。"}) from None
    if not value.is_finite() or value <= 0:
        raise ValidationError({field: f"{label}须大于 0 元。"})
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError({field: f"{label}最多两位小数（分）。"})
    fen = int(value * 100)
    if fen > MAX_FEN:
        raise ValidationError({field: f"{label}过大：{value:,} 元。"})
    return fen


def _money(fen: int) -> str:
    return f"{yuan(fen):,} 元"


def _locked(line: RelendingLine) -> RelendingLine:
    return RelendingLine.objects.select_for_update().select_related("bank").get(pk=line.pk)


def _sums(line: RelendingLine) -> tuple[int, int]:
    drawn = line.draws.aggregate(s=Sum("amount_fen"))["s"] or 0
    repaid = line.repayments.aggregate(s=Sum("amount_fen"))["s"] or 0
    return drawn, repaid


# ---------------------------------------------------------------- lines


def _check_line(*, bank, rate, granted_on, due_on) -> None:
    if not access.lender_choices().filter(pk=bank.pk).exists():
        raise ValidationError({"bank": f"“{bank.name}”不是县级银行业金融机构，不能发放再贷款额度。"})
    if rate is None or not (Decimal(0) <= Decimal(rate) <= Decimal(20)):
        raise ValidationError({"rate": f"利率须在 0% 到 20% 之间，填写的是 {rate}%。"})
    if due_on <= granted_on:
        raise ValidationError(
            {"due_on": f"到期日期（{date_cn(due_on)}）须晚于发放日期（{date_cn(granted_on)}）。"}
        )


@transaction.atomic
def line_create(
    *, actor, bank: Organisation, kind: str, amount, rate, granted_on, due_on, doc_no="", note=""
) -> RelendingLine:
    if kind not in RelendingLine.Kind.values:
        raise ValidationError({"kind": f"工具类型“{kind}”不在可选范围内。"})
    amount_fen = to_fen(amount, "额度", "amount")
    _check_line(bank=bank, rate=rate, granted_on=granted_on, due_on=due_on)
    line = RelendingLine.objects.create(
        bank=bank,
        kind=kind,
        amount_fen=amount_fen,
        rate=Decimal(rate),
        granted_on=granted_on,
        due_on=due_on,
        doc_no=doc_no.strip(),
        note=note.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) and actor.pk else None,
    )
    audit_changed(actor=actor, obj=line, before=None, note="登记再贷款再贴现额度")
    return line


@transaction.atomic
def line_update(
    *, actor, line: RelendingLine, kind: str, amount, rate, granted_on, due_on, doc_no="", note=""
) -> RelendingLine:
    line = _locked(line)
    before = snapshot(line)
    if kind not in RelendingLine.Kind.values:
        raise ValidationError({"kind": f"工具类型“{kind}”不在可选范围内。"})
    amount_fen = to_fen(amount, "额度", "amount")
    _check_line(bank=line.bank, rate=rate, granted_on=granted_on, due_on=due_on)
    drawn, _repaid = _sums(line)
    if amount_fen < drawn:
        raise ValidationError(
            {"amount": f"额度 {_money(amount_fen)}少于已支用的 {_money(drawn)}，不能调减到支用额以下。"}
        )
    first = min(
        [d.drawn_on for d in line.draws.all()] + [r.repaid_on for r in line.repayments.all()],
        default=None,
    )
    if first is not None and granted_on > first:
        raise ValidationError(
            {"granted_on": f"发放日期不能晚于已登记的最早支用或归还日期（{date_cn(first)}）。"}
        )
    line.kind, line.amount_fen, line.rate = kind, amount_fen, Decimal(rate)
    line.granted_on, line.due_on = granted_on, due_on
    line.doc_no, line.note = doc_no.strip(), note.strip()
    line.save()
    audit_changed(actor=actor, obj=line, before=before, note="修改再贷款再贴现额度")
    return line


# ---------------------------------------------------------------- draws and repayments


@transaction.atomic
def draw_add(*, actor, line: RelendingLine, amount, drawn_on, due_on, note="") -> RelendingDraw:
    line = _locked(line)
    fen = to_fen(amount, "支用金额", "amount")
    if drawn_on < line.granted_on:
        raise ValidationError(
            {
                "drawn_on": f"支用日期（{date_cn(drawn_on)}）不能早于额度发放日期（{date_cn(line.granted_on)}）。"
            }
        )
    if drawn_on > line.due_on:
        raise ValidationError(
            {"drawn_on": f"支用日期（{date_cn(drawn_on)}）晚于额度到期日期（{date_cn(line.due_on)}）。"}
        )
    if due_on <= drawn_on:
        raise ValidationError({"due_on": f"支用的到期日期须晚于支用日期（{date_cn(drawn_on)}）。"})
    drawn, _repaid = _sums(line)
    if drawn + fen > line.amount_fen:
        raise ValidationError(
            {
                "amount": f"支用后累计 {_money(drawn + fen)}将超过额度 {_money(line.amount_fen)}"
                f"（已支用 {_money(drawn)}，尚可支用 {_money(line.amount_fen - drawn)}）。"
            }
        )
    draw = RelendingDraw.objects.create(
        line=line, amount_fen=fen, drawn_on=drawn_on, due_on=due_on, note=note.strip()
    )
    audit_changed(actor=actor, obj=draw, before=None, note=f"登记支用：{line}")
    return draw


@transaction.atomic
def repayment_add(*, actor, line: RelendingLine, amount, repaid_on, note="") -> RelendingRepayment:
    line = _locked(line)
    fen = to_fen(amount, "归还金额", "amount")
    if repaid_on < line.granted_on:
        raise ValidationError(
            {
                "repaid_on": f"归还日期（{date_cn(repaid_on)}）不能早于额度发放日期（{date_cn(line.granted_on)}）。"
            }
        )
    # What was drawn by the repayment's day, against what is repaid up to then and after it.
    drawn_by = line.draws.filter(drawn_on__lte=repaid_on).aggregate(s=Sum("amount_fen"))["s"] or 0
    _drawn, repaid = _sums(line)
    if repaid + fen > drawn_by:
        raise ValidationError(
            {
                "amount": f"归还后累计 {_money(repaid + fen)}将超过截至 {date_cn(repaid_on)} 已支用的 "
                f"{_money(drawn_by)}：归还不能多于支用。"
            }
        )
    repayment = RelendingRepayment.objects.create(
        line=line, amount_fen=fen, repaid_on=repaid_on, note=note.strip()
    )
    audit_changed(actor=actor, obj=repayment, before=None, note=f"登记归还：{line}")
    return repayment


@transaction.atomic
def draw_delete(*, actor, draw: RelendingDraw) -> None:
    line = _locked(draw.line)
    drawn, repaid = _sums(line)
    if drawn - draw.amount_fen < repaid:
        raise ValidationError(
            f"删除这笔支用后累计支用 {_money(drawn - draw.amount_fen)}少于已归还的 {_money(repaid)}，"
            "请先删除相应的归还记录。"
        )
    audit_record(actor=actor, action=AuditLog.Action.DELETE, obj=draw, before=snapshot(draw), note=str(line))
    draw.delete()


@transaction.atomic
def repayment_delete(*, actor, repayment: RelendingRepayment) -> None:
    line = _locked(repayment.line)
    audit_record(
        actor=actor, action=AuditLog.Action.DELETE, obj=repayment, before=snapshot(repayment), note=str(line)
    )
    repayment.delete()


# ---------------------------------------------------------------- financed loans


def _bank_loan_submissions(bank: Organisation) -> list[int]:
    """The bank's loan-level returns that count: the highest approved version of each quarter."""
    ids = [pk for pks in effective_submissions().values() for pk in pks]
    return list(
        Submission.objects.filter(pk__in=ids, form=LOANS_FORM, institution=bank)
        .order_by("-period__end")
        .values_list("pk", flat=True)
    )


def match_loans(bank: Organisation, loan_nos: list[str]) -> dict[str, int]:
    """loan_no → id of the matching row in the bank's latest approved return that has it (best effort)."""
    subs = _bank_loan_submissions(bank)
    if not subs or not loan_nos:
        return {}
    order = {pk: i for i, pk in enumerate(subs)}
    found: dict[str, tuple[int, int]] = {}
    for start in range(0, len(loan_nos), 500):
        batch = loan_nos[start : start + 500]
        for pk, sub, no in LoanRecord.objects.filter(submission_id__in=subs, loan_no__in=batch).values_list(
            "pk", "submission_id", "loan_no"
        ):
            if no not in found or order[sub] < found[no][0]:
                found[no] = (order[sub], pk)
    return {no: pk for no, (_rank, pk) in found.items()}


def _financed_row(line, *, loan_no, amount, borrower_type, is_agri, where="") -> FinancedLoan:
    loan_no = (loan_no or "").strip()
    if not loan_no:
        raise ValidationError({"loan_no": f"{where}借据号不能为空。"})
    if len(loan_no) > 40:
        raise ValidationError({"loan_no": f"{where}借据号“{loan_no[:40]}…”超过 40 个字符。"})
    if borrower_type not in LoanRecord.BorrowerType.values:
        raise ValidationError({"borrower_type": f"{where}借款人类型“{borrower_type}”不在可选范围内。"})
    fen = to_fen(amount, f"{where}贷款金额", "amount")
    return FinancedLoan(
        line=line, loan_no=loan_no, amount_fen=fen, borrower_type=borrower_type, is_agri=bool(is_agri)
    )


@transaction.atomic
def financed_loan_add(*, actor, line: RelendingLine, loan_no, amount, borrower_type, is_agri) -> FinancedLoan:
    line = _locked(line)
    row = _financed_row(line, loan_no=loan_no, amount=amount, borrower_type=borrower_type, is_agri=is_agri)
    if line.financed.filter(loan_no=row.loan_no).exists():
        raise ValidationError({"loan_no": f"借据号 {row.loan_no} 已登记在本额度下。"})
    row.loan_id = match_loans(line.bank, [row.loan_no]).get(row.loan_no)
    row.save()
    audit_changed(actor=actor, obj=row, before=None, note=f"登记再贷款支持的贷款：{line}")
    return row


@transaction.atomic
def financed_loans_add(*, actor, line: RelendingLine, rows: list[dict]) -> list[FinancedLoan]:
    """Many financed loans at once (the import): every row checked, all or nothing; one audit entry."""
    line = _locked(line)
    existing = set(line.financed.values_list("loan_no", flat=True))
    objs, seen = [], {}
    for i, r in enumerate(rows, start=1):
        where = f"第 {r.get('row', i)} 行："
        obj = _financed_row(
            line, where=where, **{k: r.get(k) for k in ("loan_no", "amount", "borrower_type", "is_agri")}
        )
        if obj.loan_no in existing:
            raise ValidationError({"loan_no": f"{where}借据号 {obj.loan_no} 已登记在本额度下。"})
        if obj.loan_no in seen:
            raise ValidationError(
                {"loan_no": f"{where}借据号 {obj.loan_no} 与第 {seen[obj.loan_no]} 行重复。"}
            )
        seen[obj.loan_no] = r.get("row", i)
        objs.append(obj)
    matches = match_loans(line.bank, [o.loan_no for o in objs])
    for o in objs:
        o.loan_id = matches.get(o.loan_no)
    FinancedLoan.objects.bulk_create(objs, batch_size=1000)
    audit_record(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=line,
        note=f"批量登记再贷款支持的贷款 {len(objs)} 笔（匹配到贷款明细 {len(matches)} 笔）",
    )
    return objs


@transaction.atomic
def financed_loan_delete(*, actor, loan: FinancedLoan) -> None:
    audit_record(
        actor=actor, action=AuditLog.Action.DELETE, obj=loan, before=snapshot(loan), note=str(loan.line)
    )
    loan.delete()


@transaction.atomic
def financed_loans_rematch(*, actor, line: RelendingLine) -> int:
    """Match the line's loans again, after the bank's new returns were approved; returns how many match."""
    line = _locked(line)
    loans = list(line.financed.all())
    matches = match_loans(line.bank, [f.loan_no for f in loans])
    for f in loans:
        f.loan_id = matches.get(f.loan_no)
    FinancedLoan.objects.bulk_update(loans, ["loan"], batch_size=1000)
    audit_record(
        actor=actor, action=AuditLog.Action.UPDATE, obj=line, note=f"重新匹配贷款明细：{len(matches)} 笔匹配"
    )
    return len(matches)


# ---------------------------------------------------------------- the LPR table


@transaction.atomic
def lpr_set(*, actor, month: datetime.date, one_year, five_year) -> LprQuote:
    month = month.replace(day=1)
    if month < datetime.date(2019, 8, 1):
        raise ValidationError({"month": "LPR 自 2019 年 8 月起按新机制报价，此前的月份没有 LPR。"})
    for field, label, value in (("one_year", "1年期LPR", one_year), ("five_year", "5年期以上LPR", five_year)):
        if value is None or not (Decimal("0.5") <= Decimal(value) <= Decimal(15)):
            raise ValidationError({field: f"{label}须在 0.5% 到 15% 之间，填写的是 {value}%。"})
    quote = LprQuote.objects.select_for_update().filter(month=month).first()
    before = snapshot(quote) if quote else None
    if quote is None:
        quote = LprQuote(month=month)
    quote.one_year, quote.five_year = Decimal(one_year), Decimal(five_year)
    quote.save()
    audit_changed(actor=actor, obj=quote, before=before, note="维护贷款市场报价利率")
    return quote


# ---------------------------------------------------------------- the rate summary


def loan_submissions_by_quarter() -> dict[int, tuple[int, str]]:
    """submission id → (institution id, quarter code) of every approved loan-level return that counts."""
    periods = list(ReportingPeriod.objects.filter(kind=ReportingPeriod.Kind.QUARTER))
    ids = [pk for pks in effective_submissions(periods).values() for pk in pks]
    return {
        pk: (inst, code)
        for pk, inst, code in Submission.objects.filter(pk__in=ids, form=LOANS_FORM).values_list(
            "pk", "institution_id", "period__code"
        )
    }


def rate_cell_rows(submissions: dict[int, tuple[int, str]]):
    """ONE grouped aggregate over the loan rows: the loans each return says were issued in its quarter,
    summed per return, issue month, borrower type and guarantee. A return lists every loan issued in its
    quarter (and the older ones still outstanding, left out here by the issue date), so each loan counts once."""
    return (
        LoanRecord.objects.filter(
            submission_id__in=list(submissions),
            issued_on__gte=F("submission__period__start"),
            issued_on__lte=F("submission__period__end"),
        )
        .order_by()
        .annotate(month=ExtractMonth("issued_on"))
        .values("submission_id", "month", "borrower_type", "guarantee")
        .annotate(
            loans=Count("id"),
            amount=Sum("amount_fen"),
            rate_amount=Sum(Cast("rate", FloatField()) * F("amount_fen"), output_field=FloatField()),
        )
    )


@transaction.atomic
def rate_cells_refresh(*, actor, progress=None) -> RateRefresh:
    """Rebuild the rate summary from the approved loan-level returns (all or nothing)."""
    started = time.monotonic()
    submissions = loan_submissions_by_quarter()
    cells = []
    for r in rate_cell_rows(submissions) if submissions else []:
        inst, quarter = submissions[r["submission_id"]]
        cells.append(
            RateCell(
                institution_id=inst,
                quarter=quarter,
                month=r["month"],
                borrower_type=r["borrower_type"],
                guarantee=r["guarantee"],
                loans=r["loans"],
                amount_fen=r["amount"],
                rate_amount=float(r["rate_amount"]),
                submission_id=r["submission_id"],
            )
        )
    if progress:
        progress(1, 2, f"已汇总 {len(submissions)} 份贷款明细报送")
    RateCell.objects.all().delete()
    RateCell.objects.bulk_create(cells, batch_size=2000)
    refresh = RateRefresh.objects.create(
        submission_ids=sorted(submissions), cells=len(cells), seconds=round(time.monotonic() - started, 3)
    )
    audit_record(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=refresh,
        note=f"重新汇总利率监测数据：{len(submissions)} 份贷款明细报送，{len(cells)} 个汇总格",
    )
    if progress:
        progress(2, 2, "完成")
    return refresh
