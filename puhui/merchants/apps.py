from django.apps import AppConfig


class MerchantsConfig(AppConfig):
    name = "puhui.merchants"
    label = "merchants"
    verbose_name = "惠农商圈"
