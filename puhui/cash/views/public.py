"""The public pages, no sign-in, for a phone: book a cash service at a point, then follow the booking by its
code and the phone's last 4 digits. Booking and following are rate-limited per client address
(`PUHUI_RATE_CASH_BOOKING`, `PUHUI_RATE_CASH_TRACK`). A verified code opens the booking for this browser session
only: its id lives in the session, never in a URL."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from puhui.cash import forms
from puhui.cash.models import Booking
from puhui.cash.rules import hours_map, hours_text
from puhui.cash.services import bookings as services
from puhui.core import ratelimit
from puhui.core.service_errors import form_add_service_error

SESSION_KEY = "cash_booking_followed"


@never_cache
def booking(request):
    initial = {}
    if request.GET.get("point", "").isdigit():  # from the finder: the point chosen there
        initial["point"] = int(request.GET["point"])
    form = forms.BookingForm(request.POST or None, initial=initial)
    if request.method == "POST":
        refused = ratelimit.public_limited(request, "cash-booking", "PUHUI_RATE_CASH_BOOKING", "提交预约")
        if refused:
            return refused
        if form.is_valid():
            try:
                made, code = services.booking_create(**form.cleaned_data)
            except ValidationError as e:
                form_add_service_error(form, e)
            else:
                request.session[SESSION_KEY] = made.pk
                # The code is shown once, on this answer to the POST; it is stored only as a hash.
                ctx = {"booking": made, "code": services.format_code(code)}
                return render(request, "cash/public_booked.html", ctx)
    status = 400 if request.method == "POST" else 200
    return render(request, "cash/public_booking.html", {"form": form}, status=status)


@never_cache
def booking_track(request):
    form = forms.TrackForm(request.POST or None)
    if request.method == "POST":
        refused = ratelimit.public_limited(request, "cash-track", "PUHUI_RATE_CASH_TRACK", "查询预约")
        if refused:
            return refused
        if form.is_valid():
            found = services.find_by_code(form.cleaned_data["code"], form.cleaned_data["digits"])
            if found is None:
                raise Http404  # a forged or mistyped code: nothing is said about what exists
            request.session[SESSION_KEY] = found.pk
            return redirect("cash:booking_track_view")
    status = 400 if request.method == "POST" else 200
    return render(request, "cash/public_track.html", {"form": form}, status=status)


@never_cache
def booking_track_view(request):
    pk = request.session.get(SESSION_KEY)
    found = Booking.objects.select_related("point", "point__bank").filter(pk=pk).first() if pk else None
    if found is None:
        raise Http404
    ctx = {"booking": found, "hours": hours_text(hours_map(found.point))}
    return render(request, "cash/public_track_view.html", ctx)
