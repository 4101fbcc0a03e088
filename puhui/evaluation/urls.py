from django.urls import path

from puhui.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.reports, name="reports"),
    path("new/", views.report_generate, name="report_generate"),
    path("<id:pk>/", views.report_detail, name="report_detail"),
    path("<id:pk>/publish/", views.report_publish, name="report_publish"),
    path("<id:pk>/word/", views.report_docx, name="report_docx"),
    path("<id:pk>/excel/", views.report_xlsx, name="report_xlsx"),
]
