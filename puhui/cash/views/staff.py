"""The staff pages of cash services. Thin: access first (404 for those who may not see), then selectors; writes
through services, whose refusals are shown on the form that was sent."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from puhui.cash import access, forms
from puhui.cash.lists import BOOKINGS, POINTS, RECIPIENTS, WARNINGS
from puhui.cash.rules import hours_map, hours_text
from puhui.cash.selectors import reads
from puhui.cash.services import bookings as booking_services
from puhui.cash.services import points as point_services
from puhui.cash.services import warnings as warning_services
from puhui.core import lists
from puhui.core.service_errors import run_on_form

# ---------------------------------------------------------------- cash points


@login_required
def points(request):
    if not access.may_see_points(request.user):
        raise Http404
    ctx = {"may_add": access.may_add_point(request.user)}
    return lists.list_response(request, POINTS, "cash/points.html", ctx)


def _point_form(request, point=None):
    initial = forms.point_initial(point) if point else None
    form = forms.PointForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if point is None:
            done = run_on_form(form, lambda: point_services.point_create(actor=request.user, **data))
        else:
            done = run_on_form(
                form, lambda: point_services.point_update(actor=request.user, point=point, **data)
            )
        if done is not None:
            messages.success(request, f"已保存现金服务点：{done.name}。")
            return redirect("cash:point_detail", done.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "cash/point_form.html", {"form": form, "point": point}, status=status)


@login_required
def point_add(request):
    if not access.may_add_point(request.user):
        raise Http404
    return _point_form(request)


@login_required
def point_edit(request, pk):
    return _point_form(request, access.access_point_for_edit(request.user, pk))


@login_required
def point_detail(request, pk):
    point = access.access_point_by_id(request.user, pk)
    ctx = {
        "point": point,
        "hours": hours_text(hours_map(point)),
        "may_edit": access.may_edit_point(request.user, point),
    }
    return render(request, "cash/point_detail.html", ctx)


# ---------------------------------------------------------------- counterfeit warnings


@login_required
def warnings(request):
    if not access.may_see_warnings(request.user):
        raise Http404
    ctx = {"may_issue": access.may_issue_warning(request.user)}
    return lists.list_response(request, WARNINGS, "cash/warnings.html", ctx)


@login_required
def warning_add(request):
    if not access.may_issue_warning(request.user):
        raise Http404
    form = forms.WarningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        warning = run_on_form(
            form, lambda: warning_services.warning_issue(actor=request.user, **form.cleaned_data)
        )
        if warning is not None:
            messages.success(request, f"已发布假币预警，发送 {warning.recipient_count:,} 个网点和服务点。")
            return redirect("cash:warning_detail", warning.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "cash/warning_form.html", {"form": form}, status=status)


def _warning_page(request, warning, form=None, status=200):
    user = request.user
    may_ack = access.may_acknowledge(user)
    ctx = {
        "warning": warning,
        "figures": reads.warning_figures(user, warning),
        "units": reads.my_units(user, warning) if may_ack else [],
        "may_ack": may_ack,
        "form": form,
    }
    return render(request, "cash/warning_detail.html", ctx, status=status)


@login_required
def warning_detail(request, pk):
    return _warning_page(request, access.access_warning_by_id(request.user, pk))


@login_required
@require_POST
def warning_acknowledge(request, pk):
    warning = access.access_warning_by_id(request.user, pk)
    if not access.may_acknowledge(request.user):
        raise Http404
    form = forms.AcknowledgeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = run_on_form(
            form,
            lambda: warning_services.warning_acknowledge(
                actor=request.user, warning=warning, outlets=data["outlet"],
                service_points=data["service_point"], everything=data["everything"],
            ),
        )  # fmt: skip
        if done is not None:
            messages.success(request, f"已确认收到预警：{done} 个单位。")
            return redirect("cash:warning_detail", warning.pk)
    return _warning_page(request, warning, form=form, status=400)


@login_required
def recipients(request):
    if not access.may_see_warnings(request.user):
        raise Http404
    return lists.list_response(request, RECIPIENTS, "cash/recipients.html")


# ---------------------------------------------------------------- bookings


@login_required
def bookings(request):
    if not access.may_see_bookings(request.user):
        raise Http404
    return lists.list_response(request, BOOKINGS, "cash/bookings.html")


def _booking_page(request, booking, status=200, **given):
    may_handle = access.may_handle_booking(request.user, booking) and booking.status == "pending"
    initial = {"day": booking.day, "time": booking.time}
    ctx = {
        "booking": booking,
        "hours": hours_text(hours_map(booking.point)),
        "may_handle": may_handle,
        "confirm_form": given.get("confirm_form") or forms.ConfirmForm(initial=initial),
        "refuse_form": given.get("refuse_form") or forms.RefuseForm(),
    }
    return render(request, "cash/booking_detail.html", ctx, status=status)


@login_required
def booking_detail(request, pk):
    return _booking_page(request, access.access_booking_by_id(request.user, pk))


@login_required
@require_POST
def booking_confirm(request, pk):
    booking = access.access_booking_for_handling(request.user, pk)
    form = forms.ConfirmForm(request.POST)
    if form.is_valid():
        done = run_on_form(
            form,
            lambda: booking_services.booking_confirm(
                actor=request.user, booking=booking, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, "已确认预约时间。")
            return redirect("cash:booking_detail", booking.pk)
    booking.refresh_from_db()
    return _booking_page(request, booking, status=400, confirm_form=form)


@login_required
@require_POST
def booking_refuse(request, pk):
    booking = access.access_booking_for_handling(request.user, pk)
    form = forms.RefuseForm(request.POST)
    if form.is_valid():
        done = run_on_form(
            form,
            lambda: booking_services.booking_refuse(actor=request.user, booking=booking, **form.cleaned_data),
        )
        if done is not None:
            messages.success(request, "已拒绝该预约。")
            return redirect("cash:booking_detail", booking.pk)
    booking.refresh_from_db()
    return _booking_page(request, booking, status=400, refuse_form=form)
