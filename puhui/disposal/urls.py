from django.urls import path

from puhui.disposal import views

app_name = "disposal"

urlpatterns = [
    # ---- the disposal register
    path("", views.cases, name="cases"),
    path("cases/new/", views.case_add, name="case_add"),
    path("cases/<id:pk>/", views.case_detail, name="case_detail"),
    path("cases/<id:pk>/steps/", views.step_add, name="step_add"),
    path("cases/<id:pk>/close/", views.case_close, name="case_close"),
    path("steps/<id:pk>/report/", views.step_report, name="step_report"),
    # ---- the dishonest-debtor list
    path("listings/", views.listings, name="listings"),
    path("listings/new/", views.listing_propose, name="listing_propose"),
    path("listings/<id:pk>/", views.listing_detail, name="listing_detail"),
    path("listings/<id:pk>/notice/", views.listing_notify, name="listing_notify"),
    path("listings/<id:pk>/objection/", views.listing_object, name="listing_object"),
    path("listings/<id:pk>/decision/", views.listing_decide, name="listing_decide"),
    path("listings/<id:pk>/settlement/", views.listing_settle, name="listing_settle"),
    path("listings/<id:pk>/removal/", views.listing_remove, name="listing_remove"),
]
