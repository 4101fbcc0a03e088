from django.urls import path

from puhui.outreach import views

app_name = "outreach"

urlpatterns = [
    path("", views.targets, name="targets"),
    # ---- 流动银行“三进” events
    path("events/", views.events, name="events"),
    path("events/new/", views.event_add, name="event_add"),
    path("events/<id:pk>/", views.event_detail, name="event_detail"),
    path("events/<id:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<id:pk>/review/", views.event_review, name="event_review"),
    path("photos/<id:pk>/", views.photo, name="photo"),
    # ---- publicity
    path("publicity/", views.publicity, name="publicity"),
    path("publicity/new/", views.publicity_add, name="publicity_add"),
    path("publicity/<id:pk>/", views.publicity_detail, name="publicity_detail"),
    path("publicity/<id:pk>/edit/", views.publicity_edit, name="publicity_edit"),
    path("publicity/<id:pk>/review/", views.publicity_review, name="publicity_review"),
    # ---- school bases
    path("schools/", views.schools, name="schools"),
    path("schools/new/", views.school_add, name="school_add"),
    path("schools/<id:pk>/", views.school_detail, name="school_detail"),
    path("schools/<id:pk>/edit/", views.school_edit, name="school_edit"),
    path("schools/<id:pk>/review/", views.school_review, name="school_review"),
]
