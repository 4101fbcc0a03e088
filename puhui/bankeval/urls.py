from django.urls import path

from . import views

app_name = "bankeval"

urlpatterns = [
    path("", views.home, name="home"),
    path("set/", views.indicator_set, name="set"),
    path("set/add/", views.set_add, name="set_add"),
    path("qualitative/", views.qualitative, name="qualitative"),
    path("qualitative/<year:year>/<id:bank>/<slug:item>/", views.qualitative_edit, name="qualitative_edit"),
    path("evidence/<id:pk>/", views.evidence, name="evidence"),
    path("runs/start/", views.run_start, name="run_start"),
    path("runs/<id:pk>/", views.run, name="run"),
    path("runs/<id:pk>/publish/", views.run_publish, name="run_publish"),
    path("runs/<id:pk>/bulletin/", views.bulletin, name="bulletin"),
    path("results/<id:pk>/", views.result, name="result"),
]
