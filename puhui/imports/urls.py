from django.urls import path

from puhui.imports import views

urlpatterns = [
    path("", views.upload, name="import_upload"),
    path("templates/<str:kind>.<str:fmt>", views.template_download, name="import_template"),
    path("runs/<id:pk>/", views.run_detail, name="import_run"),
]
