from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "puhui.protection"
    label = "protection"
    verbose_name = "金融消费者保护"
