from django.urls import path

from puhui.cash.views import public, staff

app_name = "cash"

urlpatterns = [
    path("points/", staff.points, name="points"),
    path("points/new/", staff.point_add, name="point_add"),
    path("points/<id:pk>/", staff.point_detail, name="point_detail"),
    path("points/<id:pk>/edit/", staff.point_edit, name="point_edit"),
    path("warnings/", staff.warnings, name="warnings"),
    path("warnings/new/", staff.warning_add, name="warning_add"),
    path("warnings/<id:pk>/", staff.warning_detail, name="warning_detail"),
    path("warnings/<id:pk>/acknowledge/", staff.warning_acknowledge, name="warning_acknowledge"),
    path("recipients/", staff.recipients, name="recipients"),
    path("bookings/", staff.bookings, name="bookings"),
    path("bookings/<id:pk>/", staff.booking_detail, name="booking_detail"),
    path("bookings/<id:pk>/confirm/", staff.booking_confirm, name="booking_confirm"),
    path("bookings/<id:pk>/refuse/", staff.booking_refuse, name="booking_refuse"),
    # ---- public, no sign-in
    path("book/", public.booking, name="booking"),
    path("book/track/", public.booking_track, name="booking_track"),
    path("book/track/view/", public.booking_track_view, name="booking_track_view"),
]
