"""Pages of financing match-making and the 金融辅导员. Thin: access first (404 for those who may not see),
then selectors; writes through services, whose refusals are shown on the form that was sent."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from puhui.core import lists, periods
from puhui.core.service_errors import message_service_error, run_on_form
from puhui.financing import access, forms
from puhui.financing.lists import DEMANDS
from puhui.financing.models import Product
from puhui.financing.selectors import figures, matching
from puhui.financing.services import advisers, demands, products
from puhui.registry.models import Firm


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404


@login_required
def home(request):
    _require(access.may_see_overview(request.user))
    ctx = {"outcomes": figures.outcomes(request.user), "statuses": figures.status_counts(request.user),
           "overdue": figures.overdue_routes(request.user)[:50], "answer_days": demands.answer_working_days()}  # fmt: skip
    return render(request, "financing/home.html", ctx)


@login_required
def product_list(request):
    _require(access.may_see_any(request.user))
    shelf = access.products_for(request.user).prefetch_related("towns")
    ctx = {"products": shelf, "may_add": access.may_keep_products(request.user)}
    return render(request, "financing/products.html", ctx)


def _product_form(request, product: Product | None):
    initial = forms.product_initial(product) if product else None
    form = forms.ProductForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if product is None:
            done = run_on_form(form, lambda: products.product_create(actor=request.user, **data))
        else:
            done = run_on_form(
                form, lambda: products.product_update(actor=request.user, product=product, **data)
            )
        if done is not None:
            messages.success(request, f"已保存贷款产品：{done.name}。")
            return redirect("financing:products")
    status = 400 if request.method == "POST" else 200
    ctx = {"form": form, "product": product, "title": "修改贷款产品" if product else "发布贷款产品"}
    return render(request, "financing/form.html", ctx, status=status)


@login_required
def product_add(request):
    _require(access.may_keep_products(request.user))
    return _product_form(request, None)


@login_required
def product_edit(request, pk):
    return _product_form(request, access.access_product_for_edit(request.user, pk))


@login_required
def demand_list(request):
    _require(access.may_see_any(request.user))
    ctx = {"may_add": access.may_post_demand(request.user)}
    return lists.list_response(request, DEMANDS, "financing/demands.html", ctx)


@login_required
def demand_add(request):
    _require(access.may_post_demand(request.user))
    form = forms.DemandForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        demand = run_on_form(form, lambda: demands.demand_post(actor=request.user, **form.cleaned_data))
        if demand is not None:
            routed = demand.routes.count()
            text = f"已发布，推送 {routed} 家机构。" if routed else "已登记，暂无符合条件的产品。"
            messages.success(request, text)
            return redirect("financing:demand", demand.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "financing/form.html", {"form": form, "title": "发布融资需求"}, status=status)


@login_required
def demand_detail(request, pk):
    user = request.user
    demand = access.access_demand_by_id(user, pk)
    routes = access.routes_for(user).filter(demand=demand)
    shown = set(access.products_for(user).values_list("pk", flat=True))
    ranked = list(
        Product.objects.filter(pk__in=[p for p in demand.ranked if p in shown]).select_related("owner")
    )
    ranked.sort(key=lambda p: demand.ranked.index(p.pk))
    answerable = set(access.answerable_routes(user).filter(demand=demand).values_list("pk", flat=True))
    ctx = {
        "demand": demand, "routes": routes, "ranked": ranked, "answerable": answerable,
        "rating": matching.firm_rating(demand.firm), "may_withdraw": access.may_withdraw(user, demand),
        "answer_form": forms.AnswerForm(), "grant_form": forms.GrantForm(), "today": timezone.localdate(),
    }  # fmt: skip
    return render(request, "financing/demand.html", ctx)


@login_required
@require_POST
def demand_withdraw(request, pk):
    demand = access.access_demand_by_id(request.user, pk)
    _require(access.may_withdraw(request.user, demand))
    demands.demand_withdraw(actor=request.user, demand=demand)
    messages.success(request, "已撤回融资需求。")
    return redirect("financing:demand", demand.pk)


def _route_write(request, pk, form_class, write):
    route = access.access_route_for_answer(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            write(route, form.cleaned_data)
            messages.success(request, "已保存。")
        except ValidationError as error:
            message_service_error(request, error)
    else:
        messages.error(request, "请完整填写：" + "；".join(f"{form.fields[f].label}" for f in form.errors))
    return redirect("financing:demand", route.demand_id)


@login_required
@require_POST
def route_answer(request, pk):
    return _route_write(
        request, pk, forms.AnswerForm,
        lambda route, data: demands.route_answer(actor=request.user, route=route, **data),
    )  # fmt: skip


@login_required
@require_POST
def route_grant(request, pk):
    return _route_write(
        request, pk, forms.GrantForm,
        lambda route, data: demands.route_grant(actor=request.user, route=route, **data),
    )  # fmt: skip


@login_required
def advisers_page(request):
    user = request.user
    _require(access.may_see_advisers(user))
    quarters = figures.adviser_quarters(user)
    try:
        choice = periods.choose(request.GET.get("quarter"), quarters)
    except ValueError:
        raise Http404 from None
    quarter = choice.code
    ctx = {
        "quarters": quarters, "quarter": quarter, "choice": choice,
        "rows": figures.adviser_quarter(user, quarter) if quarter else [],
        "assignments": access.assignments_for(user).filter(end__isnull=True)[:200],
        "visits": access.visits_for(user)[:50], "is_bank": access.bank_of(user) is not None,
    }  # fmt: skip
    return render(request, "financing/advisers.html", ctx)


@login_required
def assignment_add(request):
    _require(access.bank_of(request.user) is not None)
    form = forms.AssignmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        firm = Firm.objects.filter(uscc=data["firm_uscc"].strip().upper()).first()
        done = run_on_form(
            form,
            lambda: advisers.assignment_create(
                actor=request.user, adviser=data["adviser"], firm=firm, start=data["start"]
            ),
        )
        if done is not None:
            messages.success(request, f"已指派：{done}。")
            return redirect("financing:advisers")
    status = 400 if request.method == "POST" else 200
    return render(request, "financing/form.html", {"form": form, "title": "指派金融辅导员"}, status=status)


@login_required
def visit_add(request):
    _require(access.bank_of(request.user) is not None)
    form = forms.VisitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        done = run_on_form(form, lambda: advisers.visit_create(actor=request.user, **form.cleaned_data))
        if done is not None:
            messages.success(request, f"已登记走访：{done}。")
            return redirect("financing:advisers")
    status = 400 if request.method == "POST" else 200
    return render(request, "financing/form.html", {"form": form, "title": "登记走访"}, status=status)
