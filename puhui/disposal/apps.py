from django.apps import AppConfig


class DisposalConfig(AppConfig):
    name = "puhui.disposal"
    label = "disposal"
    verbose_name = "金融风险处置"
