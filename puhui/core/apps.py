from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "puhui.core"
    verbose_name = "基础"

    def ready(self):
        from django.db.models.signals import post_migrate
        from django.urls import register_converter
        from django.urls.converters import get_converters

        # Login/logout audit; the system checks of the key and of every app's plugin.py.
        from puhui.core import keycheck, plugins, signals  # noqa: F401
        from puhui.core.converters import RowId, Year

        # Every app's row ids are <id:pk> and years <year:y>: registered before any URL module is imported.
        if "id" not in get_converters():  # ready() may run again when a test re-populates the apps
            register_converter(RowId, "id")
            register_converter(Year, "year")

        post_migrate.connect(keycheck.record_after_migrate, sender=self, dispatch_uid="puhui-key-check")
