from django.apps import AppConfig


class DataConfig(AppConfig):
    name = "puhui.data"
    label = "data"
    verbose_name = "数据报送与目标监测"
