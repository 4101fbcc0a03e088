from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "puhui.imports"
    verbose_name = "数据导入"
