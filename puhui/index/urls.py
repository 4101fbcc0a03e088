from django.urls import path

from puhui.index import views

app_name = "index"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("towns/<str:code>/", views.town, name="town"),
    path("indicators/<str:code>/", views.indicator, name="indicator"),
    path("methodology/", views.methodology, name="methodology"),
    path("runs/<id:pk>/export.xlsx", views.export, name="export"),
    path("runs/<id:pk>/compare/", views.compare, name="compare"),
    path("runs/<id:pk>/publish/", views.publish, name="publish"),
    path("rebuild/", views.rebuild, name="rebuild"),
]
