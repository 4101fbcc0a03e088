"""The platform's URLs plus the example app's two pages."""

from django.http import HttpResponse
from django.urls import path

from puhui.urls import urlpatterns as platform


def page(request):
    return HttpResponse("示例")


urlpatterns = [
    *platform,
    path("plugin-app/", page, name="plugin_app_page"),
    path("plugin-app/inbox/", page, name="plugin_app_inbox"),
]
