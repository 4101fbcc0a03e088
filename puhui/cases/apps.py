from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "puhui.cases"
    label = "cases"
    verbose_name = "典型案例和宣传"
