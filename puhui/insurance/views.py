"""Pages of inclusive insurance. Thin: access first (404 for those who may not see), then selectors; writes
through services, whose refusals are shown on the form that was sent. The public page needs no sign-in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from puhui.core import lists, periods
from puhui.core.exports import XLSX, download
from puhui.core.service_errors import run_on_form
from puhui.imports.blank_forms import template_xlsx
from puhui.insurance import access, forms
from puhui.insurance.lists import PRODUCTS, REPORTS
from puhui.insurance.selectors import coverage as figures
from puhui.insurance.selectors.products import on_sale, public_row
from puhui.insurance.selectors.returns import returns_beside_records
from puhui.insurance.services import products as product_services
from puhui.insurance.services import reports as report_services
from puhui.insurance.workbook import coverage_xlsx


def _year(request):
    """The year asked for (404 if malformed), else the latest with reports."""
    available = [str(y) for y in figures.report_years(request.user)]
    try:
        choice = periods.choose(
            request.GET.get("year"), available, default=str(timezone.localdate().year - 1)
        )
    except ValueError:
        raise Http404 from None
    if periods.parse_code(choice.code).kind != "year":
        raise Http404
    return choice


# ---------------------------------------------------------------- coverage


@login_required
def coverage(request):
    """Per product and year: towns, households covered, premium, claims, loss ratio; the plan's targets."""
    user = request.user
    access.require_any(user)
    choice = _year(request)
    year = int(choice.code)
    ctx = {
        "year": year,
        "choice": choice,
        "year_choices": [(y, f"{y}年") for y in choice.available],
        "cov": figures.coverage(user, year),
        "targets": figures.targets(user),
        "returns": returns_beside_records(user, year),
        "may_report": access.may_report(user),
        "may_add_product": access.may_add_product(user),
    }
    return render(request, "insurance/coverage.html", ctx)


@login_required
def coverage_export(request):
    user = request.user
    access.require_any(user)
    year = int(_year(request).code)
    return download(coverage_xlsx(figures.coverage(user, year)), f"普惠保险覆盖情况_{year}年.xlsx", XLSX)


# ---------------------------------------------------------------- products


@login_required
def products(request):
    access.require_any(request.user)
    ctx = {"may_add": access.may_add_product(request.user)}
    return lists.list_response(request, PRODUCTS, "insurance/products.html", ctx)


@login_required
def product_detail(request, pk):
    product = access.access_product_by_id(request.user, pk)
    ctx = {
        "product": product,
        "may_edit": access.may_edit_product(request.user, product),
        "years": product.reports.values_list("year", flat=True).distinct().order_by("-year"),
    }
    return render(request, "insurance/product_detail.html", ctx)


def _product_form(request, product=None):
    initial = forms.initial_of(product) if product else None
    form = forms.ProductForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if product is None:
            done = run_on_form(form, lambda: product_services.product_create(actor=request.user, **data))
        else:
            done = run_on_form(
                form, lambda: product_services.product_update(actor=request.user, product=product, **data)
            )
        if done is not None:
            messages.success(request, f"已保存保险产品：{done.name}。")
            return redirect("insurance:product_detail", done.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "insurance/product_form.html", {"form": form, "product": product}, status=status)


@login_required
def product_add(request):
    if not access.may_add_product(request.user):
        raise Http404
    return _product_form(request)


@login_required
def product_edit(request, pk):
    return _product_form(request, access.access_product_for_edit(request.user, pk))


# ---------------------------------------------------------------- reports


@login_required
def reports(request):
    access.require_any(request.user)
    ctx = {"may_report": access.may_report(request.user)}
    return lists.list_response(request, REPORTS, "insurance/reports.html", ctx)


@login_required
def report_add(request):
    access.require_report(request.user)
    form = forms.ReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        done = run_on_form(form, lambda: report_services.report_save(actor=request.user, **form.cleaned_data))
        if done is not None:
            messages.success(
                request, f"已保存：{done}，承保 {done.policies:,} 件，赔款 {done.claims_paid:,} 元。"
            )
            return redirect(f"{reverse('insurance:reports')}?year={done.year}")
    status = 400 if request.method == "POST" else 200
    return render(request, "insurance/report_form.html", {"form": form}, status=status)


@login_required
def report_upload(request):
    access.require_report(request.user)
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = run_on_form(
            form,
            lambda: report_services.reports_upload(actor=request.user, file=upload, filename=upload.name),
        )
        if result is not None and result.ok:
            messages.success(request, f"已导入：新增 {result.created} 条，更新 {result.updated} 条。")
            return redirect("insurance:reports")
    status = 400 if request.method == "POST" else 200
    return render(request, "insurance/upload.html", {"form": form, "result": result}, status=status)


@login_required
def report_template(request):
    access.require_report(request.user)
    return download(template_xlsx(report_services.SPEC), "承保理赔情况导入模板.xlsx", XLSX)


# ---------------------------------------------------------------- the public page


def public(request):
    """The products on sale today, for anyone on a phone: what each covers, the premium and the farmer's
    own share after the subsidies. No sign-in, no script."""
    rows = [public_row(p) for p in on_sale()]
    return render(request, "insurance/public.html", {"rows": rows, "today": timezone.localdate()})
