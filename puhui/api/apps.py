from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "puhui.api"
    verbose_name = "接口"
