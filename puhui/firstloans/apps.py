from django.apps import AppConfig


class FirstloansConfig(AppConfig):
    name = "puhui.firstloans"
    label = "firstloans"
    verbose_name = "首贷培植和续贷"
