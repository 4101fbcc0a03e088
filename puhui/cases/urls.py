from django.urls import path

from puhui.cases import views

app_name = "cases"

urlpatterns = [
    # ---- typical cases and experience write-ups
    path("", views.cases, name="cases"),
    path("new/", views.case_add, name="case_add"),
    path("<id:pk>/", views.case_detail, name="case_detail"),
    path("<id:pk>/edit/", views.case_edit, name="case_edit"),
    path("<id:pk>/review/", views.case_review, name="case_review"),
    path("<id:pk>/select/", views.case_select, name="case_select"),
    path("files/<id:pk>/", views.case_file, name="case_file"),
    # ---- the zone's publicity
    path("publicity/", views.publicity, name="publicity"),
    path("publicity/new/", views.publicity_add, name="publicity_add"),
    path("publicity/<id:pk>/", views.publicity_detail, name="publicity_detail"),
    path("publicity/<id:pk>/edit/", views.publicity_edit, name="publicity_edit"),
    path("publicity/<id:pk>/review/", views.publicity_review, name="publicity_review"),
    path("publicity/files/<id:pk>/", views.publicity_file, name="publicity_file"),
    # ---- what the periodic evaluation report takes
    path("summary/", views.summary, name="summary"),
]
