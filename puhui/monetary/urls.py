from django.urls import path

from puhui.monetary import views

app_name = "monetary"

urlpatterns = [
    path("", views.lines, name="lines"),
    path("lines/new/", views.line_create, name="line_create"),
    path("lines/export.xlsx", views.ledger_export, name="ledger_export"),
    path("lines/<id:pk>/", views.line, name="line"),
    path("lines/<id:pk>/edit/", views.line_edit, name="line_edit"),
    path("lines/<id:pk>/draws/", views.draw_add, name="draw_add"),
    path("lines/<id:pk>/repayments/", views.repayment_add, name="repayment_add"),
    path("lines/<id:pk>/financed/", views.financed_add, name="financed_add"),
    path("lines/<id:pk>/financed/rematch/", views.financed_rematch, name="financed_rematch"),
    path("draws/<id:pk>/delete/", views.draw_delete, name="draw_delete"),
    path("repayments/<id:pk>/delete/", views.repayment_delete, name="repayment_delete"),
    path("financed/<id:pk>/delete/", views.financed_delete, name="financed_delete"),
    path("lpr/", views.lpr, name="lpr"),
    path("lpr/save/", views.lpr_save, name="lpr_save"),
    path("rates/", views.rates, name="rates"),
    path("rates/export.xlsx", views.rates_export, name="rates_export"),
    path("rates/refresh/", views.rates_refresh, name="rates_refresh"),
]
