from django.urls import path

from puhui.stations import views

app_name = "stations"

urlpatterns = [
    path("", views.targets, name="targets"),
    path("billpay/", views.billpay, name="billpay"),
    path("offers/", views.offer_list, name="offers"),
    path("offers/<id:pk>/edit/", views.offer_edit, name="offer_edit"),
    path("monthly/", views.monthly_list, name="monthly"),
    path("monthly/new/", views.monthly_add, name="monthly_add"),
    path("monthly/upload/", views.monthly_upload, name="monthly_upload"),
    path("monthly/template/", views.monthly_template, name="monthly_template"),
    path("inspections/", views.inspection_list, name="inspections"),
    path("inspections/new/", views.inspection_add, name="inspection_add"),
    path("inspections/<id:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<id:pk>/rectify/", views.inspection_rectify, name="inspection_rectify"),
    path("photos/<id:pk>/", views.photo, name="photo"),
    path("agents/", views.agent_list, name="agents"),
    path("agents/new/", views.agent_add, name="agent_add"),
    path("agents/<id:pk>/end/", views.agent_end, name="agent_end"),
    path("scenes/", views.scene_list, name="scenes"),
    path("scenes/new/", views.scene_add, name="scene_add"),
]
