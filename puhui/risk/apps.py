from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "puhui.risk"
    label = "risk"
    verbose_name = "金融风险监测"
