from django.apps import AppConfig


class BankevalConfig(AppConfig):
    name = "puhui.bankeval"
    label = "bankeval"
    verbose_name = "金融机构普惠金融综合评价"
