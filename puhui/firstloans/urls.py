from django.urls import path

from puhui.firstloans import views

app_name = "firstloans"

urlpatterns = [
    path("", views.listed, name="list"),
    path("firms/<id:pk>/", views.firm, name="firm"),
    path("firms/<id:pk>/contact/", views.contact_add, name="contact_add"),
    path("firms/<id:pk>/outcome/", views.outcome_edit, name="outcome_edit"),
    path("contacts/", views.contacts, name="contacts"),
    path("first/", views.first_check, name="first_check"),
    path("first/disagreements/", views.disagreements, name="disagreements"),
    path("renewals/", views.renewal_check, name="renewal_check"),
    path("renewals/loans/", views.renewals, name="renewals"),
    path("runs/", views.runs, name="runs"),
    path("runs/start/", views.run_start, name="run_start"),
]
