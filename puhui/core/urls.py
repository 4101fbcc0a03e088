from django.contrib.auth import views as auth_views
from django.urls import path

from puhui.core import password_sheet_views, views
from puhui.core.ratelimit import login_limited

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(
        "login/",
        login_limited(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("healthz", views.healthz, name="healthz"),
    path("map/county.json", views.county_map, name="county_map"),
    path("divisions/", views.division_list, name="division_list"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<id:pk>/", views.organisation_detail, name="organisation_detail"),
    path("service-points/", views.servicepoint_list, name="servicepoint_list"),
    path("audit/", views.audit_list, name="audit_list"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<id:pk>/", views.user_edit, name="user_edit"),
    path("users/<id:pk>/reset-password/", views.user_reset_password, name="user_reset_password"),
    path("users/<id:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("users/passwords/", password_sheet_views.user_password_sheets, name="user_password_sheets"),
    path(
        "users/passwords/<str:token>/",
        password_sheet_views.user_password_sheet_download,
        name="user_password_sheet_download",
    ),
]
