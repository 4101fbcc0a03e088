from django.apps import AppConfig


class FirmsConfig(AppConfig):
    name = "puhui.firms"
    label = "firms"
    verbose_name = "小微企业信用服务"
