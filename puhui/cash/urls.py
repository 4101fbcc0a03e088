from django.urls import path  # noqa: F401

app_name = "cash"

urlpatterns = []
