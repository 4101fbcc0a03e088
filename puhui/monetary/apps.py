from django.apps import AppConfig


class MonetaryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "puhui.monetary"
    verbose_name = "货币政策工具"
