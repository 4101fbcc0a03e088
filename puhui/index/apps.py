from django.apps import AppConfig


class IndexConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "puhui.index"
    verbose_name = "普惠金融指数"
