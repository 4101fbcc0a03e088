from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "puhui.registry"
    verbose_name = "主体名录"
