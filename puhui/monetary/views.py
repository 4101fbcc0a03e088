"""Pages of the monetary policy tools. Thin: access, then selectors; writes through services."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from puhui.core.access import get_or_404
from puhui.core.exports import XLSX, download, sheet_title, xlsx_bytes
from puhui.core.periods import choose, date_cn
from puhui.core.periods import label as period_label
from puhui.core.service_errors import form_add_service_error
from puhui.jobs.services import job_enqueue
from puhui.monetary import access, selectors, services
from puhui.monetary.forms import (
    DrawForm,
    FinancedLoanForm,
    LineForm,
    LprForm,
    LprLookupForm,
    RatesQueryForm,
    RepaymentForm,
)
from puhui.monetary.models import FinancedLoan, RelendingDraw, RelendingRepayment, yuan
from puhui.monetary.tasks import rate_cells_refresh_task

# ---------------------------------------------------------------- the ledger


@login_required
def lines(request):
    access.require_read(request.user)
    ctx = selectors.ledger(request.user)
    ctx["can_manage"] = access.can_manage(request.user)
    return render(request, "monetary/lines.html", ctx)


@login_required
def line_create(request):
    access.require_manage(request.user)
    form = LineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            line = services.line_create(actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            form_add_service_error(form, e)
        else:
            messages.success(request, f"已登记额度：{line}。")
            return redirect("monetary:line", line.pk)
    return render(request, "monetary/line_form.html", {"form": form, "line": None})


@login_required
def line_edit(request, pk):
    line = access.access_line_for_edit(request.user, pk)
    initial = {
        "kind": line.kind,
        "amount": line.amount,
        "rate": line.rate,
        "granted_on": line.granted_on,
        "due_on": line.due_on,
        "doc_no": line.doc_no,
        "note": line.note,
    }
    form = LineForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.line_update(actor=request.user, line=line, **form.cleaned_data)
        except ValidationError as e:
            form_add_service_error(form, e)
        else:
            messages.success(request, "已保存额度的修改。")
            return redirect("monetary:line", line.pk)
    return render(request, "monetary/line_form.html", {"form": form, "line": line})


def _line_page(request, line, status=200, **forms):
    q = request.GET.get("q", "").strip()[:40]
    financed = selectors.financed_loans(line, q)
    shown = list(financed[: selectors.FINANCED_PAGE + 1])
    ctx = {
        "line": line,
        "totals": selectors.line_totals(line),
        "draws": line.draws.all(),
        "repayments": line.repayments.all(),
        "financed": shown[: selectors.FINANCED_PAGE],
        "financed_more": len(shown) > selectors.FINANCED_PAGE,
        "q": q,
        "can_manage": access.can_manage(request.user),
        "draw_form": forms.get("draw_form") or DrawForm(),
        "repayment_form": forms.get("repayment_form") or RepaymentForm(),
        "financed_form": forms.get("financed_form") or FinancedLoanForm(),
    }
    return render(request, "monetary/line.html", ctx, status=status)


@login_required
def line(request, pk):
    return _line_page(request, access.access_line_by_id(request.user, pk))


def _entry_post(request, pk, form_class, form_name, service, done: str):
    line = access.access_line_for_edit(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, line=line, **form.cleaned_data)
        except ValidationError as e:
            form_add_service_error(form, e)
        else:
            messages.success(request, done)
            return redirect("monetary:line", line.pk)
    return _line_page(request, line, status=400, **{form_name: form})


@login_required
@require_POST
def draw_add(request, pk):
    return _entry_post(request, pk, DrawForm, "draw_form", services.draw_add, "已登记支用。")


@login_required
@require_POST
def repayment_add(request, pk):
    return _entry_post(request, pk, RepaymentForm, "repayment_form", services.repayment_add, "已登记归还。")


@login_required
@require_POST
def financed_add(request, pk):
    return _entry_post(
        request, pk, FinancedLoanForm, "financed_form", services.financed_loan_add, "已登记支持的贷款。"
    )


@login_required
@require_POST
def financed_rematch(request, pk):
    line = access.access_line_for_edit(request.user, pk)
    n = services.financed_loans_rematch(actor=request.user, line=line)
    messages.success(request, f"已重新匹配贷款明细：{n} 笔找到对应的借据。")
    return redirect("monetary:line", line.pk)


def _entry_delete(request, model, pk, service, kwarg: str, done: str):
    access.require_manage(request.user)
    entry = get_or_404(model.objects.select_related("line"), pk=pk)
    line = access.access_line_for_edit(request.user, entry.line_id)
    try:
        service(actor=request.user, **{kwarg: entry})
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, done)
    return redirect("monetary:line", line.pk)


@login_required
@require_POST
def draw_delete(request, pk):
    return _entry_delete(request, RelendingDraw, pk, services.draw_delete, "draw", "已删除这笔支用。")


@login_required
@require_POST
def repayment_delete(request, pk):
    return _entry_delete(
        request, RelendingRepayment, pk, services.repayment_delete, "repayment", "已删除这笔归还。"
    )


@login_required
@require_POST
def financed_delete(request, pk):
    return _entry_delete(request, FinancedLoan, pk, services.financed_loan_delete, "loan", "已删除这笔贷款。")


def _sheet(wb, title, header, rows):
    ws = wb.create_sheet(sheet_title(title))
    ws.append(header)
    for r in rows:
        ws.append(r)
    return ws


@login_required
def ledger_export(request):
    access.require_read(request.user)
    data = selectors.ledger(request.user)
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(
        wb,
        "额度台账",
        [
            "金融机构",
            "工具类型",
            "文号",
            "额度（元）",
            "利率（%）",
            "发放日期",
            "到期日期",
            "已支用（元）",
            "已归还（元）",
            "余额（元）",
            "支持贷款（元）",
            "其中涉农（%）",
            "其中小微和个体（%）",
        ],
        [
            [
                line.bank.name,
                line.get_kind_display(),
                line.doc_no,
                line.totals.yuan("granted"),
                line.rate,
                line.granted_on,
                line.due_on,
                line.totals.yuan("drawn"),
                line.totals.yuan("repaid"),
                line.totals.yuan("outstanding"),
                line.totals.yuan("financed"),
                _pct(line.totals.agri_share),
                _pct(line.totals.small_share),
            ]
            for line in data["lines"]
        ],
    )
    _sheet(
        wb,
        "支持的贷款",
        [
            "金融机构",
            "工具类型",
            "文号",
            "借据号",
            "贷款金额（元）",
            "借款人类型",
            "涉农贷款",
            "匹配贷款明细",
        ],
        [
            [
                f.line.bank.name,
                f.line.get_kind_display(),
                f.line.doc_no,
                f.loan_no,
                f.amount,
                f.get_borrower_type_display(),
                "是" if f.is_agri else "否",
                "是" if f.is_matched else "否",
            ]
            for f in FinancedLoan.objects.filter(line__in=access.lines_for(request.user))
            .select_related("line__bank")
            .order_by("line_id", "id")
        ],
    )
    name = f"再贷款再贴现台账（{date_cn(datetime.date.today())}）.xlsx"
    return download(xlsx_bytes(wb), name, XLSX)


def _pct(value):
    return round(value, 2) if value is not None else None


# ---------------------------------------------------------------- the LPR


@login_required
def lpr(request):
    access.require_read(request.user)
    lookup = LprLookupForm(request.GET or None)
    found = None
    if lookup.is_valid() and lookup.cleaned_data.get("month"):
        month = lookup.cleaned_data["month"]
        quote = selectors.lpr_on(month)
        found = {"month": month, "quote": quote, "before": month < selectors.LPR_START}
    return _lpr_page(request, LprForm(), lookup, found)


def _lpr_page(request, form, lookup=None, found=None, status=200):
    ctx = {
        "quotes": list(reversed(selectors.lpr_quotes())),
        "form": form,
        "lookup": lookup or LprLookupForm(),
        "found": found,
        "can_manage": access.can_manage(request.user),
        "lpr_start": selectors.LPR_START,
    }
    return render(request, "monetary/lpr.html", ctx, status=status)


@login_required
@require_POST
def lpr_save(request):
    access.require_manage(request.user)
    form = LprForm(request.POST)
    if form.is_valid():
        try:
            quote = services.lpr_set(actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            form_add_service_error(form, e)
        else:
            messages.success(request, f"已保存{quote.month.year}年{quote.month.month}月的 LPR。")
            return redirect("monetary:lpr")
    return _lpr_page(request, form, status=400)


# ---------------------------------------------------------------- rate monitoring


def _rates_query(request):
    form = RatesQueryForm(request.GET)
    try:
        choice = choose(form.quarter_value(), list(reversed(selectors.rate_quarters())))
    except ValueError:
        raise Http404 from None
    return form, choice


@login_required
def rates(request):
    access.require_read(request.user)
    form, choice = _rates_query(request)
    m = selectors.monitor(request.user, quarter=choice.code, threshold=form.threshold_value())
    ctx = {
        "m": m,
        "form": form,
        "choice": choice,
        "quarter_label": period_label(choice.code) if choice.code else "",
        "quarter_options": [(q, period_label(q)) for q in reversed(m.quarters)],
        "quarter_heads": [period_label(q) for q in m.quarters],
        "lpr_row": [(q, m.lpr_by_quarter[q]) for q in m.quarters],
        "state": selectors.refresh_state(),
        "can_refresh": access.can_refresh(request.user),
        "sees_every_bank": access.sees_every_bank(request.user),
        "base_year": selectors.BASE_YEAR,
        "target_year": selectors.TARGET_YEAR,
        "without_lpr": yuan(m.without_lpr),
    }
    return render(request, "monetary/rates.html", ctx)


@login_required
def rates_export(request):
    rows = selectors.export_rows(request.user)
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "利率监测", selectors.EXPORT_HEADER, rows)
    return download(xlsx_bytes(wb), f"贷款利率监测（{date_cn(datetime.date.today())}）.xlsx", XLSX)


@login_required
@require_POST
def rates_refresh(request):
    if not access.can_refresh(request.user):
        raise Http404
    job = job_enqueue(
        actor=request.user, task=rate_cells_refresh_task, label="汇总利率监测数据", actor_id=request.user.pk
    )
    messages.success(request, f"已提交后台任务 #{job.pk}：汇总利率监测数据。进度见“后台任务”页面。")
    return redirect("monetary:rates")
