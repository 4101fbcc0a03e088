from django.apps import AppConfig


class LocalfinConfig(AppConfig):
    name = "puhui.localfin"
    label = "localfin"
    verbose_name = "地方金融"
