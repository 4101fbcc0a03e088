from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "puhui.demo"
    verbose_name = "演示县"
