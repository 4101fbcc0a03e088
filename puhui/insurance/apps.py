from django.apps import AppConfig


class InsuranceConfig(AppConfig):
    name = "puhui.insurance"
    label = "insurance"
    verbose_name = "普惠保险"
