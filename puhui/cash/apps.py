from django.apps import AppConfig


class CashConfig(AppConfig):
    name = "puhui.cash"
    label = "cash"
    verbose_name = "现金服务"
