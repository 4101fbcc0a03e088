"""Pages of the service network: a service point's page (its state on any day, its timeline and history, and
the lifecycle steps for the office and the bank's own staff), an outlet's (暂停营业 / 恢复营业), terminals, and
a firm's deregistration.

Views only load through access.py, call a service and put its errors back under the form's fields.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from puhui.core import lists
from puhui.core.access import terminals_for
from puhui.core.selectors import record_history
from puhui.registry import network, network_lists, reconciliation
from puhui.registry.access import (
    access_firm_by_id,
    access_outlet_by_id,
    access_outlet_for_edit,
    access_service_point_by_id,
    access_service_point_for_edit,
    access_terminal_by_id,
    access_terminal_for_edit,
    may_edit_firms,
    may_edit_network,
)
from puhui.registry.network_forms import (
    DatedStepForm,
    ServicePointOpenForm,
    TerminalAddForm,
    UpgradeForm,
    put_errors,
)

STEPS = {
    # url action → (service, form label, message)
    "suspend": (network.service_point_suspend, "暂停日期", "已登记暂停营业"),
    "resume": (network.service_point_resume, "恢复日期", "已登记恢复营业"),
    "close": (network.service_point_close, "撤销日期", "已登记撤销"),
}


def _submit(request, form, service, done, page: str, **known):
    """A valid form's data to `service(actor=the user, **known, **data)`, then `done` (a message, or a function
    of the record giving one) and the record's page `page`; None when the form or the service found problems
    (the service's put under the form's fields)."""
    if not form.is_valid():
        return None
    try:
        record = service(actor=request.user, **known, **form.cleaned_data)
    except ValidationError as e:
        put_errors(form, e)
        return None
    messages.success(request, done(record) if callable(done) else done)
    return redirect(page, record.pk)


def _post_step(step, action: str, name: str):
    """The POST view of one lifecycle step: `step(request, pk, action)`, for a signed-in user."""

    def view(request, pk):
        return step(request, pk, action)

    view.__name__ = view.__qualname__ = name
    return login_required(require_POST(view))


def _new_record(request, form_class, service, done, page: str, title: str):
    """A new point or terminal (those who may edit the network): the form, then the record's page once saved."""
    if not may_edit_network(request.user):
        raise Http404
    form = form_class(request.POST or None, user=request.user)
    if request.method == "POST" and (saved := _submit(request, form, service, done, page)):
        return saved
    return render(request, "registry/network_form.html", {"form": form, "title": title})


def _day_param(request) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()


def _point_page(request, point, forms=None, status=200):
    user = request.user
    on = _day_param(request)
    forms = forms or {}
    editable = may_edit_network(user) and not point.closed_on
    if editable:
        try:
            access_service_point_for_edit(user, point.pk)
        except Http404:
            editable = False
    context = {
        "point": point,
        "on": on,
        "state": network.point_on(point, on),
        "timeline": network.point_timeline(point),
        "terminals": terminals_for(user).filter(service_point=point).order_by("code"),
        "history": record_history(point),
        "editable": editable,
        "upgrade_form": forms.get("upgrade") or UpgradeForm(point=point, prefix="upgrade"),
        "step_forms": [
            (action, forms.get(action) or DatedStepForm(label=label, prefix=action))
            for action, (_service, label, _msg) in STEPS.items()
            # A suspended point can be resumed or closed; an open one suspended or closed.
            if action == "close" or (action == "resume") == bool(point.suspended_on)
        ],
        "station_functions": [network.FUNCTION_LABELS[f] for f in point.STATION_FUNCTIONS],
    }
    return render(request, "registry/service_point_detail.html", context, status=status)


@login_required
def service_point_detail(request, pk):
    return _point_page(request, access_service_point_by_id(request.user, pk))


@login_required
def service_point_new(request):
    return _new_record(
        request,
        ServicePointOpenForm,
        network.service_point_open,
        lambda point: f"已登记服务点“{point.name}”",
        "service_point_detail",
        "登记助农取款服务点",
    )


@login_required
@require_POST
def service_point_upgrade(request, pk):
    point = access_service_point_for_edit(request.user, pk)
    form = UpgradeForm(request.POST, point=point, prefix="upgrade")
    done = _submit(
        request,
        form,
        network.service_point_upgrade,
        "已升级为普惠金融服务站",
        "service_point_detail",
        point=point,
    )
    return done or _point_page(request, point, {"upgrade": form})


def _step(request, pk, action):
    point = access_service_point_for_edit(request.user, pk)
    service, label, done = STEPS[action]
    form = DatedStepForm(request.POST, label=label, prefix=action)
    return _submit(request, form, service, done, "service_point_detail", point=point) or _point_page(
        request, point, {action: form}
    )


service_point_suspend = _post_step(_step, "suspend", "service_point_suspend")
service_point_resume = _post_step(_step, "resume", "service_point_resume")
service_point_close = _post_step(_step, "close", "service_point_close")


# ---------------------------------------------------------------- terminals


OUTLET_STEPS = {
    "suspend": (network.outlet_suspend, "暂停日期", "已登记网点暂停营业"),
    "resume": (network.outlet_resume, "恢复日期", "已登记网点恢复营业"),
}


def _outlet_page(request, outlet, form=None, status=200):
    user = request.user
    on = _day_param(request)
    editable = may_edit_network(user) and not outlet.closed_on
    if editable:
        try:
            access_outlet_for_edit(user, outlet.pk)
        except Http404:
            editable = False
    action = "resume" if outlet.suspended_on else "suspend"
    _service, label, _done = OUTLET_STEPS[action]
    context = {
        "outlet": outlet,
        "on": on,
        "state": network.outlet_on(outlet, on),
        "timeline": network.outlet_timeline(outlet),
        "history": record_history(outlet),
        "editable": editable,
        "action": action,
        "step_form": form or DatedStepForm(label=label, prefix=action),
    }
    return render(request, "registry/outlet_detail.html", context, status=status)


@login_required
def outlet_detail(request, pk):
    return _outlet_page(request, access_outlet_by_id(request.user, pk))


def _outlet_step(request, pk, action):
    outlet = access_outlet_for_edit(request.user, pk)
    service, label, done = OUTLET_STEPS[action]
    form = DatedStepForm(request.POST, label=label, prefix=action)
    return _submit(request, form, service, done, "outlet_detail", outlet=outlet) or _outlet_page(
        request, outlet, form
    )


outlet_suspend = _post_step(_outlet_step, "suspend", "outlet_suspend")
outlet_resume = _post_step(_outlet_step, "resume", "outlet_resume")


@login_required
def terminal_list(request):
    return lists.list_response(
        request,
        network_lists.TERMINALS,
        "registry/terminal_list.html",
        {"may_add": may_edit_network(request.user)},
    )


def _terminal_page(request, terminal, form=None):
    editable = False
    if may_edit_network(request.user) and terminal.retired_on is None:
        try:
            access_terminal_for_edit(request.user, terminal.pk)
            editable = True
        except Http404:
            pass
    return render(
        request,
        "registry/terminal_detail.html",
        {
            "terminal": terminal,
            "history": record_history(terminal),
            "editable": editable,
            "form": form or DatedStepForm(label="撤除日期", prefix="retire"),
        },
    )


@login_required
def terminal_detail(request, pk):
    return _terminal_page(request, access_terminal_by_id(request.user, pk))


@login_required
def terminal_new(request):
    return _new_record(
        request,
        TerminalAddForm,
        network.terminal_add,
        lambda terminal: f"已登记机具 {terminal.code}",
        "terminal_detail",
        "登记自助机具",
    )


@login_required
@require_POST
def terminal_retire(request, pk):
    terminal = access_terminal_for_edit(request.user, pk)
    form = DatedStepForm(request.POST, label="撤除日期", prefix="retire")
    done = _submit(request, form, network.terminal_retire, "已登记撤除", "terminal_detail", terminal=terminal)
    return done or _terminal_page(request, access_terminal_by_id(request.user, pk), form)


# ---------------------------------------------------------------- firms


@login_required
@require_POST
def firm_deregister_view(request, pk):
    firm = access_firm_by_id(request.user, pk)
    if not may_edit_firms(request.user):
        raise Http404
    form = DatedStepForm(request.POST, label="注销日期", prefix="deregister")
    done = _submit(request, form, network.firm_deregister, "已登记注销", "firm_detail", firm=firm)
    return done or render(request, "registry/firm_detail.html", firm_context(request, firm, form))


def firm_context(request, firm, form=None) -> dict:
    """What the firm's page shows: the record, its history, and the deregistration form for the office."""
    editable = may_edit_firms(request.user) and firm.deregistered_on is None
    return {
        "firm": firm,
        "history": record_history(firm),
        "deregister_form": (form or DatedStepForm(label="注销日期", prefix="deregister"))
        if editable
        else None,
    }


# ---------------------------------------------------------------- reconciliation (登记数与报送数核对)


def _period(request) -> tuple[list, object]:
    choices = reconciliation.period_choices()
    wanted = request.GET.get("period") or request.POST.get("period") or ""
    chosen = next((p for p in choices if p.code == wanted), choices[0] if choices else None)
    return choices, chosen


@login_required
def reconciliation_view(request):
    if not reconciliation.may_read(request.user):
        raise Http404
    choices, period = _period(request)
    rows = reconciliation.reconciliation(request.user, period) if period else []
    labels = reconciliation.item_labels()
    return render(
        request,
        "registry/reconciliation.html",
        {
            "periods": choices,
            "period": period,
            "rows": rows,
            "items": [(key, labels[key]) for key, *_rest in reconciliation.ITEMS],
            "total_cells": list(reconciliation.totals(rows).values()),
            "register": reconciliation.register_figures(period)
            if period and request.user.role != request.user.Role.INSTITUTION
            else [],
            "threshold": reconciliation.threshold(),
            "may_flag": reconciliation.may_flag(request.user),
        },
    )


@login_required
@require_POST
def reconciliation_flag_view(request):
    if not reconciliation.may_flag(request.user):
        raise Http404
    _choices, period = _period(request)
    count = reconciliation.reconciliation_flag(actor=request.user, period=period) if period else 0
    messages.success(
        request, f"已向领导小组办公室提示 {count} 项差异较大的数据" if count else "没有差异较大的数据"
    )
    return redirect(reverse("reconciliation") + (f"?period={period.code}" if period else ""))
