from django.urls import path

from puhui.insurance import views

app_name = "insurance"

urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("coverage.xlsx", views.coverage_export, name="coverage_export"),
    path("products/", views.products, name="products"),
    path("products/new/", views.product_add, name="product_add"),
    path("products/<id:pk>/", views.product_detail, name="product_detail"),
    path("products/<id:pk>/edit/", views.product_edit, name="product_edit"),
    path("reports/", views.reports, name="reports"),
    path("reports/new/", views.report_add, name="report_add"),
    path("reports/upload/", views.report_upload, name="report_upload"),
    path("reports/template.xlsx", views.report_template, name="report_template"),
    path("public/", views.public, name="public"),
]
