from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "puhui.plan"
    verbose_name = "实施方案与督办"
