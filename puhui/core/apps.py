from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "puhui.core"
    verbose_name = "基础"

    def ready(self):
        from puhui.core import signals  # noqa: F401  login/logout audit
