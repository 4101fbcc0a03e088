"""Pages of local finance: direct financing (bonds, equity), the apple exchange, the credit mutuals.

Thin: access first (the office, the administrators and the finance centre read; the office and the
finance centre write; anyone else 404), then selectors; writes through services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from puhui.core import lists
from puhui.core.service_errors import form_add_service_error
from puhui.localfin import access
from puhui.localfin import lists as specs
from puhui.localfin.forms.financing import (
    BondForm,
    EquityForm,
    ExchangeMonthForm,
    MutualForm,
    MutualMonthForm,
)
from puhui.localfin.selectors import financing as selectors
from puhui.localfin.services import financing as services


def _saved(request, form, service, done: str, **kwargs) -> bool:
    """Run the service on a valid form; True when it stored, the refusal attached to the form otherwise."""
    if not form.is_valid():
        return False
    try:
        service(actor=request.user, **kwargs, **form.cleaned_data)
    except ValidationError as e:
        form_add_service_error(form, e)
        return False
    messages.success(request, done)
    return True


# ---------------------------------------------------------------- direct financing


@login_required
def financing_overview(request):
    access.require_all(request.user)
    ctx = selectors.financing_by_year(request.user, selectors.overview_years())
    ctx.update(tab="overview", can_manage=access.can_manage(request.user))
    return render(request, "localfin/financing_overview.html", ctx)


def _list_page(request, spec, template: str, tab: str):
    access.require_all(request.user)
    return lists.list_response(
        request, spec, template, {"tab": tab, "can_manage": access.can_manage(request.user)}
    )


@login_required
def bonds(request):
    return _list_page(request, specs.BONDS, "localfin/financing_bonds.html", "bonds")


@login_required
def equity(request):
    return _list_page(request, specs.EQUITY, "localfin/financing_equity.html", "equity")


def _record_form(request, *, form_class, record, service, kwarg: str, done: str, back: str, what: str):
    """The add and edit pages of a bond or an equity deal (the same form and page for both)."""
    initial = form_class.initial_of(record) if record else None
    form = form_class(request.POST or None, initial=initial)
    extra = {kwarg: record} if record else {}
    if request.method == "POST" and _saved(request, form, service, done, **extra):
        return redirect(back)
    ctx = {"form": form, "record": record, "what": what, "back": back, "kind": kwarg}
    return render(
        request, "localfin/financing_form.html", ctx, status=400 if request.method == "POST" else 200
    )


@login_required
def bond_add(request):
    access.require_manage(request.user)
    return _record_form(
        request, form_class=BondForm, record=None, service=services.bond_add, kwarg="bond",
        done="已登记债券发行。", back="localfin:bonds", what="债券发行",
    )  # fmt: skip


@login_required
def bond_edit(request, pk):
    bond = access.access_bond_for_edit(request.user, pk)
    return _record_form(
        request, form_class=BondForm, record=bond, service=services.bond_update, kwarg="bond",
        done="已保存债券发行的修改。", back="localfin:bonds", what="债券发行",
    )  # fmt: skip


@login_required
@require_POST
def bond_delete(request, pk):
    bond = access.access_bond_for_edit(request.user, pk)
    services.bond_delete(actor=request.user, bond=bond)
    messages.success(request, f"已删除债券发行：{bond}。")
    return redirect("localfin:bonds")


@login_required
def equity_add(request):
    access.require_manage(request.user)
    return _record_form(
        request, form_class=EquityForm, record=None, service=services.equity_add, kwarg="deal",
        done="已登记股权融资。", back="localfin:equity", what="股权融资",
    )  # fmt: skip


@login_required
def equity_edit(request, pk):
    deal = access.access_equity_for_edit(request.user, pk)
    return _record_form(
        request, form_class=EquityForm, record=deal, service=services.equity_update, kwarg="deal",
        done="已保存股权融资的修改。", back="localfin:equity", what="股权融资",
    )  # fmt: skip


@login_required
@require_POST
def equity_delete(request, pk):
    deal = access.access_equity_for_edit(request.user, pk)
    services.equity_delete(actor=request.user, deal=deal)
    messages.success(request, f"已删除股权融资：{deal}。")
    return redirect("localfin:equity")


# ---------------------------------------------------------------- the apple exchange


@login_required
def exchange(request):
    access.require_all(request.user)
    form = ExchangeMonthForm(request.POST or None)
    if request.method == "POST":
        access.require_manage(request.user)
        if _saved(request, form, services.exchange_month_save, "已保存交易中心月度数据。"):
            return redirect("localfin:exchange")
    ctx = {
        **selectors.exchange_by_year(request.user),
        "form": form,
        "can_manage": access.can_manage(request.user),
        "tab": "exchange",
    }
    return render(request, "localfin/exchange.html", ctx, status=400 if request.method == "POST" else 200)


# ---------------------------------------------------------------- credit mutuals


@login_required
def mutuals(request):
    access.require_all(request.user)
    form = MutualForm(request.POST or None)
    if request.method == "POST":
        access.require_manage(request.user)
        if _saved(request, form, services.mutual_add, "已登记信用互助试点合作社。"):
            return redirect("localfin:mutuals")
    ctx = {
        **selectors.mutuals_overview(request.user),
        "form": form,
        "can_manage": access.can_manage(request.user),
        "tab": "mutuals",
    }
    return render(request, "localfin/mutuals.html", ctx, status=400 if request.method == "POST" else 200)


def _mutual_page(request, mutual, form=None, status=200):
    ctx = {
        "mutual": mutual,
        "months": selectors.mutual_months(request.user, mutual),
        "form": form or MutualMonthForm(),
        "can_manage": access.can_manage(request.user),
        "tab": "mutuals",
    }
    return render(request, "localfin/mutual_detail.html", ctx, status=status)


@login_required
def mutual_detail(request, pk):
    access.require_all(request.user)
    return _mutual_page(request, access.access_mutual_by_id(request.user, pk))


@login_required
@require_POST
def mutual_month_add(request, pk):
    access.require_manage(request.user)
    mutual = access.access_mutual_by_id(request.user, pk)
    form = MutualMonthForm(request.POST)
    if _saved(request, form, services.mutual_month_save, "已保存信用互助月度数据。", mutual=mutual):
        return redirect("localfin:mutual_detail", mutual.pk)
    return _mutual_page(request, mutual, form, status=400)
