from django.urls import path

from puhui.api import views

urlpatterns = [
    path("", views.token_list, name="token_list"),
    path("new/", views.token_create, name="token_create"),
    path("<id:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
