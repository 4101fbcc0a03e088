from django.apps import AppConfig


class FinancingConfig(AppConfig):
    name = "puhui.financing"
    label = "financing"
    verbose_name = "融资对接"
