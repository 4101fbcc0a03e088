from django.urls import path

from puhui.jobs import views

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("start/<slug:name>/", views.job_start, name="job_start"),
    path("<id:pk>/", views.job_detail, name="job_detail"),
    path("<id:pk>/status/", views.job_status, name="job_status"),
]
