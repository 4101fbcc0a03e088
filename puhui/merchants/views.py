"""Pages of the 惠农商圈 register. Thin: access first (404 for those who may not see), then selectors; writes
through services, whose refusals are shown on the form that was sent."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from puhui.core import lists, periods
from puhui.core.converters import parse_id
from puhui.core.exports import XLSX, download
from puhui.core.ratelimit import import_limited
from puhui.core.service_errors import run_on_form
from puhui.core.uploads import human_size, refused, too_large_message, upload_limit
from puhui.imports.blank_forms import template_xlsx
from puhui.merchants import access, forms
from puhui.merchants.exports import coverage_workbook
from puhui.merchants.lists import MERCHANTS
from puhui.merchants.selectors import coverage as coverage_selectors
from puhui.merchants.selectors.records import merchant_figures
from puhui.merchants.services import figures as figure_services
from puhui.merchants.services import merchants as merchant_services
from puhui.merchants.upload import SPEC, figures_upload

ERRORS_SHOWN = 500


def _merchant_data(form) -> dict:
    return dict(form.cleaned_data)


@login_required
def merchant_list(request):
    if not access.may_see(request.user):
        raise Http404
    ctx = {"may_keep": access.may_keep(request.user)}
    return lists.list_response(request, MERCHANTS, "merchants/list.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def merchant_add(request):
    access.require_keeper(request.user)
    form = forms.MerchantForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = _merchant_data(form)
        merchant = run_on_form(form, lambda: merchant_services.merchant_create(actor=request.user, **data))
        if merchant is not None:
            messages.success(request, f"已登记惠农商圈商户：{merchant}。")
            return redirect("merchants:merchant_detail", merchant.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "merchants/merchant_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def merchant_edit(request, pk):
    merchant = access.access_merchant_for_edit(request.user, pk)
    initial = forms.merchant_initial(merchant)
    form = forms.MerchantForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = _merchant_data(form)
        done = run_on_form(
            form, lambda: merchant_services.merchant_update(actor=request.user, merchant=merchant, **data)
        )
        if done is not None:
            messages.success(request, "已保存。")
            return redirect("merchants:merchant_detail", merchant.pk)
    status = 400 if request.method == "POST" else 200
    ctx = {"form": form, "merchant": merchant}
    return render(request, "merchants/merchant_form.html", ctx, status=status)


def _detail(request, merchant, figure_form=None, status=200):
    may_edit = access.may_edit_merchant(request.user, merchant)
    ctx = {
        "merchant": merchant,
        "may_edit": may_edit,
        "figure_form": figure_form or (forms.FigureForm() if may_edit else None),
        **merchant_figures(merchant),
    }
    return render(request, "merchants/merchant_detail.html", ctx, status=status)


@login_required
@require_GET
def merchant_detail(request, pk):
    return _detail(request, access.access_merchant_by_id(request.user, pk))


@login_required
@require_http_methods(["POST"])
def figure_add(request, pk):
    merchant = access.access_merchant_for_edit(request.user, pk)
    form = forms.FigureForm(request.POST)
    if form.is_valid():
        done = run_on_form(
            form,
            lambda: figure_services.figure_report(actor=request.user, merchant=merchant, **form.cleaned_data),
        )
        if done is not None:
            messages.success(request, f"已报送{done.month.year}年{done.month.month}月的非现金交易。")
            return redirect("merchants:merchant_detail", merchant.pk)
    return _detail(request, merchant, figure_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def figure_edit(request, pk):
    figure = access.access_figure_for_edit(request.user, pk)
    initial = {"transactions": figure.transactions, "amount": figure.amount}
    form = forms.CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = run_on_form(
            form,
            lambda: figure_services.figure_correct(actor=request.user, figure=figure, **form.cleaned_data),
        )
        if done is not None:
            messages.success(request, "已更正。")
            return redirect("merchants:merchant_detail", figure.merchant_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "merchants/figure_form.html", {"form": form, "figure": figure}, status=status)


def _upload_limit() -> int:
    return settings.PUHUI_IMPORT_MAX_BYTES


@login_required
@import_limited
@upload_limit(_upload_limit)
@require_http_methods(["GET", "POST"])
def figures_upload_page(request):
    access.require_keeper(request.user)
    result, form, status = None, forms.UploadForm(), 200
    if request.method == "POST":
        limit = refused(request)
        if limit is not None:
            return HttpResponse(
                too_large_message(limit), status=413, content_type="text/plain; charset=utf-8"
            )
        form = forms.UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = figures_upload(actor=request.user, file=upload, filename=upload.name)
        status = 200 if result is not None and result.ok else 400
    ctx = {
        "form": form,
        "result": result,
        "errors": result.errors.sorted()[:ERRORS_SHOWN] if result else [],
        "spec": SPEC,
        "max_size": human_size(_upload_limit()),
    }
    return render(request, "merchants/upload.html", ctx, status=status)


@login_required
@require_GET
def figures_template(request):
    access.require_keeper(request.user)
    return download(template_xlsx(SPEC), f"{SPEC.title}上传模板.xlsx", XLSX)


def _year(request, user) -> periods.Choice:
    available = [str(y) for y in coverage_selectors.figure_years(user)]
    try:
        choice = periods.choose(request.GET.get("year"), available, default=str(timezone.localdate().year))
        year = int(choice.code)
    except (ValueError, TypeError):
        raise Http404 from None
    if not 2000 <= year <= 2100:
        raise Http404
    return choice


@login_required
@require_GET
def coverage(request):
    user = request.user
    if not access.may_see(user):
        raise Http404
    choice = _year(request, user)
    year = int(choice.code)
    day = min(timezone.localdate(), datetime.date(year, 12, 31))
    data = coverage_selectors.coverage(user, year, day)
    town_id = parse_id(request.GET.get("town"))
    town = next((r.town for r in data["rows"] if r.town.pk == town_id), None)
    villages = coverage_selectors.villages_of(user, town, day) if town is not None else []
    if request.GET.get("export") == "xlsx":
        content = coverage_workbook(data, town, villages)
        return download(content, f"惠农商圈覆盖情况_{year}年.xlsx", XLSX)
    years = sorted({*choice.available, str(timezone.localdate().year), choice.code}, reverse=True)
    ctx = {
        **data,
        "choice": choice,
        "years": years,
        "town": town,
        "villages": villages,
        "notice": choice.notice if request.GET.get("year") or choice.available else "",
        "is_bank": access.bank_org_of(user) is not None,
    }
    return render(request, "merchants/coverage.html", ctx)
