from django.apps import AppConfig


class StationsConfig(AppConfig):
    name = "puhui.stations"
    label = "stations"
    verbose_name = "普惠金融服务站与便民支付"
