from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "puhui.credit"
    label = "credit"
    verbose_name = "农村信用体系"
