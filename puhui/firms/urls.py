from django.urls import path

from puhui.firms import views

app_name = "firms"
urlpatterns = [
    path("", views.firm_list, name="list"),
    path("<id:pk>/", views.profile, name="profile"),
    path("sources/", views.source_list, name="sources"),
    path("sources/<slug:code>/partial/", views.source_partial, name="source_partial"),
    path("sources/<slug:code>/template/", views.source_template, name="template"),
    path("uploads/", views.upload_list, name="uploads"),
    path("uploads/new/", views.upload_add, name="upload"),
    path("uploads/<id:pk>/", views.upload_detail, name="upload_detail"),
    path("scorecards/", views.scorecard_list, name="scorecards"),
    path("scorecards/<id:pk>/", views.scorecard_detail, name="scorecard"),
    path("scorecards/<id:pk>/promote/", views.scorecard_promote, name="scorecard_promote"),
    path("scorecards/retire/", views.scorecard_retire, name="scorecard_retire"),
    path("mine/", views.mine, name="mine"),
    path("mine/grant/", views.grant, name="grant"),
    path("mine/<id:pk>/revoke/", views.revoke, name="revoke"),
]
