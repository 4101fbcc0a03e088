from django.urls import path

from puhui.merchants import views

app_name = "merchants"

urlpatterns = [
    path("", views.merchant_list, name="list"),
    path("new/", views.merchant_add, name="merchant_add"),
    path("<id:pk>/", views.merchant_detail, name="merchant_detail"),
    path("<id:pk>/edit/", views.merchant_edit, name="merchant_edit"),
    path("<id:pk>/figures/", views.figure_add, name="figure_add"),
    path("figures/<id:pk>/edit/", views.figure_edit, name="figure_edit"),
    path("figures/upload/", views.figures_upload_page, name="figures_upload"),
    path("figures/template.xlsx", views.figures_template, name="figures_template"),
    path("coverage/", views.coverage, name="coverage"),
]
